#include "core/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

namespace lingxi {
namespace {

EnvLookup MapEnv(std::map<std::string, std::string> m) {
  return [m](const std::string& k) -> std::optional<std::string> {
    auto it = m.find(k);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

std::string WriteTemp(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() /
              ("lingxi_cfg_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
               std::to_string(reinterpret_cast<uintptr_t>(&text)) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

TEST(Config, DefaultsAreSane) {
  Config c;
  ASSERT_TRUE(LoadConfig("", false, MapEnv({}), &c).ok());
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.body_limit, 64u * 1024);
  EXPECT_EQ(c.data_dir, "./var");
}

TEST(Config, EnvironmentOverridesFile) {
  auto path = WriteTemp("[server]\nhost = \"0.0.0.0\"\nport = 9000\n[store]\ndata_dir = \"/tmp/x\"\n");
  Config c;
  ASSERT_TRUE(LoadConfig(path, true, MapEnv({{"LINGXI_PORT", "9100"}}), &c).ok());
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 9100);
  EXPECT_EQ(c.data_dir, "/tmp/x");
  std::filesystem::remove(path);
}

TEST(Config, RejectsBadValuesWithTheKeyName) {
  Config c;
  Status s = LoadConfig("", false, MapEnv({{"LINGXI_PORT", "80x"}}), &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("LINGXI_PORT"), std::string::npos);

  auto path = WriteTemp("[server]\nport = \"eighty\"\n");
  Config d;
  s = LoadConfig(path, true, MapEnv({}), &d);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("server.port"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(Config, LlmSectionFileThenEnvironment) {
  Config c;
  ASSERT_TRUE(LoadConfig("", false, MapEnv({}), &c).ok());
  EXPECT_EQ(c.llm_base_url, "https://api.deepseek.com");
  EXPECT_EQ(c.llm_model, "deepseek-chat");
  EXPECT_FALSE(c.llm_enabled()) << "no key: the embedded engine alone";

  auto path = WriteTemp("[llm]\nbase_url = \"http://127.0.0.1:11434/v1\"\nmodel = \"qwen2.5\"\ntimeout = 30\n");
  Config d;
  ASSERT_TRUE(LoadConfig(path, true, MapEnv({{"LINGXI_LLM_API_KEY", "sk-test"}, {"LINGXI_LLM_TIMEOUT", "15"}}), &d).ok());
  EXPECT_EQ(d.llm_base_url, "http://127.0.0.1:11434/v1");
  EXPECT_EQ(d.llm_model, "qwen2.5");
  EXPECT_EQ(d.llm_timeout_seconds, 15);
  EXPECT_TRUE(d.llm_enabled());
  std::filesystem::remove(path);

  Config e;
  Status s = LoadConfig("", false, MapEnv({{"LINGXI_LLM_BASE_URL", "ftp://x"}}), &e);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("llm.base_url"), std::string::npos);
  Config f;
  s = LoadConfig("", false, MapEnv({{"LINGXI_LLM_TIMEOUT", "0"}}), &f);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("LINGXI_LLM_TIMEOUT"), std::string::npos);
}

TEST(Config, MissingRequiredFileIsAnError) {
  Config c;
  EXPECT_FALSE(LoadConfig("/nonexistent/lingxi.toml", true, MapEnv({}), &c).ok());
  EXPECT_TRUE(LoadConfig("/nonexistent/lingxi.toml", false, MapEnv({}), &c).ok());
}

TEST(Config, MalformedTomlIsAnError) {
  auto path = WriteTemp("[server\nport = 1\n");
  Config c;
  EXPECT_FALSE(LoadConfig(path, true, MapEnv({}), &c).ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace lingxi

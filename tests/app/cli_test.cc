// Runs the real `lingxi` binary as a subprocess: help, init, import, migrate, config errors.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/crypto.h"

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string out;  // stdout + stderr
};

Outcome Exec(const std::string& args, const std::string& env = "") {
  std::string cmd = env + " " + std::string(LINGXI_BIN) + " " + args + " 2>&1";
  Outcome r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(lingxi::InitCrypto().ok());
    dir_ = fs::temp_directory_path() / ("lingxi_cli_" + lingxi::RandomToken(6));
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Data() const { return " --data " + dir_.string(); }
  fs::path dir_;
};

TEST_F(Cli, EveryCommandHasHelp) {
  for (const char* sub : {"", "serve", "import", "import kb", "migrate", "init"}) {
    Outcome r = Exec(std::string(sub) + " --help");
    EXPECT_EQ(r.code, 0) << sub << ": " << r.out;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub;
  }
  Outcome none = Exec("");
  EXPECT_NE(none.code, 0);
}

TEST_F(Cli, MigrateCreatesTheSchema) {
  Outcome r = Exec("migrate" + Data());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("schema version 5"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir_ / "lingxi.db"));
}

TEST_F(Cli, InitThenImportCsvAndMarkdown) {
  Outcome init = Exec("init --account Shop --email Admin@Shop.test --password secret1" + Data());
  ASSERT_EQ(init.code, 0) << init.out;
  EXPECT_NE(init.out.find("widget token"), std::string::npos);
  Outcome csv = Exec("import kb " + std::string(LINGXI_SOURCE_DIR) + "/data/demo/kb-sample.csv" + Data());
  EXPECT_EQ(csv.code, 0) << csv.out;
  EXPECT_NE(csv.out.find("imported 5 articles"), std::string::npos) << csv.out;
  Outcome md = Exec("import kb " + std::string(LINGXI_SOURCE_DIR) + "/data/demo/kb" + Data());
  EXPECT_EQ(md.code, 0) << md.out;
  EXPECT_NE(md.out.find("imported 60 articles"), std::string::npos) << md.out;
}

TEST_F(Cli, ImportReportsBadInputClearly) {
  ASSERT_EQ(Exec("init --account Shop --email a@b.c --password secret1" + Data()).code, 0);
  Outcome missing = Exec("import kb /nonexistent/path" + Data());
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.out.find("not_found"), std::string::npos) << missing.out;
  fs::create_directories(dir_ / "bad");
  FILE* f = fopen((dir_ / "bad" / "x.md").c_str(), "w");
  fputs("---\ntitle: [unterminated\n---\nbody\n", f);
  fclose(f);
  Outcome bad = Exec("import kb " + (dir_ / "bad").string() + Data());
  EXPECT_NE(bad.code, 0) << bad.out;
  EXPECT_NE(bad.out.find("x.md"), std::string::npos) << "the error names the file: " << bad.out;
}

TEST_F(Cli, ImportWithoutAWorkspaceExplainsWhatToDo) {
  Outcome r = Exec("import kb " + std::string(LINGXI_SOURCE_DIR) + "/data/demo/kb-sample.csv" + Data());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("lingxi init"), std::string::npos) << r.out;
}

TEST_F(Cli, ConfigErrorsNameTheKey) {
  Outcome r = Exec("migrate" + Data(), "LINGXI_PORT=notaport");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("LINGXI_PORT"), std::string::npos) << r.out;
  Outcome missing = Exec("migrate --config /nonexistent.toml" + Data());
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.out.find("not found"), std::string::npos) << missing.out;
}

}  // namespace

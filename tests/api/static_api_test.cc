#include "api/static_api.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace lingxi::api {
namespace {

namespace fs = std::filesystem;

class StaticApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("lingxi-static-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "web/console");
    fs::create_directories(root_ / "web/assets");
    fs::create_directories(root_ / "web/demo");
    Write("web/console/index.html");
    Write("web/assets/app-1234.js");
    Write("web/widget.js");
    Write("web/demo/index.html");
    Write("web/.env");
    Write("secret.txt");  // outside the web dir
    fs::create_symlink(root_ / "secret.txt", root_ / "web/link.txt");
    options_.web_dir = (root_ / "web").string();
    options_.demo = true;
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel) { std::ofstream(root_ / rel) << "x"; }

  fs::path root_;
  StaticOptions options_;
};

TEST_F(StaticApiTest, MapsConsoleRoutesToTheApp) {
  auto t = ResolveStatic(options_, "/console/inbox/3");
  ASSERT_TRUE(t);
  EXPECT_EQ(fs::path(t->file).filename(), "index.html");
  EXPECT_EQ(t->cache_control, "no-cache");
  EXPECT_EQ(t->content_type, "text/html; charset=utf-8");
}

TEST_F(StaticApiTest, HashedAssetsAreImmutable) {
  auto t = ResolveStatic(options_, "/assets/app-1234.js");
  ASSERT_TRUE(t);
  EXPECT_NE(t->cache_control.find("immutable"), std::string::npos);
  EXPECT_EQ(t->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(ResolveStatic(options_, "/widget.js")->cache_control, "public, max-age=300");
}

TEST_F(StaticApiTest, RejectsTraversalHiddenFilesAndEscapingSymlinks) {
  for (const char* p : {"/../secret.txt", "/assets/../../secret.txt", "/./widget.js", "/.env", "/assets\\..\\x",
                        "/link.txt", "relative", "/missing.js", "/assets"}) {
    EXPECT_FALSE(ResolveStatic(options_, p)) << p;
  }
  EXPECT_FALSE(ResolveStatic(options_, std::string("/widget.js\0x", 12)));
}

TEST_F(StaticApiTest, DemoOnlyInDemoMode) {
  EXPECT_TRUE(ResolveStatic(options_, "/demo"));
  options_.demo = false;
  EXPECT_FALSE(ResolveStatic(options_, "/demo"));
}

}  // namespace
}  // namespace lingxi::api

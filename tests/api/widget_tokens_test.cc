#include "api/widget_tokens.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>

#include "core/crypto.h"

namespace lingxi::api {
namespace {

TEST(WidgetTokens, RoundTripsClaims) {
  ASSERT_TRUE(InitCrypto().ok());
  WidgetTokens t("k" + std::string(40, 'x'));
  std::string tok = t.Issue({7, 42, 9, 5000});
  auto c = t.Verify(tok, 1000);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->account_id, 7);
  EXPECT_EQ(c->conversation_id, 42);
  EXPECT_EQ(c->contact_id, 9);
}

TEST(WidgetTokens, RejectsForgedExpiredAndForeignTokens) {
  WidgetTokens t(std::string(40, 'a')), other(std::string(40, 'b'));
  std::string tok = t.Issue({1, 2, 3, 5000});
  EXPECT_EQ(t.Verify(tok, 6000).status().code(), StatusCode::kUnauthenticated);  // expired
  EXPECT_FALSE(other.Verify(tok, 1000).ok());                                     // other key
  std::string tampered = tok;
  tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(t.Verify(tampered, 1000).ok());
  // Re-signing different claims without the key is impossible; swapping the payload fails.
  std::string t2 = t.Issue({1, 99, 3, 5000});
  std::string spliced = t2.substr(0, t2.find('.')) + tok.substr(tok.find('.'));
  EXPECT_FALSE(t.Verify(spliced, 1000).ok());
  EXPECT_FALSE(t.Verify("", 1000).ok());
  EXPECT_FALSE(t.Verify("garbage", 1000).ok());
  EXPECT_FALSE(t.Verify(std::string(600, 'x'), 1000).ok());
}

TEST(WidgetTokens, SecretIsCreatedOnceWithPrivateMode) {
  ASSERT_TRUE(InitCrypto().ok());
  auto dir = std::filesystem::temp_directory_path() / ("lingxi_secret_" + RandomToken(6));
  std::filesystem::create_directories(dir);
  auto a = LoadOrCreateSecret(dir.string());
  auto b = LoadOrCreateSecret(dir.string());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  struct stat st {};
  ASSERT_EQ(::stat((dir / "secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lingxi::api

#include "core/crypto.h"

#include <gtest/gtest.h>

namespace lingxi {
namespace {

class CryptoTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

TEST_F(CryptoTest, PasswordHashVerifies) {
  auto h = HashPassword("demo");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword("demo", *h));
  EXPECT_FALSE(VerifyPassword("demo2", *h));
}

TEST_F(CryptoTest, TokensAreRandomAndUrlSafe) {
  auto a = RandomToken(), b = RandomToken();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a.find_first_of("+/="), std::string::npos);
}

TEST_F(CryptoTest, Base64RoundTripsAndRejectsGarbage) {
  std::string out;
  ASSERT_TRUE(Base64UrlDecode(Base64UrlEncode("hello\0world"), &out));
  EXPECT_TRUE(Base64UrlDecode(Base64UrlEncode(std::string("a\0b", 3)), &out));
  EXPECT_EQ(out, std::string("a\0b", 3));
  EXPECT_FALSE(Base64UrlDecode("***", &out));
}

TEST_F(CryptoTest, HmacDependsOnKeyAndData) {
  EXPECT_EQ(HmacSha256("k", "d"), HmacSha256("k", "d"));
  EXPECT_NE(HmacSha256("k", "d"), HmacSha256("k2", "d"));
  EXPECT_NE(HmacSha256("k", "d"), HmacSha256("k", "e"));
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// The RFC 4231-style known answer businesses reproduce with hmac.new(...).hexdigest().
TEST_F(CryptoTest, HmacHexMatchesTheStandardKnownAnswer) {
  EXPECT_EQ(HmacSha256Hex("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST_F(CryptoTest, RandomHexHasTheRequestedLengthAndDiffers) {
  const std::string a = RandomHex(32), b = RandomHex(32);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace lingxi

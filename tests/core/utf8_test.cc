#include "core/utf8.h"

#include <gtest/gtest.h>

namespace lingxi {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("hello"));
  EXPECT_TRUE(IsValidUtf8("我的快递显示已签收但没收到"));
  EXPECT_TRUE(IsValidUtf8("emoji \xF0\x9F\x98\x80"));
}

TEST(Utf8, RejectsMalformedText) {
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("ab\x80"));
  EXPECT_FALSE(IsValidUtf8("\xE6\x88"));          // truncated 3-byte at end
}

TEST(Utf8, CountsAndTruncatesByCodePoint) {
  EXPECT_EQ(Utf8Length("退货ab"), 4u);
  EXPECT_EQ(Utf8Prefix("退货ab", 3), "退货a");
  EXPECT_EQ(Utf8Prefix("ab", 10), "ab");
}

TEST(Utf8, TrimsAsciiAndIdeographicSpace) {
  EXPECT_EQ(TrimWhitespace("  hi \n"), "hi");
  EXPECT_EQ(TrimWhitespace("\xE3\x80\x80你好\xE3\x80\x80"), "你好");
  EXPECT_EQ(TrimWhitespace("   "), "");
}

TEST(Utf8, StripsControlCharacters) {
  EXPECT_EQ(StripControl(std::string("a\x01" "b\nc\x7f", 6)), "ab\nc");
}

}  // namespace
}  // namespace lingxi

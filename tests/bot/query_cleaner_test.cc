#include "bot/query_cleaner.h"

#include <gtest/gtest.h>

namespace lingxi::bot {
namespace {

TEST(QueryCleaner, RemovesChineseFillerAndLeadIns) {
  auto norm = nlu::Normalizer::Create();
  ASSERT_TRUE(norm.ok());
  EXPECT_EQ(CleanQuery(**norm, "请问一下退款多久到账呢？").find("请问"), std::string::npos);
  EXPECT_EQ(CleanQuery(**norm, "那退货呢"), "退货");
  EXPECT_EQ(CleanQuery(**norm, "What about refunds?").rfind("refunds", 0), 0u);
  EXPECT_EQ(CleanQuery(**norm, "請問"), "");
}

}  // namespace
}  // namespace lingxi::bot

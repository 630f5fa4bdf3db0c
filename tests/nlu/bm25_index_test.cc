#include "nlu/bm25_index.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "nlu/tokenizer.h"
#include "test_normalizer.h"

namespace lingxi::nlu {
namespace {

enum DocId : int64_t {
  kReturns = 1,
  kShipping = 2,
  kRefund = 3,
  kAddress = 4,
  kWarranty = 5,
  kPayment = 6,
  kEnRefund = 7
};

std::vector<IndexedDoc> Corpus() {
  return {
      {kReturns, {{"退货政策", 2.0}, {"商品签收后七天内可以无理由退货，请保持商品完好。", 1.0}}},
      {kShipping, {{"运费和配送时间", 2.0}, {"订单满99元包邮，一般三到五天送达。", 1.0}}},
      {kRefund, {{"退款多久到账", 2.0}, {"退款审核通过后，原路退回，一般1到3个工作日到账。", 1.0}}},
      {kAddress, {{"修改收货地址", 2.0}, {"订单发货前可以在订单详情页修改收货地址。", 1.0}}},
      {kWarranty, {{"保修服务", 2.0}, {"iPhone 15 享受一年官方保修，人为损坏不在保修范围。", 1.0}}},
      {kPayment, {{"Payment methods", 2.0}, {"We accept credit cards, PayPal and Alipay.", 1.0}}},
      {kEnRefund,
       {{"Refund policy", 2.0},
        {"Refunds are issued to the original payment method within 5 days.", 1.0}}},
      {8,
       {{"Shipping addresses", 2.0},
        {"You can change the delivery address before the order has shipped.", 1.0}}},
  };
}

class Bm25IndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto normalizer = testing::SharedNormalizer();
    ASSERT_NE(normalizer, nullptr);
    index_ = Bm25Index::Build(normalizer, Corpus());
  }
  int64_t Top(std::string_view query) const {
    std::vector<Hit> hits = index_->Search(query, 3);
    return hits.empty() ? -1 : hits[0].id;
  }
  std::shared_ptr<const Bm25Index> index_;
};

TEST_F(Bm25IndexTest, ReportsSize) { EXPECT_EQ(index_->size(), 8u); }

struct QueryCase {
  const char* query;
  int64_t expected_top;
};

class Bm25RankingTest : public Bm25IndexTest, public ::testing::WithParamInterface<QueryCase> {};

TEST_P(Bm25RankingTest, RightDocumentRanksFirst) {
  EXPECT_EQ(Top(GetParam().query), GetParam().expected_top) << GetParam().query;
}

INSTANTIATE_TEST_SUITE_P(
    Paraphrases, Bm25RankingTest,
    ::testing::Values(
        QueryCase{"我想退货怎么办", kReturns}, QueryCase{"签收以后还能退货吗", kReturns},
        QueryCase{"钱什么时候退回来", kRefund}, QueryCase{"退款几天能到账？", kRefund},
        QueryCase{"多少钱包邮，几天送到", kShipping}, QueryCase{"地址填错了想改一下", kAddress},
        QueryCase{"iphone坏了能保修吗", kWarranty},
        QueryCase{"退貨政策是什麼", kReturns},  // traditional query, simplified doc
        QueryCase{"修改收貨地址", kAddress}, QueryCase{"how do I get my refund", kEnRefund},
        QueryCase{"do you take paypal?", kPayment}, QueryCase{"change my shipping address", 8},
        QueryCase{"ＲＥＦＵＮＤＳ", kEnRefund}),
    [](const auto& info) { return "case" + std::to_string(info.index); });  // full-width + plural

TEST_F(Bm25IndexTest, PluralAndSingularMatch) {
  std::vector<Hit> singular = index_->Search("refund", 10);
  std::vector<Hit> plural = index_->Search("refunds", 10);
  ASSERT_FALSE(singular.empty());
  ASSERT_EQ(singular.size(), plural.size());
  EXPECT_EQ(singular[0].id, plural[0].id);
  EXPECT_DOUBLE_EQ(singular[0].score, plural[0].score);
  ASSERT_FALSE(index_->Search("policies", 1).empty());
  EXPECT_EQ(index_->Search("policies", 1)[0].id, kEnRefund);
}

TEST_F(Bm25IndexTest, CoverageIsOneWhenAllTermsMatchAndLowerOtherwise) {
  std::vector<Hit> full = index_->Search("退货政策", 1);
  ASSERT_EQ(full.size(), 1u);
  EXPECT_DOUBLE_EQ(full[0].coverage, 1.0);

  std::vector<Hit> partial = index_->Search("退货 火箭", 1);  // 火箭 is in no document
  ASSERT_EQ(partial.size(), 1u);
  EXPECT_EQ(partial[0].id, kReturns);
  EXPECT_GT(partial[0].coverage, 0.0);
  EXPECT_LT(partial[0].coverage, 0.7);

  for (const Hit& h : index_->Search("refund payment method days", 10)) {
    EXPECT_GE(h.coverage, 0.0);
    EXPECT_LE(h.coverage, 1.0);
  }
}

TEST_F(Bm25IndexTest, UnknownOrEmptyQueryReturnsNothing) {
  EXPECT_TRUE(index_->Search("zebra quantum 火箭", 5).empty());
  EXPECT_TRUE(index_->Search("", 5).empty());
  EXPECT_TRUE(index_->Search("the a is", 5).empty());
  EXPECT_TRUE(index_->Search("😀!!", 5).empty());
  EXPECT_TRUE(index_->Search("退货", 0).empty());
}

TEST_F(Bm25IndexTest, ResultsAreSortedAndLimitedToK) {
  std::vector<Hit> hits = index_->Search("订单 退款 address refund", 3);
  ASSERT_EQ(hits.size(), 3u);
  for (size_t i = 1; i < hits.size(); ++i) EXPECT_GE(hits[i - 1].score, hits[i].score);
}

TEST_F(Bm25IndexTest, FieldWeightsFavourTitleMatches) {
  auto normalizer = testing::SharedNormalizer();
  auto index = Bm25Index::Build(normalizer, {{1, {{"保修", 3.0}, {"其他内容", 1.0}}},
                                             {2, {{"其他内容", 3.0}, {"保修", 1.0}}}});
  std::vector<Hit> hits = index->Search("保修", 2);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, 1);
  EXPECT_GT(hits[0].score, hits[1].score);
}

TEST_F(Bm25IndexTest, SearchTermsWeightingChangesRanking) {
  auto terms = [](const char* current, double w_current, const char* previous, double w_previous) {
    std::vector<std::pair<std::string, double>> out;
    auto n = testing::SharedNormalizer();
    for (auto& t : Tokenize(n->Normalize(current))) out.emplace_back(t, w_current);
    for (auto& t : Tokenize(n->Normalize(previous))) out.emplace_back(t, w_previous);
    return out;
  };
  // Current turn about refund timing, previous topic returns: current turn wins at 1.0 vs 0.5 ...
  std::vector<Hit> current_first = index_->SearchTerms(terms("退款到账", 1.0, "退货政策", 0.3), 2);
  ASSERT_FALSE(current_first.empty());
  EXPECT_EQ(current_first[0].id, kRefund);
  // ... and the ranking flips when the previous topic dominates.
  std::vector<Hit> previous_first = index_->SearchTerms(terms("退款到账", 0.2, "退货政策", 1.0), 2);
  ASSERT_FALSE(previous_first.empty());
  EXPECT_EQ(previous_first[0].id, kReturns);

  // Weighted coverage: missing a heavy term costs more than missing a light one.
  std::vector<Hit> heavy_missing = index_->SearchTerms({{"退款", 1.0}, {"火箭", 1.0}}, 1);
  std::vector<Hit> light_missing = index_->SearchTerms({{"退款", 1.0}, {"火箭", 0.1}}, 1);
  ASSERT_EQ(heavy_missing.size(), 1u);
  ASSERT_EQ(light_missing.size(), 1u);
  EXPECT_LT(heavy_missing[0].coverage, light_missing[0].coverage);
  EXPECT_TRUE(index_->SearchTerms({{"退款", 0.0}, {"退款", -1.0}}, 3).empty());
}

TEST(Bm25Index, EmptyIndexReturnsNothing) {
  auto index = Bm25Index::Build(testing::SharedNormalizer(), {});
  EXPECT_EQ(index->size(), 0u);
  EXPECT_TRUE(index->Search("退货", 5).empty());
}

}  // namespace
}  // namespace lingxi::nlu

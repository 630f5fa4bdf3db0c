// IntentClassifier on a small bilingual data set made here, the out-of-scope threshold search,
// and model reload while other threads predict.
#include "nlu/intent_classifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <set>
#include <thread>

#include "nlu/intent_model_holder.h"
#include "test_normalizer.h"

namespace lingxi::nlu {
namespace {

std::vector<IntentExample> SmallSet() {
  return {
      {"I want a refund", "refund"},           {"how do I get my money back", "refund"},
      {"refund my order please", "refund"},    {"can I return this and get a refund", "refund"},
      {"我要退款", "refund"},                  {"怎么退钱", "refund"},
      {"申请退款", "refund"},                  {"退款多久到账", "refund"},
      {"where is my package", "shipping"},     {"when will my order arrive", "shipping"},
      {"track my shipment", "shipping"},       {"has my parcel shipped yet", "shipping"},
      {"我的快递到哪了", "shipping"},          {"什么时候发货", "shipping"},
      {"物流信息查询", "shipping"},            {"包裹几天能到", "shipping"},
      {"I forgot my password", "password"},    {"reset my password", "password"},
      {"cannot log in to my account", "password"}, {"change my login password", "password"},
      {"忘记密码了", "password"},              {"怎么重置密码", "password"},
      {"登录不了账号", "password"},            {"修改登录密码", "password"},
      {"what's the weather tomorrow", "oos"},  {"tell me a joke", "oos"},
      {"今天天气怎么样", "oos"},              {"给我讲个笑话", "oos"},
  };
}

IntentTrainOptions SmallOptions() {
  IntentTrainOptions o;
  o.holdout_fraction = 0;  // too few examples to hold any out
  o.model.epochs = 30;
  o.threads = 1;
  return o;
}

TEST(IntentClassifier, ClassifiesUnseenChineseAndEnglishParaphrases) {
  auto model = IntentClassifier::Train(testing::SharedNormalizer(), SmallSet(), {}, SmallOptions());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"please refund me", "refund"},         {"退款申请怎么弄", "refund"},
      {"where's my order", "shipping"},       {"快递什么时候到", "shipping"},
      {"I can't remember my password", "password"}, {"密码忘了怎么办", "password"},
      {"退貨退款", "refund"},  // traditional characters are normalised first
  };
  for (const auto& [text, label] : cases) {
    IntentPrediction p = (*model)->Predict(text, 3);
    EXPECT_EQ(p.label, label) << text;
    EXPECT_FALSE(p.out_of_scope) << text;
    ASSERT_EQ(p.top.size(), 3u);
    EXPECT_GE(p.top[0].confidence, p.top[1].confidence);
    EXPECT_GT(p.confidence, 0.0f);
    EXPECT_LE(p.confidence, 1.0f);
    for (const IntentScore& s : p.top) EXPECT_NE(s.label, "oos");
  }
}

TEST(IntentClassifier, ExplicitOosClassRejects) {
  auto model = IntentClassifier::Train(testing::SharedNormalizer(), SmallSet(), {}, SmallOptions());
  ASSERT_TRUE(model.ok());
  IntentPrediction p = (*model)->Predict("明天天气怎么样");
  EXPECT_TRUE(p.out_of_scope);
  EXPECT_EQ(p.label, "oos");
}

TEST(IntentClassifier, ValidationSetTunesThresholdAndEmptyInputIsSafe) {
  std::vector<IntentExample> valid = {{"refund please", "refund"},      {"我要退钱", "refund"},
                                      {"where is my parcel", "shipping"}, {"发货了吗", "shipping"},
                                      {"password reset", "password"},     {"重置密码", "password"},
                                      {"play some music", "oos"},         {"订一张机票", "oos"}};
  auto model = IntentClassifier::Train(testing::SharedNormalizer(), SmallSet(), valid, SmallOptions());
  ASSERT_TRUE(model.ok());
  EXPECT_GT((*model)->temperature(), 0.0f);
  EXPECT_GE((*model)->oos_threshold(), 0.0f);
  EXPECT_LT((*model)->oos_threshold(), 1.0f);
  for (std::string_view text : {std::string_view(""), std::string_view("\xff\xfe"), std::string_view("🙂🙂")}) {
    IntentPrediction p = (*model)->Predict(text);
    EXPECT_FALSE(p.label.empty());
  }
}

TEST(IntentClassifier, RejectsTrainingWithASingleClass) {
  auto one = IntentClassifier::Train(testing::SharedNormalizer(), {{"hi", "greet"}, {"hello", "greet"}}, {},
                                     SmallOptions());
  EXPECT_EQ(one.status().code(), StatusCode::kInvalidArgument);
  auto only_oos = IntentClassifier::Train(testing::SharedNormalizer(), {{"hi", "oos"}, {"bye", "oos"}}, {},
                                          SmallOptions());
  EXPECT_EQ(only_oos.status().code(), StatusCode::kInvalidArgument);
}

// One intent is told apart from out-of-scope examples (an account with a single playbook).
TEST(IntentClassifier, OneIntentAgainstOutOfScopeExamples) {
  std::vector<IntentExample> train = {
      {"is this item in stock", "stock"}, {"do you have it in stock", "stock"}, {"check the stock level", "stock"},
      {"这个还有货吗", "stock"},          {"查一下库存", "stock"},              {"有没有库存", "stock"},
      {"how do I get a refund", "oos"},   {"where is my parcel", "oos"},        {"reset my password", "oos"},
      {"退款多久到账", "oos"},            {"怎么开发票", "oos"},                {"修改收货地址", "oos"}};
  auto model = IntentClassifier::Train(testing::SharedNormalizer(), train, {}, SmallOptions());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  IntentPrediction in = (*model)->Predict("is the blue one in stock?");
  EXPECT_EQ(in.label, "stock");
  EXPECT_FALSE(in.out_of_scope);
  IntentPrediction zh = (*model)->Predict("蓝色的还有库存吗");
  EXPECT_EQ(zh.label, "stock");
  IntentPrediction out = (*model)->Predict("how long does a refund take");
  EXPECT_TRUE(out.out_of_scope);
}

TEST(OosThreshold, MaximisesBalancedScoreWithinTolerance) {
  // In-scope correct at 0.9, 0.8, 0.7, 0.3; one in-scope wrong at 0.5; oos at 0.2, 0.4, 0.6.
  std::vector<ScoredPrediction> s = {{false, true, false, 0.9f},  {false, true, false, 0.8f},
                                     {false, true, false, 0.7f},  {false, true, false, 0.3f},
                                     {false, false, false, 0.5f}, {true, false, false, 0.2f},
                                     {true, false, false, 0.4f},  {true, false, false, 0.6f}};
  // No tolerance: accuracy must stay 4/5, so the threshold stays at or below 0.3 (catches 0.2).
  ThresholdChoice strict = ChooseOosThreshold(s, 0.0);
  EXPECT_DOUBLE_EQ(strict.in_scope_accuracy, 0.8);
  EXPECT_NEAR(strict.oos_recall, 1.0 / 3, 1e-9);
  EXPECT_GT(strict.threshold, 0.2f);
  EXPECT_LE(strict.threshold, 0.3f);
  // A tolerance of 0.2 lets it give up the 0.3 example and catch every oos (up to 0.6), but
  // not the 0.7 example.
  ThresholdChoice loose = ChooseOosThreshold(s, 0.2);
  EXPECT_DOUBLE_EQ(loose.in_scope_accuracy, 0.6);
  EXPECT_DOUBLE_EQ(loose.oos_recall, 1.0);
  EXPECT_GT(loose.threshold, 0.6f);
  EXPECT_LE(loose.threshold, 0.7f);
}

TEST(OosThreshold, ExplicitOosPredictionAlwaysCountsAsRejected) {
  std::vector<ScoredPrediction> s = {{true, false, true, 0.99f}, {false, true, false, 0.9f}};
  ThresholdChoice c = ChooseOosThreshold(s, 0.0);
  EXPECT_DOUBLE_EQ(c.oos_recall, 1.0);
  EXPECT_DOUBLE_EQ(c.in_scope_accuracy, 1.0);
}

TEST(OosThreshold, WithoutOosExamplesPicksTheMostCautiousAllowed) {
  std::vector<ScoredPrediction> s;
  for (int i = 1; i <= 100; ++i) s.push_back({false, true, false, i / 100.0f});
  ThresholdChoice c = ChooseOosThreshold(s, 0.05);
  EXPECT_NEAR(c.in_scope_accuracy, 0.95, 1e-9);
  EXPECT_GT(c.threshold, 0.05f);
  EXPECT_LE(c.threshold, 0.06f);
}

TEST(OosThreshold, SmallSampleWithoutOosExamplesScalesTheThresholdDown) {
  // 24 correct answers at 0.40..0.63 and one wrong at 0.30: the rule alone would reject everything
  // under 0.40 - about 1 in 25 future in-scope queries, eight times a 0.5% tolerance. With
  // 0.005 * 26 = 0.13 of a sample to spend, the threshold becomes 0.40 * 0.13.
  std::vector<ScoredPrediction> s;
  for (int i = 0; i < 24; ++i) s.push_back({false, true, false, 0.40f + i / 100.0f});
  s.push_back({false, false, false, 0.30f});
  ThresholdChoice c = ChooseOosThreshold(s, 0.005);
  EXPECT_NEAR(c.threshold, 0.40f * 0.005f * 26, 1e-6);
  EXPECT_NEAR(c.in_scope_accuracy, 24.0 / 25, 1e-9);
  // From 199 examples on (0.005 * 200 = 1), an observed confidence can be the threshold again.
  std::vector<ScoredPrediction> big;
  for (int i = 0; i < 199; ++i) big.push_back({false, true, false, 0.40f + i / 1000.0f});
  big.push_back({false, false, false, 0.30f});
  ThresholdChoice b = ChooseOosThreshold(big, 0.005);
  EXPECT_GT(b.threshold, 0.30f);
  EXPECT_LE(b.threshold, std::nextafter(0.40f, 1.0f));  // rejects at most the lowest one
}

TEST(IntentModelHolder, ReloadWhilePredictingFromOtherThreads) {
  auto normalizer = testing::SharedNormalizer();
  IntentModelHolder holder;
  EXPECT_EQ(holder.Get(), nullptr);
  ASSERT_TRUE(holder.Retrain(normalizer, SmallSet(), {}, SmallOptions()).ok());
  ASSERT_EQ(holder.version(), 1u);
  std::vector<IntentExample> extended = SmallSet();
  extended.push_back({"I want to cancel my order", "cancel"});
  extended.push_back({"取消订单", "cancel"});
  extended.push_back({"cancel order please", "cancel"});

  std::atomic<bool> stop{false};
  std::atomic<int> predictions{0}, bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      const std::set<std::string> known = {"refund", "shipping", "password", "cancel", "oos"};
      while (!stop.load()) {
        std::shared_ptr<const IntentClassifier> model = holder.Get();
        IntentPrediction p = model->Predict("我要退款");
        if (!known.count(p.label) || p.top.empty()) ++bad;
        ++predictions;
      }
    });
  }
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(holder.Retrain(normalizer, i % 2 ? SmallSet() : extended, {}, SmallOptions()).ok());
  }
  // A failed retrain keeps the old model serving.
  EXPECT_FALSE(holder.Retrain(normalizer, {{"x", "only"}}, {}, SmallOptions()).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (predictions.load() < 100 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(holder.version(), 5u);
  EXPECT_GE(predictions.load(), 100);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(holder.Get()->labels().size(), 4u);  // the last successful retrain (SmallSet) serves
  EXPECT_EQ(holder.Get()->Predict("我要退款").label, "refund");
}

}  // namespace
}  // namespace lingxi::nlu

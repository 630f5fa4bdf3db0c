#include "nlu/sentiment.h"

#include <gtest/gtest.h>

#include <string>

#include "test_normalizer.h"

namespace lingxi::nlu {
namespace {

constexpr SentimentLabel kNeg = SentimentLabel::kNegative;
constexpr SentimentLabel kNeu = SentimentLabel::kNeutral;
constexpr SentimentLabel kPos = SentimentLabel::kPositive;

struct LabelledCase {
  const char *text;
  SentimentLabel label;
  bool urgent;
};

// Sentences written for this test (zh and en): negation, contrast, polite
// complaints, neutral questions, urgency, deadlines, repeated urging, emoji.
// The rules were written with these in view, so the pass rate is an in-sample
// number, not an estimate of accuracy on real traffic.
const LabelledCase kCases[] = {
    // neutral questions and requests
    {"怎么退货", kNeu, false},
    {"how do I return an item", kNeu, false},
    {"运费多少钱？", kNeu, false},
    {"我的订单什么时候发货", kNeu, false},
    {"what are your opening hours?", kNeu, false},
    {"能不能开发票", kNeu, false},
    {"到底发不发货", kNeu, false},
    {"你们有没有收到我的退货", kNeu, false},
    {"can I change my delivery address", kNeu, false},
    {"what's the best way to contact support", kNeu, false},
    {"不好意思，请问怎么修改地址", kNeu, false},
    {"I would like to know the refund policy", kNeu, false},
    {"好的，没问题", kNeu, false},
    {"Good morning, is the store open today?", kNeu, false},
    // positive, including negated negatives
    {"不错，很满意", kPos, false},
    {"质量不错", kPos, false},
    {"not bad at all", kPos, false},
    {"great service, thank you so much!", kPos, false},
    {"客服很耐心，点赞👍", kPos, false},
    {"the replacement works great, I'm really happy", kPos, false},
    {"虽然物流有点慢，但是东西很好", kPos, false},
    {"I was worried at first but the support was excellent", kPos, false},
    {"太好了，谢谢！！！", kPos, false},
    // negative, including negated positives and polite complaints
    {"不满意", kNeg, false},
    {"我不太满意这次的服务", kNeg, false},
    {"not happy with this order", kNeg, false},
    {"I am not satisfied with the quality", kNeg, false},
    {"您好，我收到的杯子是坏的，麻烦帮我处理一下，谢谢", kNeg, false},
    {"Hi, the headphones I received are broken. Could you please help? Thanks",
     kNeg, false},
    {"the app doesn't work on my phone", kNeg, false},
    {"衣服很好看，但是尺码发错了", kNeg, false},
    {"the price is good but the delivery was terrible", kNeg, false},
    {"什么破服务，垃圾！", kNeg, false},
    {"我要投诉你们，再不退钱我就打12315", kNeg, false},
    {"this is a scam, I'm calling my lawyer and filing a chargeback", kNeg,
     false},
    {"WHY IS MY ORDER STILL NOT HERE", kNeg, false},
    {"😡😡😡", kNeg, false},
    {"我已经等了两个星期了，还没收到货", kNeg, false},
    {"I don't like the new app at all", kNeg, false},
    {"客服态度差，一直敷衍", kNeg, false},
    // urgency
    {"急！明天就要用，能不能今天发货", kNeu, true},
    {"麻烦尽快处理，今天必须收到", kNeu, true},
    {"I need this urgently, please ship ASAP", kNeu, true},
    {"please fix this right now, it's an emergency", kNeg, true},
    {"I need the invoice before Friday, it's for a deadline", kNeu, true},
    {"催了好几次了，到底什么时候发货？？？", kNeg, true},
    {"still waiting for my refund, this is the third time I ask", kNeg, true},
    {"周五之前必须到，不然来不及了", kNeg, true},
    {"不急，有空帮我看看就行", kNeu, false},
    {"no rush, whenever you get a chance", kNeu, false},
    {"this is not urgent, just curious about the warranty", kNeu, false},
    {"我很着急，马上要出国了，护照寄丢了😭", kNeg, true},
};

class SentimentLabelTest : public ::testing::TestWithParam<LabelledCase> {};

TEST_P(SentimentLabelTest, LabelsAndUrgency) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  const LabelledCase &c = GetParam();
  SentimentResult r = AnalyzeSentiment(*normalizer, c.text);
  std::string cues;
  for (const SentimentCue &cue : r.cues) {
    cues += std::string(cue.negated ? "~" : "") + std::string(cue.text) + "(" +
            std::to_string(cue.weight) + ") ";
  }
  EXPECT_EQ(SentimentLabelName(r.label), SentimentLabelName(c.label))
      << c.text << " polarity " << r.polarity << " cues " << cues;
  EXPECT_EQ(r.urgent, c.urgent)
      << c.text << " urgency " << r.urgency << " cues " << cues;
}

// Named by index: the default name prints the case's bytes (pointers), which change per run.
INSTANTIATE_TEST_SUITE_P(Labelled, SentimentLabelTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

// The in-sample score, printed for docs/performance.md (the table above must
// pass case by case).
TEST(Sentiment, InSampleAccuracyOnTheLabelledSet) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  int labels = 0, urgency = 0, n = 0;
  for (const LabelledCase &c : kCases) {
    SentimentResult r = AnalyzeSentiment(*normalizer, c.text);
    labels += r.label == c.label;
    urgency += r.urgent == c.urgent;
    ++n;
  }
  std::printf("[sentiment] in-sample: label %d/%d, urgent %d/%d\n", labels, n,
              urgency, n);
  EXPECT_GE(n, 40);
}

TEST(Sentiment, NegationFlipsAndContrastShifts) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  const Normalizer &nz = *normalizer;
  EXPECT_GT(AnalyzeSentiment(nz, "满意").polarity, 0.2f);
  EXPECT_LT(AnalyzeSentiment(nz, "不满意").polarity, -0.2f);
  EXPECT_GT(AnalyzeSentiment(nz, "happy").polarity, 0.2f);
  EXPECT_LT(AnalyzeSentiment(nz, "not happy").polarity, -0.2f);
  EXPECT_LT(AnalyzeSentiment(nz, "bad").polarity, -0.2f);
  EXPECT_GT(AnalyzeSentiment(nz, "not bad").polarity, 0.0f);
  // Intensifiers make it stronger, softeners weaker.
  EXPECT_LT(AnalyzeSentiment(nz, "非常失望").polarity,
            AnalyzeSentiment(nz, "失望").polarity);
  EXPECT_GT(AnalyzeSentiment(nz, "有点失望").polarity,
            AnalyzeSentiment(nz, "失望").polarity);
  EXPECT_LT(AnalyzeSentiment(nz, "extremely disappointed").polarity,
            AnalyzeSentiment(nz, "disappointed").polarity);
  // The clause after the contrast decides.
  EXPECT_GT(AnalyzeSentiment(nz, "slow delivery but great quality").polarity,
            0.0f);
  EXPECT_LT(AnalyzeSentiment(nz, "great quality but slow delivery").polarity,
            0.0f);
  // Negation does not cross a clause break.
  EXPECT_GT(AnalyzeSentiment(nz, "no, I am happy").polarity, 0.2f);
  // Curly apostrophes count as straight ones.
  EXPECT_LT(AnalyzeSentiment(nz, "it doesn\xE2\x80\x99t work").polarity, -0.2f);
  EXPECT_LT(AnalyzeSentiment(nz, "it doesn't work").polarity, -0.2f);
  // Traditional characters are normalized first.
  EXPECT_LT(AnalyzeSentiment(nz, "不滿意").polarity, -0.2f);
}

TEST(Sentiment, ExplainsWhichCuesFired) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  SentimentResult r =
      AnalyzeSentiment(*normalizer, "再不退钱我就投诉到消协！！！");
  EXPECT_TRUE(r.complaint);
  std::vector<std::string> complaint_cues;
  bool emphasis = false;
  for (const SentimentCue &c : r.cues) {
    if (c.kind == CueKind::kComplaint)
      complaint_cues.emplace_back(c.text);
    emphasis = emphasis || c.kind == CueKind::kEmphasis;
  }
  EXPECT_EQ(complaint_cues, (std::vector<std::string>{"退钱", "投诉", "消协"}));
  EXPECT_TRUE(emphasis);
  EXPECT_GE(r.negativity, 0.9f);

  SentimentResult n = AnalyzeSentiment(*normalizer, "not happy");
  ASSERT_EQ(n.cues.size(), 1u);
  EXPECT_EQ(n.cues[0].text, "happy");
  EXPECT_TRUE(n.cues[0].negated);
  EXPECT_EQ(n.cues[0].kind, CueKind::kNegative);
}

// The negativity scale of Signals::negativity (tests/nlu/signals_test.cc) holds
// for this analyzer too, so the bot can switch to it without retuning its
// handoff threshold.
struct RangeCase {
  const char *text;
  float min, max;
};

TEST(Sentiment, NegativityKeepsTheSignalsScale) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  const RangeCase cases[] = {
      {"我想退货", 0, 0},
      {"where is my order?", 0, 0},
      {"DHL tracking", 0, 0},
      {"滚筒洗衣机怎么用", 0, 0},
      {"什么破服务，垃圾！", 0.7f, 1},
      {"我要投诉", 0.4f, 1},
      {"气死我了，骗子", 0.7f, 1},
      {"太差了，差评", 0.7f, 1},
      {"无语", 0.2f, 0.6f},
      {"退钱！！！", 0.7f, 1},
      {"到底发不发货？？？", 0.2f, 0.6f},
      {"this is ridiculous", 0.4f, 1},
      {"total scam", 0.5f, 1},
      {"worst service, useless", 0.8f, 1},
      {"wtf", 0.5f, 1},
      {"where is my order!!!", 0.2f, 0.5f},
      {"WHERE IS MY ORDER", 0.2f, 0.5f},
      {"I'm fed up with this", 0.2f, 1},
      {"fucking terrible!!!", 1, 1},
  };
  for (const RangeCase &c : cases) {
    const float n = AnalyzeSentiment(*normalizer, c.text).negativity;
    EXPECT_GE(n, c.min - 1e-6f) << c.text;
    EXPECT_LE(n, c.max + 1e-6f) << c.text;
  }
}

TEST(Sentiment, SurvivesOddInput) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  std::string huge;
  for (int i = 0; i < 20000; ++i)
    huge += i % 3 ? "不" : "not ";
  const std::string inputs[] = {
      "",
      " ",
      "!!!!!!!!!!",
      "？？？？",
      "。。。，，，",
      "😡",
      "👍👍👍👍",
      "🙏🏻",
      "😀😡😀😡",
      std::string(100000, '!'),
      huge,
      std::string("\xFF\xFE\xFD"),
      std::string("😀\xC3"),
      std::string("a\0b", 3),
      "不",
      "not",
      "但是",
      "but",
      "n't",
      "'",
      "’’’",
      "明天",
      "by",
      "1231512315",
      "ALL CAPS ONLY HERE",
  };
  for (const std::string &s : inputs) {
    SentimentResult r = AnalyzeSentiment(*normalizer, s);
    EXPECT_GE(r.polarity, -1.0f) << s.substr(0, 20);
    EXPECT_LE(r.polarity, 1.0f);
    EXPECT_GE(r.negativity, 0.0f);
    EXPECT_LE(r.negativity, 1.0f);
    EXPECT_GE(r.urgency, 0.0f);
    EXPECT_LE(r.urgency, 1.0f);
  }
  SentimentResult empty = AnalyzeSentiment(*normalizer, "");
  EXPECT_EQ(empty.label, kNeu);
  EXPECT_FALSE(empty.urgent);
  EXPECT_TRUE(empty.cues.empty());
  EXPECT_EQ(AnalyzeSentiment(*normalizer, "😡").label, kNeg);
  EXPECT_EQ(AnalyzeSentiment(*normalizer, "👍👍👍👍").label, kPos);
}

} // namespace
} // namespace lingxi::nlu

namespace lingxi::nlu {
namespace {

// "I won't complain" reassures; it is not a complaint. A conditional threat still is.
TEST(Sentiment, ANegatedComplaintIsNotAComplaint) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  EXPECT_FALSE(AnalyzeSentiment(*normalizer, "我不会投诉你们的，放心").complaint);
  EXPECT_FALSE(AnalyzeSentiment(*normalizer, "I won't complain, it's fine").complaint);
  EXPECT_TRUE(AnalyzeSentiment(*normalizer, "我要投诉你们").complaint);
  EXPECT_TRUE(AnalyzeSentiment(*normalizer, "I will report you to consumer protection").complaint);
}

}  // namespace
}  // namespace lingxi::nlu

// IntentClassifier::Predict (nlu/intent_classifier.h) on arbitrary customer
// text, with a small model (three intents and out-of-scope examples, Chinese
// and English) trained once at start-up. Invariants: a prediction always has a
// label and 1..max(1, top_k) candidates, best first, with finite confidences in
// [0, 1], none of them the oos class; `confidence` is the best candidate's;
// out_of_scope is exactly "label is the oos label", and an in-scope label is
// the best candidate; predicting twice gives the same answer.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "fuzz_check.h"
#include "nlu/intent_classifier.h"

namespace {

using lingxi::fuzz::Printable;
using namespace lingxi::nlu;

std::shared_ptr<const IntentClassifier> g_model;

std::vector<IntentExample> TrainingSet() {
  return {{"where is my parcel", "track"},
          {"track my order please", "track"},
          {"has my package shipped yet", "track"},
          {"我的快递到哪了", "track"},
          {"查一下物流", "track"},
          {"订单发货了吗", "track"},
          {"I want a refund", "refund"},
          {"give me my money back", "refund"},
          {"how do I return this for a refund", "refund"},
          {"我要退款", "refund"},
          {"退货退款怎么操作", "refund"},
          {"钱什么时候退回来", "refund"},
          {"change my delivery address", "address"},
          {"update the shipping address", "address"},
          {"修改收货地址", "address"},
          {"地址填错了怎么改", "address"},
          {"play some music", "oos"},
          {"what's the weather tomorrow", "oos"},
          {"讲个笑话", "oos"},
          {"今天天气怎么样", "oos"}};
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto normalizer = Normalizer::Create();
  if (!normalizer.ok()) {
    std::fprintf(stderr, "normalizer: %s\n", normalizer.status().ToString().c_str());
    std::exit(1);
  }
  IntentTrainOptions options;
  options.threads = 1;
  auto model = IntentClassifier::Train(*normalizer, TrainingSet(), {}, options);
  if (!model.ok()) {
    std::fprintf(stderr, "training: %s\n", model.status().ToString().c_str());
    std::exit(1);
  }
  g_model = *model;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const int top_k = fdp.ConsumeIntegralInRange<int>(-1, 6);
  const std::string text = fdp.ConsumeRemainingBytesAsString();
  const IntentPrediction p = g_model->Predict(text, top_k);
  const std::string where = " for " + Printable(text) + " (top_k " + std::to_string(top_k) + ")";

  LINGXI_FUZZ_CHECK(!p.label.empty(), "empty label" + where);
  LINGXI_FUZZ_CHECK(!p.top.empty() && p.top.size() <= static_cast<size_t>(std::max(1, top_k)),
                    std::to_string(p.top.size()) + " candidates" + where);
  for (size_t i = 0; i < p.top.size(); ++i) {
    const IntentScore& s = p.top[i];
    LINGXI_FUZZ_CHECK(std::isfinite(s.confidence) && s.confidence >= 0 && s.confidence <= 1,
                      "confidence " + std::to_string(s.confidence) + where);
    LINGXI_FUZZ_CHECK(s.label != "oos", "oos among the candidates" + where);
    LINGXI_FUZZ_CHECK(i == 0 || p.top[i - 1].confidence >= s.confidence, "candidates out of order" + where);
  }
  LINGXI_FUZZ_CHECK(p.confidence == p.top.front().confidence, "confidence is not the best candidate's" + where);
  LINGXI_FUZZ_CHECK(p.out_of_scope == (p.label == "oos"), "out_of_scope disagrees with " + p.label + where);
  LINGXI_FUZZ_CHECK(p.out_of_scope || p.label == p.top.front().label, "label is not the best candidate" + where);

  const IntentPrediction again = g_model->Predict(text, top_k);
  LINGXI_FUZZ_CHECK(again.label == p.label && again.confidence == p.confidence, "not deterministic" + where);
  return 0;
}

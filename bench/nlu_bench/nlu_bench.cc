// nlu_bench: where the time of one intent prediction goes.
//
//   lingxi_nlu_bench --train TRAIN.jsonl [--train MORE.jsonl] --test TEST.jsonl [--test ...] [--seconds N]
//                    [--predict-only 1]
//
// Trains the classifier as `lingxi eval intents` does (default options), then predicts every test
// text in a loop for N seconds (default 5) and prints the latency distribution of Predict() and,
// measured separately on the same texts, of its first two stages: normalisation and feature
// extraction (the rest is the vocabulary lookup, the scores and the softmax). One thread.
// --predict-only 1 skips the two stage loops (for a profiler: every sample is then a prediction).
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "nlu/intent_classifier.h"
#include "nlu/internal/text_features.h"
#include "nlu/normalizer.h"

namespace {

using Clock = std::chrono::steady_clock;

bool ReadJsonl(const std::string& path, std::vector<lingxi::nlu::IntentExample>* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) continue;
    const auto& o = v.as_object();
    if (!o.contains("text") || !o.contains("label")) continue;
    out->push_back({std::string(o.at("text").as_string()), std::string(o.at("label").as_string())});
  }
  return true;
}

void Report(const char* name, std::vector<double>& ns) {
  std::sort(ns.begin(), ns.end());
  auto q = [&](double f) { return ns[std::min(ns.size() - 1, static_cast<size_t>(f * ns.size()))] / 1000.0; };
  double sum = 0;
  for (double v : ns) sum += v;
  std::printf("%-12s n=%-8zu mean %7.2f us  p50 %7.2f  p90 %7.2f  p99 %7.2f\n", name, ns.size(),
              sum / ns.size() / 1000.0, q(0.5), q(0.9), q(0.99));
}

template <typename F>
std::vector<double> TimeLoop(const std::vector<lingxi::nlu::IntentExample>& test, double seconds, F&& f) {
  std::vector<double> ns;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    for (const auto& e : test) {
      auto t0 = Clock::now();
      f(e.text);
      ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
    }
  }
  return ns;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<lingxi::nlu::IntentExample> train, test;
  double seconds = 5;
  bool predict_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::puts("usage: lingxi_nlu_bench --train FILE... --test FILE... [--seconds N] [--predict-only 1]");
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", a.c_str());
      return 2;
    }
    std::string v = argv[++i];
    if (a == "--train" || a == "--test") {
      if (!ReadJsonl(v, a == "--train" ? &train : &test)) {
        std::fprintf(stderr, "cannot read %s\n", v.c_str());
        return 2;
      }
    } else if (a == "--seconds") {
      seconds = std::stod(v);
    } else if (a == "--predict-only") {
      predict_only = v != "0";
    } else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  if (train.empty() || test.empty()) {
    std::fputs("need --train and --test\n", stderr);
    return 2;
  }
  auto normalizer = lingxi::nlu::Normalizer::Create();
  if (!normalizer.ok()) return 1;
  lingxi::nlu::IntentTrainOptions options;
  auto t0 = Clock::now();
  auto model = lingxi::nlu::IntentClassifier::Train(*normalizer, train, {}, options);
  if (!model.ok()) {
    std::fprintf(stderr, "train failed: %s\n", model.status().ToString().c_str());
    return 1;
  }
  std::printf("trained %zu examples, %zu labels in %.1f s; model %.1f MB\n", train.size(), (*model)->labels().size(),
              std::chrono::duration<double>(Clock::now() - t0).count(), (*model)->MemoryBytes() / 1e6);
  size_t sink = 0;
  auto predict = TimeLoop(test, seconds, [&](const std::string& t) { sink += (*model)->Predict(t, 1).label.size(); });
  if (predict_only) {
    Report("predict", predict);
    std::printf("(sink %zu)\n", sink);
    return 0;
  }
  auto norm = TimeLoop(test, seconds / 2, [&](const std::string& t) { sink += (*normalizer)->Normalize(t).size(); });
  std::vector<std::string> normalized;
  for (const auto& e : test) normalized.push_back((*normalizer)->Normalize(e.text));
  std::vector<lingxi::nlu::IntentExample> normalized_test = test;
  for (size_t i = 0; i < test.size(); ++i) normalized_test[i].text = normalized[i];
  auto feats = TimeLoop(normalized_test, seconds / 2, [&](const std::string& t) {
    sink += lingxi::nlu::internal::ExtractTextFeatures(t, options.features).size();
  });
  Report("predict", predict);
  Report("normalize", norm);
  Report("features", feats);
  std::printf("(sink %zu)\n", sink);
  return 0;
}

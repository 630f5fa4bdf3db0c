#include "app/eval_command.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "nlu/intent_classifier.h"

namespace lingxi::app {
namespace {

struct EvalFlags {
  CLI::App* eval = nullptr;
  CLI::App* intents = nullptr;
  std::vector<std::string> train, valid, test;
  std::string text_field = "text";
  std::string errors_path;  // --errors: every wrong answer as a JSONL line
  int kfold = 0;
  double min_accuracy = 0, min_oos_recall = 0;
  nlu::IntentTrainOptions options;
};

EvalFlags& Flags() {
  static EvalFlags flags;
  return flags;
}

// Reads every file of `paths` in order; `per_file` (optional) receives the number of examples of each file.
Result<std::vector<nlu::IntentExample>> ReadJsonl(const std::vector<std::string>& paths, const std::string& text_field,
                                                  std::vector<size_t>* per_file = nullptr) {
  std::vector<nlu::IntentExample> out;
  for (const std::string& path : paths) {
    const size_t before = out.size();
    std::ifstream in(path);
    if (!in) return NotFound("cannot open " + path);
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(line, ec);
      const boost::json::object* o = ec ? nullptr : v.if_object();
      const boost::json::value* text = o ? o->if_contains(text_field) : nullptr;
      const boost::json::value* label = o ? o->if_contains("label") : nullptr;
      if (!text || !label || !text->is_string() || !label->is_string()) {
        return InvalidArgument(path + ":" + std::to_string(line_no) + ": expected {\"" + text_field +
                               "\": string, \"label\": string}");
      }
      out.push_back({std::string(text->as_string()), std::string(label->as_string())});
    }
    if (per_file) per_file->push_back(out.size() - before);
  }
  return out;
}

struct Scores {
  size_t n_in = 0, in_correct = 0, n_oos = 0, oos_caught = 0, predicted_oos = 0;
  std::FILE* errors = nullptr;  // --errors
  int fold = 0;                 // 1-based with --kfold, for the --errors lines
  std::vector<std::pair<std::string, std::string>> gold_pred;
  std::vector<bool> right;  // per scored example: in scope answered correctly / oos caught
  std::vector<double> latency_us;
  double train_seconds = 0;
  size_t model_bytes = 0;
};

void Score(const nlu::IntentClassifier& model, const std::vector<nlu::IntentExample>& test, const std::string& oos,
           Scores* s) {
  for (const nlu::IntentExample& e : test) {
    auto t0 = std::chrono::steady_clock::now();
    nlu::IntentPrediction p = model.Predict(e.text, 1);
    s->latency_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    const bool gold_oos = e.label == oos;
    s->predicted_oos += p.out_of_scope ? 1 : 0;
    if (gold_oos) {
      ++s->n_oos;
      s->oos_caught += p.out_of_scope ? 1 : 0;
      s->right.push_back(p.out_of_scope);
    } else {
      ++s->n_in;
      const bool correct = !p.out_of_scope && p.label == e.label;
      s->in_correct += correct ? 1 : 0;
      s->right.push_back(correct);
    }
    s->gold_pred.emplace_back(e.label, p.label);
    if (s->errors != nullptr && !s->right.back()) {
      boost::json::object line{{"text", e.text},
                               {"label", e.label},
                               {"predicted", p.label},
                               {"out_of_scope", p.out_of_scope},
                               {"confidence", p.confidence}};
      // The best in-scope guess even when the answer was out of scope: shows how close it came.
      if (!p.top.empty()) line["top"] = p.top.front().label;
      if (s->fold > 0) line["fold"] = s->fold;
      std::fprintf(s->errors, "%s\n", boost::json::serialize(line).c_str());
    }
  }
}

double MacroF1(const std::vector<std::pair<std::string, std::string>>& gold_pred) {
  std::map<std::string, std::array<size_t, 3>> c;  // tp, fp, fn
  for (const auto& [g, p] : gold_pred) {
    if (g == p) {
      ++c[g][0];
    } else {
      ++c[g][2];
      ++c[p][1];
    }
  }
  std::set<std::string> gold;
  for (const auto& gp : gold_pred) gold.insert(gp.first);
  double sum = 0;
  for (const std::string& l : gold) {
    const auto& [tp, fp, fn] = c[l];
    sum += tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
  }
  return gold.empty() ? 0.0 : sum / gold.size();
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
}

Result<std::shared_ptr<const nlu::IntentClassifier>> TrainTimed(const std::vector<nlu::IntentExample>& train,
                                                                const std::vector<nlu::IntentExample>& valid,
                                                                Scores* s) {
  static std::shared_ptr<const nlu::Normalizer> normalizer;
  if (!normalizer) {
    LINGXI_ASSIGN_OR_RETURN(normalizer, nlu::Normalizer::Create());
  }
  auto t0 = std::chrono::steady_clock::now();
  auto model = nlu::IntentClassifier::Train(normalizer, train, valid, Flags().options);
  s->train_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (model.ok()) s->model_bytes = std::max(s->model_bytes, (*model)->MemoryBytes());
  return model;
}

int RunEvalIntents() {
  EvalFlags& f = Flags();
  const std::string& oos = f.options.oos_label;
  auto train = ReadJsonl(f.train, f.text_field);
  auto valid = ReadJsonl(f.valid, f.text_field);
  std::vector<size_t> test_per_file;
  auto test = ReadJsonl(f.test, f.text_field, &test_per_file);
  for (const Status& st : {train.status(), valid.status(), test.status()}) {
    if (!st.ok()) {
      std::fprintf(stderr, "lingxi eval: %s\n", st.ToString().c_str());
      return 2;
    }
  }
  if (f.kfold < 2 && test->empty()) {
    std::fprintf(stderr, "lingxi eval: give --test files, or --kfold K to cross-validate on --train\n");
    return 2;
  }
  Scores s;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> errors(nullptr, &std::fclose);
  if (!f.errors_path.empty()) {
    errors.reset(std::fopen(f.errors_path.c_str(), "w"));
    if (!errors) {
      std::fprintf(stderr, "lingxi eval: cannot write %s\n", f.errors_path.c_str());
      return 2;
    }
    s.errors = errors.get();
  }
  size_t n_train = 0;
  if (f.kfold >= 2) {
    // Stratified folds: the i-th example of each label goes to fold i % K.
    std::map<std::string, int> seen;
    std::vector<int> fold;
    for (const auto& e : *train) fold.push_back(seen[e.label]++ % f.kfold);
    for (int k = 0; k < f.kfold; ++k) {
      std::vector<nlu::IntentExample> tr, te;
      for (size_t i = 0; i < train->size(); ++i) (fold[i] == k ? te : tr).push_back((*train)[i]);
      std::fprintf(stderr, "[eval] fold %d/%d: train %zu, test %zu\n", k + 1, f.kfold, tr.size(), te.size());
      auto model = TrainTimed(tr, *valid, &s);
      if (!model.ok()) {
        std::fprintf(stderr, "lingxi eval: %s\n", model.status().ToString().c_str());
        return 1;
      }
      n_train = tr.size();
      s.fold = k + 1;
      Score(**model, te, oos, &s);
    }
  } else {
    std::fprintf(stderr, "[eval] training on %zu examples (%zu validation)\n", train->size(), valid->size());
    auto model = TrainTimed(*train, *valid, &s);
    if (!model.ok()) {
      std::fprintf(stderr, "lingxi eval: %s\n", model.status().ToString().c_str());
      return 1;
    }
    n_train = train->size();
    std::fprintf(stderr, "[eval] trained in %.2f s: %zu labels, temperature %.3f, oos threshold %.3f, %.1f MB\n",
                 s.train_seconds, (*model)->labels().size(), (*model)->temperature(), (*model)->oos_threshold(),
                 (*model)->MemoryBytes() / 1e6);
    Score(**model, *test, oos, &s);
  }
  auto ratio = [](size_t a, size_t b) { return b ? static_cast<double>(a) / b : 0.0; };
  boost::json::object o;
  o["in_scope_accuracy"] = ratio(s.in_correct, s.n_in);
  o["oos_recall"] = ratio(s.oos_caught, s.n_oos);
  o["oos_precision"] = ratio(s.oos_caught, s.predicted_oos);
  o["macro_f1"] = MacroF1(s.gold_pred);
  o["n_train"] = n_train;
  o["n_test"] = s.gold_pred.size();
  o["n_test_oos"] = s.n_oos;
  o["train_seconds"] = s.train_seconds;
  o["predict_us_p50"] = Percentile(s.latency_us, 0.50);
  o["predict_us_p99"] = Percentile(s.latency_us, 0.99);
  o["model_bytes"] = s.model_bytes;
  if (f.kfold >= 2) o["folds"] = f.kfold;
  if (f.kfold < 2) {
    // The same scores split by --test file (e.g. in-scope, in-domain oos and out-of-domain oos files).
    boost::json::array files;
    size_t begin = 0;
    for (size_t i = 0; i < f.test.size(); ++i) {
      size_t n_in = 0, in_ok = 0, n_oos = 0, caught = 0;
      for (size_t j = begin; j < begin + test_per_file[i]; ++j) {
        const bool gold_oos = (*test)[j].label == oos;
        (gold_oos ? n_oos : n_in) += 1;
        (gold_oos ? caught : in_ok) += s.right[j] ? 1 : 0;
      }
      begin += test_per_file[i];
      files.push_back(boost::json::object{{"path", f.test[i]},
                                          {"n", test_per_file[i]},
                                          {"n_oos", n_oos},
                                          {"in_scope_accuracy", ratio(in_ok, n_in)},
                                          {"oos_recall", ratio(caught, n_oos)}});
    }
    o["test_files"] = std::move(files);
  }
  std::printf("%s\n", boost::json::serialize(o).c_str());
  if (ratio(s.in_correct, s.n_in) < f.min_accuracy || (s.n_oos && ratio(s.oos_caught, s.n_oos) < f.min_oos_recall)) {
    std::fprintf(stderr, "[eval] FAIL: below --min-accuracy %.3f or --min-oos-recall %.3f\n", f.min_accuracy,
                 f.min_oos_recall);
    return 3;
  }
  return 0;
}

}  // namespace

void RegisterEvalCommand(CLI::App& cli) {
  EvalFlags& f = Flags();
  f.eval = cli.add_subcommand("eval", "Measure the understanding engine on labelled data");
  f.eval->require_subcommand(1);
  f.intents = f.eval->add_subcommand("intents", "Train the intent classifier on JSONL {text,label} files and score it");
  f.intents->add_option("--train", f.train, "Training JSONL (repeatable)")->required();
  f.intents->add_option("--valid", f.valid,
                        "Validation JSONL for the oos threshold (repeatable; default: a hold-out of --train)");
  f.intents->add_option("--test", f.test, "Test JSONL, used only for scoring (repeatable)");
  f.intents->add_option("--kfold", f.kfold, "Instead of --test: stratified K-fold cross-validation on --train");
  f.intents->add_option("--text-field", f.text_field, "JSON field holding the text (default: text)");
  f.intents->add_option("--errors", f.errors_path,
                        "Write every wrong answer to this JSONL file (text, label, predicted, confidence, top, fold)");
  f.intents->add_option("--oos-label", f.options.oos_label, "Out-of-scope label (default: oos)");
  f.intents->add_option("--epochs", f.options.model.epochs, "Training epochs");
  f.intents->add_option("--learning-rate", f.options.model.learning_rate, "AdaGrad learning rate");
  f.intents->add_option("--min-df", f.options.min_df, "Drop features seen in fewer training texts");
  f.intents->add_option("--tolerance", f.options.accuracy_tolerance,
                        "In-scope accuracy the oos threshold may cost on validation data (fraction)");
  f.intents->add_option("--min-accuracy", f.min_accuracy, "Exit 3 if in-scope accuracy is below this (a CI gate)");
  f.intents->add_option("--min-oos-recall", f.min_oos_recall, "Exit 3 if oos recall is below this (a CI gate)");
  f.intents->add_option("--holdout", f.options.holdout_fraction, "Hold-out fraction of --train when no --valid");
}

int RunEvalIfSelected() {
  EvalFlags& f = Flags();
  if (f.intents == nullptr || !*f.intents) return -1;
  return RunEvalIntents();
}

}  // namespace lingxi::app

// IntentClassifier: decides which intent a customer message expresses, and when it expresses
// none of the known ones (out of scope), from labelled examples only (no network, no model files).
//
// Model: hashed word uni/bigrams + character n-grams (see internal/text_features.h), TF-IDF with
// sublinear tf, L2-normalised, and a multinomial logistic regression. Confidence is the softmax
// probability after temperature scaling; out-of-scope is decided by an explicit `oos` class (when
// the training set has examples of it) and by a minimum confidence tuned on validation data (the
// given validation set, or else a stratified hold-out of the training set).
//
// Thread-safety: immutable after Train(); Predict() is const and safe to call concurrently.
// Ownership: share it as std::shared_ptr<const IntentClassifier> (see IntentModelHolder).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "nlu/internal/feature_index.h"
#include "nlu/internal/softmax_model.h"
#include "nlu/internal/text_features.h"
#include "nlu/normalizer.h"

namespace lingxi::nlu {

struct IntentExample {
  std::string text;
  std::string label;  // IntentTrainOptions::oos_label marks an out-of-scope example
};

struct IntentTrainOptions {
  std::string oos_label = "oos";
  internal::TextFeatureOptions features;
  internal::SoftmaxTrainOptions model;
  int min_df = 1;                    // features seen in fewer training texts are dropped
  double holdout_fraction = 0.1;     // used to tune when no validation set is given; 0 = no tuning
  double accuracy_tolerance = 0.005; // in-scope accuracy the threshold may cost on validation data
  int threads = 2;                   // the hold-out model and the final model train in parallel
};

struct IntentScore {
  std::string label;
  float confidence = 0.0f;
};

struct IntentPrediction {
  std::string label;        // the best in-scope intent, or oos_label when out of scope
  float confidence = 0.0f;  // calibrated probability of the best non-oos intent
  bool out_of_scope = false;
  std::vector<IntentScore> top;  // best first, non-oos intents only
};

// One validation prediction, as seen by the threshold search.
struct ScoredPrediction {
  bool gold_oos = false;
  bool top_correct = false;  // argmax label == gold label
  bool top_is_oos = false;   // argmax is the explicit oos class
  float confidence = 0.0f;   // best non-oos probability
};

struct ThresholdChoice {
  float threshold = 0.0f;
  double in_scope_accuracy = 0.0;
  double oos_recall = 0.0;  // 0 when there is no out-of-scope example
};

// Picks the minimum confidence below which a prediction becomes out of scope. Among thresholds
// whose in-scope accuracy is within `accuracy_tolerance` of the best reachable, maximises
// (in-scope accuracy + oos recall) / 2 when `scored` has out-of-scope examples, else the
// threshold itself (the most cautious one the tolerance allows). Ties go to the lower threshold.
ThresholdChoice ChooseOosThreshold(const std::vector<ScoredPrediction>& scored, double accuracy_tolerance);

class IntentClassifier {
 public:
  // Trains on `train`; tunes temperature and threshold on `valid` if non-empty, else on a
  // stratified hold-out of `train` (a second model trained in parallel on the rest).
  // Errors: InvalidArgument unless `train` has two in-scope labels, or one and the oos label.
  static Result<std::shared_ptr<const IntentClassifier>> Train(std::shared_ptr<const Normalizer> normalizer,
                                                               const std::vector<IntentExample>& train,
                                                               const std::vector<IntentExample>& valid,
                                                               const IntentTrainOptions& options);

  // Classifies `text` (any bytes). `top_k` bounds IntentPrediction::top.
  IntentPrediction Predict(std::string_view text, int top_k = 3) const;

  const std::vector<std::string>& labels() const { return labels_; }
  float oos_threshold() const { return threshold_; }
  float temperature() const { return temperature_; }
  // Approximate heap memory of the loaded model.
  size_t MemoryBytes() const;

  // Internal: a vocabulary, IDF weights and a fitted model. Public only for the .cc helpers.
  struct Fitted {
    internal::FeatureIndex vocab;  // feature hash -> column and IDF
    internal::SoftmaxModel model;
  };

 private:
  IntentClassifier() = default;

  std::shared_ptr<const Normalizer> normalizer_;
  IntentTrainOptions options_;
  std::vector<std::string> labels_;
  int oos_class_ = -1;
  Fitted fitted_;
  float temperature_ = 1.0f;
  float threshold_ = 0.0f;
};

}  // namespace lingxi::nlu

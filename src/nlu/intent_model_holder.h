// IntentModelHolder: the intent model currently serving, swapped atomically on retrain.
//
// Readers call Get() and keep the returned shared_ptr for the duration of one prediction; a
// retrain builds the new model off to the side (in the caller's worker thread, never an I/O
// thread) and publishes it with one atomic store, so the old model serves until the new one is
// ready and is freed when its last reader lets go.
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "nlu/intent_classifier.h"

namespace lingxi::nlu {

class IntentModelHolder {
 public:
  IntentModelHolder() = default;
  explicit IntentModelHolder(std::shared_ptr<const IntentClassifier> model) : model_(std::move(model)) {}

  // The serving model; null until one is set.
  std::shared_ptr<const IntentClassifier> Get() const { return model_.load(std::memory_order_acquire); }

  // Publishes `model` (may be null to stop serving) and bumps version().
  void Set(std::shared_ptr<const IntentClassifier> model);

  // Trains a model on the calling thread and publishes it on success. On error the old model
  // keeps serving and the error is returned (see IntentClassifier::Train).
  Status Retrain(std::shared_ptr<const Normalizer> normalizer, const std::vector<IntentExample>& train,
                 const std::vector<IntentExample>& valid, const IntentTrainOptions& options);

  // Number of models published so far.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::shared_ptr<const IntentClassifier>> model_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace lingxi::nlu

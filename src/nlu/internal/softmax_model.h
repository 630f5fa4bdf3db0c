// Multinomial logistic regression over sparse, L2-normalised feature vectors.
//
// Trained by per-coordinate AdaGrad SGD; updates skip classes whose gradient is negligible, so
// one epoch costs O(nnz * classes) multiply-adds for the scores plus a few sparse updates.
// After training the weights are kept as bfloat16 (the upper half of each float, rounded to
// nearest even): half the memory, and a prediction reads half as many cache lines. Training itself
// runs in float.
// Thread-safety: immutable after Train(); Scores() is const and safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace lingxi::nlu::internal {

using SparseVector = std::vector<std::pair<uint32_t, float>>;

struct SoftmaxTrainOptions {
  int epochs = 6;
  float learning_rate = 0.4f;
  float l2 = 0.0f;      // applied to the coordinates updated by each example
  uint64_t seed = 42;  // example order
};

class SoftmaxModel {
 public:
  SoftmaxModel() = default;

  // REQUIRES: every label in [0, num_classes), every feature index < num_features, x.size() == y.size().
  static SoftmaxModel Train(const std::vector<SparseVector>& x, const std::vector<int>& y, uint32_t num_features,
                            int num_classes, const SoftmaxTrainOptions& options);

  // Writes num_classes() raw scores (logits) for `x` into `out`.
  void Scores(const SparseVector& x, float* out) const;

  int num_classes() const { return num_classes_; }
  size_t MemoryBytes() const { return weights_.size() * sizeof(uint16_t) + bias_.size() * sizeof(float); }

 private:
  // Scores with the float weights of training.
  static void TrainingScores(const std::vector<float>& weights, const std::vector<float>& bias, const SparseVector& x,
                             float* out);

  uint32_t num_features_ = 0;
  int num_classes_ = 0;
  std::vector<uint16_t> weights_;  // bfloat16, row-major [feature][class]
  std::vector<float> bias_;
};

// In-place softmax of `scores[0..n)` divided by `temperature`.
void SoftmaxInPlace(float* scores, int n, float temperature);

}  // namespace lingxi::nlu::internal

#include "nlu/internal/softmax_model.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <random>

namespace lingxi::nlu::internal {

void SoftmaxInPlace(float* scores, int n, float temperature) {
  if (n <= 0) return;
  const float inv_t = 1.0f / temperature;
  float max_score = *std::max_element(scores, scores + n);
  float sum = 0.0f;
  for (int c = 0; c < n; ++c) {
    scores[c] = std::exp((scores[c] - max_score) * inv_t);
    sum += scores[c];
  }
  for (int c = 0; c < n; ++c) scores[c] /= sum;
}

namespace {

uint16_t ToBfloat16(float f) {
  uint32_t bits = std::bit_cast<uint32_t>(f);
  if (std::isnan(f)) return static_cast<uint16_t>((bits >> 16) | 0x40);  // stays a NaN
  bits += 0x7FFF + ((bits >> 16) & 1);  // round to nearest, ties to even
  return static_cast<uint16_t>(bits >> 16);
}

// out[c] += v * row[c] over the rows of `x`'s features. Widening bfloat16 is a shift, and the
// compiler vectorises the inner loop. On x86-64 with GCC it is compiled twice, for AVX2 (8 floats
// per instruction) and for the baseline (SSE2, 4), and the loader picks one for the CPU it runs on
// (function multiversioning): one indirect call per prediction, not per row.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void AddRows(const uint16_t* weights, uint32_t num_features, int nc, const SparseVector& x, float* out) {
  for (const auto& [f, v] : x) {
    if (f >= num_features) continue;
    const uint16_t* w = weights + static_cast<size_t>(f) * static_cast<size_t>(nc);
    for (int c = 0; c < nc; ++c) out[c] += v * std::bit_cast<float>(static_cast<uint32_t>(w[c]) << 16);
  }
}

}  // namespace

void SoftmaxModel::Scores(const SparseVector& x, float* out) const {
  const int nc = num_classes_;
  // The rows are scattered over a table larger than the caches: ask for all of them first so that
  // their cache misses overlap instead of being waited for one row at a time.
  const size_t row_bytes = static_cast<size_t>(nc) * sizeof(uint16_t);
  for (const auto& [f, v] : x) {
    if (f >= num_features_) continue;
    const char* row = reinterpret_cast<const char*>(&weights_[static_cast<size_t>(f) * nc]);
    for (size_t b = 0; b < row_bytes; b += 64) __builtin_prefetch(row + b);
    __builtin_prefetch(row + row_bytes - 1);
  }
  std::copy(bias_.begin(), bias_.end(), out);
  AddRows(weights_.data(), num_features_, nc, x, out);
}

void SoftmaxModel::TrainingScores(const std::vector<float>& weights, const std::vector<float>& bias,
                                  const SparseVector& x, float* out) {
  const size_t nc = bias.size();
  std::copy(bias.begin(), bias.end(), out);
  for (const auto& [f, v] : x) {
    const float* w = &weights[static_cast<size_t>(f) * nc];
    for (size_t c = 0; c < nc; ++c) out[c] += v * w[c];
  }
}

SoftmaxModel SoftmaxModel::Train(const std::vector<SparseVector>& x, const std::vector<int>& y, uint32_t num_features,
                                 int num_classes, const SoftmaxTrainOptions& options) {
  SoftmaxModel m;
  m.num_features_ = num_features;
  m.num_classes_ = num_classes;
  const size_t nc = static_cast<size_t>(num_classes);
  std::vector<float> weights(static_cast<size_t>(num_features) * nc, 0.0f);
  m.bias_.assign(nc, 0.0f);
  // AdaGrad accumulators start at a small value so the first steps are bounded.
  std::vector<float> g2(x.empty() ? 0 : weights.size(), 1e-2f);
  std::vector<float> bias_g2(nc, 1e-2f);
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(options.seed);
  std::vector<float> p(nc);
  const float lr = options.learning_rate;
  const float l2 = options.l2;
  for (int epoch = 0; epoch < options.epochs && !x.empty() && num_classes > 0; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i : order) {
      const SparseVector& xi = x[i];
      TrainingScores(weights, m.bias_, xi, p.data());
      SoftmaxInPlace(p.data(), num_classes, 1.0f);
      p[static_cast<size_t>(y[i])] -= 1.0f;  // p is now the gradient of the loss w.r.t. the scores
      for (size_t c = 0; c < nc; ++c) {
        const float g = p[c];
        if (std::fabs(g) < 1e-4f) continue;
        bias_g2[c] += g * g;
        m.bias_[c] -= lr * g / std::sqrt(bias_g2[c]);
        for (const auto& [f, v] : xi) {
          const size_t k = static_cast<size_t>(f) * nc + c;
          const float gw = g * v + l2 * weights[k];
          g2[k] += gw * gw;
          weights[k] -= lr * gw / std::sqrt(g2[k]);
        }
      }
    }
  }
  m.weights_.resize(weights.size());
  for (size_t k = 0; k < weights.size(); ++k) m.weights_[k] = ToBfloat16(weights[k]);
  return m;
}

}  // namespace lingxi::nlu::internal

#include "nlu/internal/softmax_model.h"

#include <algorithm>
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

void SoftmaxModel::Scores(const SparseVector& x, float* out) const {
  const int nc = num_classes_;
  std::copy(bias_.begin(), bias_.end(), out);
  for (const auto& [f, v] : x) {
    if (f >= num_features_) continue;
    const float* w = &weights_[static_cast<size_t>(f) * nc];
    for (int c = 0; c < nc; ++c) out[c] += v * w[c];
  }
}

SoftmaxModel SoftmaxModel::Train(const std::vector<SparseVector>& x, const std::vector<int>& y, uint32_t num_features,
                                 int num_classes, const SoftmaxTrainOptions& options) {
  SoftmaxModel m;
  m.num_features_ = num_features;
  m.num_classes_ = num_classes;
  const size_t nc = static_cast<size_t>(num_classes);
  m.weights_.assign(static_cast<size_t>(num_features) * nc, 0.0f);
  m.bias_.assign(nc, 0.0f);
  if (x.empty() || num_classes <= 0) return m;
  // AdaGrad accumulators start at a small value so the first steps are bounded.
  std::vector<float> g2(m.weights_.size(), 1e-2f);
  std::vector<float> bias_g2(nc, 1e-2f);
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(options.seed);
  std::vector<float> p(nc);
  const float lr = options.learning_rate;
  const float l2 = options.l2;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i : order) {
      const SparseVector& xi = x[i];
      m.Scores(xi, p.data());
      SoftmaxInPlace(p.data(), num_classes, 1.0f);
      p[static_cast<size_t>(y[i])] -= 1.0f;  // p is now the gradient of the loss w.r.t. the scores
      for (size_t c = 0; c < nc; ++c) {
        const float g = p[c];
        if (std::fabs(g) < 1e-4f) continue;
        bias_g2[c] += g * g;
        m.bias_[c] -= lr * g / std::sqrt(bias_g2[c]);
        for (const auto& [f, v] : xi) {
          const size_t k = static_cast<size_t>(f) * nc + c;
          const float gw = g * v + l2 * m.weights_[k];
          g2[k] += gw * gw;
          m.weights_[k] -= lr * gw / std::sqrt(g2[k]);
        }
      }
    }
  }
  return m;
}

}  // namespace lingxi::nlu::internal

#include "nlu/internal/feature_index.h"

namespace lingxi::nlu::internal {

FeatureIndex::FeatureIndex(const std::vector<std::pair<uint64_t, float>>& features) : size_(features.size()) {
  // At most half full, so unsuccessful lookups (most query features) stop after a probe or two.
  size_t capacity = 16;
  while (capacity < features.size() * 2) capacity *= 2;
  slots_.assign(capacity, Entry{});
  mask_ = capacity - 1;
  for (size_t col = 0; col < features.size(); ++col) {
    const uint64_t h = features[col].first;
    size_t i = static_cast<size_t>(h) & mask_;
    while (slots_[i].column != kEmpty) i = (i + 1) & mask_;
    slots_[i] = Entry{h, static_cast<uint32_t>(col), features[col].second};
  }
}

}  // namespace lingxi::nlu::internal

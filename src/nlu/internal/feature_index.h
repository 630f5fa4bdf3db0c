// FeatureIndex: the intent classifier's vocabulary, a read-only open-addressing hash table from a
// feature hash to its column and IDF weight. One probe sequence in one flat array, so a lookup
// usually touches one cache line (std::unordered_map needed a bucket and a node).
// Thread-safety: immutable after construction; Find() is safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace lingxi::nlu::internal {

class FeatureIndex {
 public:
  struct Entry {
    uint64_t hash = 0;
    uint32_t column = kEmpty;  // kEmpty marks a free slot
    float idf = 0.0f;
  };
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;

  FeatureIndex() = default;
  // REQUIRES: hashes unique. Column i is the i-th entry of `features` (hash, idf).
  explicit FeatureIndex(const std::vector<std::pair<uint64_t, float>>& features);

  // The entry for `hash`, or nullptr when it is not in the vocabulary.
  const Entry* Find(uint64_t hash) const {
    if (size_ == 0) return nullptr;
    for (size_t i = static_cast<size_t>(hash) & mask_;; i = (i + 1) & mask_) {
      const Entry& e = slots_[i];
      if (e.column == kEmpty) return nullptr;
      if (e.hash == hash) return &e;
    }
  }

  // Starts loading the slot where a lookup of `hash` begins (lookups of many hashes in a row then
  // overlap their cache misses).
  void Prefetch(uint64_t hash) const {
    if (size_ != 0) __builtin_prefetch(&slots_[static_cast<size_t>(hash) & mask_]);
  }

  size_t size() const { return size_; }
  size_t MemoryBytes() const { return slots_.size() * sizeof(Entry); }

 private:
  std::vector<Entry> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace lingxi::nlu::internal

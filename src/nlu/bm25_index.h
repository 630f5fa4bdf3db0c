// Bm25Index: an immutable, in-memory BM25 index over short multi-field documents (FAQ entries,
// knowledge-base articles), for Chinese and English text.
//
// Documents and queries go through the same Normalizer + Tokenize pipeline. A term's frequency in a
// document is the field-weighted sum  sum_f weight_f * tf_f; document length is weighted the same
// way. idf = ln(1 + (N - df + 0.5) / (df + 0.5)) (always positive).
//
// Thread-safety: immutable after Build(); Search/SearchTerms are const and safe to call
// concurrently. Ownership: Build() returns a shared_ptr<const>; the index keeps its Normalizer
// alive.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "nlu/normalizer.h"

namespace lingxi::nlu {

struct IndexedField {
  std::string text;  // Raw text; normalized inside.
  double weight = 1.0;
};

struct IndexedDoc {
  int64_t id = 0;
  std::vector<IndexedField> fields;
};

struct Hit {
  int64_t id = 0;
  double score = 0;  // Field-weighted BM25.
  double coverage =
      0;  // Weighted idf of query terms present in the doc / of all query terms; [0, 1].
};

class Bm25Index {
 public:
  // Builds the index. Documents with no indexable terms are kept (they count in N) but never match.
  // Duplicate ids are allowed and reported as-is. REQUIRES: normalizer != nullptr, k1 >= 0, 0 <= b
  // <= 1.
  static std::shared_ptr<const Bm25Index> Build(std::shared_ptr<const Normalizer> normalizer,
                                                std::vector<IndexedDoc> docs, double k1 = 1.2,
                                                double b = 0.75);

  // Top `k` hits for a raw query (normalized and tokenized inside), best first (ties: lower id
  // first). Empty if no document shares a term with the query. Repeated query terms count once.
  std::vector<Hit> Search(std::string_view raw_query, size_t k) const;

  // Same for pre-tokenized terms (from Tokenize(normalizer().Normalize(...))) with per-term query
  // weights; a term listed twice keeps its largest weight. Terms with weight <= 0 are ignored.
  // Scores are weight * BM25 term score; coverage uses weight * idf.
  std::vector<Hit> SearchTerms(const std::vector<std::pair<std::string, double>>& weighted_terms,
                               size_t k) const;

  size_t size() const { return doc_ids_.size(); }
  const Normalizer& normalizer() const { return *normalizer_; }

 private:
  struct Posting {
    uint32_t doc = 0;
    float tf = 0;  // field-weighted term frequency
  };
  struct Term {
    double idf = 0;
    std::vector<Posting> postings;  // ascending doc
  };

  Bm25Index() = default;
  double UnknownTermIdf() const;

  std::shared_ptr<const Normalizer> normalizer_;
  double k1_ = 1.2;
  std::vector<int64_t> doc_ids_;
  std::vector<double> length_norm_;  // k1 * (1 - b + b * dl / avgdl), per doc
  std::unordered_map<std::string, Term> terms_;
};

}  // namespace lingxi::nlu

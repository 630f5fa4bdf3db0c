#include "nlu/bm25_index.h"

#include <algorithm>
#include <cmath>

#include "nlu/tokenizer.h"

namespace lingxi::nlu {
namespace {

double Idf(size_t n_docs, size_t df) {
  const double n = static_cast<double>(n_docs);
  const double d = static_cast<double>(df);
  return std::log(1.0 + (n - d + 0.5) / (d + 0.5));
}

}  // namespace

std::shared_ptr<const Bm25Index> Bm25Index::Build(std::shared_ptr<const Normalizer> normalizer,
                                                  std::vector<IndexedDoc> docs, double k1,
                                                  double b) {
  std::shared_ptr<Bm25Index> index(new Bm25Index());
  index->normalizer_ = std::move(normalizer);
  index->k1_ = k1;
  index->doc_ids_.reserve(docs.size());
  std::vector<double> lengths;
  lengths.reserve(docs.size());

  std::unordered_map<std::string, double> tf;
  for (size_t d = 0; d < docs.size(); ++d) {
    tf.clear();
    double length = 0;
    for (const IndexedField& field : docs[d].fields) {
      if (field.weight <= 0) continue;
      for (std::string& term : Tokenize(index->normalizer_->Normalize(field.text))) {
        tf[std::move(term)] += field.weight;
        length += field.weight;
      }
    }
    const auto doc = static_cast<uint32_t>(d);
    for (auto& [term, freq] : tf) {
      index->terms_[term].postings.push_back(Posting{doc, static_cast<float>(freq)});
    }
    index->doc_ids_.push_back(docs[d].id);
    lengths.push_back(length);
  }

  const size_t n = docs.size();
  double avgdl = 0;
  for (double l : lengths) avgdl += l;
  avgdl = n > 0 ? avgdl / static_cast<double>(n) : 0;
  index->length_norm_.reserve(n);
  for (double l : lengths) {
    const double rel = avgdl > 0 ? l / avgdl : 1.0;
    index->length_norm_.push_back(k1 * (1.0 - b + b * rel));
  }
  for (auto& [term, entry] : index->terms_) {
    entry.idf = Idf(n, entry.postings.size());
    entry.postings.shrink_to_fit();
  }
  return index;
}

double Bm25Index::UnknownTermIdf() const { return Idf(doc_ids_.size(), 0); }

std::vector<Hit> Bm25Index::Search(std::string_view raw_query, size_t k) const {
  std::vector<std::pair<std::string, double>> terms;
  for (std::string& t : Tokenize(normalizer_->Normalize(raw_query)))
    terms.emplace_back(std::move(t), 1.0);
  return SearchTerms(terms, k);
}

std::vector<Hit> Bm25Index::SearchTerms(
    const std::vector<std::pair<std::string, double>>& weighted_terms, size_t k) const {
  if (k == 0 || doc_ids_.empty()) return {};

  // Deduplicate, keeping each term's largest weight. Queries are a handful of terms: linear scan.
  std::vector<std::pair<const std::string*, double>> query;
  query.reserve(weighted_terms.size());
  for (const auto& term_weight : weighted_terms) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in the lambda below.
    const std::string& term = term_weight.first;
    const double weight = term_weight.second;
    if (!(weight > 0)) continue;
    auto it =
        std::find_if(query.begin(), query.end(), [&](const auto& q) { return *q.first == term; });
    if (it == query.end()) {
      query.emplace_back(&term, weight);
    } else {
      it->second = std::max(it->second, weight);
    }
  }

  std::vector<double> score(doc_ids_.size(), 0.0);
  std::vector<double> covered(doc_ids_.size(), 0.0);
  double total_idf = 0;
  for (const auto& [term, weight] : query) {
    auto it = terms_.find(*term);
    if (it == terms_.end()) {
      total_idf += weight * UnknownTermIdf();
      continue;
    }
    const Term& entry = it->second;
    const double widf = weight * entry.idf;
    total_idf += widf;
    for (const Posting& p : entry.postings) {
      const double tf = p.tf;
      score[p.doc] += widf * tf * (k1_ + 1.0) / (tf + length_norm_[p.doc]);
      covered[p.doc] += widf;
    }
  }

  std::vector<Hit> hits;
  for (size_t d = 0; d < score.size(); ++d) {
    if (score[d] <= 0) continue;
    const double coverage = total_idf > 0 ? std::min(1.0, covered[d] / total_idf) : 0.0;
    hits.push_back(Hit{doc_ids_[d], score[d], coverage});
  }
  auto better = [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  };
  const size_t top = std::min(k, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(top), hits.end(),
                    better);
  hits.resize(top);
  return hits;
}

}  // namespace lingxi::nlu

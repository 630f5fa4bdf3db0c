// KnowledgeBase: per-account, immutable, searchable snapshots of the knowledge articles.
//
// Get() returns the current snapshot (built lazily from the store on first use); Reload()
// rebuilds one account's snapshot from the store and swaps it in atomically, so a
// conversation turn always sees one consistent index while edits take effect for the
// next turn. Thread-safe. Get()/Reload() may read the store: call them from a worker
// thread, never an I/O thread.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "domain/types.h"
#include "nlu/bm25_index.h"
#include "nlu/normalizer.h"
#include "store/store.h"

namespace lingxi::kb {

struct ScoredArticle {
  const domain::Article* article = nullptr;
  double score = 0;
  double coverage = 0;
};

class AccountKnowledge {
 public:
  AccountKnowledge(std::shared_ptr<const nlu::Normalizer> normalizer, std::vector<domain::Article> articles);
  const nlu::Bm25Index& index() const { return *index_; }
  const domain::Article* Find(domain::Id id) const;
  std::vector<ScoredArticle> Search(std::string_view query, size_t k) const;
  std::vector<ScoredArticle> SearchTerms(const std::vector<std::pair<std::string, double>>& terms, size_t k) const;
  size_t size() const { return articles_.size(); }

 private:
  std::vector<ScoredArticle> Resolve(const std::vector<nlu::Hit>& hits) const;
  std::vector<domain::Article> articles_;
  std::unordered_map<domain::Id, size_t> by_id_;
  std::shared_ptr<const nlu::Bm25Index> index_;
};

// The text fields of an article as weighted index fields (title and questions count most).
nlu::IndexedDoc ToIndexedDoc(const domain::Article& a);

class KnowledgeBase {
 public:
  KnowledgeBase(store::Store* store, std::shared_ptr<const nlu::Normalizer> normalizer);
  // Current snapshot of `account_id`; builds it on first use. Errors: store failures.
  Result<std::shared_ptr<const AccountKnowledge>> Get(domain::Id account_id);
  // True if a snapshot of the account is in memory (Get() will not read the store).
  bool Loaded(domain::Id account_id);
  // Rebuilds from the store and swaps in the new snapshot.
  Status Reload(domain::Id account_id);
  const std::shared_ptr<const nlu::Normalizer>& normalizer() const { return normalizer_; }

 private:
  store::Store* store_;
  std::shared_ptr<const nlu::Normalizer> normalizer_;
  std::mutex mu_;
  std::unordered_map<domain::Id, std::shared_ptr<const AccountKnowledge>> snapshots_;
  std::mutex reload_mu_;  // serialises rebuilds so a stale rebuild never overwrites a newer one
};

}  // namespace lingxi::kb

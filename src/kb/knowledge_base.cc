#include "kb/knowledge_base.h"

#include "core/log.h"

namespace lingxi::kb {

nlu::IndexedDoc ToIndexedDoc(const domain::Article& a) {
  nlu::IndexedDoc d;
  d.id = a.id;
  d.fields.push_back({a.title, 3.0});
  for (const auto& q : a.questions) d.fields.push_back({q, 2.5});
  std::string tags;
  for (const auto& t : a.tags) tags += t + " ";
  if (!tags.empty()) d.fields.push_back({tags, 1.5});
  d.fields.push_back({a.body, 1.0});
  return d;
}

AccountKnowledge::AccountKnowledge(std::shared_ptr<const nlu::Normalizer> normalizer,
                                   std::vector<domain::Article> articles)
    : articles_(std::move(articles)) {
  std::vector<nlu::IndexedDoc> docs;
  docs.reserve(articles_.size());
  for (size_t i = 0; i < articles_.size(); ++i) {
    by_id_[articles_[i].id] = i;
    docs.push_back(ToIndexedDoc(articles_[i]));
  }
  index_ = nlu::Bm25Index::Build(std::move(normalizer), std::move(docs));
}

const domain::Article* AccountKnowledge::Find(domain::Id id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &articles_[it->second];
}

std::vector<ScoredArticle> AccountKnowledge::Resolve(const std::vector<nlu::Hit>& hits) const {
  std::vector<ScoredArticle> out;
  out.reserve(hits.size());
  for (const auto& h : hits) {
    if (const auto* a = Find(h.id)) out.push_back({a, h.score, h.coverage});
  }
  return out;
}

std::vector<ScoredArticle> AccountKnowledge::Search(std::string_view query, size_t k) const {
  return Resolve(index_->Search(query, k));
}

std::vector<ScoredArticle> AccountKnowledge::SearchTerms(
    const std::vector<std::pair<std::string, double>>& terms, size_t k) const {
  return Resolve(index_->SearchTerms(terms, k));
}

KnowledgeBase::KnowledgeBase(store::Store* store, std::shared_ptr<const nlu::Normalizer> normalizer)
    : store_(store), normalizer_(std::move(normalizer)) {}

Result<std::shared_ptr<const AccountKnowledge>> KnowledgeBase::Get(domain::Id account_id) {
  {
    std::lock_guard lock(mu_);
    auto it = snapshots_.find(account_id);
    if (it != snapshots_.end()) return it->second;
  }
  LINGXI_RETURN_IF_ERROR(Reload(account_id));
  std::lock_guard lock(mu_);
  return snapshots_[account_id];
}

bool KnowledgeBase::Loaded(domain::Id account_id) {
  std::lock_guard lock(mu_);
  return snapshots_.count(account_id) != 0;
}

Status KnowledgeBase::Reload(domain::Id account_id) {
  std::lock_guard reload_lock(reload_mu_);
  std::vector<domain::Article> articles;
  LINGXI_RETURN_IF_ERROR(store_->Read([&](store::ReadTx& tx) -> Status {
    LINGXI_ASSIGN_OR_RETURN(articles, tx.ListArticles(account_id));
    return Status::Ok();
  }));
  auto snap = std::make_shared<const AccountKnowledge>(normalizer_, std::move(articles));
  {
    std::lock_guard lock(mu_);
    snapshots_[account_id] = std::move(snap);
  }
  LOG_DEBUG("knowledge base of account {} rebuilt", account_id);
  return Status::Ok();
}

}  // namespace lingxi::kb

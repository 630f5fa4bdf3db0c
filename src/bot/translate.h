// Real-time translation between the customer's and the agent's language (zh <-> en), by the LLM.
// Agents read customer messages in their own language and may send replies translated into the
// customer's; the original text is kept with the message. Personal data is masked before the text
// leaves the machine and restored in the translation. Results are cached per (message, target).
//
// Thread-safety: Translator is thread-safe. `done` runs once, on the HTTP client's loop thread
// (or on the calling thread for errors found before any call).
#pragma once

#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "domain/types.h"
#include "llm/chat_client.h"

namespace lingxi::bot {

struct TranslateItem {
  domain::Id message_id = 0;  // cache key; 0 = do not cache (e.g. a reply being composed)
  std::string text;
};

class Translator {
 public:
  // `llm` may be null: then every call fails with Unavailable. It must outlive the Translator.
  explicit Translator(llm::ChatClient* llm, size_t cache_entries = 20000) : llm_(llm), cache_cap_(cache_entries) {}

  bool enabled() const { return llm_ != nullptr; }
  // Ok, or Unavailable saying how to configure an LLM.
  Status Available() const;

  // Translates every item into `target` ("zh" or "en"), in order. One LLM call for the items not
  // in the cache. InvalidArgument for another target; Unavailable without an LLM or when the model
  // fails or returns something else than one translation per item.
  void Translate(domain::Id account_id, domain::Id conversation_id, std::vector<TranslateItem> items,
                 std::string target, std::function<void(Result<std::vector<std::string>>)> done);

 private:
  bool CacheGet(domain::Id id, const std::string& target, std::string* out);
  void CachePut(domain::Id id, const std::string& target, const std::string& text);

  llm::ChatClient* llm_;
  size_t cache_cap_;
  std::mutex mu_;
  using Key = std::pair<domain::Id, std::string>;
  std::list<Key> lru_;                                                      // guarded by mu_
  std::map<Key, std::pair<std::string, std::list<Key>::iterator>> cache_;  // guarded by mu_
};

// The system prompt of a translation call into `target`.
std::string TranslateSystemPrompt(const std::string& target);

}  // namespace lingxi::bot

// Agent assist: what a human agent sees when they open a conversation — a short summary of it and
// reply drafts they can send, edit or ignore. Written by the LLM when one is configured (grounded
// in the conversation and the knowledge base's passages, personal data masked before it leaves
// the machine), extractive otherwise (the handoff summary and the knowledge answer). An LLM that
// fails, times out or has its circuit open yields the extractive result, with `note` saying why.
//
// The model's results are cached per conversation and reused while the conversation's transcript
// and language are unchanged (several agents opening the same conversation, or the summary written
// at handoff and the agent opening it later, cost one model call).
//
// Thread-safety: Run() and Extractive() may be called from any thread. `done` runs once, on the
// HTTP client's loop thread (LLM) or on the calling thread (extractive or cached).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bot/bot.h"
#include "llm/chat_client.h"
#include "store/store.h"

namespace lingxi::bot {

struct AssistRequest {
  domain::Id account_id = 0;
  domain::Id conversation_id = 0;
  std::string language = "zh";  // the customer's ("zh" | "en"); drafts are written in it
  // The conversation, oldest first: {"customer" | "bot" | "agent", text} (the last few dozen).
  std::vector<std::pair<std::string, std::string>> transcript;
  std::string handoff_summary;  // the bot's, if it handed off
};

struct ReplyDraft {
  std::string text;
  std::vector<Source> sources;  // knowledge articles it rests on (extractive drafts)
};

struct AssistResult {
  std::string summary;
  std::vector<ReplyDraft> drafts;  // at most 3
  std::string by;                  // "llm" | "extractive"
  std::string note;                // why the extractive result when an LLM is configured
};

class AgentAssist {
 public:
  // `llm` may be null (extractive only). Both must outlive the AgentAssist and its calls. The
  // LLM call's deadline is the ChatClient's (`llm.timeout`).
  AgentAssist(const Bot* bot, llm::ChatClient* llm) : bot_(bot), llm_(llm) {}

  // Summary and drafts from the bot's own means. May read the store if the account's knowledge
  // is not in memory yet: call from a worker thread.
  AssistResult Extractive(const AssistRequest& request) const;

  // The LLM's result when configured (and its circuit closed), else Extractive(). Reads the
  // knowledge base like Extractive(): call from a worker thread.
  void Run(AssistRequest request, std::function<void(AssistResult)> done) const;

  bool llm_enabled() const { return llm_ != nullptr; }

 private:
  struct Cached {
    uint64_t fingerprint = 0;
    AssistResult result;
  };
  static constexpr size_t kMaxCached = 4096;  // conversations
  void Remember(domain::Id conversation_id, uint64_t fingerprint, const AssistResult& result) const;

  const Bot* bot_;
  llm::ChatClient* llm_;
  mutable std::mutex mu_;  // guards the cache below
  mutable std::unordered_map<domain::Id, Cached> cache_;
  mutable std::deque<domain::Id> cache_order_;  // insertion order, for eviction
};

// What Run() needs for a stored conversation: its last `max_messages` messages (system notices
// left out), the bot's handoff summary and the customer's language (of their last message; "zh"
// if none). Blocking: reads the store.
Result<AssistRequest> LoadAssistRequest(store::Store& store, const Bot& bot, domain::Id account_id,
                                        domain::Id conversation_id, size_t max_messages = 40);

// The system prompt of the assist call (stable prefix), for the agent's language `language`.
std::string AssistSystemPrompt(const std::string& language);

}  // namespace lingxi::bot

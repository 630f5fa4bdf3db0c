// Bot: the embedded answering policy for one customer turn.
//
// Given the customer's message and a little conversation context, Decide() chooses to
// answer from the knowledge base, make small talk (greeting/thanks), or hand off to a
// human (requested, not confident, negative sentiment, customer repeating themselves).
// Every decision records why (confidence, sources, reason) for the message's `meta`.
// Thread-safe; Decide() may build a knowledge snapshot on first use of an account (a
// store read), so call it from a worker thread.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

#include "domain/types.h"
#include "kb/knowledge_base.h"
#include "nlu/normalizer.h"

namespace lingxi::bot {

struct BotOptions {
  double answer_threshold = 0.55;  // confidence needed to answer from knowledge
  double repeat_similarity = 0.8;  // TextSimilarity above which a message counts as repeated
  double negativity_handoff = 0.6; // AnalyzeSignals().negativity at or above which we hand off
  double sentiment_handoff = 0.75; // AnalyzeSentiment().negativity at or above which we hand off
                                   // ("the item is damaged" is 0.5: the bot can help with that)
  size_t max_answer_chars = 1500;  // code points of an article body sent as an answer
};

struct TurnInput {
  std::string text;                       // current customer message (raw, validated UTF-8)
  std::vector<std::string> history;       // earlier customer messages, oldest first (a few)
  std::vector<domain::Id> last_sources;   // articles the previous bot answer used
  std::string last_topic_query;           // the customer message that produced the last answer
  std::vector<std::string> history_normalized;  // optional: Normalize() of each `history` entry (a cache)
  // The business vouched for who the customer is (a verified external id): tools and playbooks
  // that look up the customer's own data can run. False for anonymous visitors.
  bool customer_known = false;
};

enum class Action { kAnswer, kSmallTalk, kHandoff };

struct Source {
  domain::Id id = 0;
  std::string title;
  double score = 0;
};

struct Suggestion {
  domain::Article article;
  double score = 0;
  double coverage = 0;
};

struct Decision {
  Action action = Action::kHandoff;
  std::string reply;            // text sent to the customer
  double confidence = 0;
  std::vector<Source> sources;  // articles used (answers) or considered (handoffs)
  std::string handoff_reason;   // requested | low_confidence | negative_sentiment | repeated
  std::string summary;          // for agents, on handoff
  std::string language;         // "zh" | "en"
  bool used_context = false;    // the answer relied on the previous topic
  double negativity = 0;
  bool urgent = false;          // AnalyzeSentiment: urgency or a deadline ("急", "by tomorrow")
  bool complaint = false;       // a complaint or threat (投诉, 12315, chargeback); always handed off
  std::string normalized;       // Normalize() of the customer's message, for callers that keep a history
  // The message's `meta`: as an object (to extend), and serialised for Message::meta_json.
  boost::json::object MetaObject() const;
  std::string MetaJson() const;
};

class Bot {
 public:
  Bot(kb::KnowledgeBase* knowledge, BotOptions options = {});
  Decision Decide(domain::Id account_id, const TurnInput& input) const;
  // Best knowledge matches for a free query (admin "try it", agent suggestions).
  std::vector<Suggestion> Suggest(domain::Id account_id, std::string_view query, size_t k) const;
  const BotOptions& options() const { return options_; }
  // True if the account's knowledge is in memory, i.e. Decide() will not touch the store.
  bool Ready(domain::Id account_id) const { return knowledge_->Loaded(account_id); }
  const nlu::Normalizer& normalizer() const { return *knowledge_->normalizer(); }

 private:
  kb::KnowledgeBase* knowledge_;
  BotOptions options_;
};

// The message telling the customer about a handoff, in their language.
std::string HandoffReplyText(const std::string& language, const std::string& reason);

// Human-readable handoff summary in the customer's language.
std::string BuildHandoffSummary(const std::string& language, const std::string& reason,
                                const std::vector<std::string>& customer_messages,
                                const std::vector<Source>& topics, double negativity, bool urgent = false,
                                bool complaint = false);

}  // namespace lingxi::bot

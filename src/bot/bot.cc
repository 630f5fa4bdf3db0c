#include "bot/bot.h"

#include <algorithm>
#include <cmath>

#include <boost/json.hpp>

#include "bot/query_cleaner.h"
#include "bot/replies.h"
#include "core/log.h"
#include "core/utf8.h"
#include "nlu/sentiment.h"
#include "nlu/signals.h"
#include "nlu/tokenizer.h"

namespace lingxi::bot {

namespace json = boost::json;

std::string Decision::MetaJson() const { return json::serialize(MetaObject()); }

json::object Decision::MetaObject() const {
  json::object o;
  o["confidence"] = std::round(confidence * 1000) / 1000;
  json::array src;
  for (const auto& s : sources) {
    json::object so;
    so["id"] = s.id;
    so["title"] = s.title;
    so["score"] = std::round(s.score * 1000) / 1000;
    src.push_back(std::move(so));
  }
  o["sources"] = std::move(src);
  const char* action_name = action == Action::kAnswer ? "answer" : action == Action::kSmallTalk ? "small_talk" : "handoff";
  o["action"] = action_name;
  if (!handoff_reason.empty()) o["handoff_reason"] = handoff_reason;
  o["language"] = language;
  if (used_context) o["used_context"] = true;
  if (negativity > 0) o["negativity"] = std::round(negativity * 100) / 100;
  if (urgent) o["urgent"] = true;
  if (complaint) o["complaint"] = true;
  return o;
}

std::string BuildHandoffSummary(const std::string& language, const std::string& reason,
                                const std::vector<std::string>& customer_messages,
                                const std::vector<Source>& topics, double negativity, bool urgent,
                                bool complaint) {
  const bool zh = language == "zh";
  std::string reason_text;
  if (reason == "requested") reason_text = zh ? "客户要求转人工" : "customer asked for a person";
  else if (reason == "negative_sentiment") reason_text = zh ? "客户情绪不满" : "customer is upset";
  else if (reason == "repeated") reason_text = zh ? "客户重复提问，机器人回答未解决" : "customer repeated the question; bot answers did not help";
  else reason_text = zh ? "机器人没有把握回答" : "bot was not confident";
  std::string s = zh ? "转人工原因：" : "Handoff: ";
  s += reason_text;
  s += zh ? "。\n客户说：" : ".\nCustomer said: ";
  size_t start = customer_messages.size() > 3 ? customer_messages.size() - 3 : 0;
  for (size_t i = start; i < customer_messages.size(); ++i) {
    if (i > start) s += zh ? " / " : " / ";
    s += "\"" + std::string(Utf8Prefix(customer_messages[i], 200)) + "\"";
  }
  if (!topics.empty()) {
    s += zh ? "\n可能相关的知识：" : "\nPossibly related articles: ";
    for (size_t i = 0; i < topics.size() && i < 3; ++i) {
      if (i) s += zh ? "、" : ", ";
      s += topics[i].title;
    }
  }
  if (complaint) s += zh ? "\n客户提到投诉或维权，请优先处理。" : "\nThe customer mentions a complaint or escalation - handle first.";
  else if (negativity >= 0.3) s += zh ? "\n情绪：负面，请优先安抚。" : "\nSentiment: negative - acknowledge the frustration first.";
  if (urgent) s += zh ? "\n客户很着急。" : "\nThe customer says it is urgent.";
  return s;
}

std::string HandoffReplyText(const std::string& language, const std::string& reason) {
  return HandoffReply(language, reason);
}

Bot::Bot(kb::KnowledgeBase* knowledge, BotOptions options) : knowledge_(knowledge), options_(options) {}

namespace {

std::vector<Source> ToSources(const std::vector<kb::ScoredArticle>& hits, size_t n) {
  std::vector<Source> out;
  for (size_t i = 0; i < hits.size() && i < n; ++i)
    out.push_back({hits[i].article->id, hits[i].article->title, hits[i].score});
  return out;
}

// Confidence that the best hit answers the query: how much of the query's information
// (idf mass) the article explains, slightly discounted when a different article is
// nearly as good (ambiguous question).
double Confidence(const std::vector<kb::ScoredArticle>& hits) {
  if (hits.empty()) return 0;
  double c = hits[0].coverage;
  if (hits.size() > 1 && hits[0].score > 0) {
    double ratio = hits[1].score / hits[0].score;
    if (ratio > 0.95) c *= 0.9;
  }
  return std::clamp(c, 0.0, 1.0);
}

// Appends the tokens of `text` not in `terms` yet, with `weight`, in order of first appearance. A
// message has a few dozen tokens: a linear scan beats building a hash set each turn.
void AddTerms(std::vector<std::pair<std::string, double>>& terms, std::vector<std::string> tokens, double weight) {
  for (auto& t : tokens) {
    auto same = [&t](const auto& e) { return e.first == t; };
    if (std::none_of(terms.begin(), terms.end(), same)) terms.emplace_back(std::move(t), weight);
  }
}

// `current_clean` is the cleaned, normalized current message; `previous` is raw.
std::vector<std::pair<std::string, double>> WeightedTerms(const nlu::Normalizer& norm, const std::string& current_clean,
                                                          const std::string& previous, double previous_weight) {
  std::vector<std::pair<std::string, double>> terms;
  AddTerms(terms, nlu::Tokenize(current_clean), 1.0);
  AddTerms(terms, nlu::Tokenize(CleanQuery(norm, previous)), previous_weight);
  return terms;
}

std::vector<std::string> SortedUniqueTokens(const std::string& text) {
  auto t = nlu::Tokenize(text);
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  return t;
}

// Jaccard similarity of the term sets of two normalized texts.
double Jaccard(const std::string& a, const std::string& b) {
  const auto sa = SortedUniqueTokens(a), sb = SortedUniqueTokens(b);
  if (sa.empty() && sb.empty()) return a == b ? 1.0 : 0.0;
  size_t inter = 0;
  for (size_t i = 0, j = 0; i < sa.size() && j < sb.size();) {
    const int c = sa[i].compare(sb[j]);
    if (c == 0) ++inter;
    if (c <= 0) ++i;
    if (c >= 0) ++j;
  }
  return static_cast<double>(inter) / static_cast<double>(sa.size() + sb.size() - inter);
}

// "that", "it", "这个"...: the message points back at the previous topic instead of naming one.
bool HasAnaphora(std::string_view raw) {
  std::string s(raw);
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (std::string_view zh : {"这个", "那个", "它", "这样", "这种", "那样"})
    if (s.find(zh) != std::string::npos) return true;
  std::string padded = " ";
  for (char ch : s) padded += std::isalnum(static_cast<unsigned char>(ch)) ? ch : ' ';
  padded += " ";
  for (std::string_view en : {" that ", " it ", " this ", " those ", " these ", " they ", " them "})
    if (padded.find(en) != std::string::npos) return true;
  return false;
}

}  // namespace

Decision Bot::Decide(domain::Id account_id, const TurnInput& in) const {
  const nlu::Normalizer& norm = *knowledge_->normalizer();
  const std::string normalized = norm.Normalize(in.text);  // once per turn: signals, sentiment, retrieval
  nlu::Signals sig = nlu::AnalyzeSignalsNormalized(in.text, normalized);
  const nlu::SentimentResult mood = nlu::AnalyzeSentimentNormalized(in.text, normalized);
  Decision d;
  d.normalized = normalized;
  d.language = sig.language.empty() ? "en" : sig.language;
  d.negativity = std::max<double>(sig.negativity, mood.negativity);
  d.urgent = mood.urgent;
  d.complaint = mood.complaint;

  std::vector<std::string> said = in.history;
  said.push_back(in.text);
  auto handoff = [&](const std::string& reason, std::vector<Source> considered) {
    d.action = Action::kHandoff;
    d.handoff_reason = reason;
    d.sources = std::move(considered);
    d.reply = HandoffReply(d.language, reason);
    d.summary = BuildHandoffSummary(d.language, reason, said, d.sources, d.negativity, d.urgent, d.complaint);
    return d;
  };

  if (sig.wants_human) return handoff("requested", {});
  // An angry customer, or one who mentions a complaint or threat, goes to a person: answering
  // them with an article makes it worse.
  if (sig.negativity >= options_.negativity_handoff || mood.negativity >= options_.sentiment_handoff || mood.complaint)
    return handoff("negative_sentiment", {});
  if (Utf8Length(in.text) >= 4 && !sig.greeting && !sig.thanks) {
    const bool cached = in.history_normalized.size() == in.history.size();
    size_t start = in.history.size() > 2 ? in.history.size() - 2 : 0;
    for (size_t i = start; i < in.history.size(); ++i) {
      const std::string earlier = cached ? in.history_normalized[i] : norm.Normalize(in.history[i]);
      if (Jaccard(normalized, earlier) >= options_.repeat_similarity) return handoff("repeated", {});
    }
  }
  if (sig.greeting || sig.thanks) {
    d.action = Action::kSmallTalk;
    d.confidence = 1.0;
    d.reply = sig.greeting ? GreetingReply(d.language) : ThanksReply(d.language);
    return d;
  }

  auto snapshot = knowledge_->Get(account_id);
  if (!snapshot.ok()) {
    LOG_ERROR("knowledge base unavailable for account {}: {}", account_id, snapshot.status().ToString());
    return handoff("low_confidence", {});
  }
  const kb::AccountKnowledge& k = **snapshot;
  const std::string cleaned = CleanNormalizedQuery(normalized);
  std::vector<std::pair<std::string, double>> terms;
  AddTerms(terms, nlu::Tokenize(cleaned.empty() ? normalized : cleaned), 1.0);
  auto hits = k.SearchTerms(terms, 3);
  double conf = Confidence(hits);

  // Multi-turn context: a follow-up ("那退货呢?", "and how long does that take?") is read
  // against the previous topic. The current words lead; the previous question only fills in
  // what the follow-up leaves out, so a follow-up that names its own topic keeps it.
  if (!in.last_topic_query.empty() && (sig.followup || conf < options_.answer_threshold)) {
    // "这个要多久" points back at the topic: weigh it almost like the current words.
    const bool anaphora = HasAnaphora(in.text);
    auto ctx_hits = k.SearchTerms(WeightedTerms(norm, cleaned, in.last_topic_query, anaphora ? 0.8 : 0.35), 3);
    double ctx_conf = Confidence(ctx_hits);
    const bool current_stands_alone = !anaphora && conf >= options_.answer_threshold && !hits.empty() &&
                                      (ctx_hits.empty() || hits[0].article->id != ctx_hits[0].article->id);
    if (ctx_conf >= options_.answer_threshold && !current_stands_alone) {
      hits = std::move(ctx_hits);
      conf = ctx_conf;
      d.used_context = true;
    }
  }
  d.confidence = conf;
  if (hits.empty() || conf < options_.answer_threshold) return handoff("low_confidence", ToSources(hits, 3));

  const domain::Article& best = *hits[0].article;
  d.action = Action::kAnswer;
  d.sources = ToSources(hits, 1);
  d.reply = std::string(Utf8Prefix(best.body, options_.max_answer_chars));
  return d;
}

std::vector<Suggestion> Bot::Suggest(domain::Id account_id, std::string_view query, size_t k) const {
  std::vector<Suggestion> out;
  auto snapshot = knowledge_->Get(account_id);
  if (!snapshot.ok()) return out;
  std::string cleaned = CleanQuery(*knowledge_->normalizer(), query);
  for (const auto& h : (*snapshot)->Search(cleaned.empty() ? query : cleaned, k))
    out.push_back({*h.article, h.score, h.coverage});
  return out;
}

}  // namespace lingxi::bot

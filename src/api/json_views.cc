#include "api/json_views.h"

#include "core/clock.h"

namespace lingxi::api {

namespace json = boost::json;

namespace {

// Every field of a message's JSON but `meta`.
json::object MessageFields(const domain::Message& m) {
  json::object o;
  o["id"] = m.id;
  o["conversation_id"] = m.conversation_id;
  o["sender_type"] = domain::SenderTypeName(m.sender_type);
  if (m.sender_id) o["sender_id"] = m.sender_id;
  o["content"] = m.content;
  o["created_at"] = FormatTimestamp(m.created_at);
  o["created_at_ms"] = m.created_at;
  return o;
}

}  // namespace

json::object MessageJson(const domain::Message& m) {
  json::object o = MessageFields(m);
  if (!m.meta_json.empty()) {
    boost::system::error_code ec;
    auto v = json::parse(m.meta_json, ec);
    o["meta"] = ec ? json::value(nullptr) : std::move(v);
  } else {
    o["meta"] = nullptr;
  }
  return o;
}

std::string MessageJsonText(const domain::Message& m) {
  std::string s = json::serialize(MessageFields(m));
  s.pop_back();  // '}'
  s += ",\"meta\":";
  // meta_json is always written by Lingxi's own serialiser (bot decisions, agent names); a
  // value that does not even look like an object is sent as null rather than spliced in.
  const bool object = m.meta_json.size() >= 2 && m.meta_json.front() == '{' && m.meta_json.back() == '}';
  s += object ? std::string_view(m.meta_json) : std::string_view("null");
  s += '}';
  return s;
}

json::array MessagesJson(const std::vector<domain::Message>& ms) {
  json::array a;
  a.reserve(ms.size());
  for (const auto& m : ms) a.push_back(MessageJson(m));
  return a;
}

json::object ConversationJson(const domain::Conversation& c, bool include_handoff) {
  json::object o;
  o["id"] = c.id;
  o["inbox_id"] = c.inbox_id;
  o["contact_id"] = c.contact_id;
  o["status"] = domain::ConversationStatusName(c.status);
  o["assignee_id"] = c.assignee_id ? json::value(c.assignee_id) : json::value(nullptr);
  if (include_handoff) {
    o["handoff_reason"] = c.handoff_reason.empty() ? json::value(nullptr) : json::value(c.handoff_reason);
    o["handoff_summary"] = c.handoff_summary.empty() ? json::value(nullptr) : json::value(c.handoff_summary);
    o["last_message_preview"] = c.last_message_preview;
  }
  o["created_at"] = FormatTimestamp(c.created_at);
  o["updated_at"] = FormatTimestamp(c.updated_at);
  o["last_message_at"] = FormatTimestamp(c.last_message_at);
  return o;
}

json::object ArticleJson(const domain::Article& a) {
  json::object o;
  o["id"] = a.id;
  o["title"] = a.title;
  o["body"] = a.body;
  json::array q, t;
  for (const auto& s : a.questions) q.emplace_back(s);
  for (const auto& s : a.tags) t.emplace_back(s);
  o["questions"] = std::move(q);
  o["tags"] = std::move(t);
  o["language"] = a.language;
  o["created_at"] = FormatTimestamp(a.created_at);
  o["updated_at"] = FormatTimestamp(a.updated_at);
  return o;
}

json::object ContactJson(const domain::Contact& c) {
  json::object o;
  o["id"] = c.id;
  o["name"] = c.name;
  o["email"] = c.email;
  o["created_at"] = FormatTimestamp(c.created_at);
  return o;
}

json::object IdentityJson(const domain::Identity& i) {
  json::object o;
  o["channel"] = i.channel;
  o["external_id"] = i.external_id;
  o["created_at"] = FormatTimestamp(i.created_at);
  return o;
}

json::object UserJson(const domain::User& u) {
  json::object o;
  o["id"] = u.id;
  o["account_id"] = u.account_id;
  o["email"] = u.email;
  o["name"] = u.name;
  o["role"] = domain::RoleName(u.role);
  o["active"] = u.active;
  return o;
}

}  // namespace lingxi::api

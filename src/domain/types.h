// Plain value types shared by every module: tenants, people, conversations, messages,
// knowledge. No I/O, no behaviour beyond string conversions. Every persisted entity
// carries `account_id`, the tenant it belongs to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lingxi::domain {

using Id = int64_t;

struct Account {
  Id id = 0;
  std::string name;
  int64_t created_at = 0;
};

enum class Role { kAgent, kAdmin };
std::string_view RoleName(Role r);
std::optional<Role> ParseRole(std::string_view s);

struct User {
  Id id = 0;
  Id account_id = 0;
  std::string email;  // lower-cased; unique across the install (login key)
  std::string name;
  Role role = Role::kAgent;
  std::string password_hash;
  bool active = true;
  int64_t created_at = 0;
};

struct Session {
  std::string token_hash;  // SHA-256 hex of the bearer token; the token itself is never stored
  Id user_id = 0;
  Id account_id = 0;
  int64_t expires_at = 0;
};

struct Inbox {
  Id id = 0;
  Id account_id = 0;
  std::string name;
  std::string channel;       // "webchat", later "email", "telegram", ...
  std::string widget_token;  // public token embedded in the widget snippet
  int64_t created_at = 0;
  // Secret the business's back-end signs customer ids with (identity verification): a widget
  // conversation may claim `contact.external_id` only with HMAC-SHA256(secret, external_id).
  // Never shown to customers. Generated when the inbox is created when left empty.
  std::string identity_secret;
};

struct Contact {
  Id id = 0;
  Id account_id = 0;
  std::string name;
  std::string email;
  int64_t created_at = 0;
};

// How a contact is known on one channel: (account_id, channel, external_id) is unique.
struct Identity {
  Id id = 0;
  Id account_id = 0;
  Id contact_id = 0;
  std::string channel;
  std::string external_id;
  int64_t created_at = 0;
};

enum class ConversationStatus { kBot, kQueued, kAssigned, kResolved };
std::string_view ConversationStatusName(ConversationStatus s);
std::optional<ConversationStatus> ParseConversationStatus(std::string_view s);

struct Conversation {
  Id id = 0;
  Id account_id = 0;
  Id inbox_id = 0;
  Id contact_id = 0;
  ConversationStatus status = ConversationStatus::kBot;
  Id assignee_id = 0;          // 0 = unassigned
  std::string handoff_reason;  // "low_confidence", "requested", "negative_sentiment", "repeated"
  std::string handoff_summary;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t last_message_at = 0;
  std::string last_message_preview;
  std::string bot_state;  // JSON of the bot's running playbook (flows::FlowState), "" when none
};

enum class SenderType { kContact, kBot, kAgent, kSystem };
std::string_view SenderTypeName(SenderType s);
std::optional<SenderType> ParseSenderType(std::string_view s);

struct Message {
  Id id = 0;
  Id account_id = 0;
  Id conversation_id = 0;
  SenderType sender_type = SenderType::kContact;
  Id sender_id = 0;       // contact id, user id, or 0 for bot/system
  std::string content;
  std::string meta_json;  // JSON object text or empty; for bot messages: confidence, sources
  int64_t created_at = 0;
};

struct Article {
  Id id = 0;
  Id account_id = 0;
  std::string title;
  std::string body;                    // Markdown
  std::vector<std::string> questions;  // alternative phrasings customers use
  std::vector<std::string> tags;
  std::string language;                // "zh", "en", ...
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

}  // namespace lingxi::domain

// Mutations of SqliteTx. Runs on the writer connection only, inside the batch
// transaction. Cross-account references are rejected by composite foreign keys
// (see migrations.cc), which surface as InvalidArgument.
#include <algorithm>
#include <string>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/utf8.h"
#include "store/internal/sqlite_tx.h"
#include "store/internal/string_list.h"

namespace lingxi::store::internal {
namespace {

int64_t OrNow(int64_t t) { return t != 0 ? t : NowMillis(); }

// Runs a bound INSERT and returns the new rowid.
Result<Id> InsertReturningId(Db& db, Stmt& stmt) {
  LINGXI_RETURN_IF_ERROR(stmt.Exec());
  return db.LastInsertRowid();
}

// Runs a bound UPDATE/DELETE; NotFound if it touched no row.
Status ChangeOne(Db& db, Stmt& stmt, const char* what) {
  LINGXI_RETURN_IF_ERROR(stmt.Exec());
  if (db.Changes() == 0) return NotFound(std::string(what) + " not found");
  return Status::Ok();
}

// Messages, previews and other text may come from anywhere; a preview must never cut a
// code point in half, and Utf8Prefix requires valid UTF-8.
std::string Preview(std::string_view content) {
  if (IsValidUtf8(content)) return std::string(Utf8Prefix(content, kPreviewCodePoints));
  return std::string(content.substr(0, kPreviewCodePoints));
}

}  // namespace

Result<Id> SqliteTx::InsertAccount(const domain::Account& a) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare("INSERT INTO accounts(name, created_at) VALUES (?1, ?2)"));
  stmt.Bind(1, a.name).Bind(2, OrNow(a.created_at));
  return InsertReturningId(db_, stmt);
}

Result<Id> SqliteTx::InsertUser(const domain::User& u) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO users(account_id, email, name, role, password_hash, active, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  stmt.Bind(1, u.account_id).Bind(2, LowerAscii(u.email)).Bind(3, u.name);
  stmt.Bind(4, domain::RoleName(u.role)).Bind(5, u.password_hash);
  stmt.Bind(6, int64_t{u.active ? 1 : 0}).Bind(7, OrNow(u.created_at));
  return InsertReturningId(db_, stmt);
}

Status SqliteTx::UpdateUser(const domain::User& u) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "UPDATE users SET name = ?3, role = ?4, password_hash = ?5, active = ?6 "
      "WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, u.account_id).Bind(2, u.id).Bind(3, u.name).Bind(4, domain::RoleName(u.role));
  stmt.Bind(5, u.password_hash).Bind(6, int64_t{u.active ? 1 : 0});
  return ChangeOne(db_, stmt, "user");
}

Status SqliteTx::InsertSession(const domain::Session& s) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO sessions(token_hash, user_id, account_id, expires_at) VALUES (?1, ?2, ?3, ?4)"));
  stmt.Bind(1, s.token_hash).Bind(2, s.user_id).Bind(3, s.account_id).Bind(4, s.expires_at);
  return stmt.Exec();
}

Status SqliteTx::DeleteSession(std::string_view token_hash) {
  // Idempotent: logging out twice is not an error.
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare("DELETE FROM sessions WHERE token_hash = ?1"));
  stmt.Bind(1, token_hash);
  return stmt.Exec();
}

Status SqliteTx::DeleteExpiredSessions(int64_t now_millis) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare("DELETE FROM sessions WHERE expires_at <= ?1"));
  stmt.Bind(1, now_millis);
  return stmt.Exec();
}

Status SqliteTx::DeleteUserSessions(Id account_id, Id user_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare("DELETE FROM sessions WHERE account_id = ?1 AND user_id = ?2"));
  stmt.Bind(1, account_id).Bind(2, user_id);
  return stmt.Exec();
}

Result<Id> SqliteTx::InsertInbox(const domain::Inbox& i) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO inboxes(account_id, name, channel, widget_token, created_at, identity_secret) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  stmt.Bind(1, i.account_id).Bind(2, i.name).Bind(3, i.channel).Bind(4, i.widget_token);
  stmt.Bind(5, OrNow(i.created_at)).Bind(6, i.identity_secret.empty() ? RandomHex(32) : i.identity_secret);
  return InsertReturningId(db_, stmt);
}

Status SqliteTx::SetInboxIdentitySecret(Id account_id, Id inbox_id, std::string_view secret) {
  if (secret.size() < 16) return InvalidArgument("an identity secret has at least 16 characters");
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "UPDATE inboxes SET identity_secret = ?3 WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, account_id).Bind(2, inbox_id).Bind(3, secret);
  return ChangeOne(db_, stmt, "inbox");
}

Result<Id> SqliteTx::InsertContact(const domain::Contact& c) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO contacts(account_id, name, email, created_at) VALUES (?1, ?2, ?3, ?4)"));
  stmt.Bind(1, c.account_id).Bind(2, c.name).Bind(3, c.email).Bind(4, OrNow(c.created_at));
  return InsertReturningId(db_, stmt);
}

Status SqliteTx::UpdateContact(const domain::Contact& c) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "UPDATE contacts SET name = ?3, email = ?4 WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, c.account_id).Bind(2, c.id).Bind(3, c.name).Bind(4, c.email);
  return ChangeOne(db_, stmt, "contact");
}

Result<Id> SqliteTx::InsertIdentity(const domain::Identity& i) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO contact_identities(account_id, contact_id, channel, external_id, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)"));
  stmt.Bind(1, i.account_id).Bind(2, i.contact_id).Bind(3, i.channel).Bind(4, i.external_id);
  stmt.Bind(5, OrNow(i.created_at));
  return InsertReturningId(db_, stmt);
}

Result<Id> SqliteTx::InsertConversation(const domain::Conversation& c) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO conversations(account_id, inbox_id, contact_id, status, assignee_id, "
      "handoff_reason, handoff_summary, created_at, updated_at, last_message_at, "
      "last_message_preview) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  int64_t created = OrNow(c.created_at);
  // A conversation without messages sorts by its creation time in the inbox list.
  stmt.Bind(1, c.account_id).Bind(2, c.inbox_id).Bind(3, c.contact_id);
  stmt.Bind(4, domain::ConversationStatusName(c.status)).BindIdOrNull(5, c.assignee_id);
  stmt.Bind(6, c.handoff_reason).Bind(7, c.handoff_summary).Bind(8, created);
  stmt.Bind(9, c.updated_at != 0 ? c.updated_at : created);
  stmt.Bind(10, c.last_message_at != 0 ? c.last_message_at : created);
  stmt.Bind(11, c.last_message_preview);
  return InsertReturningId(db_, stmt);
}

Status SqliteTx::UpdateConversation(const domain::Conversation& c) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "UPDATE conversations SET status = ?3, assignee_id = ?4, handoff_reason = ?5, "
      "handoff_summary = ?6, updated_at = ?7 WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, c.account_id).Bind(2, c.id).Bind(3, domain::ConversationStatusName(c.status));
  stmt.BindIdOrNull(4, c.assignee_id).Bind(5, c.handoff_reason).Bind(6, c.handoff_summary);
  stmt.Bind(7, OrNow(c.updated_at));
  return ChangeOne(db_, stmt, "conversation");
}

Result<Id> SqliteTx::InsertMessage(const domain::Message& m) {
  int64_t created = OrNow(m.created_at);
  {
    // Updating first doubles as the ownership check: no row touched means the
    // conversation is absent or belongs to another account.
    LINGXI_ASSIGN_OR_RETURN(Stmt update, db_.Prepare(
        "UPDATE conversations SET last_message_at = ?3, last_message_preview = ?4, updated_at = ?3 "
        "WHERE account_id = ?1 AND id = ?2"));
    update.Bind(1, m.account_id).Bind(2, m.conversation_id).Bind(3, created);
    update.Bind(4, Preview(m.content));
    LINGXI_RETURN_IF_ERROR(update.Exec());
    if (db_.Changes() == 0) return InvalidArgument("conversation not found in account");
  }
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO messages(account_id, conversation_id, sender_type, sender_id, content, meta, "
      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  stmt.Bind(1, m.account_id).Bind(2, m.conversation_id).Bind(3, domain::SenderTypeName(m.sender_type));
  stmt.Bind(4, m.sender_id).Bind(5, m.content).Bind(6, m.meta_json).Bind(7, created);
  return InsertReturningId(db_, stmt);
}

Status SqliteTx::SaveTurn(const domain::Conversation& c, bool conversation_changed,
                          std::span<domain::Message> messages) {
  if (!conversation_changed && messages.empty()) return Status::Ok();
  for (const auto& m : messages) {
    if (m.account_id != c.account_id || m.conversation_id != c.id)
      return InvalidArgument("message does not belong to the conversation");
  }
  const bool has_messages = !messages.empty();
  const int64_t last_at = has_messages ? OrNow(messages.back().created_at) : 0;
  // Updating first doubles as the ownership check: no row touched means the conversation is
  // absent or belongs to another account.
  if (conversation_changed) {
    LINGXI_ASSIGN_OR_RETURN(Stmt update, db_.Prepare(
        "UPDATE conversations SET status = ?3, assignee_id = ?4, handoff_reason = ?5, handoff_summary = ?6, "
        "updated_at = ?7, last_message_at = CASE WHEN ?8 THEN ?9 ELSE last_message_at END, "
        "last_message_preview = CASE WHEN ?8 THEN ?10 ELSE last_message_preview END, bot_state = ?11 "
        "WHERE account_id = ?1 AND id = ?2"));
    update.Bind(1, c.account_id).Bind(2, c.id).Bind(3, domain::ConversationStatusName(c.status));
    update.BindIdOrNull(4, c.assignee_id).Bind(5, c.handoff_reason).Bind(6, c.handoff_summary);
    update.Bind(7, has_messages ? std::max(last_at, OrNow(c.updated_at)) : OrNow(c.updated_at));
    update.Bind(8, static_cast<int64_t>(has_messages)).Bind(9, last_at);
    update.Bind(10, has_messages ? Preview(messages.back().content) : std::string());
    update.Bind(11, c.bot_state);
    LINGXI_RETURN_IF_ERROR(update.Exec());
  } else {
    LINGXI_ASSIGN_OR_RETURN(Stmt update, db_.Prepare(
        "UPDATE conversations SET last_message_at = ?3, last_message_preview = ?4, updated_at = ?3 "
        "WHERE account_id = ?1 AND id = ?2"));
    update.Bind(1, c.account_id).Bind(2, c.id).Bind(3, last_at).Bind(4, Preview(messages.back().content));
    LINGXI_RETURN_IF_ERROR(update.Exec());
  }
  if (db_.Changes() == 0) return InvalidArgument("conversation not found in account");
  for (auto& m : messages) {
    LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
        "INSERT INTO messages(account_id, conversation_id, sender_type, sender_id, content, meta, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    stmt.Bind(1, m.account_id).Bind(2, m.conversation_id).Bind(3, domain::SenderTypeName(m.sender_type));
    stmt.Bind(4, m.sender_id).Bind(5, m.content).Bind(6, m.meta_json).Bind(7, OrNow(m.created_at));
    LINGXI_ASSIGN_OR_RETURN(m.id, InsertReturningId(db_, stmt));
  }
  return Status::Ok();
}

Result<Id> SqliteTx::InsertArticle(const domain::Article& a) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO articles(account_id, title, body, questions, tags, language, created_at, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  int64_t created = OrNow(a.created_at);
  stmt.Bind(1, a.account_id).Bind(2, a.title).Bind(3, a.body);
  stmt.Bind(4, EncodeStringList(a.questions)).Bind(5, EncodeStringList(a.tags));
  stmt.Bind(6, a.language).Bind(7, created).Bind(8, a.updated_at != 0 ? a.updated_at : created);
  return InsertReturningId(db_, stmt);
}

Status SqliteTx::UpdateArticle(const domain::Article& a) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "UPDATE articles SET title = ?3, body = ?4, questions = ?5, tags = ?6, language = ?7, "
      "updated_at = ?8 WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, a.account_id).Bind(2, a.id).Bind(3, a.title).Bind(4, a.body);
  stmt.Bind(5, EncodeStringList(a.questions)).Bind(6, EncodeStringList(a.tags));
  stmt.Bind(7, a.language).Bind(8, OrNow(a.updated_at));
  return ChangeOne(db_, stmt, "article");
}

Status SqliteTx::DeleteArticle(Id account_id, Id article_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare("DELETE FROM articles WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, account_id).Bind(2, article_id);
  return ChangeOne(db_, stmt, "article");
}

}  // namespace lingxi::store::internal

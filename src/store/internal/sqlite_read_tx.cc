// Queries of SqliteTx. Every tenant query filters on account_id in its WHERE clause.
#include <algorithm>
#include <string>

#include "store/internal/sqlite_tx.h"
#include "store/internal/string_list.h"

namespace lingxi::store::internal {
namespace {

using domain::Account;
using domain::Article;
using domain::Contact;
using domain::Conversation;
using domain::Identity;
using domain::Inbox;
using domain::Message;
using domain::Session;
using domain::User;

const std::string kUserCols =
    "SELECT id, account_id, email, name, role, password_hash, active, created_at FROM users ";
const std::string kInboxCols =
    "SELECT id, account_id, name, channel, widget_token, created_at, identity_secret FROM inboxes ";
const std::string kContactCols = "SELECT id, account_id, name, email, created_at FROM contacts ";
const std::string kConversationCols =
    "SELECT id, account_id, inbox_id, contact_id, status, assignee_id, handoff_reason, "
    "handoff_summary, created_at, updated_at, last_message_at, last_message_preview, bot_state "
    "FROM conversations ";
const std::string kMessageCols =
    "SELECT id, account_id, conversation_id, sender_type, sender_id, content, meta, created_at "
    "FROM messages ";
const std::string kArticleCols =
    "SELECT id, account_id, title, body, questions, tags, language, created_at, updated_at "
    "FROM articles ";

Status Corrupt(std::string what) { return Internal("corrupt row: " + std::move(what)); }

Result<User> ReadUser(const Stmt& s) {
  User u;
  u.id = s.Int(0);
  u.account_id = s.Int(1);
  u.email = s.Text(2);
  u.name = s.Text(3);
  auto role = domain::ParseRole(s.Text(4));
  if (!role) return Corrupt("users.role");
  u.role = *role;
  u.password_hash = s.Text(5);
  u.active = s.Int(6) != 0;
  u.created_at = s.Int(7);
  return u;
}

Result<Inbox> ReadInbox(const Stmt& s) {
  return Inbox{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5), s.Text(6)};
}

Result<Contact> ReadContact(const Stmt& s) {
  return Contact{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Int(4)};
}

Result<Identity> ReadIdentity(const Stmt& s) {
  return Identity{s.Int(0), s.Int(1), s.Int(2), s.Text(3), s.Text(4), s.Int(5)};
}

Result<Conversation> ReadConversation(const Stmt& s) {
  Conversation c;
  c.id = s.Int(0);
  c.account_id = s.Int(1);
  c.inbox_id = s.Int(2);
  c.contact_id = s.Int(3);
  auto status = domain::ParseConversationStatus(s.Text(4));
  if (!status) return Corrupt("conversations.status");
  c.status = *status;
  c.assignee_id = s.Int(5);  // NULL reads as 0 = unassigned
  c.handoff_reason = s.Text(6);
  c.handoff_summary = s.Text(7);
  c.created_at = s.Int(8);
  c.updated_at = s.Int(9);
  c.last_message_at = s.Int(10);
  c.last_message_preview = s.Text(11);
  c.bot_state = s.Text(12);
  return c;
}

Result<Message> ReadMessage(const Stmt& s) {
  Message m;
  m.id = s.Int(0);
  m.account_id = s.Int(1);
  m.conversation_id = s.Int(2);
  auto type = domain::ParseSenderType(s.Text(3));
  if (!type) return Corrupt("messages.sender_type");
  m.sender_type = *type;
  m.sender_id = s.Int(4);
  m.content = s.Text(5);
  m.meta_json = s.Text(6);
  m.created_at = s.Int(7);
  return m;
}

Result<Article> ReadArticle(const Stmt& s) {
  Article a;
  a.id = s.Int(0);
  a.account_id = s.Int(1);
  a.title = s.Text(2);
  a.body = s.Text(3);
  LINGXI_ASSIGN_OR_RETURN(a.questions, DecodeStringList(s.Text(4)));
  LINGXI_ASSIGN_OR_RETURN(a.tags, DecodeStringList(s.Text(5)));
  a.language = s.Text(6);
  a.created_at = s.Int(7);
  a.updated_at = s.Int(8);
  return a;
}

// Steps a bound statement expected to yield at most one row.
template <typename T, typename ReadRow>
Result<T> One(Stmt& stmt, ReadRow read, const char* what) {
  LINGXI_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound(std::string(what) + " not found");
  return read(stmt);
}

template <typename T, typename ReadRow>
Result<std::vector<T>> All(Stmt& stmt, ReadRow read) {
  std::vector<T> out;
  while (true) {
    LINGXI_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    LINGXI_ASSIGN_OR_RETURN(T item, read(stmt));
    out.push_back(std::move(item));
  }
}

int Clamp(int limit, int max) { return std::clamp(limit, 1, max); }

}  // namespace

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<std::vector<Id>> SqliteTx::ListAccountIds() {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare("SELECT id FROM accounts ORDER BY id"));
  return All<Id>(stmt, [](const Stmt& s) -> Result<Id> { return s.Int(0); });
}

Result<Account> SqliteTx::GetAccount(Id account_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare("SELECT id, name, created_at FROM accounts WHERE id = ?1"));
  stmt.Bind(1, account_id);
  return One<Account>(stmt, [](const Stmt& s) -> Result<Account> {
    return Account{s.Int(0), s.Text(1), s.Int(2)};
  }, "account");
}

Result<User> SqliteTx::GetUser(Id account_id, Id user_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kUserCols + "WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, account_id).Bind(2, user_id);
  return One<User>(stmt, ReadUser, "user");
}

Result<User> SqliteTx::FindUserByEmail(std::string_view email) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kUserCols + "WHERE email = ?1"));
  stmt.Bind(1, LowerAscii(email));
  return One<User>(stmt, ReadUser, "user");
}

Result<std::vector<User>> SqliteTx::ListUsers(Id account_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kUserCols + "WHERE account_id = ?1 ORDER BY id"));
  stmt.Bind(1, account_id);
  return All<User>(stmt, ReadUser);
}

Result<Session> SqliteTx::FindSession(std::string_view token_hash) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "SELECT token_hash, user_id, account_id, expires_at FROM sessions WHERE token_hash = ?1"));
  stmt.Bind(1, token_hash);
  return One<Session>(stmt, [](const Stmt& s) -> Result<Session> {
    return Session{s.Text(0), s.Int(1), s.Int(2), s.Int(3)};
  }, "session");
}

Result<Inbox> SqliteTx::GetInbox(Id account_id, Id inbox_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kInboxCols + "WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, account_id).Bind(2, inbox_id);
  return One<Inbox>(stmt, ReadInbox, "inbox");
}

Result<Inbox> SqliteTx::FindInboxByWidgetToken(std::string_view widget_token) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kInboxCols + "WHERE widget_token = ?1"));
  stmt.Bind(1, widget_token);
  return One<Inbox>(stmt, ReadInbox, "inbox");
}

Result<std::vector<Inbox>> SqliteTx::ListInboxes(Id account_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kInboxCols + "WHERE account_id = ?1 ORDER BY id"));
  stmt.Bind(1, account_id);
  return All<Inbox>(stmt, ReadInbox);
}

Result<Contact> SqliteTx::GetContact(Id account_id, Id contact_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kContactCols + "WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, account_id).Bind(2, contact_id);
  return One<Contact>(stmt, ReadContact, "contact");
}

Result<Contact> SqliteTx::FindContactByIdentity(Id account_id, std::string_view channel,
                                                std::string_view external_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "SELECT c.id, c.account_id, c.name, c.email, c.created_at FROM contact_identities i "
      "JOIN contacts c ON c.account_id = i.account_id AND c.id = i.contact_id "
      "WHERE i.account_id = ?1 AND i.channel = ?2 AND i.external_id = ?3"));
  stmt.Bind(1, account_id).Bind(2, channel).Bind(3, external_id);
  return One<Contact>(stmt, ReadContact, "contact");
}

Result<std::vector<Identity>> SqliteTx::ListIdentities(Id account_id, Id contact_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "SELECT id, account_id, contact_id, channel, external_id, created_at FROM contact_identities "
      "WHERE account_id = ?1 AND contact_id = ?2 ORDER BY id"));
  stmt.Bind(1, account_id).Bind(2, contact_id);
  return All<Identity>(stmt, ReadIdentity);
}

Result<Conversation> SqliteTx::GetConversation(Id account_id, Id conversation_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kConversationCols + "WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, account_id).Bind(2, conversation_id);
  return One<Conversation>(stmt, ReadConversation, "conversation");
}

Result<std::vector<Conversation>> SqliteTx::ListConversations(Id account_id,
                                                              const ConversationFilter& f) {
  // The SQL text depends only on which filters are present (at most 64 variants), so the
  // statement cache stays small while each variant can use the best index.
  std::string sql = kConversationCols + "WHERE account_id = ?1";
  if (f.status) sql += " AND status = ?2";
  if (f.open_only) sql += " AND status <> 'resolved'";
  if (f.assignee_id) sql += *f.assignee_id == 0 ? " AND assignee_id IS NULL" : " AND assignee_id = ?3";
  if (f.contact_id) sql += " AND contact_id = ?4";
  if (f.before_id > 0) sql += " AND id < ?5";
  sql += " ORDER BY last_message_at DESC, id DESC LIMIT ?6";
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(sql));
  stmt.Bind(1, account_id);
  if (f.status) stmt.Bind(2, std::string_view(domain::ConversationStatusName(*f.status)));
  if (f.assignee_id && *f.assignee_id != 0) stmt.Bind(3, *f.assignee_id);
  if (f.contact_id) stmt.Bind(4, *f.contact_id);
  if (f.before_id > 0) stmt.Bind(5, f.before_id);
  stmt.Bind(6, int64_t{Clamp(f.limit, kMaxConversationPage)});
  return All<Conversation>(stmt, ReadConversation);
}

Result<std::vector<Message>> SqliteTx::ListMessages(Id account_id, Id conversation_id, Id after_id,
                                                    int limit) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kMessageCols +
      "WHERE account_id = ?1 AND conversation_id = ?2 AND id > ?3 ORDER BY id LIMIT ?4"));
  stmt.Bind(1, account_id).Bind(2, conversation_id).Bind(3, after_id);
  stmt.Bind(4, int64_t{Clamp(limit, kMaxMessagePage)});
  return All<Message>(stmt, ReadMessage);
}

Result<std::vector<Message>> SqliteTx::RecentMessages(Id account_id, Id conversation_id, int limit) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kMessageCols +
      "WHERE account_id = ?1 AND conversation_id = ?2 ORDER BY id DESC LIMIT ?3"));
  stmt.Bind(1, account_id).Bind(2, conversation_id).Bind(3, int64_t{Clamp(limit, kMaxMessagePage)});
  LINGXI_ASSIGN_OR_RETURN(std::vector<Message> out, All<Message>(stmt, ReadMessage));
  std::reverse(out.begin(), out.end());
  return out;
}

Result<Article> SqliteTx::GetArticle(Id account_id, Id article_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kArticleCols + "WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, account_id).Bind(2, article_id);
  return One<Article>(stmt, ReadArticle, "article");
}

Result<std::vector<Article>> SqliteTx::ListArticles(Id account_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(kArticleCols + "WHERE account_id = ?1 ORDER BY id"));
  stmt.Bind(1, account_id);
  return All<Article>(stmt, ReadArticle);
}

Result<int64_t> SqliteTx::CountMessages(Id account_id, Id conversation_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "SELECT COUNT(*) FROM messages WHERE account_id = ?1 AND conversation_id = ?2"));
  stmt.Bind(1, account_id).Bind(2, conversation_id);
  LINGXI_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int(0) : int64_t{0};
}

}  // namespace lingxi::store::internal

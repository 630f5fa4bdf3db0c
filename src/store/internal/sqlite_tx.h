// SqliteTx: ReadTx/WriteTx over one SQLite connection. The store hands a SqliteTx to
// Read() callbacks (as ReadTx&, on a read-only connection) and to Write() jobs (on the
// writer connection, inside the batch transaction and the job's savepoint).
// Thread-safety: none; valid only inside the callback it was passed to.
// Reads are in sqlite_read_tx.cc, mutations in sqlite_write_tx.cc, feedback in sqlite_feedback_tx.cc. Private to store/.
#pragma once

#include "store/internal/sqlite_db.h"
#include "store/store.h"

namespace lingxi::store::internal {

// Limits applied to caller-supplied page sizes.
inline constexpr int kMaxConversationPage = 200;
inline constexpr int kMaxMessagePage = 1000;
inline constexpr size_t kPreviewCodePoints = 120;

class SqliteTx final : public WriteTx {
 public:
  explicit SqliteTx(Db& db) : db_(db) {}

  // ReadTx
  Result<std::vector<Id>> ListAccountIds() override;
  Result<domain::Account> GetAccount(Id account_id) override;
  Result<domain::User> GetUser(Id account_id, Id user_id) override;
  Result<domain::User> FindUserByEmail(std::string_view email) override;
  Result<std::vector<domain::User>> ListUsers(Id account_id) override;
  Result<domain::Session> FindSession(std::string_view token_hash) override;
  Result<domain::Inbox> GetInbox(Id account_id, Id inbox_id) override;
  Result<domain::Inbox> FindInboxByWidgetToken(std::string_view widget_token) override;
  Result<std::vector<domain::Inbox>> ListInboxes(Id account_id) override;
  Result<domain::Contact> GetContact(Id account_id, Id contact_id) override;
  Result<domain::Contact> FindContactByIdentity(Id account_id, std::string_view channel,
                                                std::string_view external_id) override;
  Result<std::vector<domain::Identity>> ListIdentities(Id account_id, Id contact_id) override;
  Result<domain::Conversation> GetConversation(Id account_id, Id conversation_id) override;
  Result<std::vector<domain::Conversation>> ListConversations(Id account_id,
                                                              const ConversationFilter& f) override;
  Result<std::vector<domain::Message>> ListMessages(Id account_id, Id conversation_id, Id after_id,
                                                    int limit) override;
  Result<std::vector<domain::Message>> RecentMessages(Id account_id, Id conversation_id,
                                                      int limit) override;
  Result<domain::Article> GetArticle(Id account_id, Id article_id) override;
  Result<std::vector<domain::Article>> ListArticles(Id account_id) override;
  Result<int64_t> CountMessages(Id account_id, Id conversation_id) override;
  Result<std::vector<MessageFeedback>> ListMessageFeedback(Id account_id, int rating, int limit) override;
  Result<std::vector<CannedReply>> ListCannedReplies(Id account_id) override;
  Result<std::vector<ConversationRating>> ListConversationRatings(Id account_id, int limit) override;
  Result<LlmUsageTotals> SumLlmUsage(Id account_id, Id conversation_id, int64_t since_ms) override;
  Result<std::string> GetBotTrace(Id account_id, Id message_id) override;

  // WriteTx
  Result<Id> InsertAccount(const domain::Account& a) override;
  Result<Id> InsertUser(const domain::User& u) override;
  Status UpdateUser(const domain::User& u) override;
  Status InsertSession(const domain::Session& s) override;
  Status DeleteSession(std::string_view token_hash) override;
  Status DeleteExpiredSessions(int64_t now_millis) override;
  Status DeleteUserSessions(Id account_id, Id user_id) override;
  Result<Id> InsertInbox(const domain::Inbox& i) override;
  Status SetInboxIdentitySecret(Id account_id, Id inbox_id, std::string_view secret) override;
  Result<Id> InsertContact(const domain::Contact& c) override;
  Status UpdateContact(const domain::Contact& c) override;
  Result<Id> InsertIdentity(const domain::Identity& i) override;
  Result<Id> InsertConversation(const domain::Conversation& c) override;
  Status UpdateConversation(const domain::Conversation& c) override;
  Result<Id> InsertMessage(const domain::Message& m) override;
  Status SaveTurn(const domain::Conversation& c, bool conversation_changed,
                  std::span<domain::Message> messages) override;
  Result<Id> InsertArticle(const domain::Article& a) override;
  Status UpdateArticle(const domain::Article& a) override;
  Status DeleteArticle(Id account_id, Id article_id) override;
  Status UpsertMessageFeedback(const MessageFeedback& f) override;
  Result<Id> InsertCannedReply(const CannedReply& c) override;
  Status DeleteCannedReply(Id account_id, Id id) override;
  Status UpsertConversationRating(const ConversationRating& r) override;
  Status InsertLlmUsage(const LlmUsage& u) override;
  Status InsertBotTrace(Id account_id, Id conversation_id, Id message_id, std::string_view trace_json) override;

 private:
  Db& db_;
};

// ASCII lower-casing used for login emails (stored and compared lower-cased).
std::string LowerAscii(std::string_view s);

}  // namespace lingxi::store::internal

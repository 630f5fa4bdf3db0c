// Store: durable state of every tenant. Repositories are exposed as two transaction
// views: ReadTx (queries) and WriteTx (queries + mutations).
//
// Concurrency model:
//  - All writes go through ONE writer thread. Store::Write() queues a job; the writer
//    drains the queue, runs up to `max_batch` jobs inside one transaction (group commit),
//    each under its own SAVEPOINT so a failing job rolls back alone, then COMMITs and
//    only then calls each job's `done` callback. So `done(Ok)` means "durably committed".
//  - Reads borrow a connection from a pool (WAL mode: readers never block the writer).
//    Read() blocks the calling thread: never call it from an I/O thread.
//  - Every method that touches tenant data takes `account_id` and filters by it; a row of
//    another account is reported as NotFound, never returned.
// Thread-safety: Store is thread-safe. ReadTx/WriteTx objects are valid only inside the
// callback they were passed to, on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/types.h"

namespace lingxi::store {

using domain::Id;

struct StoreOptions {
  std::string path;                  // SQLite database file; parent directory must exist
  std::string synchronous = "FULL";  // FULL (fsync per commit) or NORMAL
  int readers = 4;                   // read connection pool size
  size_t max_batch = 1024;           // max jobs per group commit
  // WAL checkpoints (copying committed pages from the WAL into the database file) run on a
  // thread of their own once the WAL holds `checkpoint_frames` pages, so that commits never wait
  // for them. A busy writer can keep the WAL from ever being fully copied, which is what lets
  // SQLite start it over; at `wal_limit_frames` the writer finishes the copy itself (only the
  // pages committed since the last background pass) so the WAL stays bounded.
  int checkpoint_frames = 1000;
  int wal_limit_frames = 8000;
};

struct ConversationFilter {
  std::optional<domain::ConversationStatus> status;  // exact status
  bool open_only = false;                            // status != resolved
  std::optional<Id> assignee_id;
  std::optional<Id> contact_id;
  Id before_id = 0;  // paging: only ids < before_id (0 = no bound)
  int limit = 50;    // newest first (by last_message_at, then id)
};

// A customer's thumbs up (+1) / down (-1) on one bot answer; one per message (latest wins).
struct MessageFeedback {
  Id account_id = 0;
  Id message_id = 0;
  Id conversation_id = 0;
  int rating = 0;  // +1 or -1
  int64_t created_at = 0;
  std::string message_content;  // filled by ListMessageFeedback: the rated answer
  std::string message_meta;     // its meta JSON (sources, confidence)
};

// A saved answer an agent inserts by typing "/shortcut" in the reply box; shortcuts are unique per account.
struct CannedReply {
  Id id = 0;
  Id account_id = 0;
  std::string shortcut;
  std::string content;
  int64_t created_at = 0;
};

// A customer's 1..5 rating of a conversation; one per conversation (latest wins).
struct ConversationRating {
  Id account_id = 0;
  Id conversation_id = 0;
  int score = 0;  // 1..5
  std::string comment;
  int64_t created_at = 0;
};

// Tokens one LLM answer used (one row per answer; summed for reports and quotas).
struct LlmUsage {
  Id account_id = 0;
  Id conversation_id = 0;  // 0 when not tied to a conversation (e.g. a translation)
  std::string model;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cache_hit_tokens = 0;
  int64_t created_at = 0;
};

struct LlmUsageTotals {
  int64_t answers = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cache_hit_tokens = 0;
};

class ReadTx {
 public:
  virtual ~ReadTx() = default;
  // Errors for all Get/Find: NotFound when absent (or in another account), Internal on SQLite errors.
  virtual Result<std::vector<Id>> ListAccountIds() = 0;
  virtual Result<domain::Account> GetAccount(Id account_id) = 0;
  virtual Result<domain::User> GetUser(Id account_id, Id user_id) = 0;
  // Login lookup across accounts; `email` is compared lower-cased.
  virtual Result<domain::User> FindUserByEmail(std::string_view email) = 0;
  virtual Result<std::vector<domain::User>> ListUsers(Id account_id) = 0;
  virtual Result<domain::Session> FindSession(std::string_view token_hash) = 0;
  virtual Result<domain::Inbox> GetInbox(Id account_id, Id inbox_id) = 0;
  virtual Result<domain::Inbox> FindInboxByWidgetToken(std::string_view widget_token) = 0;
  virtual Result<std::vector<domain::Inbox>> ListInboxes(Id account_id) = 0;
  virtual Result<domain::Contact> GetContact(Id account_id, Id contact_id) = 0;
  virtual Result<domain::Contact> FindContactByIdentity(Id account_id, std::string_view channel,
                                                        std::string_view external_id) = 0;
  virtual Result<std::vector<domain::Identity>> ListIdentities(Id account_id, Id contact_id) = 0;
  virtual Result<domain::Conversation> GetConversation(Id account_id, Id conversation_id) = 0;
  virtual Result<std::vector<domain::Conversation>> ListConversations(Id account_id,
                                                                      const ConversationFilter& f) = 0;
  // Messages with id > after_id, oldest first, at most `limit`.
  virtual Result<std::vector<domain::Message>> ListMessages(Id account_id, Id conversation_id,
                                                            Id after_id, int limit) = 0;
  // The newest `limit` messages, returned oldest first.
  virtual Result<std::vector<domain::Message>> RecentMessages(Id account_id, Id conversation_id,
                                                              int limit) = 0;
  virtual Result<domain::Article> GetArticle(Id account_id, Id article_id) = 0;
  virtual Result<std::vector<domain::Article>> ListArticles(Id account_id) = 0;
  // Counts (used by /metrics and tests).
  virtual Result<int64_t> CountMessages(Id account_id, Id conversation_id) = 0;
  // Newest first; rating 0 = both kinds. limit is clamped to 1..500.
  virtual Result<std::vector<MessageFeedback>> ListMessageFeedback(Id account_id, int rating, int limit) = 0;
  virtual Result<std::vector<CannedReply>> ListCannedReplies(Id account_id) = 0;  // by shortcut
  // Newest first; limit is clamped to 1..500.
  virtual Result<std::vector<ConversationRating>> ListConversationRatings(Id account_id, int limit) = 0;
  // Sums since `since_ms`; conversation_id 0 = the whole account.
  virtual Result<LlmUsageTotals> SumLlmUsage(Id account_id, Id conversation_id, int64_t since_ms) = 0;
  // The stored trace (JSON text) of a bot answer. NotFound if none.
  virtual Result<std::string> GetBotTrace(Id account_id, Id message_id) = 0;
};

class WriteTx : public ReadTx {
 public:
  // Insert* ignore the `id` field and return the new id. Errors: AlreadyExists on a unique
  // constraint (user email, inbox widget token, identity (account, channel, external_id)),
  // InvalidArgument on a foreign key that does not exist in the same account.
  virtual Result<Id> InsertAccount(const domain::Account& a) = 0;
  virtual Result<Id> InsertUser(const domain::User& u) = 0;
  virtual Status UpdateUser(const domain::User& u) = 0;  // name, role, password_hash, active
  virtual Status InsertSession(const domain::Session& s) = 0;
  virtual Status DeleteSession(std::string_view token_hash) = 0;
  virtual Status DeleteExpiredSessions(int64_t now_millis) = 0;
  // Logs a user out everywhere (deactivation, password reset). Idempotent.
  virtual Status DeleteUserSessions(Id account_id, Id user_id) = 0;
  // An empty `identity_secret` gets a random one (32 bytes, hex).
  virtual Result<Id> InsertInbox(const domain::Inbox& i) = 0;
  // Replaces the inbox's identity-verification secret (rotation); at least 16 characters.
  virtual Status SetInboxIdentitySecret(Id account_id, Id inbox_id, std::string_view secret) = 0;
  virtual Result<Id> InsertContact(const domain::Contact& c) = 0;
  virtual Status UpdateContact(const domain::Contact& c) = 0;  // name, email
  virtual Result<Id> InsertIdentity(const domain::Identity& i) = 0;
  virtual Result<Id> InsertConversation(const domain::Conversation& c) = 0;
  // Updates status, assignee_id, handoff_reason, handoff_summary, updated_at. NotFound if absent.
  virtual Status UpdateConversation(const domain::Conversation& c) = 0;
  // Also sets the conversation's last_message_at / last_message_preview (first 120 code
  // points) and updated_at. InvalidArgument if the conversation is not in the account.
  virtual Result<Id> InsertMessage(const domain::Message& m) = 0;
  // One turn of a conversation in one call: inserts `messages` (all of conversation c.id in
  // c.account_id; their ids are set) and updates the conversation row ONCE — all the fields of
  // UpdateConversation when `conversation_changed`, else only the last-message fields. The
  // preview is taken from the last message. InvalidArgument if the conversation is not in the
  // account or a message belongs to another conversation.
  virtual Status SaveTurn(const domain::Conversation& c, bool conversation_changed,
                          std::span<domain::Message> messages) = 0;
  virtual Result<Id> InsertArticle(const domain::Article& a) = 0;
  virtual Status UpdateArticle(const domain::Article& a) = 0;  // NotFound if absent
  virtual Status DeleteArticle(Id account_id, Id article_id) = 0;  // NotFound if absent
  // Insert or replace. NotFound unless message_id is a bot message of conversation_id in the account.
  virtual Status UpsertMessageFeedback(const MessageFeedback& f) = 0;
  // AlreadyExists if the account already has this shortcut; DeleteCannedReply: NotFound if absent.
  virtual Result<Id> InsertCannedReply(const CannedReply& c) = 0;
  virtual Status DeleteCannedReply(Id account_id, Id id) = 0;
  // Insert or replace. NotFound unless the conversation exists in the account.
  virtual Status UpsertConversationRating(const ConversationRating& r) = 0;
  virtual Status InsertLlmUsage(const LlmUsage& u) = 0;
  // The trace of bot message `message_id` (a message of conversation_id in the account).
  virtual Status InsertBotTrace(Id account_id, Id conversation_id, Id message_id, std::string_view trace_json) = 0;
};

class Store {
 public:
  using WriteFn = std::function<Status(WriteTx&)>;
  using DoneFn = std::function<void(Status)>;
  using ReadFn = std::function<Status(ReadTx&)>;

  struct Stats {
    uint64_t commits = 0;     // transactions committed
    uint64_t writes = 0;      // jobs run
    uint64_t max_batch = 0;   // largest batch seen
    uint64_t queue_depth = 0; // jobs waiting now
    uint64_t checkpoints = 0;        // background WAL checkpoints run
    uint64_t writer_checkpoints = 0; // checkpoints the writer ran at wal_limit_frames
  };

  virtual ~Store() = default;

  // Queues `fn` for the writer thread. `done` (may be empty) is called exactly once, on the
  // writer thread, after the batch containing `fn` committed (with fn's status) or failed
  // (with the commit error). Keep `done` short: post real work elsewhere.
  // After Close(): `done(Unavailable)` immediately.
  virtual void Write(WriteFn fn, DoneFn done) = 0;
  // Write() and wait for the outcome. Never call from the writer thread or an I/O thread.
  Status WriteSync(WriteFn fn);
  // Runs `fn` on a pooled read connection, blocking the caller; returns fn's status.
  virtual Status Read(const ReadFn& fn) = 0;
  // Commits everything queued, stops the writer, closes connections. Idempotent.
  virtual void Close() = 0;
  virtual int SchemaVersion() const = 0;
  virtual Stats GetStats() const = 0;
};

// Opens (creating if needed) the SQLite database at options.path in WAL mode and applies
// pending migrations. Errors: Unavailable if the file cannot be opened, Internal on a
// failed migration (nothing of that migration is applied).
Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreOptions& options);

}  // namespace lingxi::store

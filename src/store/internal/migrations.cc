#include "store/internal/migrations.h"

#include <string>
#include <vector>

#include "core/clock.h"

namespace lingxi::store::internal {
namespace {

// Every tenant table carries account_id. Parent tables have UNIQUE(account_id, id) so
// children can use composite foreign keys: a reference to a row of another account
// fails like a reference to a missing row (SQLITE_CONSTRAINT_FOREIGNKEY).
constexpr const char* kMigration1 = R"sql(
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('agent', 'admin')),
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX users_email ON users(email);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id)
) WITHOUT ROWID;
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX sessions_user ON sessions(account_id, user_id);

CREATE TABLE inboxes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  channel TEXT NOT NULL,
  widget_token TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, id)
);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, id)
);

CREATE TABLE contact_identities (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  external_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts(account_id, id)
);
CREATE UNIQUE INDEX identities_key ON contact_identities(account_id, channel, external_id);
CREATE INDEX identities_contact ON contact_identities(account_id, contact_id);

CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL,
  inbox_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('bot', 'queued', 'assigned', 'resolved')),
  assignee_id INTEGER,
  handoff_reason TEXT NOT NULL DEFAULT '',
  handoff_summary TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_message_at INTEGER NOT NULL,
  last_message_preview TEXT NOT NULL DEFAULT '',
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, inbox_id) REFERENCES inboxes(account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts(account_id, id),
  FOREIGN KEY (account_id, assignee_id) REFERENCES users(account_id, id)
);
CREATE INDEX conversations_recent ON conversations(account_id, last_message_at, id);
CREATE INDEX conversations_status ON conversations(account_id, status, last_message_at);
CREATE INDEX conversations_assignee ON conversations(account_id, assignee_id, last_message_at);
CREATE INDEX conversations_contact ON conversations(account_id, contact_id);
CREATE INDEX conversations_inbox ON conversations(account_id, inbox_id);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL,
  conversation_id INTEGER NOT NULL,
  sender_type TEXT NOT NULL CHECK (sender_type IN ('contact', 'bot', 'agent', 'system')),
  sender_id INTEGER NOT NULL DEFAULT 0,
  content TEXT NOT NULL,
  meta TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations(account_id, id)
);
CREATE INDEX messages_conversation ON messages(account_id, conversation_id, id);

CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  questions TEXT NOT NULL DEFAULT '[]',
  tags TEXT NOT NULL DEFAULT '[]',
  language TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX articles_account ON articles(account_id, id);
)sql";

// Customer feedback: thumbs on bot answers and a 1..5 rating per conversation.
constexpr const char* kMigration2 = R"sql(
CREATE TABLE message_feedback (
  account_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  conversation_id INTEGER NOT NULL,
  rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, message_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations(account_id, id)
);
CREATE INDEX message_feedback_recent ON message_feedback(account_id, rating, created_at);

CREATE TABLE conversation_ratings (
  account_id INTEGER NOT NULL,
  conversation_id INTEGER NOT NULL,
  score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, conversation_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations(account_id, id)
);
CREATE INDEX conversation_ratings_recent ON conversation_ratings(account_id, created_at);
)sql";

// 3: canned replies agents insert with a "/shortcut" in the console reply box.
constexpr const char* kMigration3 = R"sql(
CREATE TABLE canned_replies (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  shortcut TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, shortcut)
);
)sql";

// 4: the AI agent: the running playbook of a conversation, token usage of LLM calls, and the
// per-answer trace (prompt, passages, tool calls, timings) admins can inspect.
constexpr const char* kMigration4 = R"sql(
ALTER TABLE conversations ADD COLUMN bot_state TEXT NOT NULL DEFAULT '';

CREATE TABLE llm_usage (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  conversation_id INTEGER NOT NULL DEFAULT 0,
  model TEXT NOT NULL DEFAULT '',
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  cache_hit_tokens INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX llm_usage_account ON llm_usage(account_id, created_at);
CREATE INDEX llm_usage_conversation ON llm_usage(account_id, conversation_id);

CREATE TABLE bot_traces (
  account_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  conversation_id INTEGER NOT NULL,
  trace TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, message_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations(account_id, id)
);
)sql";

// 5: identity verification — each inbox gets a secret the business signs its customer ids with.
// Existing inboxes get a random one (32 random bytes, hex).
constexpr const char* kMigration5 = R"sql(
ALTER TABLE inboxes ADD COLUMN identity_secret TEXT NOT NULL DEFAULT '';
UPDATE inboxes SET identity_secret = lower(hex(randomblob(32))) WHERE identity_secret = '';
)sql";

const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kAll = {kMigration1, kMigration2, kMigration3, kMigration4, kMigration5};
  return kAll;
}

Result<int> CurrentVersion(Db& db) {
  LINGXI_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"));
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  LINGXI_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? static_cast<int>(stmt.Int(0)) : 0;
}

Status Apply(Db& db, int version, const char* sql) {
  LINGXI_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  // Another process may have migrated between our version check and BEGIN IMMEDIATE.
  Result<int> now = CurrentVersion(db);
  if (now.ok() && *now >= version) return db.Exec("COMMIT");
  Status s = now.ok() ? db.Exec(sql) : now.status();
  if (s.ok()) {
    Result<Stmt> ins = db.Prepare("INSERT INTO schema_migrations(version, applied_at) VALUES (?1, ?2)");
    s = ins.ok() ? ins->Bind(1, int64_t{version}).Bind(2, NowMillis()).Exec() : ins.status();
  }
  if (s.ok()) s = db.Exec("COMMIT");
  if (!s.ok()) {
    if (db.InTransaction()) db.Exec("ROLLBACK").IgnoreError();
    return Internal("migration " + std::to_string(version) + " failed: " + s.message());
  }
  return Status::Ok();
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

Result<int> Migrate(Db& db) {
  Result<int> current = CurrentVersion(db);
  if (!current.ok()) return Internal("reading schema version: " + current.status().message());
  int version = *current;
  if (version > LatestSchemaVersion()) {
    return Internal("database schema version " + std::to_string(version) +
                    " is newer than this binary (" + std::to_string(LatestSchemaVersion()) + ")");
  }
  const auto& all = Migrations();
  for (; version < LatestSchemaVersion(); ++version) {
    LINGXI_RETURN_IF_ERROR(Apply(db, version + 1, all[static_cast<size_t>(version)]));
  }
  return version;
}

}  // namespace lingxi::store::internal

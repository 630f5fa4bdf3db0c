#include <sqlite3.h>

#include "store_fixture.h"

namespace lingxi::store {
namespace {

// Reads schema_migrations rows "version:applied_at;" with a private connection.
std::string MigrationRows(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT version, applied_at FROM schema_migrations ORDER BY version",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  std::string out;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    out += std::to_string(sqlite3_column_int64(stmt, 0)) + ":" +
           std::to_string(sqlite3_column_int64(stmt, 1)) + ";";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST_F(StoreTest, MigrationsApplyOnFreshFile) {
  EXPECT_EQ(store_->SchemaVersion(), 5);
  std::string rows = MigrationRows(path_);
  EXPECT_EQ(rows.rfind("1:", 0), 0u) << rows;
  // Tables exist and are usable.
  Seed s = MakeTenant("acme");
  EXPECT_GT(s.conversation, 0);
}

TEST_F(StoreTest, ReopenIsNoOp) {
  Seed s = MakeTenant("acme");
  std::string before = MigrationRows(path_);
  Reopen();
  EXPECT_EQ(store_->SchemaVersion(), 5);
  EXPECT_EQ(MigrationRows(path_), before);
  auto conv = ReadValue<domain::Conversation>(
      [&](ReadTx& tx) { return tx.GetConversation(s.account, s.conversation); });
  EXPECT_TRUE(conv.ok()) << conv.status().ToString();
}

TEST_F(StoreTest, DurableAcrossCloseAndReopen) {
  Seed s = MakeTenant("acme");
  Id msg = AddMessage(s, s.conversation, "persist me");
  store_->Close();
  Reopen();
  auto msgs = ReadValue<std::vector<domain::Message>>(
      [&](ReadTx& tx) { return tx.ListMessages(s.account, s.conversation, 0, 10); });
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].id, msg);
  EXPECT_EQ((*msgs)[0].content, "persist me");
}

// An install from before identity verification (schema 4) gets a random secret for each existing
// inbox when it upgrades, so its widget keeps working and can be signed at once.
TEST_F(StoreTest, UpgradeFromSchema4GivesExistingInboxesASecret) {
  Seed s = MakeTenant("acme");
  store_->Close();
  store_.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, "ALTER TABLE inboxes DROP COLUMN identity_secret; "
                               "DELETE FROM schema_migrations WHERE version = 5;",
                           nullptr, nullptr, &err),
              SQLITE_OK)
        << (err ? err : "");
    sqlite3_close(db);
  }
  Reopen();
  EXPECT_EQ(store_->SchemaVersion(), 5);
  auto inbox = ReadValue<domain::Inbox>([&](ReadTx& tx) { return tx.GetInbox(s.account, s.inbox); });
  ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
  EXPECT_EQ(inbox->identity_secret.size(), 64u);
  EXPECT_EQ(inbox->identity_secret.find_first_not_of("0123456789abcdef"), std::string::npos) << inbox->identity_secret;
}

TEST_F(StoreTest, OpenFailsWithUnavailableForMissingDirectory) {
  StoreOptions o;
  o.path = path_ + ".missing-dir/x.db";
  auto opened = OpenSqliteStore(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
}

TEST_F(StoreTest, RejectsUnknownSynchronousMode) {
  StoreOptions o = Options();
  o.synchronous = "FULL; DROP TABLE users";
  store_.reset();
  auto opened = OpenSqliteStore(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lingxi::store

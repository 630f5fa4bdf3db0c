// Small RAII layer over the SQLite C API: a connection (Db) owning a cache of prepared
// statements, and a scoped handle (Stmt) that binds, steps and resets one of them.
// Thread-safety: a Db (and every Stmt borrowed from it) is used by one thread at a time.
// Ownership: Db owns sqlite3* and all cached sqlite3_stmt*; a Stmt only borrows one and
// resets it when destroyed, so it must not outlive its Db. Private to store/.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

namespace lingxi::store::internal {

class Db;

class Stmt {
 public:
  Stmt(sqlite3_stmt* stmt, Db* db) : stmt_(stmt), db_(db) {}
  Stmt(Stmt&& o) noexcept : stmt_(o.stmt_), db_(o.db_), bind_rc_(o.bind_rc_) { o.stmt_ = nullptr; }
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  ~Stmt();

  // Parameter indexes are 1-based, as in SQL `?1`. A failed bind surfaces at Step().
  Stmt& Bind(int idx, int64_t v);
  Stmt& Bind(int idx, std::string_view v);
  Stmt& BindNull(int idx);
  // Binds NULL when v == 0 (used for optional foreign keys such as assignee_id).
  Stmt& BindIdOrNull(int idx, int64_t v);

  // true: a row is available; false: done. Errors mapped by MapError().
  Result<bool> Step();
  // Steps to completion, ignoring rows.
  Status Exec();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const;

 private:
  sqlite3_stmt* stmt_;
  Db* db_;
  int bind_rc_ = SQLITE_OK;
};

class Db {
 public:
  struct Options {
    std::string path;
    bool read_only = false;
    std::string synchronous = "FULL";
    int cache_kib = 16 * 1024;
  };

  // Opens and configures a connection. Unavailable if the file cannot be opened.
  static Result<std::unique_ptr<Db>> Open(const Options& options);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Returns the cached statement for `sql`, preparing it on first use. `sql` must be
  // a single statement. Two live Stmt for the same sql at once are not allowed.
  Result<Stmt> Prepare(const std::string& sql);
  // Runs one or more statements without caching (pragmas, migrations, rare paths).
  Status Exec(const char* sql);
  // Runs ONE statement through the statement cache: for the hot transaction-control
  // statements (BEGIN/SAVEPOINT/RELEASE/COMMIT) that run for every write job.
  Status ExecCached(const std::string& sql);

  // Maps an SQLite result code (extended codes on) to a Status.
  Status MapError(int rc) const;
  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
  sqlite3* raw() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace lingxi::store::internal

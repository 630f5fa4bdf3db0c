#include "store/internal/sqlite_db.h"

#include <string>

namespace lingxi::store::internal {

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::Bind(int idx, int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, idx, v);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::Bind(int idx, std::string_view v) {
  // SQLITE_TRANSIENT: the caller's buffer may die before Step().
  int rc = sqlite3_bind_text64(stmt_, idx, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::BindNull(int idx) {
  int rc = sqlite3_bind_null(stmt_, idx);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::BindIdOrNull(int idx, int64_t v) { return v == 0 ? BindNull(idx) : Bind(idx, v); }

Result<bool> Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) return db_->MapError(bind_rc_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->MapError(rc);
}

Status Stmt::Exec() {
  while (true) {
    Result<bool> r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::Ok();
  }
}

std::string Stmt::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

namespace {

bool ValidSynchronous(const std::string& s) {
  return s == "FULL" || s == "NORMAL" || s == "EXTRA" || s == "OFF";
}

}  // namespace

Result<std::unique_ptr<Db>> Db::Open(const Options& options) {
  if (!ValidSynchronous(options.synchronous)) {
    return InvalidArgument("synchronous must be FULL, NORMAL, EXTRA or OFF, got '" +
                           options.synchronous + "'");
  }
  // NOMUTEX: each connection is used by one thread at a time (writer thread or a borrower
  // of the read pool), so SQLite's per-connection mutex is pure overhead.
  int flags = SQLITE_OPEN_NOMUTEX |
              (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return Unavailable("cannot open " + options.path + ": " + msg);
  }
  std::unique_ptr<Db> db(new Db(raw));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-" +
                        std::to_string(options.cache_kib) + ";";
  if (options.read_only) {
    pragmas += "PRAGMA query_only=ON;";
  } else {
    pragmas += "PRAGMA journal_mode=WAL; PRAGMA synchronous=" + options.synchronous + ";";
  }
  Status s = db->Exec(pragmas.c_str());
  if (!s.ok()) return Unavailable("cannot configure " + options.path + ": " + s.message());
  return db;
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Stmt> Db::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Internal("prepare failed: " + std::string(sqlite3_errmsg(db_)));
    it = cache_.emplace(sql, stmt).first;
  }
  return Stmt(it->second, this);
}

Status Db::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  Status s = MapError(rc);
  if (err != nullptr) {
    s = Status(s.code(), err);
    sqlite3_free(err);
  }
  return s;
}

Status Db::ExecCached(const std::string& sql) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
  return stmt.Exec();
}

Status Db::MapError(int rc) const {
  std::string msg = sqlite3_errmsg(db_);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return AlreadyExists(msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return InvalidArgument(msg);
    default:
      return Internal("sqlite: " + msg + " (" + sqlite3_errstr(rc) + ")");
  }
}

}  // namespace lingxi::store::internal

// SqliteStore: the SQLite implementation of Store. One writer thread owns the writer
// connection and group-commits queued jobs; a fixed pool of read-only connections
// serves Read(); a checkpointer thread with its own connection copies the WAL into the
// database file. See store.h for the contract.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/log.h"
#include "store/internal/migrations.h"
#include "store/internal/sqlite_db.h"
#include "store/internal/sqlite_tx.h"
#include "store/store.h"

namespace lingxi::store {
namespace {

using internal::Db;
using internal::SqliteTx;

struct Job {
  Store::WriteFn fn;
  Store::DoneFn done;
  Status status;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(StoreOptions options, std::unique_ptr<Db> writer, std::unique_ptr<Db> checkpointer,
              std::vector<std::unique_ptr<Db>> readers, int schema_version)
      : options_(std::move(options)),
        schema_version_(schema_version),
        writer_db_(std::move(writer)),
        checkpointer_db_(std::move(checkpointer)),
        idle_readers_(std::move(readers)),
        reader_count_(idle_readers_.size()) {
    // Replaces SQLite's automatic checkpoint, which would run on the writer after a commit.
    sqlite3_wal_hook(writer_db_->raw(), &SqliteStore::WalHook, this);
    checkpointer_ = std::thread([this] { CheckpointLoop(); });
    writer_ = std::thread([this] { WriterLoop(); });
  }
  ~SqliteStore() override { Close(); }

  void Write(WriteFn fn, DoneFn done) override;
  Status Read(const ReadFn& fn) override;
  void Close() override;
  int SchemaVersion() const override { return schema_version_; }
  Stats GetStats() const override;

 private:
  void WriterLoop();
  void RunBatch(std::vector<Job>& batch);
  // Called by SQLite on the writer thread after each commit, with the WAL's size in pages.
  static int WalHook(void* self, sqlite3* db, const char* schema, int wal_frames);
  void CheckpointLoop();
  std::unique_ptr<Db> BorrowReader();
  void ReturnReader(std::unique_ptr<Db> db);

  const StoreOptions options_;
  const int schema_version_;

  // Writer side. writer_db_ is touched only by the writer thread (and by Close after join).
  std::unique_ptr<Db> writer_db_;
  std::thread writer_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Job> queue_;      // guarded by queue_mu_
  bool closing_ = false;       // guarded by queue_mu_
  std::mutex close_mu_;        // serialises Close() callers

  // Checkpointer side. checkpointer_db_ is touched only by the checkpointer thread.
  std::unique_ptr<Db> checkpointer_db_;
  std::thread checkpointer_;
  std::mutex ckpt_mu_;
  std::condition_variable ckpt_cv_;
  bool ckpt_wanted_ = false;   // guarded by ckpt_mu_
  bool ckpt_closing_ = false;  // guarded by ckpt_mu_

  // Read pool.
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Db>> idle_readers_;  // guarded by pool_mu_
  size_t reader_count_;                            // connections owned by the pool
  bool pool_closed_ = false;                       // guarded by pool_mu_

  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> max_batch_{0};
  std::atomic<uint64_t> queue_depth_{0};
  std::atomic<uint64_t> checkpoints_{0};
  std::atomic<uint64_t> writer_checkpoints_{0};
};

void SqliteStore::Write(WriteFn fn, DoneFn done) {
  {
    std::lock_guard lock(queue_mu_);
    if (!closing_) {
      queue_.push_back(Job{std::move(fn), std::move(done), Status::Ok()});
      queue_depth_.fetch_add(1, std::memory_order_relaxed);
      queue_cv_.notify_one();
      return;
    }
  }
  if (done) done(Unavailable("store is closed"));
}

void SqliteStore::WriterLoop() {
  std::vector<Job> batch;
  const size_t max_batch = std::max<size_t>(options_.max_batch, 1);
  while (true) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      // On close, keep draining until the queue is empty: Close() commits everything queued.
      if (queue_.empty()) return;
      size_t n = std::min(max_batch, queue_.size());
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queue_depth_.fetch_sub(n, std::memory_order_relaxed);
    }
    RunBatch(batch);
    batch.clear();
  }
}

void SqliteStore::RunBatch(std::vector<Job>& batch) {
  Db& db = *writer_db_;
  Status batch_status = db.ExecCached("BEGIN IMMEDIATE");
  if (batch_status.ok()) {
    SqliteTx tx(db);
    for (Job& job : batch) {
      Status sp = db.ExecCached("SAVEPOINT j");
      if (!sp.ok()) {
        batch_status = sp;
        break;
      }
      try {
        job.status = job.fn(tx);
      } catch (const std::exception& e) {
        LOG_ERROR("store write job threw: {}", e.what());
        job.status = Internal(std::string("write job threw: ") + e.what());
      }
      // Some errors (SQLITE_FULL, I/O) make SQLite roll back the whole transaction.
      if (!db.InTransaction()) {
        batch_status = Internal("transaction aborted by SQLite: " + job.status.message());
        break;
      }
      Status end = job.status.ok() ? db.ExecCached("RELEASE j") : db.Exec("ROLLBACK TO j; RELEASE j");
      if (!end.ok()) {
        batch_status = end;
        break;
      }
    }
    writes_.fetch_add(batch.size(), std::memory_order_relaxed);
    if (batch_status.ok()) batch_status = db.ExecCached("COMMIT");
    if (!batch_status.ok() && db.InTransaction()) db.Exec("ROLLBACK").IgnoreError();
  }
  if (batch_status.ok()) {
    commits_.fetch_add(1, std::memory_order_relaxed);
    uint64_t seen = max_batch_.load(std::memory_order_relaxed);
    while (batch.size() > seen && !max_batch_.compare_exchange_weak(seen, batch.size())) {
    }
  } else {
    LOG_ERROR("store batch of {} jobs failed: {}", batch.size(), batch_status.message());
  }
  for (Job& job : batch) {
    if (!job.done) continue;
    job.done(batch_status.ok() ? std::move(job.status)
                               : Internal("batch not committed: " + batch_status.message()));
  }
}

int SqliteStore::WalHook(void* arg, sqlite3* db, const char* schema, int wal_frames) {
  auto* self = static_cast<SqliteStore*>(arg);
  if (wal_frames >= self->options_.wal_limit_frames) {
    // The background passes have copied all but the latest pages, so this is short. PASSIVE never
    // waits: if the checkpointer is running it returns SQLITE_BUSY and the next commit tries again.
    // Once everything is copied, SQLite starts the WAL over at the next write.
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK) {
      self->writer_checkpoints_.fetch_add(1, std::memory_order_relaxed);
    }
  } else if (wal_frames >= self->options_.checkpoint_frames) {
    std::lock_guard lock(self->ckpt_mu_);
    if (!self->ckpt_wanted_) {
      self->ckpt_wanted_ = true;
      self->ckpt_cv_.notify_one();
    }
  }
  return SQLITE_OK;
}

void SqliteStore::CheckpointLoop() {
  while (true) {
    {
      std::unique_lock lock(ckpt_mu_);
      ckpt_cv_.wait(lock, [this] { return ckpt_closing_ || ckpt_wanted_; });
      if (ckpt_closing_) return;
      ckpt_wanted_ = false;
    }
    int rc = sqlite3_wal_checkpoint_v2(checkpointer_db_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc == SQLITE_OK) {
      checkpoints_.fetch_add(1, std::memory_order_relaxed);
    } else if (rc != SQLITE_BUSY) {
      LOG_WARN("WAL checkpoint failed: {}", sqlite3_errmsg(checkpointer_db_->raw()));
    }
  }
}

std::unique_ptr<Db> SqliteStore::BorrowReader() {
  std::unique_lock lock(pool_mu_);
  pool_cv_.wait(lock, [this] { return pool_closed_ || !idle_readers_.empty(); });
  if (pool_closed_) return nullptr;
  std::unique_ptr<Db> db = std::move(idle_readers_.back());
  idle_readers_.pop_back();
  return db;
}

void SqliteStore::ReturnReader(std::unique_ptr<Db> db) {
  std::lock_guard lock(pool_mu_);
  idle_readers_.push_back(std::move(db));
  pool_cv_.notify_all();  // wakes a borrower, or Close() waiting for all connections
}

Status SqliteStore::Read(const ReadFn& fn) {
  std::unique_ptr<Db> db = BorrowReader();
  if (db == nullptr) return Unavailable("store is closed");
  // One read transaction per callback: every query in it sees the same snapshot.
  Status s = db->Exec("BEGIN");
  if (s.ok()) {
    SqliteTx tx(*db);
    try {
      s = fn(tx);
    } catch (...) {
      db->Exec("ROLLBACK").IgnoreError();
      ReturnReader(std::move(db));
      throw;
    }
    Status end = db->Exec("COMMIT");
    if (!end.ok() && db->InTransaction()) db->Exec("ROLLBACK").IgnoreError();
  }
  ReturnReader(std::move(db));
  return s;
}

void SqliteStore::Close() {
  std::lock_guard close_lock(close_mu_);
  {
    std::lock_guard lock(queue_mu_);
    closing_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(ckpt_mu_);
    ckpt_closing_ = true;
  }
  ckpt_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  checkpointer_db_.reset();
  writer_db_.reset();
  std::unique_lock lock(pool_mu_);
  pool_closed_ = true;
  pool_cv_.notify_all();
  // Borrowed connections are in use by readers; wait for them before closing.
  pool_cv_.wait(lock, [this] { return idle_readers_.size() == reader_count_; });
  idle_readers_.clear();
  reader_count_ = 0;
}

Store::Stats SqliteStore::GetStats() const {
  Stats s;
  s.commits = commits_.load(std::memory_order_relaxed);
  s.writes = writes_.load(std::memory_order_relaxed);
  s.max_batch = max_batch_.load(std::memory_order_relaxed);
  s.queue_depth = queue_depth_.load(std::memory_order_relaxed);
  s.checkpoints = checkpoints_.load(std::memory_order_relaxed);
  s.writer_checkpoints = writer_checkpoints_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreOptions& options) {
  if (options.readers < 1) return InvalidArgument("store needs at least one reader connection");
  if (options.checkpoint_frames < 1 || options.wal_limit_frames < options.checkpoint_frames) {
    return InvalidArgument("store needs 1 <= checkpoint_frames <= wal_limit_frames");
  }
  LINGXI_ASSIGN_OR_RETURN(std::unique_ptr<Db> writer,
                          Db::Open({options.path, /*read_only=*/false, options.synchronous, 16 * 1024}));
  LINGXI_ASSIGN_OR_RETURN(int version, internal::Migrate(*writer));
  LINGXI_ASSIGN_OR_RETURN(std::unique_ptr<Db> checkpointer,
                          Db::Open({options.path, /*read_only=*/false, options.synchronous, 1024}));
  std::vector<std::unique_ptr<Db>> readers;
  for (int i = 0; i < options.readers; ++i) {
    LINGXI_ASSIGN_OR_RETURN(std::unique_ptr<Db> reader,
                            Db::Open({options.path, /*read_only=*/true, options.synchronous, 8 * 1024}));
    readers.push_back(std::move(reader));
  }
  return std::unique_ptr<Store>(
      std::make_unique<SqliteStore>(options, std::move(writer), std::move(checkpointer), std::move(readers), version));
}

}  // namespace lingxi::store

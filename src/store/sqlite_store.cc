// SqliteStore: the SQLite implementation of Store. One writer thread owns the writer
// connection and group-commits queued jobs; a fixed pool of read-only connections
// serves Read(). See store.h for the contract.
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
  SqliteStore(StoreOptions options, std::unique_ptr<Db> writer, std::vector<std::unique_ptr<Db>> readers,
              int schema_version)
      : options_(std::move(options)),
        schema_version_(schema_version),
        writer_db_(std::move(writer)),
        idle_readers_(std::move(readers)),
        reader_count_(idle_readers_.size()) {
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
  return s;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreOptions& options) {
  if (options.readers < 1) return InvalidArgument("store needs at least one reader connection");
  LINGXI_ASSIGN_OR_RETURN(std::unique_ptr<Db> writer,
                          Db::Open({options.path, /*read_only=*/false, options.synchronous, 16 * 1024}));
  LINGXI_ASSIGN_OR_RETURN(int version, internal::Migrate(*writer));
  std::vector<std::unique_ptr<Db>> readers;
  for (int i = 0; i < options.readers; ++i) {
    LINGXI_ASSIGN_OR_RETURN(std::unique_ptr<Db> reader,
                            Db::Open({options.path, /*read_only=*/true, options.synchronous, 8 * 1024}));
    readers.push_back(std::move(reader));
  }
  return std::unique_ptr<Store>(
      std::make_unique<SqliteStore>(options, std::move(writer), std::move(readers), version));
}

}  // namespace lingxi::store

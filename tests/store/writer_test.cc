// The writer: group commit, per-job savepoints, done-after-commit, Close semantics.
#include <chrono>
#include <filesystem>
#include <condition_variable>
#include <mutex>

#include "store_fixture.h"

namespace lingxi::store {
namespace {

// Counts down completions; Wait() has a deadline so a lost callback fails the test.
class Latch {
 public:
  explicit Latch(int n) : n_(n) {}
  void CountDown() {
    std::lock_guard lock(mu_);
    if (--n_ == 0) cv_.notify_all();
  }
  bool Wait(std::chrono::seconds deadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, deadline, [this] { return n_ <= 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int n_;
};

domain::Message Msg(const StoreTest::Seed& s, std::string text) {
  domain::Message m;
  m.account_id = s.account;
  m.conversation_id = s.conversation;
  m.content = std::move(text);
  return m;
}

TEST_F(StoreTest, FailingJobRollsBackOnlyItsOwnWrites) {
  Seed s = MakeTenant("acme");
  // Hold the writer busy so the next three jobs land in one batch.
  // Wait until the writer is inside that job: jobs queued before it started could share its batch.
  std::mutex gate;
  std::unique_lock hold(gate);
  Latch entered(1);
  store_->Write(
      [&](WriteTx&) {
        entered.CountDown();
        std::lock_guard g(gate);
        return Status::Ok();
      },
      nullptr);
  ASSERT_TRUE(entered.Wait(std::chrono::seconds(30)));
  Latch latch(3);
  Status st[3];
  store_->Write([&](WriteTx& tx) { return tx.InsertMessage(Msg(s, "first")).status(); },
                [&](Status x) { st[0] = x; latch.CountDown(); });
  store_->Write(
      [&](WriteTx& tx) {
        // Writes something, then fails: its message must vanish.
        auto r = tx.InsertMessage(Msg(s, "doomed"));
        EXPECT_TRUE(r.ok());
        return InvalidArgument("job decided to fail");
      },
      [&](Status x) { st[1] = x; latch.CountDown(); });
  store_->Write([&](WriteTx& tx) { return tx.InsertMessage(Msg(s, "third")).status(); },
                [&](Status x) { st[2] = x; latch.CountDown(); });
  hold.unlock();
  ASSERT_TRUE(latch.Wait(std::chrono::seconds(30)));
  EXPECT_TRUE(st[0].ok());
  EXPECT_EQ(st[1].code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(st[2].ok());
  EXPECT_GE(store_->GetStats().max_batch, 3u);
  auto msgs = ReadValue<std::vector<domain::Message>>(
      [&](ReadTx& tx) { return tx.ListMessages(s.account, s.conversation, 0, 10); });
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].content, "first");
  EXPECT_EQ((*msgs)[1].content, "third");
}

TEST_F(StoreTest, DoneRunsAfterCommitAndReadersSeeTheRow) {
  Seed s = MakeTenant("acme");
  Latch latch(1);
  Id id = 0;
  Status seen = Internal("done not called");
  store_->Write(
      [&](WriteTx& tx) {
        auto r = tx.InsertMessage(Msg(s, "visible after commit"));
        if (r.ok()) id = *r;
        return r.status();
      },
      [&](Status st) {
        EXPECT_TRUE(st.ok());
        seen = store_->Read([&](ReadTx& tx) -> Status {
          auto msgs = tx.ListMessages(s.account, s.conversation, id - 1, 1);
          if (!msgs.ok()) return msgs.status();
          if (msgs->size() != 1 || (*msgs)[0].id != id) return NotFound("row not visible in done");
          return Status::Ok();
        });
        latch.CountDown();
      });
  ASSERT_TRUE(latch.Wait(std::chrono::seconds(30)));
  EXPECT_TRUE(seen.ok()) << seen.ToString();
}

TEST_F(StoreTest, CloseDrainsQueueAndLaterWritesAreUnavailable) {
  Seed s = MakeTenant("acme");
  constexpr int kJobs = 500;
  std::atomic<int> ok{0};
  for (int i = 0; i < kJobs; ++i) {
    store_->Write([&, i](WriteTx& tx) { return tx.InsertMessage(Msg(s, std::to_string(i))).status(); },
                  [&](Status st) { ok += st.ok() ? 1 : 0; });
  }
  store_->Close();
  EXPECT_EQ(ok.load(), kJobs);
  store_->Close();  // idempotent
  bool called = false;
  StatusCode code = StatusCode::kOk;
  store_->Write([](WriteTx&) { return Status::Ok(); }, [&](Status st) { called = true; code = st.code(); });
  EXPECT_TRUE(called);
  EXPECT_EQ(code, StatusCode::kUnavailable);
  EXPECT_EQ(store_->WriteSync([](WriteTx&) { return Status::Ok(); }).code(), StatusCode::kUnavailable);
  EXPECT_EQ(store_->Read([](ReadTx&) { return Status::Ok(); }).code(), StatusCode::kUnavailable);
  Reopen();
  auto count = ReadValue<int64_t>([&](ReadTx& tx) { return tx.CountMessages(s.account, s.conversation); });
  EXPECT_EQ(*count, kJobs);
}

TEST_F(StoreTest, BurstOfSmallWritesIsGroupCommitted) {
  Seed s = MakeTenant("acme");  // options: synchronous = FULL (the default)
  constexpr int kJobs = 20000;
  Latch latch(kJobs);
  std::atomic<int> failures{0};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kJobs; ++i) {
    store_->Write([&](WriteTx& tx) { return tx.InsertMessage(Msg(s, "burst")).status(); },
                  [&](Status st) {
                    if (!st.ok()) ++failures;
                    latch.CountDown();
                  });
  }
  ASSERT_TRUE(latch.Wait(std::chrono::seconds(120)));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  Store::Stats stats = store_->GetStats();
  std::printf("burst: %d jobs in %lld ms, %llu commits, max batch %llu\n", kJobs,
              static_cast<long long>(ms.count()), static_cast<unsigned long long>(stats.commits),
              static_cast<unsigned long long>(stats.max_batch));
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(stats.max_batch, 1u);
  EXPECT_LT(stats.commits, stats.writes);
  EXPECT_EQ(stats.queue_depth, 0u);
  auto count = ReadValue<int64_t>([&](ReadTx& tx) { return tx.CountMessages(s.account, s.conversation); });
  EXPECT_EQ(*count, kJobs);
}

TEST_F(StoreTest, WalIsCheckpointedOffTheWriterAndStaysBounded) {
  StoreOptions o = Options();
  o.checkpoint_frames = 40;
  o.wal_limit_frames = 160;
  Reopen(o);
  Seed s = MakeTenant("acme");
  // A busy writer: bursts of queued jobs, each message about half a page.
  constexpr int kBursts = 30, kPerBurst = 200;
  const std::string text(2000, 'x');
  std::atomic<int> failures{0};
  for (int b = 0; b < kBursts; ++b) {
    Latch latch(kPerBurst);
    for (int i = 0; i < kPerBurst; ++i) {
      store_->Write([&](WriteTx& tx) { return tx.InsertMessage(Msg(s, text)).status(); },
                    [&](Status st) {
                      if (!st.ok()) ++failures;
                      latch.CountDown();
                    });
    }
    ASSERT_TRUE(latch.Wait(std::chrono::seconds(60)));
  }
  Store::Stats stats = store_->GetStats();
  std::printf("wal: %llu background checkpoints, %llu by the writer, WAL file %ju bytes\n",
              static_cast<unsigned long long>(stats.checkpoints),
              static_cast<unsigned long long>(stats.writer_checkpoints),
              static_cast<uintmax_t>(std::filesystem::file_size(path_ + "-wal")));
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(stats.checkpoints + stats.writer_checkpoints, 0u);
  // 6,000 messages of 2 KB are ~3,000 pages of WAL if it were never started over. SQLite does not
  // shrink the file, so its size is the most it ever held: the limit plus what one batch adds.
  const uintmax_t page = 4096 + 24;  // WAL frame: page plus frame header
  EXPECT_LT(std::filesystem::file_size(path_ + "-wal"), (o.wal_limit_frames + 1100) * page);
  auto count = ReadValue<int64_t>([&](ReadTx& tx) { return tx.CountMessages(s.account, s.conversation); });
  EXPECT_EQ(*count, kBursts * kPerBurst);
  Reopen(o);
  count = ReadValue<int64_t>([&](ReadTx& tx) { return tx.CountMessages(s.account, s.conversation); });
  EXPECT_EQ(*count, kBursts * kPerBurst);
}

TEST_F(StoreTest, RejectsCheckpointLimitsOutOfOrder) {
  StoreOptions o = Options();
  o.checkpoint_frames = 100;
  o.wal_limit_frames = 50;
  auto opened = OpenSqliteStore(o);
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  o.checkpoint_frames = 0;
  EXPECT_EQ(OpenSqliteStore(o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, ReadTxSeesOneSnapshot) {
  Seed s = MakeTenant("acme");
  Status st = store_->Read([&](ReadTx& tx) -> Status {
    int64_t before = *tx.CountMessages(s.account, s.conversation);
    // A write committed while this read transaction is open must not be visible in it.
    EXPECT_TRUE(store_->WriteSync([&](WriteTx& w) { return w.InsertMessage(Msg(s, "x")).status(); }).ok());
    EXPECT_EQ(*tx.CountMessages(s.account, s.conversation), before);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok());
}

}  // namespace
}  // namespace lingxi::store

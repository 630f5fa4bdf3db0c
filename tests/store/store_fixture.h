// Test fixture: a fresh SQLite store in a uniquely named temporary file, removed after
// the test, plus helpers that run one write or read synchronously.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "store/store.h"

namespace lingxi::store {

class StoreTest : public ::testing::Test {
 public:
  struct Seed {
    Id account = 0, inbox = 0, contact = 0, user = 0, conversation = 0;
  };

 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = (std::filesystem::temp_directory_path() /
             ("lingxi_store_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
              std::to_string(rd()) + ".db"))
                .string();
    Reopen();
  }

  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::error_code ec;
      std::filesystem::remove(path_ + suffix, ec);
    }
  }

  StoreOptions Options() const {
    StoreOptions o;
    o.path = path_;
    o.readers = 2;
    return o;
  }

  void Reopen() { Reopen(Options()); }
  void Reopen(const StoreOptions& options) {
    store_.reset();
    auto opened = OpenSqliteStore(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  // Runs `fn` as one write job and returns its value; fails the test on error.
  template <typename T>
  T MustWrite(std::function<Result<T>(WriteTx&)> fn) {
    T out{};
    Status s = store_->WriteSync([&](WriteTx& tx) -> Status {
      auto r = fn(tx);
      if (!r.ok()) return r.status();
      out = std::move(r).value();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // Runs `fn` as a write job and returns its status.
  Status TryWrite(std::function<Status(WriteTx&)> fn) { return store_->WriteSync(std::move(fn)); }

  // Runs `fn` in a read transaction and returns its result.
  template <typename T>
  Result<T> ReadValue(std::function<Result<T>(ReadTx&)> fn) {
    std::optional<Result<T>> out;
    Status s = store_->Read([&](ReadTx& tx) -> Status {
      out.emplace(fn(tx));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return std::move(*out);
  }

  // Creates an account with one inbox, contact, agent and conversation.
  Seed MakeTenant(const std::string& name) {
    Seed s;
    s.account = MustWrite<Id>([&](WriteTx& tx) { return tx.InsertAccount({0, name, 0}); });
    s.inbox = MustWrite<Id>([&](WriteTx& tx) {
      return tx.InsertInbox({0, s.account, name + " web", "webchat", name + "-token", 0});
    });
    s.contact = MustWrite<Id>([&](WriteTx& tx) {
      return tx.InsertContact({0, s.account, name + " visitor", "", 0});
    });
    s.user = MustWrite<Id>([&](WriteTx& tx) {
      domain::User u;
      u.account_id = s.account;
      u.email = "agent@" + name + ".example";
      u.name = "Agent";
      u.password_hash = "hash";
      return tx.InsertUser(u);
    });
    s.conversation = MakeConversation(s);
    return s;
  }

  Id MakeConversation(const Seed& s, int64_t created_at = 0) {
    return MustWrite<Id>([&](WriteTx& tx) {
      domain::Conversation c;
      c.account_id = s.account;
      c.inbox_id = s.inbox;
      c.contact_id = s.contact;
      c.created_at = created_at;
      return tx.InsertConversation(c);
    });
  }

  Id AddMessage(const Seed& s, Id conversation, const std::string& text, int64_t at = 0) {
    return MustWrite<Id>([&](WriteTx& tx) {
      domain::Message m;
      m.account_id = s.account;
      m.conversation_id = conversation;
      m.content = text;
      m.created_at = at;
      return tx.InsertMessage(m);
    });
  }

  std::string path_;
  std::unique_ptr<Store> store_;
};

}  // namespace lingxi::store

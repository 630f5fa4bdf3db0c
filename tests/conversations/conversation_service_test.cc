#include "conversations/conversation_service.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>

#include "core/crypto.h"
#include "nlu/normalizer.h"

namespace lingxi::conversations {
namespace {

namespace fs = std::filesystem;
using domain::ConversationStatus;
using domain::SenderType;

class RecordingSink : public EventSink {
 public:
  void Publish(const Event& e) override {
    std::lock_guard lock(mu_);
    events_.push_back(e);
  }
  std::vector<Event> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(events_, {});
  }

 private:
  std::mutex mu_;
  std::vector<Event> events_;
};

Result<TurnResult> Await(const std::function<void(ConversationService::TurnCallback)>& start) {
  std::promise<Result<TurnResult>> p;
  auto f = p.get_future();
  start([&p](Result<TurnResult> r) { p.set_value(std::move(r)); });
  return f.get();
}

class ConversationServiceTest : public ::testing::Test {
 protected:
  static constexpr const char* kSecret = "inbox-identity-secret-for-tests";
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() / ("lingxi_conv_test_" + RandomToken(6));
    fs::create_directories(dir_);
    Open();
    ASSERT_TRUE(store_->WriteSync([&](store::WriteTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(account_, tx.InsertAccount({0, "shop", 0}));
      LINGXI_ASSIGN_OR_RETURN(inbox_, tx.InsertInbox({0, account_, "web", "webchat", "tok", 0, kSecret}));
      domain::User u;
      u.account_id = account_;
      u.email = "a@shop";
      u.name = "Ann";
      u.password_hash = "x";
      agent_ = u;
      LINGXI_ASSIGN_OR_RETURN(agent_.id, tx.InsertUser(u));
      domain::Article a;
      a.account_id = account_;
      a.title = "退货政策";
      a.body = "七天无理由退货。";
      a.questions = {"怎么退货", "可以退货吗"};
      a.language = "zh";
      LINGXI_RETURN_IF_ERROR(tx.InsertArticle(a).status());
      a.title = "Return policy";
      a.body = "Returns within 7 days.";
      a.questions = {"how do I return an item", "can I return it"};
      a.language = "en";
      return tx.InsertArticle(a).status();
    }).ok());
  }
  void Open() {
    store::StoreOptions so;
    so.path = (dir_ / "t.db").string();
    store_ = std::move(store::OpenSqliteStore(so)).value();
    kb_ = std::make_unique<kb::KnowledgeBase>(store_.get(), *nlu::Normalizer::Create());
    bot_ = std::make_unique<bot::Bot>(kb_.get());
    service_ = std::make_unique<ConversationService>(store_.get(), bot_.get(), &sink_);
  }
  void Reopen() {
    service_.reset();
    bot_.reset();
    kb_.reset();
    store_->Close();
    store_.reset();
    Open();
  }
  void TearDown() override {
    service_.reset();
    if (store_) store_->Close();
    fs::remove_all(dir_);
  }
  StartResult Start(const std::string& external_id = "") {
    const std::string hash = external_id.empty() ? "" : HmacSha256Hex(kSecret, external_id);
    auto r = service_->StartWidgetConversation("tok", ContactInput{external_id, "Li", "", hash});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  }
  Result<TurnResult> Say(const StartResult& s, const std::string& text) {
    return Await([&](auto cb) {
      service_->PostCustomerMessage(account_, s.conversation.id, s.contact.id, text, cb);
    });
  }
  std::vector<domain::Message> Stored(domain::Id conv) {
    std::vector<domain::Message> out;
    EXPECT_TRUE(store_->Read([&](store::ReadTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(out, tx.ListMessages(account_, conv, 0, 100));
      return Status::Ok();
    }).ok());
    return out;
  }

  fs::path dir_;
  RecordingSink sink_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<kb::KnowledgeBase> kb_;
  std::unique_ptr<bot::Bot> bot_;
  std::unique_ptr<ConversationService> service_;
  domain::Id account_ = 0, inbox_ = 0;
  domain::User agent_;
};

TEST_F(ConversationServiceTest, CustomerTurnIsStoredWithBotReplyBeforeCallback) {
  auto s = Start();
  auto r = Say(s, "怎么退货");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_GT(r->message.id, 0);
  ASSERT_EQ(r->replies.size(), 1u);
  EXPECT_EQ(r->replies[0].sender_type, SenderType::kBot);
  EXPECT_NE(r->replies[0].content.find("七天"), std::string::npos);
  // The callback fired after commit: a fresh read sees both rows.
  auto rows = Stored(s.conversation.id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].content, "怎么退货");
  EXPECT_NE(rows[1].meta_json.find("sources"), std::string::npos);
}

TEST_F(ConversationServiceTest, EventsArePublishedInOrder) {
  auto s = Start();
  sink_.Take();
  ASSERT_TRUE(Say(s, "怎么退货").ok());
  auto ev = sink_.Take();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].message->sender_type, SenderType::kContact);
  EXPECT_EQ(ev[1].message->sender_type, SenderType::kBot);
}

TEST_F(ConversationServiceTest, HandoffQueuesAndStopsTheBot) {
  auto s = Start();
  auto r = Say(s, "转人工");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->conversation.status, ConversationStatus::kQueued);
  EXPECT_EQ(r->conversation.handoff_reason, "requested");
  auto r2 = Say(s, "怎么退货");
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->replies.empty()) << "the bot must not answer once humans own the conversation";
}

// on_handoff fires once per move to the queue (from the bot's decision or the customer's button),
// and ReplaceHandoffSummary (the LLM's summary, written later) applies only while the conversation
// is still with humans and still has the summary it was written for.
TEST_F(ConversationServiceTest, HandoffHookAndReplacingTheSummary) {
  std::mutex mu;
  std::vector<domain::Conversation> handed;
  ServiceOptions options;
  options.on_handoff = [&](const domain::Conversation& c) {
    std::lock_guard lock(mu);
    handed.push_back(c);
  };
  service_ = std::make_unique<ConversationService>(store_.get(), bot_.get(), &sink_, options);
  auto count = [&] {
    std::lock_guard lock(mu);
    return handed.size();
  };
  auto replace = [&](const StartResult& s, const std::string& expected, const std::string& summary) {
    std::promise<Result<domain::Conversation>> p;
    service_->ReplaceHandoffSummary(account_, s.conversation.id, expected, summary,
                                    [&](Result<domain::Conversation> c) { p.set_value(std::move(c)); });
    return p.get_future().get();
  };
  auto stored_summary = [&](const StartResult& s) {
    std::string out;
    EXPECT_TRUE(store_->Read([&](store::ReadTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(auto c, tx.GetConversation(account_, s.conversation.id));
      out = c.handoff_summary;
      return Status::Ok();
    }).ok());
    return out;
  };

  auto s = Start();
  ASSERT_TRUE(Say(s, "怎么退货").ok());
  EXPECT_EQ(count(), 0u) << "an answer is not a handoff";
  ASSERT_TRUE(Say(s, "转人工").ok());
  ASSERT_EQ(count(), 1u);
  const std::string extractive = handed[0].handoff_summary;
  EXPECT_FALSE(extractive.empty());
  EXPECT_EQ(handed[0].status, ConversationStatus::kQueued);
  ASSERT_TRUE(Say(s, "有人吗").ok());
  EXPECT_EQ(count(), 1u) << "a message while queued is not a new handoff";

  EXPECT_EQ(replace(s, "some other summary", "late").status().code(), StatusCode::kFailedPrecondition);
  sink_.Take();
  auto r = replace(s, extractive, "Wants to return an item; asked for a person.");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->handoff_summary, "Wants to return an item; asked for a person.");
  EXPECT_EQ(r->status, ConversationStatus::kQueued);
  EXPECT_EQ(stored_summary(s), "Wants to return an item; asked for a person.");
  auto ev = sink_.Take();
  ASSERT_EQ(ev.size(), 1u);
  ASSERT_TRUE(ev[0].conversation);
  EXPECT_EQ(ev[0].conversation->handoff_summary, "Wants to return an item; asked for a person.");
  EXPECT_EQ(count(), 1u) << "replacing the summary is not a handoff";

  std::promise<Result<domain::Conversation>> resolved;
  service_->Resolve(account_, s.conversation.id, [&](Result<domain::Conversation> c) { resolved.set_value(std::move(c)); });
  ASSERT_TRUE(resolved.get_future().get().ok());
  EXPECT_EQ(replace(s, "Wants to return an item; asked for a person.", "too late").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(stored_summary(s), "Wants to return an item; asked for a person.");

  auto t = Start();
  ASSERT_TRUE(Await([&](auto cb) { service_->RequestHuman(account_, t.conversation.id, t.contact.id, cb); }).ok());
  EXPECT_EQ(count(), 2u) << "the customer's \"talk to a person\" is a handoff too";
}

TEST_F(ConversationServiceTest, AgentReplyAssignsAndResolveReopensOnNewMessage) {
  auto s = Start();
  ASSERT_TRUE(Say(s, "转人工").ok());
  auto a = Await([&](auto cb) { service_->PostAgentMessage(account_, s.conversation.id, agent_, "您好，我来帮您", cb); });
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->conversation.status, ConversationStatus::kAssigned);
  EXPECT_EQ(a->conversation.assignee_id, agent_.id);
  std::promise<Result<domain::Conversation>> p;
  service_->Resolve(account_, s.conversation.id, [&](Result<domain::Conversation> c) { p.set_value(std::move(c)); });
  auto resolved = p.get_future().get();
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->status, ConversationStatus::kResolved);
  auto r = Say(s, "怎么退货");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->conversation.status, ConversationStatus::kBot);
  EXPECT_EQ(r->replies.size(), 1u);
}

TEST_F(ConversationServiceTest, RejectsOtherContactsAndBadContent) {
  auto s = Start();
  auto other = Start();
  auto r = Await([&](auto cb) { service_->PostCustomerMessage(account_, s.conversation.id, other.contact.id, "hi", cb); });
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Say(s, "   ").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Say(s, std::string("\xff\xfe", 2)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Say(s, std::string(6000, 'a')).status().code(), StatusCode::kInvalidArgument);
  auto wrong_account = Await([&](auto cb) {
    service_->PostCustomerMessage(account_ + 1, s.conversation.id, s.contact.id, "hi", cb);
  });
  EXPECT_EQ(wrong_account.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Stored(s.conversation.id).empty()) << "rejected messages must not be written";
}

TEST_F(ConversationServiceTest, ExternalIdReusesTheContact) {
  auto a = Start("cust-42");
  auto b = Start("cust-42");
  EXPECT_EQ(a.contact.id, b.contact.id);
  EXPECT_NE(a.conversation.id, b.conversation.id);
  EXPECT_NE(Start().contact.id, Start().contact.id) << "anonymous visitors are separate contacts";
}

TEST_F(ConversationServiceTest, ExternalIdNeedsTheBusinesssSignature) {
  auto no_hash = service_->StartWidgetConversation("tok", ContactInput{"cust-42", "Li", "", ""});
  EXPECT_EQ(no_hash.status().code(), StatusCode::kUnauthenticated);
  auto other = service_->StartWidgetConversation("tok", ContactInput{"cust-42", "", "", HmacSha256Hex(kSecret, "cust-43")});
  EXPECT_EQ(other.status().code(), StatusCode::kUnauthenticated);
  auto other_key = service_->StartWidgetConversation("tok", ContactInput{"cust-42", "", "", HmacSha256Hex("x", "cust-42")});
  EXPECT_EQ(other_key.status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(service_->StartWidgetConversation("tok", ContactInput{"cust-42", "", "", HmacSha256Hex(kSecret, "cust-42")}).ok());
}

TEST_F(ConversationServiceTest, ContextSurvivesARestart) {
  auto s = Start();
  ASSERT_TRUE(Say(s, "how do I return an item").ok());
  Reopen();
  // Same question again right after restart counts as a repeat only if history was reloaded.
  auto r = Say(s, "how do I return an item");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->conversation.status, ConversationStatus::kQueued);
  EXPECT_EQ(r->conversation.handoff_reason, "repeated");
}

TEST_F(ConversationServiceTest, UnknownInboxIsNotFound) {
  auto r = service_->StartWidgetConversation("nope", {});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST_F(ConversationServiceTest, ConcurrentTurnsOnOneConversationKeepOrder) {
  auto s = Start();
  constexpr int kN = 40;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kN / 4; ++i)
        if (Say(s, "msg " + std::to_string(t) + "-" + std::to_string(i)).ok()) ++ok;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kN);
  auto rows = Stored(s.conversation.id);
  // Every customer message is directly followed by its own reply (or none after handoff).
  int customer = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].sender_type == SenderType::kContact) ++customer;
    if (rows[i].sender_type == SenderType::kBot) {
      ASSERT_EQ(rows[i - 1].sender_type, SenderType::kContact);
    }
  }
  EXPECT_EQ(customer, kN);
}

}  // namespace
}  // namespace lingxi::conversations

// Tenant isolation: account B must never see or change account A's rows.
#include "store_fixture.h"

namespace lingxi::store {
namespace {

class IsolationTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    a_ = MakeTenant("alpha");
    b_ = MakeTenant("beta");
    msg_ = AddMessage(a_, a_.conversation, "secret of A");
    article_ = MustWrite<Id>([&](WriteTx& tx) {
      domain::Article art;
      art.account_id = a_.account;
      art.title = "A only";
      return tx.InsertArticle(art);
    });
  }
  Seed a_, b_;
  Id msg_ = 0, article_ = 0;
};

TEST_F(IsolationTest, GetsFromOtherAccountAreNotFound) {
  Status s = store_->Read([&](ReadTx& tx) -> Status {
    EXPECT_EQ(tx.GetConversation(b_.account, a_.conversation).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(tx.GetContact(b_.account, a_.contact).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(tx.GetArticle(b_.account, article_).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(tx.GetUser(b_.account, a_.user).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(tx.GetInbox(b_.account, a_.inbox).status().code(), StatusCode::kNotFound);
    EXPECT_TRUE(tx.GetConversation(a_.account, a_.conversation).ok());
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok());
}

TEST_F(IsolationTest, ListsFromOtherAccountAreEmpty) {
  Status s = store_->Read([&](ReadTx& tx) -> Status {
    auto msgs = tx.ListMessages(b_.account, a_.conversation, 0, 100);
    EXPECT_TRUE(msgs.ok() && msgs->empty());
    auto recent = tx.RecentMessages(b_.account, a_.conversation, 100);
    EXPECT_TRUE(recent.ok() && recent->empty());
    EXPECT_EQ(*tx.CountMessages(b_.account, a_.conversation), 0);
    ConversationFilter f;
    f.contact_id = a_.contact;
    auto convs = tx.ListConversations(b_.account, f);
    EXPECT_TRUE(convs.ok() && convs->empty());
    auto arts = tx.ListArticles(b_.account);
    EXPECT_TRUE(arts.ok() && arts->empty());
    auto idents = tx.ListIdentities(b_.account, a_.contact);
    EXPECT_TRUE(idents.ok() && idents->empty());
    auto all_b = tx.ListConversations(b_.account, ConversationFilter{});
    EXPECT_TRUE(all_b.ok() && all_b->size() == 1 && (*all_b)[0].id == b_.conversation);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok());
}

TEST_F(IsolationTest, MutationsOnOtherAccountFailAndChangeNothing) {
  domain::Conversation c;
  c.id = a_.conversation;
  c.account_id = b_.account;
  c.status = domain::ConversationStatus::kResolved;
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.UpdateConversation(c); }).code(), StatusCode::kNotFound);
  domain::Contact ct{a_.contact, b_.account, "hijack", "", 0};
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.UpdateContact(ct); }).code(), StatusCode::kNotFound);
  domain::Article art;
  art.id = article_;
  art.account_id = b_.account;
  art.title = "hijack";
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.UpdateArticle(art); }).code(), StatusCode::kNotFound);
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.DeleteArticle(b_.account, article_); }).code(),
            StatusCode::kNotFound);
  domain::Message m;
  m.account_id = b_.account;
  m.conversation_id = a_.conversation;
  m.content = "injected";
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.InsertMessage(m).status(); }).code(),
            StatusCode::kInvalidArgument);

  Status s = store_->Read([&](ReadTx& tx) -> Status {
    auto conv = tx.GetConversation(a_.account, a_.conversation);
    EXPECT_EQ(conv->status, domain::ConversationStatus::kBot);
    EXPECT_EQ(conv->last_message_preview, "secret of A");
    EXPECT_EQ(tx.GetContact(a_.account, a_.contact)->name, "alpha visitor");
    EXPECT_EQ(tx.GetArticle(a_.account, article_)->title, "A only");
    EXPECT_EQ(*tx.CountMessages(a_.account, a_.conversation), 1);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok());
}

TEST_F(IsolationTest, CrossAccountReferencesAreInvalidArgument) {
  domain::Conversation c;
  c.account_id = b_.account;
  c.inbox_id = b_.inbox;
  c.contact_id = a_.contact;  // A's contact
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.InsertConversation(c).status(); }).code(),
            StatusCode::kInvalidArgument);
  c.contact_id = b_.contact;
  c.assignee_id = a_.user;  // A's agent
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.InsertConversation(c).status(); }).code(),
            StatusCode::kInvalidArgument);
  domain::Identity id{0, b_.account, a_.contact, "webchat", "x", 0};
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.InsertIdentity(id).status(); }).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lingxi::store

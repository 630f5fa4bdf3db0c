#include "store_fixture.h"

namespace lingxi::store {
namespace {

using domain::Conversation;
using domain::ConversationStatus;

std::vector<Id> Ids(const std::vector<Conversation>& cs) {
  std::vector<Id> out;
  for (const auto& c : cs) out.push_back(c.id);
  return out;
}

class ListTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    s_ = MakeTenant("acme");
    other_contact_ = MustWrite<Id>([&](WriteTx& tx) { return tx.InsertContact({0, s_.account, "c2", "", 0}); });
    // c1 = seed conversation (created now, no message yet); c2..c4 get explicit times.
    c2_ = MakeConversation(s_, 100);
    c3_ = MakeConversation(s_, 100);
    c4_ = MakeConversation(s_, 100);
    AddMessage(s_, c2_, "m", 3000);
    AddMessage(s_, c3_, "m", 2000);
    AddMessage(s_, c4_, "m", 2000);
    Set(c3_, ConversationStatus::kResolved, 0);
    Set(c4_, ConversationStatus::kAssigned, s_.user);
  }

  void Set(Id id, ConversationStatus st, Id assignee) {
    Conversation c = *ReadValue<Conversation>([&](ReadTx& tx) { return tx.GetConversation(s_.account, id); });
    c.status = st;
    c.assignee_id = assignee;
    ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.UpdateConversation(c); }).ok());
  }

  std::vector<Id> List(const ConversationFilter& f) {
    auto r = ReadValue<std::vector<Conversation>>([&](ReadTx& tx) { return tx.ListConversations(s_.account, f); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? Ids(*r) : std::vector<Id>{};
  }

  Seed s_;
  Id other_contact_ = 0, c2_ = 0, c3_ = 0, c4_ = 0;
};

TEST_F(ListTest, OrdersByLastMessageThenId) {
  // c1 has last_message_at = its creation time (now), far later than 3000.
  EXPECT_EQ(List({}), (std::vector<Id>{s_.conversation, c2_, c4_, c3_}));
}

TEST_F(ListTest, FiltersByStatusOpenAssigneeContact) {
  ConversationFilter f;
  f.status = ConversationStatus::kResolved;
  EXPECT_EQ(List(f), std::vector<Id>{c3_});
  f = {};
  f.open_only = true;
  EXPECT_EQ(List(f), (std::vector<Id>{s_.conversation, c2_, c4_}));
  f = {};
  f.assignee_id = s_.user;
  EXPECT_EQ(List(f), std::vector<Id>{c4_});
  f = {};
  f.assignee_id = 0;  // unassigned
  EXPECT_EQ(List(f), (std::vector<Id>{s_.conversation, c2_, c3_}));
  f = {};
  f.contact_id = other_contact_;
  EXPECT_TRUE(List(f).empty());
  f.contact_id = s_.contact;
  EXPECT_EQ(List(f).size(), 4u);
}

TEST_F(ListTest, PagesWithBeforeIdAndClampsLimit) {
  ConversationFilter f;
  f.limit = 2;
  EXPECT_EQ(List(f), (std::vector<Id>{s_.conversation, c2_}));
  f.before_id = c4_;  // ids < c4: c1, c2, c3
  EXPECT_EQ(List(f), (std::vector<Id>{s_.conversation, c2_}));
  f.limit = 0;  // clamped to 1
  EXPECT_EQ(List(f).size(), 1u);
  f.before_id = c2_;
  f.limit = 100000;  // clamped to 200
  EXPECT_EQ(List(f), std::vector<Id>{s_.conversation});
}

TEST_F(ListTest, ListMessagesAfterIdAndRecentOrder) {
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(AddMessage(s_, s_.conversation, "m" + std::to_string(i)));
  auto after = ReadValue<std::vector<domain::Message>>(
      [&](ReadTx& tx) { return tx.ListMessages(s_.account, s_.conversation, ids[1], 2); });
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].id, ids[2]);
  EXPECT_EQ((*after)[1].id, ids[3]);
  auto recent = ReadValue<std::vector<domain::Message>>(
      [&](ReadTx& tx) { return tx.RecentMessages(s_.account, s_.conversation, 3); });
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 3u);
  EXPECT_EQ((*recent)[0].id, ids[2]);  // oldest of the newest three first
  EXPECT_EQ((*recent)[2].id, ids[4]);
  EXPECT_EQ((*recent)[2].content, "m4");
  auto conv = ReadValue<Conversation>([&](ReadTx& tx) { return tx.GetConversation(s_.account, s_.conversation); });
  EXPECT_EQ(conv->last_message_preview, "m4");
}

}  // namespace
}  // namespace lingxi::store

#include "store_fixture.h"

namespace lingxi::store {
namespace {

using domain::Article;
using domain::Conversation;
using domain::ConversationStatus;
using domain::Message;
using domain::Role;
using domain::User;

TEST_F(StoreTest, AccountRoundTrip) {
  Id a = MustWrite<Id>([](WriteTx& tx) { return tx.InsertAccount({0, "灵犀科技", 1234}); });
  auto got = ReadValue<domain::Account>([&](ReadTx& tx) { return tx.GetAccount(a); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "灵犀科技");
  EXPECT_EQ(got->created_at, 1234);
  auto ids = ReadValue<std::vector<Id>>([](ReadTx& tx) { return tx.ListAccountIds(); });
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, std::vector<Id>{a});
  auto missing = ReadValue<domain::Account>([&](ReadTx& tx) { return tx.GetAccount(a + 100); });
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, UserRoundTripUpdateAndEmailLookup) {
  Seed s = MakeTenant("acme");
  User u;
  u.account_id = s.account;
  u.email = "Li.Wei@Example.COM";
  u.name = "李伟";
  u.role = Role::kAdmin;
  u.password_hash = "$argon2id$x";
  Id id = MustWrite<Id>([&](WriteTx& tx) { return tx.InsertUser(u); });
  auto got = ReadValue<User>([&](ReadTx& tx) { return tx.FindUserByEmail("LI.WEI@example.com"); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->email, "li.wei@example.com");
  EXPECT_EQ(got->name, "李伟");
  EXPECT_EQ(got->role, Role::kAdmin);
  EXPECT_TRUE(got->active);
  EXPECT_GT(got->created_at, 0);  // defaulted to now

  User changed = *got;
  changed.name = "Wei";
  changed.role = Role::kAgent;
  changed.active = false;
  changed.password_hash = "new";
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.UpdateUser(changed); }).ok());
  auto after = ReadValue<User>([&](ReadTx& tx) { return tx.GetUser(s.account, id); });
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->name, "Wei");
  EXPECT_EQ(after->role, Role::kAgent);
  EXPECT_FALSE(after->active);
  EXPECT_EQ(after->password_hash, "new");
  auto users = ReadValue<std::vector<User>>([&](ReadTx& tx) { return tx.ListUsers(s.account); });
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->size(), 2u);  // the seed agent and this one
}

TEST_F(StoreTest, SessionLifecycle) {
  Seed s = MakeTenant("acme");
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) {
                return tx.InsertSession({"live", s.user, s.account, 2000});
              }).ok());
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) {
                return tx.InsertSession({"old", s.user, s.account, 500});
              }).ok());
  auto got = ReadValue<domain::Session>([](ReadTx& tx) { return tx.FindSession("live"); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->user_id, s.user);
  EXPECT_EQ(got->expires_at, 2000);
  ASSERT_TRUE(TryWrite([](WriteTx& tx) { return tx.DeleteExpiredSessions(1000); }).ok());
  EXPECT_EQ(ReadValue<domain::Session>([](ReadTx& tx) { return tx.FindSession("old"); }).status().code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(TryWrite([](WriteTx& tx) { return tx.DeleteSession("live"); }).ok());
  EXPECT_EQ(ReadValue<domain::Session>([](ReadTx& tx) { return tx.FindSession("live"); }).status().code(),
            StatusCode::kNotFound);
  // A session for a user of another account is rejected by the foreign key.
  Seed other = MakeTenant("other");
  Status bad = TryWrite([&](WriteTx& tx) { return tx.InsertSession({"x", s.user, other.account, 9}); });
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument) << bad.ToString();
}

TEST_F(StoreTest, DeleteUserSessionsLogsOneUserOutEverywhere) {
  Seed s = MakeTenant("acme");
  Seed other = MakeTenant("other");
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) -> Status {
                LINGXI_RETURN_IF_ERROR(tx.InsertSession({"a1", s.user, s.account, 9000}));
                LINGXI_RETURN_IF_ERROR(tx.InsertSession({"a2", s.user, s.account, 9000}));
                return tx.InsertSession({"b1", other.user, other.account, 9000});
              }).ok());
  // The wrong account for this user id deletes nothing.
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.DeleteUserSessions(other.account, s.user); }).ok());
  EXPECT_TRUE(ReadValue<domain::Session>([](ReadTx& tx) { return tx.FindSession("a1"); }).ok());
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.DeleteUserSessions(s.account, s.user); }).ok());
  for (const char* h : {"a1", "a2"})
    EXPECT_EQ(ReadValue<domain::Session>([h](ReadTx& tx) { return tx.FindSession(h); }).status().code(),
              StatusCode::kNotFound);
  EXPECT_TRUE(ReadValue<domain::Session>([](ReadTx& tx) { return tx.FindSession("b1"); }).ok());
  // Idempotent.
  EXPECT_TRUE(TryWrite([&](WriteTx& tx) { return tx.DeleteUserSessions(s.account, s.user); }).ok());
}

TEST_F(StoreTest, CannedRepliesAreUniquePerAccountAndIsolated) {
  auto WriteValue = [this](CannedReply c) -> Result<Id> {
    Id id = 0;
    Status st = TryWrite([&](WriteTx& tx) -> Status {
      LINGXI_ASSIGN_OR_RETURN(id, tx.InsertCannedReply(c));
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return id;
  };
  Seed s = MakeTenant("acme");
  Seed other = MakeTenant("other");
  auto id = WriteValue(CannedReply{0, s.account, "hi", "您好！", 5});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(WriteValue(CannedReply{0, s.account, "bye", "再见", 6}).ok());
  // Same shortcut in another account is fine; twice in one account is not.
  ASSERT_TRUE(WriteValue(CannedReply{0, other.account, "hi", "Hello", 7}).ok());
  EXPECT_EQ(WriteValue(CannedReply{0, s.account, "hi", "x", 8}).status().code(),
            StatusCode::kAlreadyExists);
  auto list = ReadValue<std::vector<CannedReply>>([&](ReadTx& tx) { return tx.ListCannedReplies(s.account); });
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].shortcut, "bye");  // ordered by shortcut
  EXPECT_EQ((*list)[1].content, "您好！");
  // Another account cannot delete it.
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.DeleteCannedReply(other.account, *id); }).code(), StatusCode::kNotFound);
  EXPECT_TRUE(TryWrite([&](WriteTx& tx) { return tx.DeleteCannedReply(s.account, *id); }).ok());
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.DeleteCannedReply(s.account, *id); }).code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, InboxContactIdentityRoundTrip) {
  Seed s = MakeTenant("acme");
  auto inbox = ReadValue<domain::Inbox>([](ReadTx& tx) { return tx.FindInboxByWidgetToken("acme-token"); });
  ASSERT_TRUE(inbox.ok());
  EXPECT_EQ(inbox->id, s.inbox);
  EXPECT_EQ(inbox->channel, "webchat");
  EXPECT_EQ(ReadValue<std::vector<domain::Inbox>>([&](ReadTx& tx) { return tx.ListInboxes(s.account); })->size(),
            1u);

  domain::Contact c{s.contact, s.account, "王小明\n(VIP)", "xm@example.cn", 0};
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.UpdateContact(c); }).ok());
  Id ident = MustWrite<Id>([&](WriteTx& tx) {
    return tx.InsertIdentity({0, s.account, s.contact, "webchat", "visitor-42", 0});
  });
  auto found = ReadValue<domain::Contact>(
      [&](ReadTx& tx) { return tx.FindContactByIdentity(s.account, "webchat", "visitor-42"); });
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, s.contact);
  EXPECT_EQ(found->name, "王小明\n(VIP)");
  EXPECT_EQ(found->email, "xm@example.cn");
  auto idents = ReadValue<std::vector<domain::Identity>>(
      [&](ReadTx& tx) { return tx.ListIdentities(s.account, s.contact); });
  ASSERT_TRUE(idents.ok());
  ASSERT_EQ(idents->size(), 1u);
  EXPECT_EQ((*idents)[0].id, ident);
  EXPECT_EQ((*idents)[0].external_id, "visitor-42");
}

TEST_F(StoreTest, ConversationAndMessageRoundTrip) {
  Seed s = MakeTenant("acme");
  std::string long_text;
  for (int i = 0; i < 130; ++i) long_text += "字";
  Id m = AddMessage(s, s.conversation, long_text, 5000);
  auto conv = ReadValue<Conversation>([&](ReadTx& tx) { return tx.GetConversation(s.account, s.conversation); });
  ASSERT_TRUE(conv.ok());
  EXPECT_EQ(conv->status, ConversationStatus::kBot);
  EXPECT_EQ(conv->assignee_id, 0);
  EXPECT_EQ(conv->last_message_at, 5000);
  EXPECT_EQ(conv->updated_at, 5000);
  EXPECT_EQ(conv->last_message_preview, long_text.substr(0, 120 * 3));  // 120 code points

  Conversation upd = *conv;
  upd.status = ConversationStatus::kAssigned;
  upd.assignee_id = s.user;
  upd.handoff_reason = "requested";
  upd.handoff_summary = "用户要求人工\n订单 #123";
  upd.updated_at = 6000;
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.UpdateConversation(upd); }).ok());
  conv = ReadValue<Conversation>([&](ReadTx& tx) { return tx.GetConversation(s.account, s.conversation); });
  ASSERT_TRUE(conv.ok());
  EXPECT_EQ(conv->status, ConversationStatus::kAssigned);
  EXPECT_EQ(conv->assignee_id, s.user);
  EXPECT_EQ(conv->handoff_summary, "用户要求人工\n订单 #123");
  EXPECT_EQ(conv->updated_at, 6000);
  EXPECT_EQ(conv->last_message_at, 5000);

  Message bot;
  bot.account_id = s.account;
  bot.conversation_id = s.conversation;
  bot.sender_type = domain::SenderType::kBot;
  bot.content = "您好！";
  bot.meta_json = R"({"confidence":0.9})";
  Id m2 = MustWrite<Id>([&](WriteTx& tx) { return tx.InsertMessage(bot); });
  auto msgs = ReadValue<std::vector<Message>>(
      [&](ReadTx& tx) { return tx.ListMessages(s.account, s.conversation, 0, 10); });
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].id, m);
  EXPECT_EQ((*msgs)[1].id, m2);
  EXPECT_EQ((*msgs)[1].sender_type, domain::SenderType::kBot);
  EXPECT_EQ((*msgs)[1].meta_json, R"({"confidence":0.9})");
  EXPECT_GT((*msgs)[1].created_at, 0);
  auto count = ReadValue<int64_t>([&](ReadTx& tx) { return tx.CountMessages(s.account, s.conversation); });
  EXPECT_EQ(*count, 2);
}

TEST_F(StoreTest, UpdateMissingRowsIsNotFound) {
  Seed s = MakeTenant("acme");
  Conversation c;
  c.account_id = s.account;
  c.id = s.conversation + 99;
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.UpdateConversation(c); }).code(), StatusCode::kNotFound);
  Article a;
  a.account_id = s.account;
  a.id = 77;
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.UpdateArticle(a); }).code(), StatusCode::kNotFound);
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.DeleteArticle(s.account, 77); }).code(),
            StatusCode::kNotFound);
}

TEST_F(StoreTest, ArticleRoundTripKeepsNewlinesAndChinese) {
  Seed s = MakeTenant("acme");
  Article a;
  a.account_id = s.account;
  a.title = "如何退货？";
  a.body = "## 步骤\n1. 登录\n2. 申请退货";
  a.questions = {"怎么退货", "退货流程\n是什么", "quote \" and \\ backslash", "", "[\"not json\"]"};
  a.tags = {"售后", "returns"};
  a.language = "zh";
  Id id = MustWrite<Id>([&](WriteTx& tx) { return tx.InsertArticle(a); });
  auto got = ReadValue<Article>([&](ReadTx& tx) { return tx.GetArticle(s.account, id); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->title, a.title);
  EXPECT_EQ(got->body, a.body);
  EXPECT_EQ(got->questions, a.questions);
  EXPECT_EQ(got->tags, a.tags);
  EXPECT_EQ(got->language, "zh");
  EXPECT_EQ(got->updated_at, got->created_at);

  Article upd = *got;
  upd.questions = {"换货？"};
  upd.tags.clear();
  upd.updated_at = got->created_at + 1;
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.UpdateArticle(upd); }).ok());
  auto list = ReadValue<std::vector<Article>>([&](ReadTx& tx) { return tx.ListArticles(s.account); });
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].questions, std::vector<std::string>{"换货？"});
  EXPECT_TRUE((*list)[0].tags.empty());
  EXPECT_EQ((*list)[0].updated_at, got->created_at + 1);
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.DeleteArticle(s.account, id); }).ok());
  EXPECT_EQ(ReadValue<Article>([&](ReadTx& tx) { return tx.GetArticle(s.account, id); }).status().code(),
            StatusCode::kNotFound);
}

TEST_F(StoreTest, InboxesGetAnIdentitySecretThatAdminsCanRotate) {
  Seed a = MakeTenant("acme");
  Seed b = MakeTenant("other");
  auto ia = ReadValue<domain::Inbox>([&](ReadTx& tx) { return tx.GetInbox(a.account, a.inbox); });
  auto ib = ReadValue<domain::Inbox>([&](ReadTx& tx) { return tx.FindInboxByWidgetToken("other-token"); });
  ASSERT_TRUE(ia.ok() && ib.ok());
  EXPECT_EQ(ia->identity_secret.size(), 64u) << "generated when left empty";
  EXPECT_NE(ia->identity_secret, ib->identity_secret);
  const std::string fresh = "a-new-secret-of-enough-length";
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.SetInboxIdentitySecret(b.account, a.inbox, fresh); }).code(),
            StatusCode::kNotFound) << "another account's inbox";
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.SetInboxIdentitySecret(a.account, a.inbox, "short"); }).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.SetInboxIdentitySecret(a.account, a.inbox, fresh); }).ok());
  auto list = ReadValue<std::vector<domain::Inbox>>([&](ReadTx& tx) { return tx.ListInboxes(a.account); });
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].identity_secret, fresh);
}

TEST_F(StoreTest, UniqueViolationsAreAlreadyExists) {
  Seed s = MakeTenant("acme");
  Seed other = MakeTenant("other");
  User dup;
  dup.account_id = other.account;
  dup.email = "AGENT@acme.example";  // same as the seed agent after lower-casing
  dup.password_hash = "h";
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.InsertUser(dup).status(); }).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(TryWrite([&](WriteTx& tx) {
              return tx.InsertInbox({0, other.account, "x", "webchat", "acme-token", 0}).status();
            }).code(),
            StatusCode::kAlreadyExists);
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) {
                return tx.InsertIdentity({0, s.account, s.contact, "webchat", "v1", 0}).status();
              }).ok());
  EXPECT_EQ(TryWrite([&](WriteTx& tx) {
              return tx.InsertIdentity({0, s.account, s.contact, "webchat", "v1", 0}).status();
            }).code(),
            StatusCode::kAlreadyExists);
  // The same external id in another account is a different identity.
  EXPECT_TRUE(TryWrite([&](WriteTx& tx) {
                return tx.InsertIdentity({0, other.account, other.contact, "webchat", "v1", 0}).status();
              }).ok());
}

}  // namespace
TEST_F(StoreTest, SaveTurnWritesMessagesAndTheConversationRowOnce) {
  Seed s = MakeTenant("acme");
  auto make = [&](domain::SenderType who, std::string text, int64_t at) {
    Message m;
    m.account_id = s.account;
    m.conversation_id = s.conversation;
    m.sender_type = who;
    m.content = std::move(text);
    m.created_at = at;
    return m;
  };
  auto conv = ReadValue<Conversation>([&](ReadTx& tx) { return tx.GetConversation(s.account, s.conversation); });
  ASSERT_TRUE(conv.ok());
  std::vector<Message> turn{make(domain::SenderType::kContact, "转人工", 7000),
                            make(domain::SenderType::kBot, "好的，正在为您转接人工客服。", 7001)};
  Conversation c = *conv;
  c.status = ConversationStatus::kQueued;
  c.handoff_reason = "requested";
  c.updated_at = 7001;
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.SaveTurn(c, true, turn); }).ok());
  EXPECT_GT(turn[0].id, 0);
  EXPECT_GT(turn[1].id, turn[0].id);
  conv = ReadValue<Conversation>([&](ReadTx& tx) { return tx.GetConversation(s.account, s.conversation); });
  EXPECT_EQ(conv->status, ConversationStatus::kQueued);
  EXPECT_EQ(conv->handoff_reason, "requested");
  EXPECT_EQ(conv->last_message_at, 7001);
  EXPECT_EQ(conv->last_message_preview, "好的，正在为您转接人工客服。");

  // Messages only: the status stays, the preview follows the last message.
  std::vector<Message> more{make(domain::SenderType::kContact, "还在吗", 8000)};
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) { return tx.SaveTurn(c, false, more); }).ok());
  conv = ReadValue<Conversation>([&](ReadTx& tx) { return tx.GetConversation(s.account, s.conversation); });
  EXPECT_EQ(conv->status, ConversationStatus::kQueued);
  EXPECT_EQ(conv->last_message_preview, "还在吗");
  EXPECT_EQ(conv->last_message_at, 8000);
  auto count = ReadValue<int64_t>([&](ReadTx& tx) { return tx.CountMessages(s.account, s.conversation); });
  EXPECT_EQ(*count, 3);

  // Another tenant's conversation, or a message of another conversation: refused, nothing stored.
  Seed other = MakeTenant("other");
  Conversation foreign = c;
  foreign.account_id = other.account;
  std::vector<Message> sneaky{make(domain::SenderType::kContact, "x", 9000)};
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.SaveTurn(foreign, false, sneaky); }).code(),
            StatusCode::kInvalidArgument);
  Conversation missing = c;
  missing.id = s.conversation + 999;
  for (auto& m : sneaky) m.conversation_id = missing.id;
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.SaveTurn(missing, false, sneaky); }).code(),
            StatusCode::kInvalidArgument);
  count = ReadValue<int64_t>([&](ReadTx& tx) { return tx.CountMessages(s.account, s.conversation); });
  EXPECT_EQ(*count, 3);
}

TEST_F(StoreTest, BotStateUsageAndTracesAreStoredPerAccount) {
  Seed s = MakeTenant("acme");
  Seed other = MakeTenant("other");
  auto conv = ReadValue<Conversation>([&](ReadTx& tx) { return tx.GetConversation(s.account, s.conversation); });
  ASSERT_TRUE(conv.ok());
  Conversation c = *conv;
  c.bot_state = R"({"playbook_id":"delivered_not_received","step":2})";
  Message bot;
  bot.account_id = s.account;
  bot.conversation_id = s.conversation;
  bot.sender_type = domain::SenderType::kBot;
  bot.content = "请提供订单号";
  std::vector<Message> turn{bot};
  ASSERT_TRUE(TryWrite([&](WriteTx& tx) {
                LINGXI_RETURN_IF_ERROR(tx.SaveTurn(c, true, turn));
                return tx.InsertBotTrace(s.account, s.conversation, turn[0].id, R"({"prompt":"x"})");
              }).ok());
  conv = ReadValue<Conversation>([&](ReadTx& tx) { return tx.GetConversation(s.account, s.conversation); });
  EXPECT_EQ(conv->bot_state, c.bot_state);
  auto trace = ReadValue<std::string>([&](ReadTx& tx) { return tx.GetBotTrace(s.account, turn[0].id); });
  ASSERT_TRUE(trace.ok());
  EXPECT_EQ(*trace, R"({"prompt":"x"})");
  EXPECT_EQ(ReadValue<std::string>([&](ReadTx& tx) { return tx.GetBotTrace(other.account, turn[0].id); })
                .status().code(), StatusCode::kNotFound);
  // A trace for a message of another account is refused.
  EXPECT_EQ(TryWrite([&](WriteTx& tx) { return tx.InsertBotTrace(other.account, other.conversation, turn[0].id, "{}"); })
                .code(), StatusCode::kNotFound);

  ASSERT_TRUE(TryWrite([&](WriteTx& tx) {
                LINGXI_RETURN_IF_ERROR(tx.InsertLlmUsage({s.account, s.conversation, "deepseek-chat", 1200, 80, 1024, 1000}));
                LINGXI_RETURN_IF_ERROR(tx.InsertLlmUsage({s.account, s.conversation, "deepseek-chat", 1300, 40, 0, 2000}));
                return tx.InsertLlmUsage({other.account, other.conversation, "deepseek-chat", 999, 9, 0, 2000});
              }).ok());
  auto all = ReadValue<LlmUsageTotals>([&](ReadTx& tx) { return tx.SumLlmUsage(s.account, 0, 0); });
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->answers, 2);
  EXPECT_EQ(all->prompt_tokens, 2500);
  EXPECT_EQ(all->completion_tokens, 120);
  EXPECT_EQ(all->cache_hit_tokens, 1024);
  auto recent = ReadValue<LlmUsageTotals>([&](ReadTx& tx) { return tx.SumLlmUsage(s.account, s.conversation, 1500); });
  EXPECT_EQ(recent->answers, 1);
  EXPECT_EQ(recent->prompt_tokens, 1300);
}

}  // namespace lingxi::store

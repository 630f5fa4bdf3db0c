// Restarts: graceful (SIGTERM) and crash (SIGKILL in the middle of a burst).
#include <atomic>
#include <condition_variable>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "harness.h"

namespace lingxi::it {
namespace {

TEST(Durability, GracefulRestartKeepsHistoryTokensAndSessions) {
  TempDir dir;
  ServerProcess server(dir.path());
  server.Start();
  auto s = StartConversation(server.port());
  ASSERT_EQ(CustomerSay(server.port(), s, "how long does a refund take?").status, 201);
  ASSERT_EQ(CustomerSay(server.port(), s, "退货运费谁出？").status, 201);
  const std::string agent = Login(server.port());
  const json::array before = CustomerMessages(server.port(), s);
  ASSERT_EQ(before.size(), 4u);

  {
    // Open sockets must not hold up (or break) a graceful shutdown.
    WsClient customer(server.port(), "/api/v1/widget/ws?token=" + s.token);
    WsClient desk(server.port(), "/api/v1/ws?token=" + agent);
    ASSERT_TRUE(customer.WaitForType("hello"));
    ASSERT_TRUE(desk.WaitForType("hello"));
    RawConnection half_request(server.port());  // a client in the middle of sending a request
    half_request.Write("GET /healthz HT");
    // Stop on another thread while this one keeps both clients reading, so they answer the
    // server's close handshake as a browser would.
    const auto t0 = Clock::now();
    auto stopped = std::async(std::launch::async, [&server] { return server.Stop(); });
    EXPECT_TRUE(customer.WaitClosed(5s)) << "customer socket not closed on shutdown";
    EXPECT_TRUE(desk.WaitClosed(5s)) << "agent socket not closed on shutdown";
    ASSERT_EQ(stopped.get(), 0) << server.LogTail();
    EXPECT_LT(Clock::now() - t0, 2s) << "shutdown waited for its deadline instead of finishing";
  }

  server.Start();
  const json::array after = CustomerMessages(server.port(), s);  // the same widget token still works
  EXPECT_EQ(json::serialize(after), json::serialize(before));
  auto me = Http(server.port(), "GET", "/api/v1/auth/me", "", agent);
  EXPECT_EQ(me.status, 200) << "agent session lost across restart: " << me.body;
  auto detail = Http(server.port(), "GET", ConvPath(s.conversation_id), "", agent);
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(Len(At(detail.json, "messages")), 4u);

  // The conversation continues where it left off, with fresh ids.
  auto more = CustomerSay(server.port(), s, "转人工");
  ASSERT_EQ(more.status, 201) << more.body;
  EXPECT_GT(Int(At(At(more.json, "message"), "id")), Int(At(before.back(), "id")));
  EXPECT_EQ(Str(At(more.json, "status")), "queued");
  EXPECT_EQ(server.Stop(), 0) << server.LogTail();
}

// A playbook waiting for the customer's answer is stored with the conversation
// (conversations.bot_state): after a restart the answer continues the same diagnosis.
TEST(Durability, APlaybookWaitingForTheCustomerContinuesAfterARestart) {
  TempDir dir;
  ServerProcess server(dir.path());
  server.Start();
  auto s = StartAsCustomer(server.port(), "cust-1001");
  auto ask = CustomerSay(server.port(), s, "我的包裹显示已签收但我没收到");
  ASSERT_EQ(ask.status, 201) << ask.body;
  ASSERT_EQ(Str(At(At(At(At(ask.json, "replies"), 0), "meta"), "playbook")), "delivered_not_received") << ask.body;
  ASSERT_EQ(server.Stop(), 0) << server.LogTail();

  server.Start();
  auto answer = CustomerSay(server.port(), s, "LX20240001");
  ASSERT_EQ(answer.status, 201) << answer.body;
  ASSERT_EQ(Len(At(answer.json, "replies")), 1u) << answer.body;
  const auto& reply = At(At(answer.json, "replies"), 0);
  EXPECT_EQ(Str(At(At(reply, "meta"), "playbook")), "delivered_not_received") << answer.body;
  EXPECT_NE(Str(At(reply, "content")).find("6-2-3018"), std::string::npos) << Str(At(reply, "content"));
  EXPECT_EQ(server.Stop(), 0) << server.LogTail();
}

struct CustomerRun {
  WidgetSession session;
  std::map<int64_t, std::string> sent;     // client_id -> content
  std::map<int64_t, int64_t> acked;        // message id -> client_id
  std::string error;
};

TEST(Durability, EveryAckedMessageSurvivesSigkill) {
  constexpr int kCustomers = 8;
  constexpr int kMessagesEach = 150;
  constexpr int kKillAfterAcks = 120;
  TempDir dir;
  ServerProcess server(dir.path());
  server.Start();
  const uint16_t port = server.port();

  std::vector<CustomerRun> runs(kCustomers);
  for (auto& r : runs) r.session = StartConversation(port);
  std::mutex mu;
  std::condition_variable cv;
  int total_acks = 0;
  std::atomic<int> total_sent{0};

  auto record_ack = [&](CustomerRun& run, const json::value& ack) {
    run.acked[Int(At(At(ack, "message"), "id"))] = Int(At(ack, "client_id"));
    std::lock_guard lock(mu);
    ++total_acks;
    cv.notify_all();
  };
  // Records the acks received so far and drops the other frames (message/status echoes).
  auto take_acks = [&](WsClient& ws, CustomerRun& run) {
    for (const auto& frame : ws.inbox())
      if (IsAck(frame)) record_ack(run, frame);
    ws.inbox().clear();
  };

  std::vector<std::thread> threads;
  for (int c = 0; c < kCustomers; ++c) {
    threads.emplace_back([&, c] {
      CustomerRun& run = runs[static_cast<size_t>(c)];
      try {
        WsClient ws(port, "/api/v1/widget/ws?token=" + run.session.token);
        for (int i = 1; i <= kMessagesEach && !ws.closed(); ++i) {
          std::string content = "客户" + std::to_string(c) + " 第" + std::to_string(i) + "条：我的订单 " +
                                std::to_string(100000 + c * 1000 + i) + " 什么时候发货？";
          if (!ws.Send(json::object{{"type", "message"}, {"content", content}, {"client_id", i}}, 5s)) break;
          run.sent[i] = content;
          total_sent.fetch_add(1);
          ws.Poll();
          take_acks(ws, run);
        }
        // Keep collecting acks until the server goes away (or everything is acked).
        while (!ws.closed() && run.acked.size() < run.sent.size()) {
          auto ack = ws.WaitFor(IsAck, 15s);
          if (!ack) break;
          record_ack(run, *ack);
          take_acks(ws, run);
        }
      } catch (const std::exception& e) {
        run.error = e.what();
      }
    });
  }

  int acks_at_kill = 0;
  {
    std::unique_lock lock(mu);
    cv.wait_for(lock, 30s, [&] { return total_acks >= kKillAfterAcks; });
    acks_at_kill = total_acks;
  }
  server.Kill();
  for (auto& t : threads) t.join();

  size_t acked = 0;
  for (const auto& r : runs) {
    EXPECT_TRUE(r.error.empty()) << r.error;
    acked += r.acked.size();
  }
  std::cout << "[ crash    ] sent " << total_sent.load() << ", acked " << acked << " (" << acks_at_kill
            << " when SIGKILL was sent) of " << kCustomers * kMessagesEach << " planned\n";
  ASSERT_GE(acks_at_kill, kKillAfterAcks) << "the burst was too slow to test anything";
  EXPECT_LT(static_cast<int>(acked), kCustomers * kMessagesEach) << "the kill came after the burst had finished";

  server.Start();
  for (const auto& r : runs) {
    const json::array msgs = CustomerMessages(server.port(), r.session);
    std::map<int64_t, std::string> stored;
    int64_t last = 0;
    for (const auto& m : msgs) {
      EXPECT_GT(Int(At(m, "id")), last) << "messages out of order";
      last = Int(At(m, "id"));
      if (Str(At(m, "sender_type")) == "contact") stored[Int(At(m, "id"))] = Str(At(m, "content"));
    }
    for (const auto& [message_id, client_id] : r.acked) {
      auto it = stored.find(message_id);
      ASSERT_NE(it, stored.end()) << "acked message " << message_id << " (conversation "
                                  << r.session.conversation_id << ") lost after SIGKILL";
      EXPECT_EQ(it->second, r.sent.at(client_id));
    }
    // Nothing is stored twice or invented.
    EXPECT_LE(stored.size(), r.sent.size());
  }
  EXPECT_EQ(server.Stop(), 0) << server.LogTail();
}

}  // namespace
}  // namespace lingxi::it

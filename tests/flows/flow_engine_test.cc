// The demo playbooks run by the flow engine on the real demo tools and SAMPLE data, one test
// per diagnosis branch, in Chinese and English.
#include "flows/flow_engine.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_shop.h"
#include "flows/tool_registry.h"

namespace lingxi::flows {
namespace {

namespace json = boost::json;

class DemoFlowTest : public ::testing::Test {
 protected:
  DemoFlowTest() {
    ToolRegistryOptions o;
    o.variables["server"] = "127.0.0.1:18080";
    auto tools = ToolRegistry::LoadFile(LINGXI_SOURCE_DIR "/data/demo/tools.json", o);
    EXPECT_TRUE(tools.ok()) << tools.status().ToString();
    tools_ = *tools;
    auto lib = PlaybookLibrary::LoadDirectory(LINGXI_SOURCE_DIR "/data/demo/playbooks", tools_.get());
    EXPECT_TRUE(lib.ok()) << lib.status().ToString();
    engine_ = std::make_unique<FlowEngine>(*lib);
  }

  // Executes tool calls until the flow waits for the customer or stops.
  StepOutcome Drive(Result<StepOutcome> r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    while (true) {
      for (const auto& m : r->messages) messages_.push_back(m);
      if (!r->tool_call) break;
      ToolResult tr = shop_.Call(*tools_, *r->tool_call, customer_);
      r = engine_->OnToolResult(r->state, tr);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
    return std::move(*r);
  }
  StepOutcome Start(const char* playbook, const char* lang, const char* text, const char* customer) {
    customer_ = customer;
    last_ = Drive(engine_->Start(playbook, lang, text));
    return last_;
  }
  // The next customer message; the state is persisted as JSON text in between, as the
  // conversation store would.
  StepOutcome Say(const char* text) {
    std::string stored = json::serialize(last_.state.ToJson());
    auto state = FlowState::FromJson(json::parse(stored));
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    last_ = Drive(engine_->Continue(std::move(*state), text));
    return last_;
  }
  std::string All() const {
    std::string s;
    for (const auto& m : messages_) s += m + "\n";
    return s;
  }
  bool Called(const char* tool) const {
    for (const auto& c : shop_.calls)
      if (c.tool == tool) return true;
    return false;
  }

  std::shared_ptr<const ToolRegistry> tools_;
  std::unique_ptr<FlowEngine> engine_;
  testing::FakeShop shop_;
  std::string customer_;
  StepOutcome last_;
  std::vector<std::string> messages_;
};

#define EXPECT_HAS(text, needle) EXPECT_NE((text).find(needle), std::string::npos) << (text)
#define EXPECT_LACKS(text, needle) EXPECT_EQ((text).find(needle), std::string::npos) << (text)

TEST_F(DemoFlowTest, PickupPointZh) {
  auto out = Start("delivered_not_received", "zh", "订单 LX20240001 显示已签收但我没收到", "cust-1001");
  EXPECT_EQ(out.state.status, FlowStatus::kDone);
  EXPECT_HAS(All(), "菜鸟驿站");
  EXPECT_HAS(All(), "取件码：6-2-3018");
  EXPECT_LACKS(All(), "{{");
  EXPECT_FALSE(Called("create_claim"));
}

TEST_F(DemoFlowTest, ParcelLockerEnAsksForTheOrderNumberFirst) {
  auto out = Start("delivered_not_received", "en", "it says delivered but I never got it", "cust-1002");
  EXPECT_EQ(out.state.status, FlowStatus::kWaitingForSlot);
  EXPECT_EQ(out.waiting_slot, "order_no");
  EXPECT_HAS(All(), "order number");
  out = Say("sure, it's lx20240002");  // lower case is accepted and normalised
  EXPECT_EQ(out.state.status, FlowStatus::kDone);
  EXPECT_HAS(All(), "pickup code is 482913");
  EXPECT_HAS(All(), "InPost locker");
}

TEST_F(DemoFlowTest, SignedByReceptionThenFoundZh) {
  auto out = Start("delivered_not_received", "zh", "LX20240003 没收到", "cust-1001");
  EXPECT_EQ(out.state.status, FlowStatus::kWaitingForSlot);
  EXPECT_EQ(out.waiting_slot, "found_it");
  EXPECT_HAS(All(), "前台");
  out = Say("找到了，在前台");
  EXPECT_EQ(out.state.status, FlowStatus::kDone);
  EXPECT_HAS(All(), "太好了");
  EXPECT_FALSE(Called("create_claim"));
}

TEST_F(DemoFlowTest, SignedByFamilyNotFoundOpensClaimEn) {
  Start("delivered_not_received", "en", "order LX20240004 shows delivered, nothing here", "cust-1002");
  EXPECT_HAS(All(), "J. Chen (family member)");
  auto out = Say("no, they don't have it");
  EXPECT_EQ(out.state.status, FlowStatus::kHandedOff);
  EXPECT_EQ(out.handoff_reason, "claim_opened");
  EXPECT_HAS(All(), "CLM-TLX20240004");
  EXPECT_HAS(out.handoff_summary, "LX20240004");
  EXPECT_HAS(out.handoff_summary, "signed_by_other");
  ASSERT_TRUE(Called("create_claim"));
  EXPECT_EQ(shop_.calls.back().args.at("reason"), json::value("not_received"));
}

TEST_F(DemoFlowTest, AddressMismatchShowsBothAddressesZh) {
  Start("delivered_not_received", "zh", "LX20240005 显示送达了但我没有收到", "cust-1003");
  EXPECT_HAS(All(), "文三路 220 号");  // delivered to
  EXPECT_HAS(All(), "文三路 200 号");  // ordered to
  EXPECT_EQ(last_.waiting_slot, "found_it");
}

TEST_F(DemoFlowTest, MarkedDeliveredButStillInTransitEn) {
  auto out = Start("delivered_not_received", "en", "LX20240006 says delivered but it's not here", "cust-1002");
  EXPECT_EQ(out.state.status, FlowStatus::kDone);
  EXPECT_HAS(All(), "still on its way");
  EXPECT_HAS(All(), "24 hours");
  EXPECT_HAS(All(), "At the London hub");
}

TEST_F(DemoFlowTest, LostParcelOpensClaimAndHandsOffZh) {
  auto out = Start("delivered_not_received", "zh", "我的订单LX20240007一直没收到", "cust-1001");
  EXPECT_EQ(out.state.status, FlowStatus::kHandedOff);
  EXPECT_EQ(out.handoff_reason, "claim_opened");
  EXPECT_HAS(All(), "CLM-TLX20240007");
  EXPECT_HAS(out.handoff_summary, "exception");
  EXPECT_HAS(out.handoff_summary, "转运中遗失");
}

TEST_F(DemoFlowTest, DeliveredToTheRightDoorWithoutAnswerOpensClaimEn) {
  auto out = Start("delivered_not_received", "en", "LX20240011 not received", "cust-1003");
  EXPECT_EQ(out.handoff_reason, "claim_opened");
}

TEST_F(DemoFlowTest, NormalTransitNotYetDueZh) {
  auto out = Start("delivered_not_received", "zh", "LX20240008 还没到", "cust-1003");
  EXPECT_EQ(out.state.status, FlowStatus::kDone);
  EXPECT_HAS(All(), "运输中");
  EXPECT_HAS(All(), "明天");
  EXPECT_LACKS(All(), "提前");
}

TEST_F(DemoFlowTest, NotShippedAndCancelledOrders) {
  Start("delivered_not_received", "en", "LX20240010", "cust-1001");
  EXPECT_HAS(All(), "hasn't shipped yet (ships within 48 hours)");
  messages_.clear();
  Start("delivered_not_received", "zh", "LX20240012", "cust-1002");
  EXPECT_HAS(All(), "已取消");
  EXPECT_HAS(All(), "已原路退款");
}

TEST_F(DemoFlowTest, UnknownOrderIsReaskedThenFound) {
  Start("delivered_not_received", "en", "order LX99999999 never came", "cust-1001");
  EXPECT_EQ(last_.waiting_slot, "order_no");
  EXPECT_HAS(All(), "couldn't find order LX99999999");
  auto out = Say("sorry, LX20240001");
  EXPECT_EQ(out.state.status, FlowStatus::kDone);
  EXPECT_HAS(All(), "6-2-3018");
}

TEST_F(DemoFlowTest, AnotherCustomersOrderIsNotShown) {
  auto out = Start("delivered_not_received", "en", "LX20240001 missing", "cust-1002");
  EXPECT_EQ(out.state.status, FlowStatus::kDone);
  EXPECT_HAS(All(), "isn't on the account");
  EXPECT_LACKS(All(), "6-2-3018");
  EXPECT_FALSE(Called("track_shipment"));
}

TEST_F(DemoFlowTest, ReasksTwiceThenHandsOff) {
  auto out = Start("delivered_not_received", "zh", "快递显示签收了但是我没收到货", "cust-1001");
  EXPECT_EQ(out.waiting_slot, "order_no");
  out = Say("我不知道");
  EXPECT_EQ(out.waiting_slot, "order_no");
  EXPECT_HAS(out.messages.at(0), "没有识别到订单号");
  out = Say("在哪里看");
  EXPECT_EQ(out.waiting_slot, "order_no");
  out = Say("算了");
  EXPECT_EQ(out.state.status, FlowStatus::kHandedOff);
  EXPECT_EQ(out.handoff_reason, "slot_not_provided");
  EXPECT_EQ(shop_.calls.size(), 0u);
  EXPECT_FALSE(engine_->Continue(out.state, "LX20240001").ok());  // a finished flow does not restart
}

TEST_F(DemoFlowTest, ToolErrorsEndInAGracefulHandoff) {
  auto out = engine_->Start("delivered_not_received", "en", "LX20240001");
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out->tool_call);
  EXPECT_EQ(out->tool_call->tool, "get_order");
  EXPECT_EQ(out->tool_call->args.at("order_no"), json::value("LX20240001"));
  auto timeout = engine_->OnToolResult(out->state, ResultFromError("get_order", DeadlineExceeded("timed out"), 3000));
  ASSERT_TRUE(timeout.ok());
  EXPECT_EQ(timeout->state.status, FlowStatus::kHandedOff);
  EXPECT_EQ(timeout->handoff_reason, "tool_error");
  EXPECT_HAS(timeout->messages.at(0), "can't reach the tracking system");

  const ToolDefinition* def = tools_->Find("get_order");
  auto five_hundred = engine_->OnToolResult(out->state, ResultFromResponse(*def, 503, "{}", 5));
  ASSERT_TRUE(five_hundred.ok());
  EXPECT_EQ(five_hundred->handoff_reason, "tool_error");
  // A result is accepted only while the flow waits for one.
  EXPECT_EQ(engine_->OnToolResult(timeout->state, ResultFromError("x", Unavailable("x"), 0)).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(DemoFlowTest, ClaimFailureHandsOffWithTheReason) {
  auto r = engine_->Start("delivered_not_received", "zh", "LX20240007");
  customer_ = "cust-1001";
  while (r.ok() && r->tool_call && r->tool_call->tool != "create_claim")
    r = engine_->OnToolResult(r->state, shop_.Call(*tools_, *r->tool_call, customer_));
  ASSERT_TRUE(r.ok() && r->tool_call);
  auto out = engine_->OnToolResult(r->state, ResultFromError("create_claim", Unavailable("connection refused"), 1));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->handoff_reason, "claim_failed");
  EXPECT_HAS(out->handoff_summary, "unavailable");
  EXPECT_HAS(out->messages.at(0), "理赔申请暂时提交不了");
}

TEST_F(DemoFlowTest, OrderStatusPlaybook) {
  Start("order_status", "en", "where is my order LX20240008", "cust-1003");
  EXPECT_HAS(All(), "is on its way");
  EXPECT_HAS(All(), "SF1000000008");
  messages_.clear();
  auto out = Start("order_status", "zh", "LX20240007 到哪了", "cust-1001");
  EXPECT_EQ(out.handoff_reason, "shipping_exception");
  EXPECT_HAS(All(), "物流出现异常");
}

TEST_F(DemoFlowTest, SubscriptionRenewalPerCustomer) {
  Start("subscription_renewal", "zh", "会员怎么续费", "cust-1002");
  EXPECT_HAS(All(), "将在 5 天后");
  messages_.clear();
  Start("subscription_renewal", "en", "renew my membership", "cust-1003");
  EXPECT_HAS(All(), "expired on");
  messages_.clear();
  Start("subscription_renewal", "en", "will it renew", "cust-1001");
  EXPECT_HAS(All(), "renews automatically");
  messages_.clear();
  Start("subscription_renewal", "en", "my plan", "cust-9999");
  EXPECT_HAS(All(), "no subscription");
  // The model/flow never supplies the customer: the server's identity was used every time.
  for (const auto& c : shop_.calls) EXPECT_FALSE(c.args.contains("customer_id"));
}

TEST_F(DemoFlowTest, StateRoundTripsThroughJson) {
  auto out = Start("delivered_not_received", "zh", "LX20240003", "cust-1001");
  ASSERT_EQ(out.state.status, FlowStatus::kWaitingForSlot);
  json::object j = out.state.ToJson();
  auto back = FlowState::FromJson(json::parse(json::serialize(j)));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson(), j);
  EXPECT_EQ(back->results.at("shipment").at("fields").at("delivery.signed_by"), json::value("前台 (reception)"));
  EXPECT_FALSE(back->transcript.empty());

  json::object broken = j;
  broken["status"] = "flying";
  EXPECT_FALSE(FlowState::FromJson(broken).ok());
  broken = j;
  broken["step"] = -1;
  EXPECT_FALSE(FlowState::FromJson(broken).ok());
  broken = j;
  broken["playbook"] = "gone";
  auto gone = FlowState::FromJson(broken);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(engine_->Continue(*gone, "yes").status().code(), StatusCode::kNotFound);
}

TEST_F(DemoFlowTest, TemplateValuesAreNeutralised) {
  // A hostile value coming back from an API cannot inject markup into the message.
  auto r = engine_->Start("delivered_not_received", "en", "LX20240001");
  ToolResult order;
  order.ok = true;
  order.http_status = 200;
  order.fields["status"] = "delivered";
  r = engine_->OnToolResult(r->state, order);
  ToolResult ship;
  ship.ok = true;
  ship.http_status = 200;
  ship.fields["delivery.type"] = "pickup_point";
  ship.fields["delivery.location"] = "<script>alert(1)</script>\x01";
  r = engine_->OnToolResult(r->state, ship);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->messages.empty());
  EXPECT_LACKS(r->messages[0], "<script>");
  EXPECT_HAS(r->messages[0], "\u2039script\u203a");
  EXPECT_LACKS(r->messages[0], "\x01");
}

}  // namespace
}  // namespace lingxi::flows

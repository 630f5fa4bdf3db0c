// The whole path on loopback: the demo shop routes on the real HTTP server, the demo tools
// called through HttpToolRunner + net::HttpClient, and the playbooks run by the flow engine.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <future>
#include <thread>

#include "api/demo_shop.h"
#include "flows/flow_engine.h"
#include "flows/http_tool_runner.h"
#include "server/http_server.h"

namespace lingxi::flows {
namespace {

namespace json = boost::json;

class DemoShopFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status s = api::RegisterDemoShopRoutes(router_, LINGXI_SOURCE_DIR "/data/demo/shop");
    ASSERT_TRUE(s.ok()) << s.ToString();
    server::ServerOptions o;
    o.port = 0;
    http_ = std::make_unique<server::HttpServer>(ioc_, o, &router_);
    ASSERT_TRUE(http_->Start().ok());
    io_thread_ = std::thread([this] { ioc_.run(); });
    ToolRegistryOptions to;
    to.variables["server"] = "127.0.0.1:" + std::to_string(http_->port());
    auto tools = ToolRegistry::LoadFile(LINGXI_SOURCE_DIR "/data/demo/tools.json", to);
    ASSERT_TRUE(tools.ok()) << tools.status().ToString();
    tools_ = *tools;
    auto lib = PlaybookLibrary::LoadDirectory(LINGXI_SOURCE_DIR "/data/demo/playbooks", tools_.get());
    ASSERT_TRUE(lib.ok()) << lib.status().ToString();
    engine_ = std::make_unique<FlowEngine>(*lib);
  }
  void TearDown() override {
    if (http_) http_->Stop();
    if (io_thread_.joinable()) io_thread_.join();
  }

  ToolResult CallTool(const std::string& name, const json::object& args, const std::string& customer) {
    std::promise<ToolResult> p;
    auto f = p.get_future();
    runner_.Run(ToolCallContext{tools_, customer}, name, args, [&p](ToolResult r) { p.set_value(std::move(r)); });
    EXPECT_EQ(f.wait_for(std::chrono::seconds(15)), std::future_status::ready);
    return f.get();
  }
  StepOutcome Drive(Result<StepOutcome> r, const std::string& customer) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    while (true) {
      for (const auto& m : r->messages) text_ += m + "\n";
      if (!r->tool_call) break;
      ToolResult tr = CallTool(r->tool_call->tool, r->tool_call->args, customer);
      results_.push_back(tr);
      r = engine_->OnToolResult(r->state, tr);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
    return std::move(*r);
  }

  boost::asio::io_context ioc_;
  server::Router router_;
  std::unique_ptr<server::HttpServer> http_;
  std::thread io_thread_;
  net::HttpClient client_;
  HttpToolRunner runner_{&client_};
  std::shared_ptr<const ToolRegistry> tools_;
  std::unique_ptr<FlowEngine> engine_;
  std::string text_;
  std::vector<ToolResult> results_;
};

TEST_F(DemoShopFlowTest, PickupPointOverRealHttp) {
  auto out = Drive(engine_->Start("delivered_not_received", "zh", "订单LX20240001显示签收了但没收到"), "cust-1001");
  EXPECT_EQ(out.state.status, FlowStatus::kDone);
  EXPECT_NE(text_.find("取件码：6-2-3018"), std::string::npos) << text_;
  // Relative times in the sample data became dates.
  EXPECT_EQ(text_.find("{{"), std::string::npos);
  EXPECT_NE(text_.find("+08:00"), std::string::npos) << text_;
  ASSERT_EQ(results_.size(), 2u);
  EXPECT_EQ(results_[0].fields.at("sample_data"), json::value(true));
}

TEST_F(DemoShopFlowTest, LostParcelCreatesARealClaim) {
  auto out = Drive(engine_->Start("delivered_not_received", "en", "LX20240007 never arrived"), "cust-1001");
  EXPECT_EQ(out.state.status, FlowStatus::kHandedOff);
  EXPECT_EQ(out.handoff_reason, "claim_opened");
  ASSERT_EQ(results_.size(), 3u);
  EXPECT_EQ(results_[2].http_status, 201);
  std::string claim_id(results_[2].fields.at("claim_id").as_string());
  EXPECT_EQ(claim_id.rfind("CLM-", 0), 0u);
  EXPECT_NE(text_.find(claim_id), std::string::npos) << text_;
  EXPECT_NE(out.handoff_summary.find(claim_id), std::string::npos);
  // The same order again returns the open claim instead of a second one.
  ToolResult again = CallTool("create_claim", json::object{{"order_no", "LX20240007"}, {"reason", "not_received"}}, "cust-1001");
  EXPECT_EQ(again.http_status, 200);
  EXPECT_EQ(again.fields.at("claim_id"), json::value(claim_id));
}

TEST_F(DemoShopFlowTest, ShopEnforcesOwnershipAndValidation) {
  ToolResult other = CallTool("get_order", json::object{{"order_no", "LX20240001"}}, "cust-1002");
  EXPECT_EQ(other.http_status, 403);
  ToolResult unknown = CallTool("get_order", json::object{{"order_no", "LX00000000"}}, "cust-1002");
  EXPECT_EQ(unknown.http_status, 404);
  ToolResult claim = CallTool("create_claim", json::object{{"order_no", "LX20240001"}, {"reason", "not_received"}}, "cust-1002");
  EXPECT_EQ(claim.http_status, 403);
  auto shop = api::DemoShop::Load(LINGXI_SOURCE_DIR "/data/demo/shop", 0);
  ASSERT_TRUE(shop.ok());
  bool created = false;
  EXPECT_EQ((*shop)->CreateClaim(json::parse(R"({"order_no": "LX20240001", "customer_id": "cust-1001", "reason": "bored"})").as_object(),
                                 &created).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ((*shop)->GetOrder("LX20240001", "").status().code(), StatusCode::kInvalidArgument);
  auto subs = (*shop)->ListSubscriptions("cust-1002");
  ASSERT_TRUE(subs.ok());
  EXPECT_EQ(subs->at("subscriptions").at(0).at("days_left"), json::value(5));
  EXPECT_EQ(subs->at("subscriptions").at(0).at("expiring_soon"), json::value(true));
}

TEST_F(DemoShopFlowTest, SubscriptionRenewalOverRealHttp) {
  Drive(engine_->Start("subscription_renewal", "zh", "会员什么时候到期"), "cust-1003");
  EXPECT_NE(text_.find("已于"), std::string::npos) << text_;
  EXPECT_NE(text_.find("到期"), std::string::npos) << text_;
}

}  // namespace
}  // namespace lingxi::flows

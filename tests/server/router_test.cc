#include "server/router.h"

#include <gtest/gtest.h>

namespace lingxi::server {
namespace {

boost::asio::awaitable<HttpResponse> Ok(HttpRequest) { co_return HttpResponse::Json(200, "{}"); }

TEST(Router, MatchesLiteralAndCapturedSegments) {
  Router r;
  r.Add("GET", "/api/v1/conversations/{id}", Ok);
  r.Add("POST", "/api/v1/conversations/{id}/messages", Ok);
  HttpRequest req;
  req.path = "/api/v1/conversations/17";
  auto m = r.Find("GET", &req, false);
  ASSERT_NE(m.http, nullptr);
  EXPECT_EQ(req.params["id"], "17");
  req.path = "/api/v1/conversations/17/messages";
  EXPECT_NE(r.Find("POST", &req, false).http, nullptr);
}

TEST(Router, DistinguishesWrongMethodFromUnknownPath) {
  Router r;
  r.Add("POST", "/api/v1/kb/articles", Ok);
  HttpRequest req;
  req.path = "/api/v1/kb/articles";
  auto m = r.Find("DELETE", &req, false);
  EXPECT_EQ(m.http, nullptr);
  EXPECT_TRUE(m.path_matched);
  req.path = "/api/v1/nope";
  EXPECT_FALSE(r.Find("GET", &req, false).path_matched);
  req.path = "/api/v1/kb/articles/extra";
  EXPECT_FALSE(r.Find("POST", &req, false).path_matched);
}

TEST(Router, WebSocketRoutesOnlyMatchUpgrades) {
  Router r;
  r.AddWebSocket("/api/v1/ws", [](HttpRequest) -> boost::asio::awaitable<WsUpgradeResult> { co_return WsBinding{}; });
  HttpRequest req;
  req.path = "/api/v1/ws";
  EXPECT_NE(r.Find("GET", &req, true).ws, nullptr);
  EXPECT_EQ(r.Find("GET", &req, false).http, nullptr);
}

}  // namespace
}  // namespace lingxi::server

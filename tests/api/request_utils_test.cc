#include "api/request_utils.h"

#include <gtest/gtest.h>

#include "api/http_status.h"

namespace lingxi::api {
namespace {

server::HttpRequest Body(std::string b) {
  server::HttpRequest r;
  r.body = std::move(b);
  return r;
}

int StatusOf(const std::variant<boost::json::object, server::HttpResponse>& v) {
  return std::holds_alternative<server::HttpResponse>(v) ? std::get<server::HttpResponse>(v).status : 200;
}

TEST(ParseJsonObject, ClassifiesBadBodies) {
  EXPECT_EQ(StatusOf(ParseJsonObject(Body(R"({"content":"hi"})"))), 200);
  EXPECT_EQ(StatusOf(ParseJsonObject(Body("{bad"))), 400);
  EXPECT_EQ(StatusOf(ParseJsonObject(Body(""))), 400);
  EXPECT_EQ(StatusOf(ParseJsonObject(Body("[1,2]"))), 422);
  EXPECT_EQ(StatusOf(ParseJsonObject(Body("{\"content\":\"\xff\"}"))), 400);
  EXPECT_EQ(StatusOf(ParseJsonObject(Body(std::string(100, '[') + std::string(100, ']')))), 400);
  auto err = std::get<server::HttpResponse>(ParseJsonObject(Body("{bad")));
  EXPECT_NE(err.body.find("\"error\""), std::string::npos);
  EXPECT_NE(err.body.find("\"code\""), std::string::npos);
}

TEST(Fields, RequireTheRightTypes) {
  auto o = boost::json::parse(R"({"s":"x","n":5,"a":["p","q"],"bad":[1]})").as_object();
  EXPECT_EQ(*ReqString(o, "s", 10), "x");
  EXPECT_EQ(ReqString(o, "n", 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReqString(o, "missing", 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReqString(o, "s", 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OptStringArray(o, "a", 5, 10)->value().size(), 2u);
  EXPECT_FALSE(OptStringArray(o, "bad", 5, 10).ok());
  EXPECT_EQ(**OptInt(o, "n"), 5);
  EXPECT_FALSE(OptInt(o, "s").ok());
}

TEST(ParseId, AcceptsOnlyPositiveIntegers) {
  EXPECT_EQ(*ParseId("42", "id"), 42);
  for (const char* bad : {"", "0", "-1", "1x", "abc", "99999999999999999999"}) EXPECT_FALSE(ParseId(bad, "id").ok()) << bad;
}

TEST(BearerToken, FromHeaderOrQuery) {
  server::HttpRequest r;
  r.headers["authorization"] = "Bearer abc";
  EXPECT_EQ(BearerToken(r), "abc");
  r.headers["authorization"] = "Basic abc";
  EXPECT_EQ(BearerToken(r), "");
  server::HttpRequest q;
  q.query["token"] = "t1";
  EXPECT_EQ(BearerToken(q), "t1");
}

TEST(HttpStatus, MapsEveryCode) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 422);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
  auto r = ErrorResponse(Internal("sqlite: disk I/O error at /secret/path"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("/secret/path"), std::string::npos) << "internal details must not leak";
}

}  // namespace
}  // namespace lingxi::api

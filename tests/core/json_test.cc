// ParseJson: boost::json::parse that refuses numbers a double cannot hold.
#include "core/json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>

namespace lingxi {
namespace {

TEST(ParseJson, RefusesNumbersThatOverflowADouble) {
  // Boost.JSON alone reads these as Infinity / NaN and writes them back as `Infinity` / `NaN`.
  for (const char* text : {"1e400", "-1e400", "0e400", "[1, {\"a\": 0e757}]", "{\"x\": {\"y\": [2e999]}}"}) {
    boost::system::error_code ec;
    boost::json::value v = ParseJson(text, ec);
    EXPECT_EQ(ec, boost::json::error::exponent_overflow) << text;
    EXPECT_TRUE(v.is_null()) << text;
  }
}

TEST(ParseJson, ParsesEverythingElseAsBoostDoes) {
  boost::system::error_code ec;
  boost::json::value v = ParseJson(R"({"a": [1, 2.5, -0.0, 1e308, "s", null, true], "b": {"c": 1e-400}})", ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(v.at("a").as_array().size(), 7u);
  EXPECT_EQ(v.at("b").at("c").as_double(), 0.0);  // underflow is a finite zero
  boost::json::parse_options no_comments;
  EXPECT_TRUE(ParseJson("{\"a\": 1 /* c */}", ec, no_comments).is_null());
  EXPECT_TRUE(ec);
  boost::json::parse_options comments;
  comments.allow_comments = true;
  EXPECT_EQ(ParseJson("{\"a\": 1 /* c */}", ec, comments).at("a").as_int64(), 1);
  EXPECT_FALSE(ec);
}

TEST(ParseJson, AllNumbersFiniteLooksAtEveryDepth) {
  boost::json::value v = {{"a", boost::json::array{1, 2, boost::json::object{{"b", 3.5}}}}};
  EXPECT_TRUE(AllNumbersFinite(v));
  v.at("a").as_array()[2].as_object()["b"] = std::nan("");
  EXPECT_FALSE(AllNumbersFinite(v));
}

}  // namespace
}  // namespace lingxi

#include "flows/playbook.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "flows/flow_engine.h"
#include "flows/flow_text.h"

namespace lingxi::flows {
namespace {

namespace json = boost::json;

Result<Playbook> ParseText(std::string_view text) { return ParsePlaybook(json::parse(text), nullptr); }

void ExpectInvalid(std::string_view text, std::string_view needle) {
  auto r = ParseText(text);
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
}

TEST(Playbook, RejectsBrokenDefinitions) {
  ExpectInvalid(R"({"id": "p", "title": "t", "steps": []})", "steps");
  ExpectInvalid(R"({"id": "p", "title": "t", "steps": [{"type": "say", "text": "x", "next": "nowhere"}]})",
                "no step with id 'nowhere'");
  ExpectInvalid(R"({"id": "p", "title": "t", "steps": [{"type": "ask", "slot": "nope"}]})", "unknown slot 'nope'");
  ExpectInvalid(R"({"id": "p", "title": "t", "steps": [{"type": "say", "text": {"en": "hi {{who}}"}}]})", "{{who}} is not a slot");
  ExpectInvalid(R"({"id": "p", "title": "t", "steps": [{"type": "say", "text": {"en": "{{order.status}}"}}]})",
                "not a tool result");
  ExpectInvalid(R"({"id": "p", "title": "t", "steps": [{"id": "a", "type": "end"}, {"id": "a", "type": "end"}]})", "used twice");
  ExpectInvalid(R"({"id": "p", "title": "t", "steps": [{"id": "b", "type": "branch", "cases": [{"when": {"field": "x", "equals": 1, "in": [1]}, "goto": "b"}], "default": "b"}],
                   "slots": [{"name": "x", "prompt": "x?"}]})", "exactly one operator");
  ExpectInvalid(R"({"id": "p", "title": "t", "slots": [{"name": "x", "prompt": "x?", "pattern": "(["}], "steps": [{"type": "end"}]})",
                "invalid pattern");
  ExpectInvalid(R"({"id": "p", "title": "t", "steps": [{"type": "dance"}]})", "type must be");
  ExpectInvalid(R"({"id": "bad id", "title": "t", "steps": [{"type": "end"}]})", "id");
}

// Found by fuzz/playbook_fuzzer: libstdc++'s regex parser overflows a signed integer on a count
// such as {99999999999} (undefined behaviour; the sanitizer build reports it) before refusing it.
TEST(Playbook, RefusesHugeRepetitionCountsBeforeStdRegexSeesThem) {
  auto with_pattern = [](std::string pattern) {
    json::value doc = json::parse(R"({"id": "p", "title": "t", "slots": [{"name": "x", "prompt": "x?"}],
                                     "steps": [{"type": "ask", "slot": "x"}]})");
    doc.at("slots").at(0).as_object()["pattern"] = pattern;
    return ParsePlaybook(doc, nullptr);
  };
  for (const char* bad : {"a{99999999999}", "(ab){3,13333333333333333333}", "x{100000}", "(a)\\99999999999"}) {
    auto r = with_pattern(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("over 99999"), std::string::npos) << r.status().message();
  }
  for (const char* good : {"[A-Z]{2}[0-9]{8,12}", "\\{1234567}", "[{]1234567}", "a{1000}"}) {
    EXPECT_TRUE(with_pattern(good).ok()) << good << ": " << with_pattern(good).status().ToString();
  }
}

TEST(Playbook, LoopGuardHandsOffInsteadOfSpinning) {
  auto pb = ParseText(R"({"id": "loop", "title": "t", "slots": [{"name": "x", "prompt": "x?"}],
    "steps": [{"id": "a", "type": "say", "text": "again", "next": "b"},
              {"id": "b", "type": "branch", "cases": [{"when": {"field": "x", "exists": true}, "goto": "c"}], "default": "a"},
              {"id": "c", "type": "end"}]})");
  ASSERT_TRUE(pb.ok()) << pb.status().ToString();
  std::vector<Playbook> list;
  list.push_back(std::move(*pb));
  FlowEngine engine(*PlaybookLibrary::FromPlaybooks(std::move(list)));
  auto out = engine.Start("loop", "en", "");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->state.status, FlowStatus::kHandedOff);
  EXPECT_EQ(out->handoff_reason, "loop_guard");
  EXPECT_LE(out->messages.size(), static_cast<size_t>(FlowEngine::kMaxStepsPerTurn + 1));
}

TEST(Playbook, ToolStepWithoutOnErrorApologisesAndHandsOff) {
  auto pb = ParseText(R"({"id": "t", "title": {"zh": "查", "en": "look"},
    "steps": [{"type": "tool", "tool": "lookup", "result": "r"}, {"type": "say", "text": "{{r.value}}"}]})");
  ASSERT_TRUE(pb.ok()) << pb.status().ToString();
  std::vector<Playbook> list;
  list.push_back(std::move(*pb));
  FlowEngine engine(*PlaybookLibrary::FromPlaybooks(std::move(list)));
  auto out = engine.Start("t", "zh-CN", "");
  ASSERT_TRUE(out.ok() && out->tool_call);
  auto failed = engine.OnToolResult(out->state, ResultFromError("lookup", PermissionDenied("host refused"), 0));
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->state.status, FlowStatus::kHandedOff);
  EXPECT_EQ(failed->handoff_reason, "tool_error");
  EXPECT_NE(failed->messages.at(0).find("转接人工"), std::string::npos);
  EXPECT_NE(failed->handoff_summary.find("host refused"), std::string::npos);

  ToolResult ok;
  ok.ok = true;
  ok.fields["value"] = 42;
  auto fine = engine.OnToolResult(out->state, ok);
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(fine->state.status, FlowStatus::kDone);
  EXPECT_EQ(fine->messages, std::vector<std::string>{"42"});
}

TEST(FlowText, ConditionsAndSlotExtraction) {
  json::object slots{{"n", 3}, {"name", "Ann"}};
  json::object results{{"r", json::object{{"ok", true}, {"http_status", 200},
                                          {"fields", json::object{{"status", "delivered"}, {"tags", json::array{"a", "b"}},
                                                                  {"addr", "X"}, {"addr2", "Y"}, {"empty", ""}}}}}};
  FlowData d{slots, results};
  auto cond = [](std::string text) {
    auto pb = ParseText(R"({"id": "p", "title": "t", "slots": [{"name": "n", "prompt": "?"}, {"name": "name", "prompt": "?"}],
      "steps": [{"type": "tool", "tool": "x", "result": "r"},
                {"id": "b", "type": "branch", "cases": [{"when": )" + text + R"(, "goto": "b"}], "default": "b"}]})");
    EXPECT_TRUE(pb.ok()) << pb.status().ToString();
    return pb->steps[1].cases[0].when;
  };
  EXPECT_TRUE(EvaluateCondition(cond(R"({"field": "r.status", "equals": "delivered"})"), d));
  EXPECT_FALSE(EvaluateCondition(cond(R"({"field": "r.status", "equals": "lost"})"), d));
  EXPECT_TRUE(EvaluateCondition(cond(R"({"field": "n", "equals": "3"})"), d));
  EXPECT_TRUE(EvaluateCondition(cond(R"({"field": "r.status", "in": ["lost", "delivered"]})"), d));
  EXPECT_TRUE(EvaluateCondition(cond(R"({"field": "r.tags", "contains": "b"})"), d));
  EXPECT_TRUE(EvaluateCondition(cond(R"({"field": "r.status", "contains": "LIVER"})"), d));
  EXPECT_TRUE(EvaluateCondition(cond(R"({"field": "r.missing", "not_exists": true})"), d));
  EXPECT_TRUE(EvaluateCondition(cond(R"({"field": "r.empty", "not_exists": true})"), d));
  EXPECT_TRUE(EvaluateCondition(cond(R"({"field": "r.addr", "not_equals_field": "r.addr2"})"), d));
  EXPECT_FALSE(EvaluateCondition(cond(R"({"field": "r.addr", "not_equals_field": "r.missing"})"), d));
  EXPECT_TRUE(EvaluateCondition(cond(R"({"field": "r._http_status", "equals": 200})"), d));
  EXPECT_FALSE(EvaluateCondition(cond(R"({"all": [{"field": "n", "exists": true}, {"field": "r.nope", "exists": true}]})"), d));
  EXPECT_TRUE(EvaluateCondition(cond(R"({"any": [{"field": "r.nope", "exists": true}, {"field": "name", "equals": "Ann"}]})"), d));

  SlotDef order;
  order.name = "order_no";
  order.pattern = std::make_shared<const std::regex>("\\b([A-Za-z]{2}[0-9]{8,12})\\b");
  order.uppercase = true;
  EXPECT_EQ(ExtractSlot(order, "我的订单ab20240001没收到", false), json::value("AB20240001"));
  EXPECT_EQ(ExtractSlot(order, "order LX1234", false), std::nullopt);
  SlotDef yes;
  yes.name = "ok";
  yes.type = SlotType::kBoolean;
  EXPECT_EQ(ExtractSlot(yes, "yes please", true), json::value(true));
  EXPECT_EQ(ExtractSlot(yes, "not yet", true), json::value(false));
  EXPECT_EQ(ExtractSlot(yes, "找到了", true), json::value(true));
  EXPECT_EQ(ExtractSlot(yes, "还没找到", true), json::value(false));
  EXPECT_EQ(ExtractSlot(yes, "yes", false), std::nullopt);  // only when the flow asked
  EXPECT_EQ(ExtractSlot(yes, "what?", true), std::nullopt);
  SlotDef n;
  n.name = "n";
  n.type = SlotType::kInteger;
  EXPECT_EQ(ExtractSlot(n, "I want 12 of them", false), json::value(12));
  EXPECT_EQ(ExtractSlot(n, "\xff\xfe", true), std::nullopt);  // invalid UTF-8
}

}  // namespace
}  // namespace lingxi::flows

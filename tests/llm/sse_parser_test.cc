#include "llm/sse_parser.h"

#include <gtest/gtest.h>

namespace lingxi::llm {
namespace {

std::vector<SseEvent> ParseAll(const std::vector<std::string_view>& chunks, SseParser& parser) {
  std::vector<SseEvent> events;
  auto on_event = [&](const SseEvent& e) {
    events.push_back(e);
    return true;
  };
  for (auto c : chunks) EXPECT_TRUE(parser.Feed(c, on_event).ok());
  return events;
}

std::vector<std::string> Data(const std::vector<SseEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.data);
  return out;
}

TEST(SseParser, ParsesEventsCommentsAndDone) {
  SseParser p;
  auto events = ParseAll({": keep-alive\n\ndata: {\"a\":1}\n\ndata: [DONE]\n\n"}, p);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "{\"a\":1}");
  EXPECT_FALSE(events[0].IsDone());
  EXPECT_TRUE(events[1].IsDone());
  EXPECT_EQ(p.comments(), 1u);
}

TEST(SseParser, EverySplitPointGivesTheSameEvents) {
  const std::string stream =
      ": keep-alive\r\n\r\ndata: first\r\n\r\nevent: note\nid: 7\ndata: line1\ndata: line2\n\n"
      "data:nospace\r\rdata: 中文内容\n\ndata: [DONE]\n\n";
  const std::vector<std::string> expected = {"first", "line1\nline2", "nospace", "中文内容", "[DONE]"};
  for (size_t a = 0; a <= stream.size(); ++a) {
    for (size_t b = a; b <= stream.size(); b += 7) {
      SseParser p;
      std::string_view s(stream);
      auto events = ParseAll({s.substr(0, a), s.substr(a, b - a), s.substr(b)}, p);
      ASSERT_EQ(Data(events), expected) << "split at " << a << "," << b;
      EXPECT_EQ(events[1].event, "note");
      EXPECT_EQ(events[1].id, "7");
      EXPECT_EQ(p.comments(), 1u);
    }
  }
}

TEST(SseParser, ByteByByteWithCrLf) {
  const std::string stream = "data: a\r\n\r\ndata: b\r\n\r\n";
  SseParser p;
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < stream.size(); ++i) chunks.push_back(std::string_view(stream).substr(i, 1));
  auto events = ParseAll(chunks, p);
  EXPECT_EQ(Data(events), (std::vector<std::string>{"a", "b"}));
}

TEST(SseParser, EventWithoutDataIsNotDispatched) {
  SseParser p;
  auto events = ParseAll({"event: ping\n\nretry: 100\n\n: c\n\n"}, p);
  EXPECT_TRUE(events.empty());
}

TEST(SseParser, IncompleteEventWaitsForBlankLineOrFinish) {
  SseParser p;
  auto events = ParseAll({"data: partial"}, p);
  EXPECT_TRUE(events.empty());
  std::vector<SseEvent> finished;
  ASSERT_TRUE(p.Finish([&](const SseEvent& e) {
                 finished.push_back(e);
                 return true;
               }).ok());
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].data, "partial");
}

TEST(SseParser, OversizedLineIsRejected) {
  SseParser p(64);
  std::string big = "data: " + std::string(100, 'x');
  auto s = p.Feed(big, [](const SseEvent&) { return true; });
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  SseParser q(64);
  Status t;
  for (int i = 0; i < 20 && t.ok(); ++i) t = q.Feed("data: 0123456789\n", [](const SseEvent&) { return true; });
  EXPECT_EQ(t.code(), StatusCode::kResourceExhausted);
}

TEST(SseParser, CallbackCanStopParsing) {
  SseParser p;
  int seen = 0;
  auto s = p.Feed("data: 1\n\ndata: 2\n\n", [&](const SseEvent&) {
    ++seen;
    return false;
  });
  EXPECT_EQ(s.code(), StatusCode::kCancelled);
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace lingxi::llm

// The OpenAI wire format (llm/internal/chat_wire.h): numbers a server sends
// that do not fit.
#include "llm/internal/chat_wire.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace lingxi::llm::internal {
namespace {

std::string Completion(const std::string& usage) {
  return R"({"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}],"usage":)" + usage + "}";
}

// Found by fuzz/chat_wire_fuzzer: a count written as a huge double was
// converted to int64 with undefined behaviour (in practice INT64_MIN).
TEST(ChatWire, HugeFloatingPointCountsAreClamped) {
  auto r = ParseCompletion(Completion(R"({"prompt_tokens":1e300,"completion_tokens":-1e300,"total_tokens":0})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->usage.prompt_tokens, int64_t{1} << 53);
  EXPECT_EQ(r->usage.completion_tokens, 0);
  EXPECT_EQ(r->usage.total_tokens, int64_t{1} << 53);
}

// Two counts near INT64_MAX used to overflow when the total was computed from
// them.
TEST(ChatWire, HugeIntegerCountsDoNotOverflowTheTotal) {
  auto r = ParseCompletion(Completion(R"({"prompt_tokens":9223372036854775807,"completion_tokens":10})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->usage.total_tokens, r->usage.prompt_tokens);
  EXPECT_EQ(r->usage.total_tokens, (int64_t{1} << 53) + 10);
}

TEST(ChatWire, HugeFloatingPointToolCallIndexIsAnError) {
  StreamAccumulator acc;
  ChunkEffect e = ApplyChunk(R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1e300,"id":"a"}]}}]})", acc);
  EXPECT_FALSE(e.error.ok());
  EXPECT_TRUE(acc.result.tool_calls.empty());
}

}  // namespace
}  // namespace lingxi::llm::internal

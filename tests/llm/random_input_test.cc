// Randomised robustness tests (deterministic seeds) for the parsers that read what a model server
// sends and the masking of what Lingxi sends it: no crash or sanitizer report on arbitrary input,
// and properties that must hold for every input. Run under ASan/UBSan in CI.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "llm/internal/chat_wire.h"
#include "llm/pii.h"
#include "llm/sse_parser.h"

namespace lingxi::llm {
namespace {

// Text made of pieces that matter to the parser under test, plus random bytes.
std::string RandomText(std::mt19937& rng, const std::vector<std::string>& pieces, size_t max_pieces) {
  std::uniform_int_distribution<size_t> n(0, max_pieces), pick(0, pieces.size()), byte(0, 255);
  std::string out;
  for (size_t i = 0, k = n(rng); i < k; ++i) {
    size_t p = pick(rng);
    if (p == pieces.size()) {
      out.push_back(static_cast<char>(byte(rng)));
    } else {
      out += pieces[p];
    }
  }
  return out;
}

struct Collected {
  std::vector<std::string> events;  // "event|id|data"
  Status status;
};

Collected ParseInChunks(std::string_view stream, const std::vector<size_t>& cuts, size_t limit) {
  SseParser parser(limit);
  Collected c;
  auto on_event = [&c](const SseEvent& e) {
    c.events.push_back(e.event + "|" + e.id + "|" + e.data);
    return true;
  };
  size_t at = 0;
  for (size_t cut : cuts) {
    if (cut <= at || cut > stream.size()) continue;
    c.status = parser.Feed(stream.substr(at, cut - at), on_event);
    at = cut;
    if (!c.status.ok()) return c;
  }
  c.status = parser.Feed(stream.substr(at), on_event);
  if (c.status.ok()) c.status = parser.Finish(on_event);
  return c;
}

// Where a stream is cut into network reads must not change what is parsed.
TEST(RandomInput, SseParsingDoesNotDependOnWhereChunksSplit) {
  const std::vector<std::string> pieces = {"data:", "data: ", "event: x", "id: 7", ": keep-alive", "\n", "\r",
                                           "\r\n", "\n\n", "{\"a\":1}", "[DONE]", "retry: 5", "é", "中", ":"};
  std::mt19937 rng(20261125);
  for (int i = 0; i < 3000; ++i) {
    const std::string stream = RandomText(rng, pieces, 60);
    const size_t limit = i % 7 == 0 ? 16 : (1 << 20);  // sometimes small enough to hit the size limit
    const Collected whole = ParseInChunks(stream, {}, limit);
    std::vector<size_t> cuts;
    std::uniform_int_distribution<size_t> pos(0, stream.size());
    for (int k = 0; k < 6; ++k) cuts.push_back(pos(rng));
    std::sort(cuts.begin(), cuts.end());
    const Collected split = ParseInChunks(stream, cuts, limit);
    ASSERT_EQ(whole.status.code(), split.status.code()) << "case " << i;
    if (whole.status.ok()) {
      ASSERT_EQ(whole.events, split.events) << "case " << i;
    }
    for (const auto& e : whole.events) EXPECT_LE(e.size(), limit + 2 + 64) << "case " << i;
  }
}

// Whatever a (broken or hostile) server streams, applying its chunks or parsing its body either
// works or fails with a status: never a crash.
TEST(RandomInput, ChunkAndCompletionParsersSurviveArbitraryJson) {
  const std::vector<std::string> pieces = {
      "{", "}", "[", "]", ",", ":", "\"choices\"", "\"delta\"", "\"content\"", "\"tool_calls\"", "\"index\"",
      "\"function\"", "\"arguments\"", "\"name\"", "\"id\"", "\"usage\"", "\"error\"", "\"message\"",
      "\"finish_reason\"", "null", "true", "0", "-1", "99999999999999999999", "1e308", "\"x\"", "\"\\u0000\"", "\"中\""};
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    const std::string data = RandomText(rng, pieces, 40);
    internal::StreamAccumulator acc;
    for (int k = 0; k < 3; ++k) (void)internal::ApplyChunk(data, acc);
    (void)internal::ParseCompletion(data);
  }
  // Structured but adversarial: tool-call indexes far apart, wrong types.
  internal::StreamAccumulator acc;
  for (const char* chunk :
       {R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1000000,"id":"a","function":{"name":"x"}}]}}]})",
        R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":-5,"function":{"arguments":"{"}}]}}]})",
        R"({"choices":[{"index":0,"delta":{"tool_calls":"nope"}}]})",
        R"({"choices":[{"index":0,"delta":{"content":12}}]})", R"({"choices":"x"})", R"([1,2,3])"}) {
    (void)internal::ApplyChunk(chunk, acc);
  }
  SUCCEED();
}

// Masking is reversible: what goes out masked comes back as it was. (One value written in two
// formats, "+86 138…" and "138…", shares a placeholder and comes back in the first format: by
// design, so the pieces here write each value one way.) Text that looks like a placeholder, typed
// by the customer, must come back verbatim, not as someone's data.
TEST(RandomInput, PersonalDataMaskingRoundTrips) {
  const std::vector<std::string> pieces = {"13812345678", "a.b@example.com", "@", ".", "110101199003074514",
                                           "6222021234567890123", "4111 1111 1111 1111", "北京市朝阳区建国路88号",
                                           "路", "号", "[PHONE_1]", "[EMAIL_1]", "[ADDRESS_2]", "[TEXT_1]", "[", "]",
                                           "_", "0", "7", "x", "中"};
  PiiMasker masker;
  std::mt19937 rng(42);
  for (int i = 0; i < 3000; ++i) {
    const std::string text = RandomText(rng, pieces, 30);
    PiiVault vault;
    const std::string masked = masker.Mask(text, vault);
    EXPECT_EQ(PiiMasker::Unmask(masked, vault), text) << "case " << i << ": " << masked;
  }
}

}  // namespace
}  // namespace lingxi::llm

// SseParser (llm/sse_parser.h) on arbitrary streams from a model server.
// Invariant: the events, the final status and the comment count depend only on
// the bytes of the stream, never on where the network cut it into chunks
// (whole, at fuzzer-chosen points, byte by byte), also when the consumer stops
// early; no dispatched event is larger than the limit.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "llm/sse_parser.h"

namespace {

using lingxi::Status;
using lingxi::fuzz::Printable;
using lingxi::llm::SseEvent;
using lingxi::llm::SseParser;

struct Parsed {
  std::vector<std::string> events;  // "event|id|data"
  lingxi::StatusCode code = lingxi::StatusCode::kOk;
  size_t comments = 0;

  std::string Describe() const {
    std::string s = "status " + std::string(lingxi::StatusCodeName(code)) + ", " + std::to_string(events.size()) +
                    " events, " + std::to_string(comments) + " comments:";
    for (const auto& e : events) s += "\n  " + Printable(e, 80);
    return s;
  }
  bool operator==(const Parsed& o) const = default;
};

// Feeds `stream` cut at `cuts` (sorted offsets), then Finish(). The consumer
// stops after `stop_after` events (never when 0).
Parsed Parse(std::string_view stream, const std::vector<size_t>& cuts, size_t limit, size_t stop_after) {
  SseParser parser(limit);
  Parsed p;
  auto on_event = [&](const SseEvent& e) {
    LINGXI_FUZZ_CHECK(e.data.size() <= limit, "event data of " + std::to_string(e.data.size()) +
                                                  " bytes over the limit " + std::to_string(limit));
    p.events.push_back(e.event + "|" + e.id + "|" + e.data);
    return stop_after == 0 || p.events.size() < stop_after;
  };
  size_t at = 0;
  Status s;
  for (size_t cut : cuts) {
    if (cut < at || cut > stream.size()) continue;
    s = parser.Feed(stream.substr(at, cut - at), on_event);  // empty chunks too
    at = cut;
    if (!s.ok()) break;
  }
  if (s.ok()) s = parser.Feed(stream.substr(at), on_event);
  if (s.ok()) s = parser.Finish(on_event);
  p.code = s.code();
  p.comments = parser.comments();
  LINGXI_FUZZ_CHECK(parser.events() == p.events.size(), "events() disagrees with the callbacks");
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  // Parameters come from the end of the input, the stream is the rest.
  const size_t limit = fdp.ConsumeBool() ? size_t{1} << 20 : fdp.ConsumeIntegralInRange<size_t>(1, 64);
  const size_t stop_after = fdp.ConsumeIntegralInRange<size_t>(0, 4);
  std::vector<size_t> cuts(fdp.ConsumeIntegralInRange<size_t>(0, 8));
  for (size_t& c : cuts) c = fdp.ConsumeIntegral<uint16_t>();
  const std::string stream = fdp.ConsumeRemainingBytesAsString();
  for (size_t& c : cuts) c = stream.empty() ? 0 : c % (stream.size() + 1);
  std::sort(cuts.begin(), cuts.end());

  const Parsed whole = Parse(stream, {}, limit, stop_after);
  const Parsed split = Parse(stream, cuts, limit, stop_after);
  LINGXI_FUZZ_CHECK(whole == split, "whole stream: " + whole.Describe() + "\ncut: " + split.Describe() +
                                        "\nstream: " + Printable(stream));
  if (stream.size() <= 512) {
    std::vector<size_t> every(stream.size());
    for (size_t i = 0; i < every.size(); ++i) every[i] = i + 1;
    const Parsed bytes = Parse(stream, every, limit, stop_after);
    LINGXI_FUZZ_CHECK(whole == bytes, "whole stream: " + whole.Describe() + "\nbyte by byte: " + bytes.Describe() +
                                          "\nstream: " + Printable(stream));
  }
  return 0;
}

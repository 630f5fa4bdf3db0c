// The OpenAI wire format (llm/internal/chat_wire.h): streamed chunks, whole
// completions and error bodies from a (broken or hostile) model server, and
// request bodies built from our messages. Invariants: arbitrary bytes never
// crash, throw or hit undefined behaviour; the accumulated answer is exactly
// the concatenation of the deltas handed to the caller; at most 128 tool calls
// are kept; ApiError never returns OK; a request body that builds is JSON
// carrying every message's role and content as given.
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "fuzz_check.h"
#include "llm/internal/chat_wire.h"

namespace {

namespace json = boost::json;
using lingxi::fuzz::Printable;
using namespace lingxi::llm;

void CheckChunks(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  internal::StreamAccumulator acc;
  std::string deltas;
  {
    // The whole input as one chunk first, then pieces of it.
    const std::string whole(reinterpret_cast<const char*>(data), size);
    deltas += internal::ApplyChunk(whole, acc).content_delta;
  }
  const size_t n = fdp.ConsumeIntegralInRange<size_t>(1, 6);
  for (size_t i = 0; i < n && fdp.remaining_bytes() > 0; ++i) {
    const std::string chunk = fdp.ConsumeRandomLengthString(2048);
    internal::ChunkEffect effect = internal::ApplyChunk(chunk, acc);
    deltas += effect.content_delta;
    LINGXI_FUZZ_CHECK(acc.result.content == deltas, "content is not the sum of the deltas after " + Printable(chunk));
    LINGXI_FUZZ_CHECK(acc.result.tool_calls.size() <= 128,
                      std::to_string(acc.result.tool_calls.size()) + " tool calls after " + Printable(chunk));
  }
}

void CheckCompletion(const std::string& body) {
  (void)internal::ParseCompletion(body);  // UBSan watches the number conversions
  for (int http_status : {0, 400, 401, 429, 500}) {
    lingxi::Status s = internal::ApiError(http_status, body);
    LINGXI_FUZZ_CHECK(!s.ok(), "ApiError returned OK for " + Printable(body));
  }
}

void CheckRequestBody(FuzzedDataProvider& fdp) {
  static const char* kRoles[] = {"system", "user", "assistant", "tool", "robot"};
  ChatRequest req;
  const size_t n = fdp.ConsumeIntegralInRange<size_t>(0, 4);
  for (size_t i = 0; i < n; ++i) {
    ChatMessage m;
    m.role = kRoles[fdp.ConsumeIntegralInRange<size_t>(0, 4)];
    m.content = fdp.ConsumeRandomLengthString(64);
    m.tool_call_id = fdp.ConsumeRandomLengthString(8);
    if (fdp.ConsumeBool()) m.tool_calls.push_back({fdp.ConsumeRandomLengthString(8), "lookup", "{}"});
    req.messages.push_back(std::move(m));
  }
  if (fdp.ConsumeBool())
    req.tools.push_back({fdp.ConsumeRandomLengthString(16), "d", fdp.ConsumeRandomLengthString(64)});
  req.tool_choice = fdp.ConsumeRandomLengthString(16);
  // Text reaching the wire was validated as UTF-8 where it entered Lingxi.
  for (const auto& m : req.messages) {
    if (!lingxi::IsValidUtf8(m.content) || !lingxi::IsValidUtf8(m.tool_call_id)) return;
    for (const auto& c : m.tool_calls)
      if (!lingxi::IsValidUtf8(c.id)) return;
  }
  for (const auto& t : req.tools)
    if (!lingxi::IsValidUtf8(t.name)) return;
  if (!lingxi::IsValidUtf8(req.tool_choice)) return;

  auto body = internal::BuildChatBody(req, "model", fdp.ConsumeBool());
  if (!body.ok()) return;
  boost::system::error_code ec;
  json::value v = json::parse(*body, ec);
  LINGXI_FUZZ_CHECK(!ec && v.is_object(), "request body is not a JSON object: " + Printable(*body));
  const json::array& messages = v.at("messages").as_array();
  LINGXI_FUZZ_CHECK(messages.size() == req.messages.size(), "message count changed: " + Printable(*body));
  for (size_t i = 0; i < messages.size(); ++i) {
    const json::object& m = messages[i].as_object();
    LINGXI_FUZZ_CHECK(m.at("role").as_string() == req.messages[i].role, "role changed: " + Printable(*body));
    const json::value& content = m.at("content");
    const bool null_ok = content.is_null() && req.messages[i].content.empty();
    LINGXI_FUZZ_CHECK(null_ok || (content.is_string() && content.as_string() == req.messages[i].content),
                      "content changed: " + Printable(*body));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckChunks(data, size);
  CheckCompletion(std::string(reinterpret_cast<const char*>(data), size));
  FuzzedDataProvider fdp(data, size);
  CheckRequestBody(fdp);
  return 0;
}

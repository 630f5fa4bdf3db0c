// The OpenAI chat-completions wire format: request bodies, streamed chunks, whole responses and
// API error bodies. Private to llm/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "llm/chat_client.h"

namespace lingxi::llm::internal {

Result<std::string> BuildChatBody(const ChatRequest& request, const std::string& default_model, bool stream);

// Accumulates a streamed answer chunk by chunk.
struct StreamAccumulator {
  ChatResult result;
  std::vector<bool> tool_seen;  // by tool-call index
  bool saw_done = false;
};

struct ChunkEffect {
  std::string content_delta;  // text to hand to the caller now ("" if none)
  Status error;               // malformed chunk or an error object inside the stream
};

// Applies one SSE data payload (not "[DONE]") to the accumulator.
ChunkEffect ApplyChunk(std::string_view data, StreamAccumulator& acc);

// Parses a non-streamed completion body.
Result<ChatResult> ParseCompletion(std::string_view body);

// Maps an HTTP error status and its body to a Status quoting {"error":{"message","type","code"}}.
Status ApiError(int http_status, std::string_view body);

bool IsRetryableHttpStatus(int http_status);

}  // namespace lingxi::llm::internal

// Incremental parser for Server-Sent Events (text/event-stream), as used by streamed chat
// completions. Chunks may be split anywhere (inside a line, between "\r" and "\n"); lines end with
// "\n", "\r\n" or "\r"; comment lines (": keep-alive") are counted and skipped; several "data:"
// lines of one event are joined with "\n"; an empty line dispatches the event.
// Thread-compatible: one parser per stream.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lingxi::llm {

struct SseEvent {
  std::string event;  // "" when no "event:" field was given ("message" per the spec)
  std::string data;
  std::string id;
  bool IsDone() const { return data == "[DONE]"; }  // the OpenAI end-of-stream marker
};

class SseParser {
 public:
  // Returns false to stop parsing (Feed then returns Cancelled).
  using EventCallback = std::function<bool(const SseEvent&)>;

  explicit SseParser(size_t max_event_bytes = 1 << 20) : max_event_bytes_(max_event_bytes) {}

  // Consumes `chunk`, calling `on_event` for every complete event. Errors: ResourceExhausted when
  // one line or event exceeds max_event_bytes; Cancelled when the callback returned false.
  Status Feed(std::string_view chunk, const EventCallback& on_event);

  // Dispatches a final event not terminated by an empty line (call at end of stream if wanted).
  Status Finish(const EventCallback& on_event);

  size_t comments() const { return comments_; }
  size_t events() const { return events_; }

 private:
  Status ProcessLine(std::string_view line, const EventCallback& on_event);
  Status Dispatch(const EventCallback& on_event);

  size_t max_event_bytes_;
  std::string line_;       // partial line carried between chunks
  bool skip_lf_ = false;   // last chunk ended with '\r': a leading '\n' belongs to it
  SseEvent current_;
  bool has_data_ = false;
  size_t comments_ = 0;
  size_t events_ = 0;
};

}  // namespace lingxi::llm

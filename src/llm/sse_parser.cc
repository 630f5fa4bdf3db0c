#include "llm/sse_parser.h"

#include <cstring>

namespace lingxi::llm {
namespace {

// The first '\r' or '\n' at or after `from`, or npos. Two memchr scans instead of
// string_view::find_first_of, which makes one call per byte of input (measured: 8% of the
// streaming client's loop thread at 50,000 chunks/s).
size_t FindLineEnd(std::string_view s, size_t from) {
  const char* begin = s.data() + from;
  size_t len = s.size() - from;
  const void* lf = std::memchr(begin, '\n', len);
  size_t limit = lf != nullptr ? static_cast<size_t>(static_cast<const char*>(lf) - begin) : len;
  const void* cr = std::memchr(begin, '\r', limit);
  if (cr != nullptr) return from + static_cast<size_t>(static_cast<const char*>(cr) - begin);
  if (lf != nullptr) return from + limit;
  return std::string_view::npos;
}

}  // namespace

Status SseParser::Feed(std::string_view chunk, const EventCallback& on_event) {
  size_t i = 0;
  if (skip_lf_ && !chunk.empty()) {
    if (chunk[0] == '\n') i = 1;
    skip_lf_ = false;
  }
  while (i < chunk.size()) {
    size_t end = FindLineEnd(chunk, i);
    if (end == std::string_view::npos) {
      if (line_.size() + (chunk.size() - i) > max_event_bytes_) return ResourceExhausted("SSE line too long");
      line_.append(chunk.substr(i));
      break;
    }
    std::string_view line;
    if (line_.empty()) {
      line = chunk.substr(i, end - i);
    } else {
      line_.append(chunk.substr(i, end - i));
      line = line_;
    }
    if (line.size() > max_event_bytes_) return ResourceExhausted("SSE line too long");
    Status s = ProcessLine(line, on_event);
    line_.clear();
    if (!s.ok()) return s;
    i = end + 1;
    if (chunk[end] == '\r') {
      if (i < chunk.size()) {
        if (chunk[i] == '\n') ++i;
      } else {
        skip_lf_ = true;
      }
    }
  }
  return Status::Ok();
}

Status SseParser::Finish(const EventCallback& on_event) {
  if (!line_.empty()) {
    std::string last = std::move(line_);
    line_.clear();
    LINGXI_RETURN_IF_ERROR(ProcessLine(last, on_event));
  }
  if (has_data_) return Dispatch(on_event);
  return Status::Ok();
}

Status SseParser::ProcessLine(std::string_view line, const EventCallback& on_event) {
  if (line.empty()) return Dispatch(on_event);
  if (line[0] == ':') {
    ++comments_;
    return Status::Ok();
  }
  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (current_.data.size() + value.size() + 1 > max_event_bytes_) return ResourceExhausted("SSE event too large");
    if (has_data_) current_.data.push_back('\n');
    current_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    current_.event.assign(value);
  } else if (field == "id") {
    current_.id.assign(value);
  }
  // "retry" and unknown fields are ignored, as the spec says.
  return Status::Ok();
}

Status SseParser::Dispatch(const EventCallback& on_event) {
  if (!has_data_) {  // an event without data is not dispatched
    current_.event.clear();
    return Status::Ok();
  }
  ++events_;
  bool go_on = on_event(current_);
  current_.data.clear();
  current_.event.clear();
  has_data_ = false;
  return go_on ? Status::Ok() : Cancelled("SSE consumer stopped");
}

}  // namespace lingxi::llm

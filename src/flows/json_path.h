// Small JSON paths used by tool definitions (response_fields) and playbooks (templates,
// branch conditions): dot-separated keys with optional array indexes, e.g.
// `tracking.events[0].description` or `events[-1].status` (negative = from the end).
// Pure functions, thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lingxi::flows {

struct PathStep {
  std::string key;       // object member (empty for an index step)
  bool is_index = false;
  int64_t index = 0;     // array index; negative counts from the end
};
using JsonPath = std::vector<PathStep>;

// Parses `path`. Keys are [A-Za-z0-9_-]+; at most 16 steps. InvalidArgument otherwise.
Result<JsonPath> ParseJsonPath(std::string_view path);

// The value at `path` inside `root`, or nullptr if any step is missing or of the wrong kind.
// The pointer is into `root`.
const boost::json::value* LookupJsonPath(const boost::json::value& root, const JsonPath& path);

// Renders a scalar for a human: strings as is, numbers without trailing zeros, booleans
// true/false, null as empty; arrays/objects as compact JSON.
std::string JsonToText(const boost::json::value& v);

}  // namespace lingxi::flows

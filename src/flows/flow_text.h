// The data side of a running flow: resolving `{{references}}` against slots and tool results,
// rendering message templates, evaluating branch conditions and extracting slot values from a
// customer's message. Pure functions, thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "flows/playbook.h"

namespace lingxi::flows {

// Slots of a flow (name -> value) and its tool results (name -> ToolResultToJson).
struct FlowData {
  const boost::json::object& slots;
  const boost::json::object& results;
};

// `ref` is `slot`, `result.<response field key>`, or `result._ok` / `result._http_status` /
// `result._error`. nullptr if absent.
const boost::json::value* ResolveRef(std::string_view ref, const FlowData& data);

// The {{...}} references in `text`, or InvalidArgument for a malformed template.
Result<std::vector<std::string>> TemplateRefs(std::string_view text);

// Replaces each {{ref}} with its value as plain text made safe for any renderer: control
// characters removed, '<' '>' replaced by '‹' '›', at most 300 code points. Missing -> "".
std::string RenderTemplate(std::string_view text, const FlowData& data);

// A tool argument template: a string that is exactly "{{ref}}" yields the referenced JSON value
// (type kept; null if missing); other strings are rendered as text (unsanitised: arguments are
// validated and encoded by the tool layer); non-strings are returned as they are.
boost::json::value RenderArgument(const boost::json::value& templ, const FlowData& data);

bool EvaluateCondition(const Condition& c, const FlowData& data);

// The slot's value found in `text`, if any. Slots with a pattern use the first match (its first
// capture group if it has one); integers take the first number; booleans understand yes/no in
// Chinese and English; a free-text slot (string without pattern) takes the whole message, but
// only when `awaited` (the flow just asked for it).
std::optional<boost::json::value> ExtractSlot(const SlotDef& slot, std::string_view text, bool awaited);

// Plain text safe for any renderer (see RenderTemplate).
std::string SafeText(std::string_view s, size_t max_code_points);

}  // namespace lingxi::flows

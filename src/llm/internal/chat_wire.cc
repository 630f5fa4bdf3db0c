#include "llm/internal/chat_wire.h"
#include "core/json.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>

namespace lingxi::llm::internal {
namespace json = boost::json;

namespace {

bool ValidToolName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

std::string AsString(const json::value* v) {
  if (v == nullptr) return "";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return "";
}

int64_t AsInt(const json::value* v) {
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) {
    // Saturating: converting a double outside int64's range is undefined behaviour.
    const double d = v->get_double();
    if (!(d > -9.2e18)) return INT64_MIN;
    if (!(d < 9.2e18)) return INT64_MAX;
    return static_cast<int64_t>(d);
  }
  return 0;
}

// A token count as the server reports it, clamped to [0, 2^53] so that adding two cannot overflow.
int64_t AsCount(const json::value* v) { return std::clamp<int64_t>(AsInt(v), 0, int64_t{1} << 53); }

Usage ParseUsage(const json::object& u) {
  Usage usage;
  usage.prompt_tokens = AsCount(u.if_contains("prompt_tokens"));
  usage.completion_tokens = AsCount(u.if_contains("completion_tokens"));
  usage.total_tokens = AsCount(u.if_contains("total_tokens"));
  if (usage.total_tokens == 0) usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  if (const auto* hit = u.if_contains("prompt_cache_hit_tokens"); hit != nullptr && !hit->is_null()) {
    usage.prompt_cache_hit_tokens = AsCount(hit);
  } else if (const auto* details = u.if_contains("prompt_tokens_details"); details != nullptr && details->is_object()) {
    if (const auto* cached = details->get_object().if_contains("cached_tokens")) {
      usage.prompt_cache_hit_tokens = AsCount(cached);
    }
  }
  return usage;
}

json::object MessageJson(const ChatMessage& m) {
  json::object o;
  o["role"] = m.role;
  if (m.role == "assistant" && !m.tool_calls.empty()) {
    if (m.content.empty()) {
      o["content"] = nullptr;
    } else {
      o["content"] = m.content;
    }
    json::array calls;
    for (const auto& c : m.tool_calls) {
      calls.push_back(json::object{{"id", c.id},
                                   {"type", "function"},
                                   {"function", json::object{{"name", c.name}, {"arguments", c.arguments}}}});
    }
    o["tool_calls"] = std::move(calls);
  } else {
    o["content"] = m.content;
  }
  if (m.role == "tool") o["tool_call_id"] = m.tool_call_id;
  return o;
}

}  // namespace

Result<std::string> BuildChatBody(const ChatRequest& request, const std::string& default_model, bool stream) {
  if (request.messages.empty()) return InvalidArgument("chat request has no messages");
  json::object body;
  body["model"] = request.model.empty() ? default_model : request.model;
  json::array messages;
  for (const auto& m : request.messages) {
    if (m.role != "system" && m.role != "user" && m.role != "assistant" && m.role != "tool") {
      return InvalidArgument("unknown chat role '" + m.role + "'");
    }
    if (m.role == "tool" && m.tool_call_id.empty()) return InvalidArgument("tool message without tool_call_id");
    messages.push_back(MessageJson(m));
  }
  body["messages"] = std::move(messages);
  body["stream"] = stream;
  if (stream) body["stream_options"] = json::object{{"include_usage", true}};
  if (!request.tools.empty()) {
    json::array tools;
    for (const auto& t : request.tools) {
      if (!ValidToolName(t.name)) return InvalidArgument("invalid tool name '" + t.name + "'");
      boost::system::error_code ec;
      json::value params = json::parse(t.parameters_json, ec);
      if (ec || !params.is_object()) return InvalidArgument("tool '" + t.name + "': parameters must be a JSON object");
      json::object fn{{"name", t.name}, {"parameters", std::move(params)}};
      if (!t.description.empty()) fn["description"] = t.description;
      tools.push_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
    }
    body["tools"] = std::move(tools);
  }
  if (!request.tool_choice.empty()) {
    const auto& c = request.tool_choice;
    if (c == "auto" || c == "none" || c == "required") {
      body["tool_choice"] = c;
    } else {
      body["tool_choice"] = json::object{{"type", "function"}, {"function", json::object{{"name", c}}}};
    }
  }
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.max_tokens) body["max_tokens"] = *request.max_tokens;
  if (request.json_object) body["response_format"] = json::object{{"type", "json_object"}};
  return json::serialize(body);
}

ChunkEffect ApplyChunk(std::string_view data, StreamAccumulator& acc) {
  ChunkEffect effect;
  boost::system::error_code ec;
  json::value v = ParseJson(data, ec);
  if (ec || !v.is_object()) {
    effect.error = Internal("malformed stream chunk from the LLM API");
    return effect;
  }
  const auto& o = v.get_object();
  if (const auto* err = o.if_contains("error"); err != nullptr && !err->is_null()) {
    effect.error = ApiError(0, data);
    return effect;
  }
  if (acc.result.id.empty()) acc.result.id = AsString(o.if_contains("id"));
  if (const auto* u = o.if_contains("usage"); u != nullptr && u->is_object()) {
    acc.result.usage = ParseUsage(u->get_object());
    acc.result.has_usage = true;
  }
  const auto* choices = o.if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty()) return effect;
  const auto& choice = choices->get_array()[0];
  if (!choice.is_object()) return effect;
  const auto& c = choice.get_object();
  if (const auto* fr = c.if_contains("finish_reason"); fr != nullptr && fr->is_string()) {
    acc.result.finish_reason = std::string(fr->get_string());
  }
  const auto* delta = c.if_contains("delta");
  if (delta == nullptr || !delta->is_object()) return effect;
  const auto& d = delta->get_object();
  if (const auto* content = d.if_contains("content"); content != nullptr && content->is_string()) {
    effect.content_delta = std::string(content->get_string());
    acc.result.content += effect.content_delta;
  }
  if (const auto* calls = d.if_contains("tool_calls"); calls != nullptr && calls->is_array()) {
    for (const auto& call : calls->get_array()) {
      if (!call.is_object()) continue;
      const auto& co = call.get_object();
      int64_t index = AsInt(co.if_contains("index"));
      if (index < 0 || index > 127) {
        effect.error = Internal("tool call index out of range in stream");
        return effect;
      }
      if (acc.result.tool_calls.size() <= static_cast<size_t>(index)) acc.result.tool_calls.resize(index + 1);
      auto& tc = acc.result.tool_calls[index];
      if (auto id = AsString(co.if_contains("id")); !id.empty()) tc.id = id;
      if (const auto* fn = co.if_contains("function"); fn != nullptr && fn->is_object()) {
        const auto& f = fn->get_object();
        if (auto name = AsString(f.if_contains("name")); !name.empty()) tc.name = name;
        tc.arguments += AsString(f.if_contains("arguments"));
      }
    }
  }
  return effect;
}

Result<ChatResult> ParseCompletion(std::string_view body) {
  boost::system::error_code ec;
  json::value v = ParseJson(body, ec);
  if (ec || !v.is_object()) return Internal("malformed completion JSON from the LLM API");
  const auto& o = v.get_object();
  if (const auto* err = o.if_contains("error"); err != nullptr && !err->is_null()) return ApiError(0, body);
  ChatResult result;
  result.id = AsString(o.if_contains("id"));
  if (const auto* u = o.if_contains("usage"); u != nullptr && u->is_object()) {
    result.usage = ParseUsage(u->get_object());
    result.has_usage = true;
  }
  const auto* choices = o.if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty() ||
      !choices->get_array()[0].is_object()) {
    return Internal("completion without choices");
  }
  const auto& c = choices->get_array()[0].get_object();
  result.finish_reason = AsString(c.if_contains("finish_reason"));
  const auto* msg = c.if_contains("message");
  if (msg == nullptr || !msg->is_object()) return Internal("completion without a message");
  const auto& m = msg->get_object();
  result.content = AsString(m.if_contains("content"));
  if (const auto* calls = m.if_contains("tool_calls"); calls != nullptr && calls->is_array()) {
    for (const auto& call : calls->get_array()) {
      if (!call.is_object()) continue;
      ToolCall tc;
      tc.id = AsString(call.get_object().if_contains("id"));
      if (const auto* fn = call.get_object().if_contains("function"); fn != nullptr && fn->is_object()) {
        tc.name = AsString(fn->get_object().if_contains("name"));
        tc.arguments = AsString(fn->get_object().if_contains("arguments"));
      }
      result.tool_calls.push_back(std::move(tc));
    }
  }
  return result;
}

Status ApiError(int http_status, std::string_view body) {
  std::string detail;
  boost::system::error_code ec;
  json::value v = ParseJson(body, ec);
  const json::object* err = nullptr;
  if (!ec && v.is_object()) {
    if (const auto* e = v.get_object().if_contains("error"); e != nullptr && e->is_object()) err = &e->get_object();
  }
  if (err != nullptr) {
    std::string type = AsString(err->if_contains("type"));
    std::string code = AsString(err->if_contains("code"));
    detail = AsString(err->if_contains("message"));
    if (!type.empty() || !code.empty()) {
      detail += " (type=" + type + (code.empty() ? "" : ", code=" + code) + ")";
    }
  } else {
    detail = std::string(body.substr(0, 200));
  }
  std::string message = "LLM API " + (http_status != 0 ? "HTTP " + std::to_string(http_status) : std::string("stream")) +
                        " error: " + detail;
  switch (http_status) {
    case 400:
    case 422:
      return InvalidArgument(message);
    case 401:
      return Unauthenticated(message);
    case 402:
      return FailedPrecondition(message);
    case 403:
      return PermissionDenied(message);
    case 404:
      return NotFound(message);
    case 429:
      return ResourceExhausted(message);
    default:
      return Unavailable(message);
  }
}

bool IsRetryableHttpStatus(int s) { return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504; }

}  // namespace lingxi::llm::internal

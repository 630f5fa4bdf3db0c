#include "support/mock_openai.h"

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <stdexcept>

namespace lingxi::testing {
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

Reply JsonReply(int status, const json::value& body) {
  Reply r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = json::serialize(body);
  return r;
}

Reply ErrorReply(int status, const std::string& message, const std::string& type, const std::string& code) {
  json::object err{{"message", message}, {"type", type}};
  err["code"] = code.empty() ? json::value(nullptr) : json::value(code);
  return JsonReply(status, json::object{{"error", std::move(err)}});
}

std::string Sse(const json::value& v) { return "data: " + json::serialize(v) + "\n\n"; }

std::string GetString(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

int GetInt(const json::object& o, const char* key, int fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return static_cast<int>(v->get_int64());
  if (v->is_double()) return static_cast<int>(v->get_double());
  return fallback;
}

MockRule RuleFromJson(const json::object& o) {
  MockRule r;
  r.user_contains = GetString(o, "user_contains");
  if (const auto* v = o.if_contains("has_tool_results"); v != nullptr && v->is_bool()) r.has_tool_results = v->get_bool();
  r.request_min = GetInt(o, "request_min", 0);
  r.request_max = GetInt(o, "request_max", 0);
  r.times = GetInt(o, "times", 0);
  r.status = GetInt(o, "status", 200);
  if (const auto* e = o.if_contains("error"); e != nullptr && e->is_object()) {
    r.error_message = GetString(e->get_object(), "message");
    r.error_type = GetString(e->get_object(), "type");
    r.error_code = GetString(e->get_object(), "code");
  }
  r.retry_after_s = GetInt(o, "retry_after", -1);
  r.content = GetString(o, "content");
  if (const auto* calls = o.if_contains("tool_calls"); calls != nullptr && calls->is_array()) {
    for (const auto& c : calls->get_array()) {
      if (!c.is_object()) throw std::runtime_error("tool_calls entries must be objects");
      const auto& co = c.get_object();
      MockToolCall tc{GetString(co, "id"), GetString(co, "name"), GetString(co, "arguments")};
      if (const auto* a = co.if_contains("arguments"); a != nullptr && a->is_object()) tc.arguments = json::serialize(*a);
      r.tool_calls.push_back(std::move(tc));
    }
  }
  r.finish_reason = GetString(o, "finish_reason");
  r.first_token_delay_ms = GetInt(o, "first_token_delay_ms", 0);
  r.keepalive_ms = GetInt(o, "keepalive_ms", 0);
  if (const auto* t = o.if_contains("tokens_per_second"); t != nullptr && t->is_number()) r.tokens_per_second = t->to_number<double>();
  r.drop_after_tokens = GetInt(o, "drop_after_tokens", -1);
  if (const auto* h = o.if_contains("hang"); h != nullptr && h->is_bool()) r.hang = h->get_bool();
  r.prompt_tokens = GetInt(o, "prompt_tokens", 0);
  r.cache_hit_tokens = GetInt(o, "cache_hit_tokens", -1);
  if (const auto* st = o.if_contains("stamp_first_token"); st != nullptr && st->is_bool()) r.stamp_first_token = st->get_bool();
  return r;
}

json::object Usage(const MockRule& rule, int prompt_tokens, int completion_tokens) {
  json::object u{{"prompt_tokens", prompt_tokens},
                 {"completion_tokens", completion_tokens},
                 {"total_tokens", prompt_tokens + completion_tokens}};
  if (rule.cache_hit_tokens >= 0) {
    u["prompt_cache_hit_tokens"] = rule.cache_hit_tokens;
    u["prompt_cache_miss_tokens"] = prompt_tokens - rule.cache_hit_tokens;
  }
  return u;
}

// Splits tool-call arguments into a few pieces so clients must reassemble them.
std::vector<std::string> SplitArguments(const std::string& args) {
  std::vector<std::string> pieces;
  size_t step = std::max<size_t>(1, (args.size() + 2) / 3);
  for (size_t i = 0; i < args.size(); i += step) pieces.push_back(args.substr(i, step));
  return pieces;
}

}  // namespace

std::vector<std::string> MockOpenAiServer::Tokenize(const std::string& text) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && text[i] == ' ') ++i;
    auto c = static_cast<unsigned char>(i < text.size() ? text[i] : ' ');
    if (i >= text.size()) {
    } else if (c < 0x80) {
      if (std::isalnum(c)) {
        while (i < text.size() && std::isalnum(static_cast<unsigned char>(text[i]))) ++i;
      } else {
        ++i;
      }
    } else {
      int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      i = std::min(text.size(), i + len);
    }
    tokens.push_back(text.substr(start, i - start));
  }
  return tokens;
}

std::vector<MockRule> MockOpenAiServer::ParseScript(const std::string& json_text) {
  boost::system::error_code ec;
  json::value v = json::parse(json_text, ec);
  if (ec) throw std::runtime_error("mock script is not JSON: " + ec.message());
  const json::array* list = nullptr;
  if (v.is_array()) list = &v.get_array();
  if (v.is_object() && v.get_object().contains("rules") && v.get_object().at("rules").is_array()) {
    list = &v.get_object().at("rules").get_array();
  }
  if (list == nullptr) throw std::runtime_error("mock script must be a list of rules or {\"rules\": [...]}");
  std::vector<MockRule> rules;
  for (const auto& r : *list) {
    if (!r.is_object()) throw std::runtime_error("each mock rule must be an object");
    rules.push_back(RuleFromJson(r.get_object()));
  }
  return rules;
}

MockOpenAiServer::MockOpenAiServer(std::vector<MockRule> rules, Options options) : options_(std::move(options)) {
  SetRules(std::move(rules));
  auto handler = [this](const ReceivedRequest& r) { return Handle(r); };
  server_ = std::make_unique<TestHttpServer>(
      handler, TestHttpServer::Options{.address = options_.address, .port = options_.port, .threads = options_.threads});
}

MockOpenAiServer::~MockOpenAiServer() { server_.reset(); }

uint16_t MockOpenAiServer::port() const { return server_->port(); }
std::string MockOpenAiServer::BaseUrl() const { return server_->Url("/v1"); }

std::vector<RecordedRequest> MockOpenAiServer::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

int MockOpenAiServer::ChatRequestCount() const {
  std::lock_guard lock(mu_);
  return chat_requests_;
}

void MockOpenAiServer::SetRules(std::vector<MockRule> rules) {
  std::lock_guard lock(mu_);
  rules_ = std::move(rules);
  used_.assign(rules_.size(), 0);
}

void MockOpenAiServer::Reset() {
  std::lock_guard lock(mu_);
  requests_.clear();
  chat_requests_ = 0;
  used_.assign(rules_.size(), 0);
}

Reply MockOpenAiServer::Handle(const ReceivedRequest& request) {
  std::string path = request.target.substr(0, request.target.find('?'));
  if (path == "/_mock/requests" && request.method == "GET") {
    json::array list;
    std::lock_guard lock(mu_);
    for (const auto& r : requests_) {
      boost::system::error_code ec;
      json::value body = json::parse(r.body, ec);
      if (ec) body = json::string(r.body);
      list.push_back(json::object{{"method", r.method}, {"target", r.target}, {"authorization", r.authorization},
                                  {"body", std::move(body)}});
    }
    return JsonReply(200, list);
  }
  if (path == "/_mock/reset" && request.method == "POST") {
    Reset();
    return JsonReply(200, json::object{{"ok", true}});
  }
  if (path == "/v1/chat/completions" || path == "/chat/completions") {
    if (request.method != "POST") return ErrorReply(405, "Method Not Allowed", "invalid_request_error", "");
    return HandleChat(request);
  }
  return ErrorReply(404, "Not Found: " + path, "invalid_request_error", "not_found");
}

Reply MockOpenAiServer::HandleChat(const ReceivedRequest& request) {
  const auto received_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now().time_since_epoch()).count();
  int number;
  {
    std::lock_guard lock(mu_);
    number = ++chat_requests_;
    requests_.push_back({request.method, request.target, request.Header("Authorization"),
                         options_.record_bodies ? request.body : std::string()});
  }
  if (!options_.api_key.empty() && request.Header("Authorization") != "Bearer " + options_.api_key) {
    return ErrorReply(401, "Authentication Fails, Your api key is invalid", "authentication_error", "invalid_api_key");
  }
  boost::system::error_code ec;
  json::value parsed = json::parse(request.body, ec);
  if (ec || !parsed.is_object()) return ErrorReply(400, "Failed to parse the request body as JSON", "invalid_request_error", "");
  const auto& body = parsed.get_object();
  const auto* messages = body.if_contains("messages");
  if (messages == nullptr || !messages->is_array() || messages->get_array().empty()) {
    return ErrorReply(400, "messages must be a non-empty array", "invalid_request_error", "");
  }
  std::string last_user;
  bool last_is_tool = false;
  size_t prompt_bytes = 0;
  for (const auto& m : messages->get_array()) {
    if (!m.is_object()) return ErrorReply(400, "each message must be an object", "invalid_request_error", "");
    std::string role = GetString(m.get_object(), "role");
    std::string content = GetString(m.get_object(), "content");
    prompt_bytes += content.size();
    if (role == "user") last_user = content;
    last_is_tool = role == "tool";
  }
  bool stream = body.contains("stream") && body.at("stream").is_bool() && body.at("stream").get_bool();
  bool include_usage = false;
  if (const auto* so = body.if_contains("stream_options"); so != nullptr && so->is_object()) {
    const auto* iu = so->get_object().if_contains("include_usage");
    include_usage = iu != nullptr && iu->is_bool() && iu->get_bool();
  }
  std::string model = GetString(body, "model");

  MockRule rule;
  bool matched = false;
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < rules_.size(); ++i) {
      const auto& r = rules_[i];
      if (!r.user_contains.empty() && last_user.find(r.user_contains) == std::string::npos) continue;
      if (r.has_tool_results && *r.has_tool_results != last_is_tool) continue;
      if (r.request_min > 0 && number < r.request_min) continue;
      if (r.request_max > 0 && number > r.request_max) continue;
      if (r.times > 0 && used_[i] >= r.times) continue;
      ++used_[i];
      rule = r;
      matched = true;
      break;
    }
  }
  if (!matched) return ErrorReply(500, "mock: no rule matched this request", "server_error", "no_rule");

  if (rule.status != 200) {
    Reply r = ErrorReply(rule.status, rule.error_message.empty() ? "mock error" : rule.error_message,
                         rule.error_type.empty() ? "api_error" : rule.error_type, rule.error_code);
    if (rule.retry_after_s >= 0) r.headers.emplace_back("Retry-After", std::to_string(rule.retry_after_s));
    r.delay_before = milliseconds(rule.first_token_delay_ms);
    return r;
  }

  auto tokens = Tokenize(rule.content);
  int completion_tokens = static_cast<int>(tokens.size());
  for (const auto& tc : rule.tool_calls) completion_tokens += static_cast<int>(tc.arguments.size() / 4 + 1);
  int prompt_tokens = rule.prompt_tokens > 0 ? rule.prompt_tokens : static_cast<int>(prompt_bytes / 4 + 1);
  std::string finish = !rule.finish_reason.empty() ? rule.finish_reason : rule.tool_calls.empty() ? "stop" : "tool_calls";
  std::string id = "chatcmpl-mock-" + std::to_string(number);
  auto created = static_cast<int64_t>(std::time(nullptr));

  if (!stream) {
    json::object message{{"role", "assistant"}};
    message["content"] = rule.content.empty() && !rule.tool_calls.empty() ? json::value(nullptr) : json::value(rule.content);
    if (!rule.tool_calls.empty()) {
      json::array calls;
      for (const auto& tc : rule.tool_calls) {
        calls.push_back(json::object{{"id", tc.id}, {"type", "function"},
                                     {"function", json::object{{"name", tc.name}, {"arguments", tc.arguments}}}});
      }
      message["tool_calls"] = std::move(calls);
    }
    json::object out{{"id", id}, {"object", "chat.completion"}, {"created", created}, {"model", model},
                     {"choices", json::array{json::object{{"index", 0}, {"message", std::move(message)},
                                                          {"logprobs", nullptr}, {"finish_reason", finish}}}},
                     {"usage", Usage(rule, prompt_tokens, completion_tokens)}};
    Reply r = JsonReply(200, out);
    r.delay_before = milliseconds(rule.first_token_delay_ms);
    return r;
  }

  auto chunk = [&](json::object delta, json::value finish_reason) {
    json::object c{{"id", id}, {"object", "chat.completion.chunk"}, {"created", created}, {"model", model},
                   {"system_fingerprint", "fp_mock"},
                   {"choices", json::array{json::object{{"index", 0}, {"delta", std::move(delta)},
                                                        {"logprobs", nullptr}, {"finish_reason", finish_reason}}}}};
    if (include_usage) c["usage"] = nullptr;
    return ReplyStep::Chunk(Sse(c));
  };
  Reply reply;
  reply.headers = {{"Content-Type", "text/event-stream; charset=utf-8"}, {"Cache-Control", "no-cache"}};
  auto& steps = reply.steps;
  const std::string keepalive = ": keep-alive\n\n";
  if (rule.first_token_delay_ms > 0) {
    int left = rule.first_token_delay_ms;
    if (rule.keepalive_ms > 0) {
      while (left > rule.keepalive_ms) {
        steps.push_back(ReplyStep::Delay(milliseconds(rule.keepalive_ms)));
        steps.push_back(ReplyStep::Chunk(keepalive));
        left -= rule.keepalive_ms;
      }
    }
    steps.push_back(ReplyStep::Delay(milliseconds(left)));
  }
  steps.push_back(chunk(json::object{{"role", "assistant"}, {"content", ""}}, nullptr));
  milliseconds gap(rule.tokens_per_second > 0 ? static_cast<int64_t>(1000.0 / rule.tokens_per_second) : 0);
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (rule.drop_after_tokens >= 0 && static_cast<int>(i) == rule.drop_after_tokens) {
      steps.push_back(ReplyStep::Close());
      return reply;
    }
    if (i > 0 && gap.count() > 0) steps.push_back(ReplyStep::Delay(gap));
    std::string token = (i == 0 && rule.stamp_first_token)
                            ? "[t:" + std::string(kSendTimeMarker) + ",r:" + std::to_string(received_us) + "]" + tokens[i]
                            : tokens[i];
    steps.push_back(chunk(json::object{{"content", token}}, nullptr));
    if (rule.hang) break;
  }
  if (rule.hang) {
    steps.push_back(ReplyStep::Trickle(keepalive, milliseconds(rule.keepalive_ms > 0 ? rule.keepalive_ms : 200)));
    return reply;
  }
  for (size_t i = 0; i < rule.tool_calls.size(); ++i) {
    const auto& tc = rule.tool_calls[i];
    json::object head{{"index", i}, {"id", tc.id}, {"type", "function"},
                      {"function", json::object{{"name", tc.name}, {"arguments", ""}}}};
    steps.push_back(chunk(json::object{{"tool_calls", json::array{std::move(head)}}}, nullptr));
    for (const auto& piece : SplitArguments(tc.arguments)) {
      if (gap.count() > 0) steps.push_back(ReplyStep::Delay(gap));
      json::object part{{"index", i}, {"function", json::object{{"arguments", piece}}}};
      steps.push_back(chunk(json::object{{"tool_calls", json::array{std::move(part)}}}, nullptr));
    }
  }
  if (rule.drop_after_tokens >= 0) {  // drop after everything but the end of the stream
    steps.push_back(ReplyStep::Close());
    return reply;
  }
  steps.push_back(chunk(json::object{}, json::value(finish)));
  if (include_usage) {
    json::object u{{"id", id}, {"object", "chat.completion.chunk"}, {"created", created}, {"model", model},
                   {"system_fingerprint", "fp_mock"}, {"choices", json::array{}},
                   {"usage", Usage(rule, prompt_tokens, completion_tokens)}};
    steps.push_back(ReplyStep::Chunk(Sse(u)));
  }
  steps.push_back(ReplyStep::Chunk("data: [DONE]\n\n"));
  return reply;
}

}  // namespace lingxi::testing

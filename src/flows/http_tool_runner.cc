#include "flows/http_tool_runner.h"

#include <chrono>

namespace lingxi::flows {

namespace {
int64_t MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

net::RequestId HttpToolRunner::Run(const ToolCallContext& ctx, const std::string& name, const boost::json::object& args,
                                   std::function<void(ToolResult)> done) {
  const auto start = std::chrono::steady_clock::now();
  const ToolDefinition* tool = ctx.tools ? ctx.tools->Find(name) : nullptr;
  if (!tool) {
    done(ResultFromError(name, NotFound("no tool named '" + name + "'"), 0));
    return 0;
  }
  auto validated = ValidateArguments(*tool, args, ctx.customer_id);
  if (!validated.ok()) {
    done(ResultFromError(name, validated.status(), MillisSince(start)));
    return 0;
  }
  auto prepared = PrepareRequest(*tool, *validated, ctx.tools->secrets(), ctx.tools->allowlist());
  if (!prepared.ok()) {
    done(ResultFromError(name, prepared.status(), MillisSince(start)));
    return 0;
  }
  net::HttpRequest req;
  req.method = prepared->method;
  req.url = std::move(prepared->url);
  req.headers = std::move(prepared->headers);
  req.body = std::move(prepared->body);
  req.connect_timeout = std::min(prepared->timeout, std::chrono::milliseconds(5000));
  req.deadline = prepared->timeout;
  req.max_response_bytes = prepared->max_response_bytes;
  req.follow_redirects = false;
  // The registry (and so the allowlist and the definition) stays alive until the callback ran.
  std::shared_ptr<const ToolRegistry> tools = ctx.tools;
  req.allow_address = [tools](const std::string& host, const std::string& ip, int port) {
    return tools->allowlist().AllowsConnect(host, ip, port);
  };
  auto on_response = [tools, tool, start, done = std::move(done)](Result<net::HttpResponse> r) {
    const int64_t elapsed = MillisSince(start);
    if (!r.ok()) {
      done(ResultFromError(tool->name, r.status(), elapsed));
      return;
    }
    done(ResultFromResponse(*tool, r->status, r->body, elapsed));
  };
  return client_->Fetch(std::move(req), std::move(on_response));
}

}  // namespace lingxi::flows

// Executes tool calls over HTTP through net::HttpClient, asynchronously: validates the
// arguments, injects the customer's identity, builds the request, enforces the account's host
// allowlist both on the URL and on every resolved address (SSRF), refuses redirects, caps the
// response size, and reduces the response to the tool's response_fields.
//
// Thread-safety: Run/Cancel may be called from any thread. `done` runs exactly once: on the
// calling thread, before Run returns, when the call is refused before sending (invalid
// arguments, host not allowlisted, missing secret); otherwise on the HTTP client's loop thread
// (keep it short: post real work elsewhere).
// Ownership: the runner borrows the client, which must outlive it and every call in flight.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <string>

#include "flows/tool.h"
#include "flows/tool_registry.h"
#include "net/http_client.h"

namespace lingxi::flows {

// Who the call is for and under which account policy.
struct ToolCallContext {
  std::shared_ptr<const ToolRegistry> tools;  // the account's tools, allowlist and secrets. REQUIRED
  std::string customer_id;                    // external id of the current customer ("" if unknown)
};

class HttpToolRunner {
 public:
  explicit HttpToolRunner(net::HttpClient* client) : client_(client) {}

  // Calls tool `name` with `args` (from a model or a flow). Returns the request id for Cancel,
  // or 0 if `done` already ran (refused before sending). Unknown tool: done gets NotFound.
  net::RequestId Run(const ToolCallContext& ctx, const std::string& name, const boost::json::object& args,
                     std::function<void(ToolResult)> done);
  // The call's `done` gets a Cancelled result (unless it already completed).
  void Cancel(net::RequestId id) { client_->Cancel(id); }

 private:
  net::HttpClient* client_;
};

}  // namespace lingxi::flows

// The tools of one account: definitions loaded from JSON (a file such as data/demo/tools.json),
// the account's host allowlist and the names of configured secrets. Immutable after Load;
// thread-safe for concurrent reads. Share it as shared_ptr<const ToolRegistry> and swap the
// pointer to reload.
//
// File format: {"allowlist": [...], "tools": [<definition>, ...]} (see tool.h and
// host_allowlist.h); an allowlist passed in ToolRegistryOptions is used when the file has none.
// {{variables}} are substituted in URLs and in string allowlist entries.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "flows/host_allowlist.h"
#include "flows/tool.h"

namespace lingxi::flows {

struct ToolRegistryOptions {
  HostAllowlist allowlist;  // used unless the document has its own "allowlist"
  Secrets secrets;          // from the server's config, never from the model
  std::map<std::string, std::string> variables;  // {{name}} in URLs, e.g. "server" -> "127.0.0.1:8080"
};

class ToolRegistry {
 public:
  // Parses and validates every tool (all or nothing). Errors name the tool and field; a
  // duplicate name is InvalidArgument; a host outside the allowlist is PermissionDenied.
  static Result<std::shared_ptr<const ToolRegistry>> Load(const boost::json::value& doc, ToolRegistryOptions options);
  static Result<std::shared_ptr<const ToolRegistry>> LoadFile(const std::string& path, ToolRegistryOptions options);

  const ToolDefinition* Find(std::string_view name) const;
  const std::vector<ToolDefinition>& tools() const { return tools_; }
  const HostAllowlist& allowlist() const { return allowlist_; }
  // The document's "allowlist" as written, before {{variables}} (empty if it had none): what an
  // editor should show and save back, so "{{server}}" stays a variable.
  const boost::json::array& allowlist_as_written() const { return allowlist_written_; }
  const Secrets& secrets() const { return secrets_; }
  // [{"type":"function","function":ModelSchema(tool)}, ...] in the OpenAI tools format.
  boost::json::array ModelTools() const;

 private:
  std::vector<ToolDefinition> tools_;
  HostAllowlist allowlist_;
  boost::json::array allowlist_written_;
  Secrets secrets_;
};

// Reads a whole (small) file and parses it as JSON. NotFound / InvalidArgument with the path.
Result<boost::json::value> ReadJsonFile(const std::string& path, size_t max_bytes = 4 << 20);

}  // namespace lingxi::flows

#include "flows/tool_registry.h"
#include "core/json.h"

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

namespace lingxi::flows {

namespace json = boost::json;

Result<json::value> ReadJsonFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  std::string text;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) return InvalidArgument(path + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  boost::system::error_code ec;
  json::value v = ParseJson(text, ec);
  if (ec) return InvalidArgument(path + ": invalid JSON: " + ec.message());
  return v;
}

Result<std::shared_ptr<const ToolRegistry>> ToolRegistry::Load(const json::value& doc, ToolRegistryOptions options) {
  const json::object* o = doc.if_object();
  if (!o) return InvalidArgument("tools document must be an object with a \"tools\" array");
  auto reg = std::make_shared<ToolRegistry>();
  reg->allowlist_ = std::move(options.allowlist);
  if (const json::value* al = o->if_contains("allowlist")) {
    // String entries may use the same {{variables}} as URLs (e.g. "{{server}}").
    json::value entries = *al;
    if (const json::array* written = al->if_array()) reg->allowlist_written_ = *written;
    if (json::array* arr = entries.if_array()) {
      for (json::value& e : *arr) {
        if (!e.is_string()) continue;
        std::string text(e.get_string());
        for (const auto& [name, value] : options.variables) {
          const std::string token = "{{" + name + "}}";
          for (size_t pos; (pos = text.find(token)) != std::string::npos;) text.replace(pos, token.size(), value);
        }
        e = json::value(text);
      }
    }
    LINGXI_ASSIGN_OR_RETURN(reg->allowlist_, HostAllowlist::FromJson(entries));
  }
  reg->secrets_ = std::move(options.secrets);
  const json::value* tools = o->if_contains("tools");
  if (!tools || !tools->is_array()) return InvalidArgument("tools document needs a \"tools\" array");
  ToolLoadOptions lo;
  lo.allowlist = &reg->allowlist_;
  lo.secrets = &reg->secrets_;
  lo.variables = std::move(options.variables);
  for (const json::value& tv : tools->get_array()) {
    LINGXI_ASSIGN_OR_RETURN(ToolDefinition t, ParseToolDefinition(tv, lo));
    if (reg->Find(t.name)) return InvalidArgument("tool " + t.name + ": defined twice");
    reg->tools_.push_back(std::move(t));
  }
  return std::shared_ptr<const ToolRegistry>(std::move(reg));
}

Result<std::shared_ptr<const ToolRegistry>> ToolRegistry::LoadFile(const std::string& path, ToolRegistryOptions options) {
  LINGXI_ASSIGN_OR_RETURN(json::value doc, ReadJsonFile(path));
  auto r = Load(doc, std::move(options));
  if (!r.ok()) return Status(r.status().code(), path + ": " + r.status().message());
  return r;
}

const ToolDefinition* ToolRegistry::Find(std::string_view name) const {
  for (const ToolDefinition& t : tools_)
    if (t.name == name) return &t;
  return nullptr;
}

json::array ToolRegistry::ModelTools() const {
  json::array out;
  for (const ToolDefinition& t : tools_) out.push_back(json::object{{"type", "function"}, {"function", ModelSchema(t)}});
  return out;
}

}  // namespace lingxi::flows

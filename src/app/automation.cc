#include "app/automation.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <filesystem>

#include "core/clock.h"
#include "core/log.h"

namespace lingxi::app {

Result<std::shared_ptr<const bot::Automation>> LoadAutomation(const std::string& dir, const std::string& server,
                                                              std::shared_ptr<const nlu::Normalizer> normalizer,
                                                              store::Store* store, domain::Id account_id) {
  namespace fs = std::filesystem;
  auto automation = std::make_shared<bot::Automation>();
  flows::ToolRegistryOptions options;
  options.variables["server"] = server;
  const fs::path secrets_path = fs::path(dir) / "secrets.json";
  if (fs::exists(secrets_path)) {
    LINGXI_ASSIGN_OR_RETURN(auto doc, flows::ReadJsonFile(secrets_path.string(), 1 << 20));
    if (!doc.is_object()) return InvalidArgument(secrets_path.string() + ": expected {\"NAME\": \"value\", ...}");
    for (const auto& [name, value] : doc.get_object()) {
      if (!value.is_string()) return InvalidArgument(secrets_path.string() + ": the value of " + std::string(name) + " must be a string");
      options.secrets[std::string(name)] = std::string(value.get_string());
    }
  }
  const std::string tools_path = (fs::path(dir) / "tools.json").string();
  LINGXI_ASSIGN_OR_RETURN(automation->tools, flows::ToolRegistry::LoadFile(tools_path, options));
  const std::string playbooks_dir = (fs::path(dir) / "playbooks").string();
  std::shared_ptr<const flows::PlaybookLibrary> playbooks;
  if (fs::exists(playbooks_dir)) {
    LINGXI_ASSIGN_OR_RETURN(playbooks, flows::PlaybookLibrary::LoadDirectory(playbooks_dir, automation->tools.get()));
  } else {  // tools only (the model may call them), no playbooks yet
    LINGXI_ASSIGN_OR_RETURN(playbooks, flows::PlaybookLibrary::FromPlaybooks({}));
  }
  automation->flows = std::make_shared<flows::FlowEngine>(playbooks);

  std::vector<std::string> negatives;
  LINGXI_RETURN_IF_ERROR(store->Read([&](store::ReadTx& tx) -> Status {
    LINGXI_ASSIGN_OR_RETURN(auto articles, tx.ListArticles(account_id));
    for (auto& a : articles) {
      negatives.push_back(a.title);
      for (auto& q : a.questions) negatives.push_back(q);
    }
    return Status::Ok();
  }));
  const int64_t t0 = MonotonicMicros();
  auto router = bot::TrainPlaybookRouter(std::move(normalizer), *playbooks, negatives);
  if (router.ok()) {
    automation->router = *router;
  } else {
    LOG_WARN("account {}: no playbook router ({}); playbooks start only when the LLM chooses them", account_id,
             router.status().ToString());
  }
  LOG_INFO("account {}: {} tools, {} playbooks, router trained on {} knowledge examples in {} ms", account_id,
           automation->tools->tools().size(), playbooks->playbooks().size(), negatives.size(),
           (MonotonicMicros() - t0) / 1000);
  bot::FinishAutomation(*automation);
  return std::shared_ptr<const bot::Automation>(automation);
}

namespace {

bool ValidPlaybookId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return true;
}

Result<std::string> ReadWhole(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return NotFound("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool ValidSecretName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

// Writes via a temporary file and rename, so a reader never sees half a file. `owner_only`:
// mode 0600 (secrets), set before any byte is written.
Status WriteAtomically(const std::filesystem::path& p, const std::string& text, bool owner_only = false) {
  namespace fs = std::filesystem;
  const fs::path tmp = p.string() + ".tmp";
  std::error_code ec;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Internal("cannot write " + tmp.string());
    if (owner_only) {
      fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
      if (ec) return Internal("cannot restrict " + tmp.string() + ": " + ec.message());
    }
    if (!(out << text) || !out.flush()) return Internal("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, p, ec);
  if (ec) return Internal("cannot replace " + p.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

std::string FileAutomationAdmin::SourceDir(domain::Id account_id) const {
  if (!options_.automation_dir.empty()) {
    const auto d = std::filesystem::path(options_.automation_dir) / std::to_string(account_id);
    if (std::filesystem::is_directory(d)) return d.string();
  }
  return options_.demo_dir;
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::ReloadLocked(domain::Id account_id) {
  const std::string dir = SourceDir(account_id);
  if (dir.empty())
    return NotFound("no automation directory for account " + std::to_string(account_id) + " (set [automation] dir)");
  LINGXI_ASSIGN_OR_RETURN(auto a, LoadAutomation(dir, *self_, normalizer_, store_, account_id));
  assistant_->SetAutomation(account_id, a);
  return a;
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::Reload(domain::Id account_id) {
  std::lock_guard lock(mu_);
  return ReloadLocked(account_id);
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::ChangeFiles(
    domain::Id account_id, const std::vector<std::string>& touched,
    const std::function<Status(const std::filesystem::path& dir)>& mutate) {
  namespace fs = std::filesystem;
  if (options_.automation_dir.empty())
    return FailedPrecondition("set [automation] dir (LINGXI_AUTOMATION_DIR) to change tools and playbooks over the API");
  std::lock_guard lock(mu_);
  const fs::path dir = fs::path(options_.automation_dir) / std::to_string(account_id);
  std::error_code ec;
  if (!fs::exists(dir) && !options_.demo_dir.empty()) {
    // The account has served the demo automation so far: its first change starts from a copy
    // of it, so the change does not make the rest disappear.
    fs::create_directories(dir / "playbooks", ec);
    if (!ec && fs::exists(fs::path(options_.demo_dir) / "tools.json"))
      fs::copy_file(fs::path(options_.demo_dir) / "tools.json", dir / "tools.json", ec);
    for (const auto& e : fs::directory_iterator(fs::path(options_.demo_dir) / "playbooks", ec)) {
      if (e.path().extension() == ".json") fs::copy_file(e.path(), dir / "playbooks" / e.path().filename(), ec);
      if (ec) break;
    }
    if (ec) {
      fs::remove_all(dir, ec);
      return Internal("cannot copy the demo automation into " + dir.string());
    }
  }
  fs::create_directories(dir / "playbooks", ec);
  if (ec) return Internal("cannot create " + (dir / "playbooks").string() + ": " + ec.message());
  if (!fs::exists(dir / "tools.json"))
    LINGXI_RETURN_IF_ERROR(WriteAtomically(dir / "tools.json", "{\"allowlist\": [], \"tools\": []}\n"));
  std::vector<std::pair<fs::path, Result<std::string>>> before;
  for (const auto& rel : touched) before.emplace_back(dir / rel, ReadWhole(dir / rel));
  auto restore = [&] {
    for (const auto& [path, content] : before) {
      if (content.ok()) {
        (void)WriteAtomically(path, *content, path.filename() == "secrets.json");
      } else {
        fs::remove(path, ec);
      }
    }
  };
  // Errors name files relative to the account's directory: the server's paths are not the admin's business.
  auto relative = [&dir](const Status& s) {
    std::string m = s.message();
    const std::string prefix = dir.string() + "/";
    for (size_t at; (at = m.find(prefix)) != std::string::npos;) m.erase(at, prefix.size());
    return Status(s.code(), std::move(m));
  };
  if (Status s = mutate(dir); !s.ok()) {
    restore();
    return relative(s);
  }
  auto loaded = ReloadLocked(account_id);
  if (!loaded.ok()) {
    restore();
    return relative(loaded.status());
  }
  return loaded;
}

namespace {

Result<boost::json::object> ReadToolsFile(const std::filesystem::path& dir) {
  LINGXI_ASSIGN_OR_RETURN(auto doc, flows::ReadJsonFile((dir / "tools.json").string()));
  if (!doc.is_object()) return InvalidArgument((dir / "tools.json").string() + ": expected {\"allowlist\", \"tools\"}");
  auto& o = doc.get_object();
  if (!o.contains("tools")) o["tools"] = boost::json::array();
  if (!o.at("tools").is_array()) return InvalidArgument((dir / "tools.json").string() + ": \"tools\" must be an array");
  return std::move(o);
}

Result<boost::json::object> ReadSecretsFile(const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir / "secrets.json")) return boost::json::object();
  LINGXI_ASSIGN_OR_RETURN(auto doc, flows::ReadJsonFile((dir / "secrets.json").string(), 1 << 20));
  if (!doc.is_object()) return InvalidArgument((dir / "secrets.json").string() + ": expected an object");
  return std::move(doc.get_object());
}

std::string Pretty(const boost::json::object& o) { return boost::json::serialize(o) + "\n"; }

// Whether `v` is an object whose string member `key` equals `want` (a tool's "name", a playbook's "id").
bool FieldIs(const boost::json::value& v, std::string_view key, const std::string& want) {
  const auto* o = v.if_object();
  const auto* f = o ? o->if_contains(key) : nullptr;
  return f && f->is_string() && f->get_string() == want;
}

// A reload that failed because something still refers to what was removed.
Status InUse(const std::string& what, const Status& reload) {
  if (reload.code() != StatusCode::kInvalidArgument) return reload;
  return FailedPrecondition(what + " is still in use: " + std::string(reload.message()));
}

}  // namespace

Result<boost::json::value> FileAutomationAdmin::Definition(domain::Id account_id, bool tool, const std::string& id) {
  namespace fs = std::filesystem;
  std::lock_guard lock(mu_);
  const std::string dir = SourceDir(account_id);
  const std::string what = tool ? "tool " : "playbook ";
  if (dir.empty()) return NotFound("no " + what + id);
  if (tool) {
    LINGXI_ASSIGN_OR_RETURN(auto doc, ReadToolsFile(dir));
    for (const auto& t : doc["tools"].as_array())
      if (FieldIs(t, "name", id)) return t;
    return NotFound("no tool " + id);
  }
  // A playbook file is usually named after its id, but the id inside is what counts.
  std::error_code ec;
  const fs::path named = fs::path(dir) / "playbooks" / (id + ".json");
  std::vector<fs::path> files;
  if (ValidPlaybookId(id) && fs::exists(named)) files.push_back(named);
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "playbooks", ec))
    if (e.path().extension() == ".json" && e.path() != named) files.push_back(e.path());
  for (const auto& f : files) {
    auto doc = flows::ReadJsonFile(f.string());
    if (doc.ok() && FieldIs(*doc, "id", id)) return *doc;
  }
  return NotFound("no playbook " + id);
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::PutPlaybook(domain::Id account_id,
                                                                                const std::string& id,
                                                                                boost::json::object playbook) {
  if (!ValidPlaybookId(id)) return InvalidArgument("playbook id: 1-64 characters a-z, 0-9 and _");
  if (const auto* v = playbook.if_contains("id"); v && (!v->is_string() || v->get_string() != id))
    return InvalidArgument("the playbook's \"id\" must be \"" + id + "\" (the id in the path)");
  playbook["id"] = id;
  const std::string rel = "playbooks/" + id + ".json";
  // The reload validates it against the account's tools; a refused playbook is removed again.
  return ChangeFiles(account_id, {rel}, [&](const std::filesystem::path& dir) {
    return WriteAtomically(dir / rel, boost::json::serialize(playbook) + "\n");
  });
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::DeletePlaybook(domain::Id account_id,
                                                                                   const std::string& id) {
  if (!ValidPlaybookId(id)) return NotFound("no playbook " + id);
  const std::string rel = "playbooks/" + id + ".json";
  return ChangeFiles(account_id, {rel}, [&](const std::filesystem::path& dir) -> Status {
    std::error_code ec;
    if (!std::filesystem::exists(dir / rel)) return NotFound("no playbook " + id);
    if (!std::filesystem::remove(dir / rel, ec)) return Internal("cannot remove " + (dir / rel).string() + ": " + ec.message());
    return Status::Ok();
  });
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::PutTool(domain::Id account_id,
                                                                            const std::string& name,
                                                                            boost::json::object tool) {
  if (const auto* v = tool.if_contains("name"); v && (!v->is_string() || v->get_string() != name))
    return InvalidArgument("the tool's \"name\" must be \"" + name + "\" (the name in the path)");
  tool["name"] = name;
  // The reload validates the definition (fields, allowlist, secrets) and the playbooks using it.
  return ChangeFiles(account_id, {"tools.json"}, [&](const std::filesystem::path& dir) -> Status {
    LINGXI_ASSIGN_OR_RETURN(auto doc, ReadToolsFile(dir));
    auto& tools = doc["tools"].as_array();
    bool replaced = false;
    for (auto& t : tools) {
      if (FieldIs(t, "name", name)) {
        t = tool;
        replaced = true;
      }
    }
    if (!replaced) tools.push_back(tool);
    return WriteAtomically(dir / "tools.json", Pretty(doc));
  });
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::DeleteTool(domain::Id account_id,
                                                                               const std::string& name) {
  auto r = ChangeFiles(account_id, {"tools.json"}, [&](const std::filesystem::path& dir) -> Status {
    LINGXI_ASSIGN_OR_RETURN(auto doc, ReadToolsFile(dir));
    auto& tools = doc["tools"].as_array();
    const size_t n = tools.size();
    tools.erase(std::remove_if(tools.begin(), tools.end(),
                               [&](const boost::json::value& t) { return FieldIs(t, "name", name); }),
                tools.end());
    if (tools.size() == n) return NotFound("no tool " + name);
    return WriteAtomically(dir / "tools.json", Pretty(doc));
  });
  if (!r.ok()) return InUse("tool " + name, r.status());
  return r;
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::PutAllowlist(domain::Id account_id,
                                                                                 boost::json::array allowlist) {
  // Validated by the reload, after {{variables}} such as the demo's "{{server}}" are substituted.
  return ChangeFiles(account_id, {"tools.json"}, [&](const std::filesystem::path& dir) -> Status {
    LINGXI_ASSIGN_OR_RETURN(auto doc, ReadToolsFile(dir));
    doc["allowlist"] = allowlist;
    return WriteAtomically(dir / "tools.json", Pretty(doc));
  });
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::PutSecret(domain::Id account_id,
                                                                              const std::string& name,
                                                                              std::string value) {
  if (!ValidSecretName(name)) return InvalidArgument("secret name: 1-64 characters A-Z, a-z, 0-9, _ and -");
  if (value.empty() || value.size() > 4096) return InvalidArgument("secret value: 1-4096 bytes");
  return ChangeFiles(account_id, {"secrets.json"}, [&](const std::filesystem::path& dir) -> Status {
    LINGXI_ASSIGN_OR_RETURN(auto doc, ReadSecretsFile(dir));
    doc[name] = value;
    return WriteAtomically(dir / "secrets.json", Pretty(doc), /*owner_only=*/true);
  });
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::DeleteSecret(domain::Id account_id,
                                                                                 const std::string& name) {
  auto r = ChangeFiles(account_id, {"secrets.json"}, [&](const std::filesystem::path& dir) -> Status {
    LINGXI_ASSIGN_OR_RETURN(auto doc, ReadSecretsFile(dir));
    if (!doc.erase(name)) return NotFound("no secret " + name);
    return WriteAtomically(dir / "secrets.json", Pretty(doc), /*owner_only=*/true);
  });
  if (!r.ok()) return InUse("secret " + name, r.status());
  return r;
}

void StoreUsageSink::Record(std::string_view account_id, std::string_view conversation_id, const llm::Usage& usage) {
  store::LlmUsage u;
  std::from_chars(account_id.data(), account_id.data() + account_id.size(), u.account_id);
  std::from_chars(conversation_id.data(), conversation_id.data() + conversation_id.size(), u.conversation_id);
  if (u.account_id == 0) return;
  u.model = model_;
  u.prompt_tokens = usage.prompt_tokens;
  u.completion_tokens = usage.completion_tokens;
  u.cache_hit_tokens = usage.prompt_cache_hit_tokens.value_or(0);
  u.created_at = NowMillis();
  store_->Write([u](store::WriteTx& tx) { return tx.InsertLlmUsage(u); },
                [](Status s) {
                  if (!s.ok()) LOG_WARN("LLM usage not stored: {}", s.ToString());
                });
}

}  // namespace lingxi::app

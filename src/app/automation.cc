#include "app/automation.h"

#include <boost/json.hpp>

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
  const std::string tools_path = (fs::path(dir) / "tools.json").string();
  LINGXI_ASSIGN_OR_RETURN(automation->tools, flows::ToolRegistry::LoadFile(tools_path, options));
  const std::string playbooks_dir = (fs::path(dir) / "playbooks").string();
  LINGXI_ASSIGN_OR_RETURN(auto playbooks, flows::PlaybookLibrary::LoadDirectory(playbooks_dir, automation->tools.get()));
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

// Writes via a temporary file and rename, so a reader never sees half a file.
Status WriteAtomically(const std::filesystem::path& p, const std::string& text) {
  const std::filesystem::path tmp = p.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!(out << text) || !out.flush()) return Internal("cannot write " + tmp.string());
  }
  std::error_code ec;
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

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::PutPlaybook(domain::Id account_id,
                                                                                const std::string& id,
                                                                                boost::json::object playbook) {
  namespace fs = std::filesystem;
  if (!ValidPlaybookId(id)) return InvalidArgument("playbook id: 1-64 characters a-z, 0-9 and _");
  if (const auto* v = playbook.if_contains("id"); v && (!v->is_string() || v->get_string() != id))
    return InvalidArgument("the playbook's \"id\" must be \"" + id + "\" (the id in the path)");
  playbook["id"] = id;
  if (options_.automation_dir.empty())
    return FailedPrecondition("set [automation] dir (LINGXI_AUTOMATION_DIR) to define playbooks over the API");
  std::lock_guard lock(mu_);
  const fs::path dir = fs::path(options_.automation_dir) / std::to_string(account_id);
  std::error_code ec;
  fs::create_directories(dir / "playbooks", ec);
  if (ec) return Internal("cannot create " + (dir / "playbooks").string() + ": " + ec.message());
  if (!fs::exists(dir / "tools.json"))
    LINGXI_RETURN_IF_ERROR(WriteAtomically(dir / "tools.json", "{\"allowlist\": [], \"tools\": []}\n"));
  // Validate against the account's tools before anything is written.
  flows::ToolRegistryOptions topt;
  topt.variables["server"] = *self_;
  LINGXI_ASSIGN_OR_RETURN(auto tools, flows::ToolRegistry::LoadFile((dir / "tools.json").string(), topt));
  const boost::json::value doc(playbook);
  LINGXI_RETURN_IF_ERROR(flows::ParsePlaybook(doc, tools.get()).status());
  const fs::path file = dir / "playbooks" / (id + ".json");
  auto previous = ReadWhole(file);
  LINGXI_RETURN_IF_ERROR(WriteAtomically(file, boost::json::serialize(doc) + "\n"));
  auto loaded = ReloadLocked(account_id);
  if (!loaded.ok()) {  // put the files back as they were
    if (previous.ok()) (void)WriteAtomically(file, *previous);
    else fs::remove(file, ec);
  }
  return loaded;
}

Result<std::shared_ptr<const bot::Automation>> FileAutomationAdmin::DeletePlaybook(domain::Id account_id,
                                                                                   const std::string& id) {
  namespace fs = std::filesystem;
  if (!ValidPlaybookId(id)) return NotFound("no playbook " + id);
  if (options_.automation_dir.empty())
    return FailedPrecondition("set [automation] dir (LINGXI_AUTOMATION_DIR) to change playbooks over the API");
  std::lock_guard lock(mu_);
  const fs::path file = fs::path(options_.automation_dir) / std::to_string(account_id) / "playbooks" / (id + ".json");
  auto previous = ReadWhole(file);
  if (!previous.ok()) return NotFound("no playbook " + id);
  std::error_code ec;
  if (!fs::remove(file, ec)) return Internal("cannot remove " + file.string() + ": " + ec.message());
  auto loaded = ReloadLocked(account_id);
  if (!loaded.ok()) (void)WriteAtomically(file, *previous);
  return loaded;
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

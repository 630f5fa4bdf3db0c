#include "app/automation.h"

#include <charconv>
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

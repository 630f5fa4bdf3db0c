// Wiring of the AI agent for an account: tools, playbooks and the playbook router loaded from a
// directory (tools.json, playbooks/*.json), and the sink that stores LLM token usage.
#pragma once

#include <memory>
#include <string>

#include "bot/assistant.h"
#include "llm/chat_client.h"
#include "nlu/normalizer.h"
#include "store/store.h"

namespace lingxi::app {

// Loads `dir`/tools.json ({{server}} = `server`, e.g. "127.0.0.1:8080") and `dir`/playbooks/,
// and trains the playbook router with the account's knowledge titles and questions as
// out-of-scope examples. Errors name the file.
Result<std::shared_ptr<const bot::Automation>> LoadAutomation(const std::string& dir, const std::string& server,
                                                              std::shared_ptr<const nlu::Normalizer> normalizer,
                                                              store::Store* store, domain::Id account_id);

// Stores each answer's token usage (one llm_usage row) through the store's writer.
class StoreUsageSink : public llm::UsageSink {
 public:
  StoreUsageSink(store::Store* store, std::string model) : store_(store), model_(std::move(model)) {}
  void Record(std::string_view account_id, std::string_view conversation_id, const llm::Usage& usage) override;

 private:
  store::Store* store_;
  std::string model_;
};

}  // namespace lingxi::app

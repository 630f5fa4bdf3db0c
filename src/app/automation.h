// Wiring of the AI agent for an account: tools, playbooks and the playbook router loaded from a
// directory (tools.json, playbooks/*.json), and the sink that stores LLM token usage.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/api.h"
#include "bot/assistant.h"
#include "llm/chat_client.h"
#include "nlu/normalizer.h"
#include "store/store.h"

namespace lingxi::app {

// Loads `dir`/tools.json ({{server}} = `server`, e.g. "127.0.0.1:8080"; ${secret:NAME} from
// `dir`/secrets.json, {"NAME": "value", ...}, if present) and `dir`/playbooks/, and trains the
// playbook router with the account's knowledge titles and questions as out-of-scope examples.
// Errors name the file.
Result<std::shared_ptr<const bot::Automation>> LoadAutomation(const std::string& dir, const std::string& server,
                                                              std::shared_ptr<const nlu::Normalizer> normalizer,
                                                              store::Store* store, domain::Id account_id);

// The account's automation kept as files: `<automation_dir>/<account id>/` when configured and
// present, else `demo_dir` for every account in demo mode. Thread-safe (changes are serialised).
class FileAutomationAdmin : public api::AutomationAdmin {
 public:
  struct Options {
    std::string automation_dir;  // may be empty
    std::string demo_dir;        // empty unless demo mode
  };
  // `self` is host:port of this server (for {{server}} in tools.json), read at each load; set it
  // before the first call. All pointers must outlive this object.
  FileAutomationAdmin(Options options, const std::string* self, std::shared_ptr<const nlu::Normalizer> normalizer,
                      store::Store* store, bot::Assistant* assistant)
      : options_(std::move(options)), self_(self), normalizer_(std::move(normalizer)), store_(store),
        assistant_(assistant) {}

  // The directory the account's automation comes from, or "" if none.
  std::string SourceDir(domain::Id account_id) const;

  Result<std::shared_ptr<const bot::Automation>> Reload(domain::Id account_id) override;
  Result<std::shared_ptr<const bot::Automation>> PutPlaybook(domain::Id account_id, const std::string& id,
                                                             boost::json::object playbook) override;
  Result<std::shared_ptr<const bot::Automation>> DeletePlaybook(domain::Id account_id, const std::string& id) override;
  Result<std::shared_ptr<const bot::Automation>> PutTool(domain::Id account_id, const std::string& name,
                                                         boost::json::object tool) override;
  Result<std::shared_ptr<const bot::Automation>> DeleteTool(domain::Id account_id, const std::string& name) override;
  Result<std::shared_ptr<const bot::Automation>> PutAllowlist(domain::Id account_id,
                                                              boost::json::array allowlist) override;
  Result<std::shared_ptr<const bot::Automation>> PutSecret(domain::Id account_id, const std::string& name,
                                                           std::string value) override;
  Result<std::shared_ptr<const bot::Automation>> DeleteSecret(domain::Id account_id, const std::string& name) override;
  Result<boost::json::value> Definition(domain::Id account_id, bool tool, const std::string& id) override;

 private:
  Result<std::shared_ptr<const bot::Automation>> ReloadLocked(domain::Id account_id);
  // One change to the account's files: makes sure `<automation dir>/<account>/` exists (a copy of
  // the demo automation if the account used it so far, else an empty tools.json), runs `mutate`
  // on that directory, then reloads. If anything fails, the
  // files in `touched` (relative to the directory) are put back as they were. Serialised by mu_.
  Result<std::shared_ptr<const bot::Automation>> ChangeFiles(
      domain::Id account_id, const std::vector<std::string>& touched,
      const std::function<Status(const std::filesystem::path& dir)>& mutate);

  Options options_;
  const std::string* self_;
  std::shared_ptr<const nlu::Normalizer> normalizer_;
  store::Store* store_;
  bot::Assistant* assistant_;
  std::mutex mu_;  // one change at a time
};

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

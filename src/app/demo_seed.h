// Seeding of workspaces: the --demo workspace and `lingxi init` for a real one.
// Blocking (store writes); call at start-up only.
#pragma once

#include <string>

#include "core/status.h"
#include "domain/types.h"
#include "store/store.h"

namespace lingxi::app {

struct WorkspaceSpec {
  std::string account_name;
  std::string admin_email;
  std::string admin_name;
  std::string admin_password;
  std::string inbox_name = "Website";
  std::string widget_token;  // empty = random
  std::string kb_path;       // optional articles to import (directory of .md or a .csv)
};

struct WorkspaceInfo {
  domain::Id account_id = 0;
  domain::Id admin_id = 0;
  std::string widget_token;
  size_t articles = 0;
  bool created = false;  // false: it already existed
};

// Creates account + admin + webchat inbox (+ articles). If an inbox with the same widget
// token exists, returns it untouched (idempotent demo start).
Result<WorkspaceInfo> EnsureWorkspace(store::Store* store, const WorkspaceSpec& spec);

// --demo: three example canned replies (/hi, /refund, /bye), only if the account has none yet
// (so a demo database from before canned replies gets them too). Returns how many were added.
Result<size_t> SeedDemoCannedReplies(store::Store* store, domain::Id account_id);

// Imports articles from `path` into `account_id`, printing progress to stderr.
Result<size_t> ImportArticles(store::Store* store, domain::Id account_id, const std::string& path, bool progress);

}  // namespace lingxi::app

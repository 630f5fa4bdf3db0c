#include "app/demo_seed.h"

#include <algorithm>
#include <cstdio>

#include "core/clock.h"
#include "core/crypto.h"
#include "kb/importer.h"

namespace lingxi::app {

Result<size_t> ImportArticles(store::Store* store, domain::Id account_id, const std::string& path, bool progress) {
  LINGXI_ASSIGN_OR_RETURN(auto articles, kb::LoadArticles(path, [progress](size_t done, size_t total) {
    if (progress && (done == total || done % 50 == 0)) std::fprintf(stderr, "\rparsed %zu/%zu files", done, total);
  }));
  if (progress) std::fprintf(stderr, "\n");
  const size_t total = articles.size();
  size_t written = 0;
  constexpr size_t kChunk = 200;
  for (size_t i = 0; i < total; i += kChunk) {
    size_t end = std::min(total, i + kChunk);
    LINGXI_RETURN_IF_ERROR(store->WriteSync([&](store::WriteTx& tx) -> Status {
      for (size_t j = i; j < end; ++j) {
        domain::Article a = articles[j];
        a.account_id = account_id;
        a.created_at = a.updated_at = NowMillis();
        LINGXI_RETURN_IF_ERROR(tx.InsertArticle(a).status());
      }
      return Status::Ok();
    }));
    written = end;
    if (progress) std::fprintf(stderr, "\rimported %zu/%zu articles", written, total);
  }
  if (progress) std::fprintf(stderr, "\n");
  return written;
}

Result<WorkspaceInfo> EnsureWorkspace(store::Store* store, const WorkspaceSpec& spec) {
  WorkspaceInfo info;
  info.widget_token = spec.widget_token.empty() ? RandomToken(18) : spec.widget_token;
  domain::Inbox existing;
  Status found = store->Read([&](store::ReadTx& tx) -> Status {
    LINGXI_ASSIGN_OR_RETURN(existing, tx.FindInboxByWidgetToken(info.widget_token));
    return Status::Ok();
  });
  if (found.ok()) {
    info.account_id = existing.account_id;
    return info;
  }
  if (found.code() != StatusCode::kNotFound) return found;

  std::string email = spec.admin_email;
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  if (email.find('@') == std::string::npos) return InvalidArgument("admin email is not an email address");
  if (spec.admin_password.size() < 4) return InvalidArgument("admin password must have at least 4 characters");
  LINGXI_ASSIGN_OR_RETURN(std::string hash, HashPassword(spec.admin_password));
  LINGXI_RETURN_IF_ERROR(store->WriteSync([&](store::WriteTx& tx) -> Status {
    const int64_t now = NowMillis();
    LINGXI_ASSIGN_OR_RETURN(info.account_id, tx.InsertAccount(domain::Account{0, spec.account_name, now}));
    domain::User admin;
    admin.account_id = info.account_id;
    admin.email = email;
    admin.name = spec.admin_name.empty() ? email : spec.admin_name;
    admin.role = domain::Role::kAdmin;
    admin.password_hash = hash;
    admin.created_at = now;
    LINGXI_ASSIGN_OR_RETURN(info.admin_id, tx.InsertUser(admin));
    domain::Inbox inbox{0, info.account_id, spec.inbox_name, "webchat", info.widget_token, now};
    return tx.InsertInbox(inbox).status();
  }));
  info.created = true;
  if (!spec.kb_path.empty()) {
    LINGXI_ASSIGN_OR_RETURN(info.articles, ImportArticles(store, info.account_id, spec.kb_path, false));
  }
  return info;
}

Result<size_t> SeedDemoCannedReplies(store::Store* store, domain::Id account_id) {
  static const std::pair<const char*, const char*> kReplies[] = {
      {"hi", "您好，我是灵犀优选的客服，很高兴为您服务！请问有什么可以帮您？"},
      {"refund", "退款会在审核通过后 1–3 个工作日内原路退回，请您留意账户到账信息。"},
      {"bye", "感谢您的耐心等待，祝您生活愉快！如有其他问题随时联系我们。"},
  };
  size_t added = 0;
  LINGXI_RETURN_IF_ERROR(store->WriteSync([&](store::WriteTx& tx) -> Status {
    LINGXI_ASSIGN_OR_RETURN(auto existing, tx.ListCannedReplies(account_id));
    if (!existing.empty()) return Status::Ok();
    const int64_t now = NowMillis();
    for (const auto& [shortcut, content] : kReplies) {
      LINGXI_RETURN_IF_ERROR(tx.InsertCannedReply(store::CannedReply{0, account_id, shortcut, content, now}).status());
      ++added;
    }
    return Status::Ok();
  }));
  return added;
}

}  // namespace lingxi::app

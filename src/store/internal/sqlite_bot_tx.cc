// Repositories of the AI agent: LLM token usage and per-answer traces.
#include "core/clock.h"
#include "store/internal/sqlite_tx.h"

namespace lingxi::store::internal {

Status SqliteTx::InsertLlmUsage(const LlmUsage& u) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO llm_usage(account_id, conversation_id, model, prompt_tokens, completion_tokens, "
      "cache_hit_tokens, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  stmt.Bind(1, u.account_id).Bind(2, u.conversation_id).Bind(3, u.model).Bind(4, u.prompt_tokens);
  stmt.Bind(5, u.completion_tokens).Bind(6, u.cache_hit_tokens).Bind(7, u.created_at ? u.created_at : NowMillis());
  return stmt.Exec();
}

Result<LlmUsageTotals> SqliteTx::SumLlmUsage(Id account_id, Id conversation_id, int64_t since_ms) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), "
      "COALESCE(SUM(cache_hit_tokens), 0) FROM llm_usage "
      "WHERE account_id = ?1 AND (?2 = 0 OR conversation_id = ?2) AND created_at >= ?3"));
  stmt.Bind(1, account_id).Bind(2, conversation_id).Bind(3, since_ms);
  LINGXI_ASSIGN_OR_RETURN(bool row, stmt.Step());
  LlmUsageTotals t;
  if (row) {
    t.answers = stmt.Int(0);
    t.prompt_tokens = stmt.Int(1);
    t.completion_tokens = stmt.Int(2);
    t.cache_hit_tokens = stmt.Int(3);
  }
  return t;
}

Status SqliteTx::InsertBotTrace(Id account_id, Id conversation_id, Id message_id, std::string_view trace_json) {
  // The SELECT proves the message is a bot message of this conversation in this account.
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT OR REPLACE INTO bot_traces(account_id, message_id, conversation_id, trace, created_at) "
      "SELECT account_id, id, conversation_id, ?4, ?5 FROM messages "
      "WHERE account_id = ?1 AND id = ?2 AND conversation_id = ?3 AND sender_type = 'bot'"));
  stmt.Bind(1, account_id).Bind(2, message_id).Bind(3, conversation_id).Bind(4, trace_json).Bind(5, NowMillis());
  LINGXI_RETURN_IF_ERROR(stmt.Exec());
  if (db_.Changes() == 0) return NotFound("bot message not found in this conversation");
  return Status::Ok();
}

Result<std::string> SqliteTx::GetBotTrace(Id account_id, Id message_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "SELECT trace FROM bot_traces WHERE account_id = ?1 AND message_id = ?2"));
  stmt.Bind(1, account_id).Bind(2, message_id);
  LINGXI_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound("no trace for this message");
  return stmt.Text(0);
}

}  // namespace lingxi::store::internal

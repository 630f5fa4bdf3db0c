// Customer feedback repositories: thumbs on bot answers, conversation ratings; agents' canned replies.
#include <algorithm>

#include "store/internal/sqlite_tx.h"

namespace lingxi::store::internal {

namespace {
int ClampLimit(int limit) { return std::clamp(limit, 1, 500); }
}  // namespace

Status SqliteTx::UpsertMessageFeedback(const MessageFeedback& f) {
  // The SELECT proves the message is a bot answer of this conversation in this account.
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO message_feedback(account_id, message_id, conversation_id, rating, created_at) "
      "SELECT account_id, id, conversation_id, ?4, ?5 FROM messages "
      "WHERE account_id = ?1 AND id = ?2 AND conversation_id = ?3 AND sender_type = 'bot' "
      "ON CONFLICT(account_id, message_id) DO UPDATE SET rating = excluded.rating, created_at = excluded.created_at"));
  stmt.Bind(1, f.account_id).Bind(2, f.message_id).Bind(3, f.conversation_id)
      .Bind(4, int64_t{f.rating}).Bind(5, f.created_at);
  LINGXI_RETURN_IF_ERROR(stmt.Exec());
  if (db_.Changes() == 0) return NotFound("bot message not found in this conversation");
  return Status::Ok();
}

Status SqliteTx::UpsertConversationRating(const ConversationRating& r) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO conversation_ratings(account_id, conversation_id, score, comment, created_at) "
      "SELECT account_id, id, ?3, ?4, ?5 FROM conversations WHERE account_id = ?1 AND id = ?2 "
      "ON CONFLICT(account_id, conversation_id) DO UPDATE SET score = excluded.score, "
      "comment = excluded.comment, created_at = excluded.created_at"));
  stmt.Bind(1, r.account_id).Bind(2, r.conversation_id).Bind(3, int64_t{r.score}).Bind(4, r.comment)
      .Bind(5, r.created_at);
  LINGXI_RETURN_IF_ERROR(stmt.Exec());
  if (db_.Changes() == 0) return NotFound("conversation not found");
  return Status::Ok();
}

Result<std::vector<MessageFeedback>> SqliteTx::ListMessageFeedback(Id account_id, int rating, int limit) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "SELECT f.message_id, f.conversation_id, f.rating, f.created_at, m.content, m.meta "
      "FROM message_feedback f JOIN messages m ON m.id = f.message_id AND m.account_id = f.account_id "
      "WHERE f.account_id = ?1 AND (?2 = 0 OR f.rating = ?2) "
      "ORDER BY f.created_at DESC, f.message_id DESC LIMIT ?3"));
  stmt.Bind(1, account_id).Bind(2, int64_t{rating}).Bind(3, int64_t{ClampLimit(limit)});
  std::vector<MessageFeedback> out;
  for (;;) {
    LINGXI_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    MessageFeedback f;
    f.account_id = account_id;
    f.message_id = stmt.Int(0);
    f.conversation_id = stmt.Int(1);
    f.rating = static_cast<int>(stmt.Int(2));
    f.created_at = stmt.Int(3);
    f.message_content = stmt.Text(4);
    f.message_meta = stmt.Text(5);
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::vector<ConversationRating>> SqliteTx::ListConversationRatings(Id account_id, int limit) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "SELECT conversation_id, score, comment, created_at FROM conversation_ratings "
      "WHERE account_id = ?1 ORDER BY created_at DESC, conversation_id DESC LIMIT ?2"));
  stmt.Bind(1, account_id).Bind(2, int64_t{ClampLimit(limit)});
  std::vector<ConversationRating> out;
  for (;;) {
    LINGXI_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ConversationRating r;
    r.account_id = account_id;
    r.conversation_id = stmt.Int(0);
    r.score = static_cast<int>(stmt.Int(1));
    r.comment = stmt.Text(2);
    r.created_at = stmt.Int(3);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<CannedReply>> SqliteTx::ListCannedReplies(Id account_id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "SELECT id, shortcut, content, created_at FROM canned_replies WHERE account_id = ?1 ORDER BY shortcut LIMIT 1000"));
  stmt.Bind(1, account_id);
  std::vector<CannedReply> out;
  for (;;) {
    LINGXI_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    CannedReply c;
    c.account_id = account_id;
    c.id = stmt.Int(0);
    c.shortcut = stmt.Text(1);
    c.content = stmt.Text(2);
    c.created_at = stmt.Int(3);
    out.push_back(std::move(c));
  }
  return out;
}

Result<Id> SqliteTx::InsertCannedReply(const CannedReply& c) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare(
      "INSERT INTO canned_replies(account_id, shortcut, content, created_at) VALUES (?1, ?2, ?3, ?4)"));
  stmt.Bind(1, c.account_id).Bind(2, c.shortcut).Bind(3, c.content).Bind(4, c.created_at);
  LINGXI_RETURN_IF_ERROR(stmt.Exec());
  return db_.LastInsertRowid();
}

Status SqliteTx::DeleteCannedReply(Id account_id, Id id) {
  LINGXI_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare("DELETE FROM canned_replies WHERE account_id = ?1 AND id = ?2"));
  stmt.Bind(1, account_id).Bind(2, id);
  LINGXI_RETURN_IF_ERROR(stmt.Exec());
  if (db_.Changes() == 0) return NotFound("canned reply not found");
  return Status::Ok();
}

}  // namespace lingxi::store::internal

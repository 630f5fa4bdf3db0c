#include "domain/types.h"

namespace lingxi::domain {

std::string_view RoleName(Role r) { return r == Role::kAdmin ? "admin" : "agent"; }

std::optional<Role> ParseRole(std::string_view s) {
  if (s == "admin") return Role::kAdmin;
  if (s == "agent") return Role::kAgent;
  return std::nullopt;
}

std::string_view ConversationStatusName(ConversationStatus s) {
  switch (s) {
    case ConversationStatus::kBot: return "bot";
    case ConversationStatus::kQueued: return "queued";
    case ConversationStatus::kAssigned: return "assigned";
    case ConversationStatus::kResolved: return "resolved";
  }
  return "bot";
}

std::optional<ConversationStatus> ParseConversationStatus(std::string_view s) {
  if (s == "bot") return ConversationStatus::kBot;
  if (s == "queued") return ConversationStatus::kQueued;
  if (s == "assigned") return ConversationStatus::kAssigned;
  if (s == "resolved") return ConversationStatus::kResolved;
  return std::nullopt;
}

std::string_view SenderTypeName(SenderType s) {
  switch (s) {
    case SenderType::kContact: return "contact";
    case SenderType::kBot: return "bot";
    case SenderType::kAgent: return "agent";
    case SenderType::kSystem: return "system";
  }
  return "system";
}

std::optional<SenderType> ParseSenderType(std::string_view s) {
  if (s == "contact") return SenderType::kContact;
  if (s == "bot") return SenderType::kBot;
  if (s == "agent") return SenderType::kAgent;
  if (s == "system") return SenderType::kSystem;
  return std::nullopt;
}

}  // namespace lingxi::domain

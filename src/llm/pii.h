// Masks personal data before text leaves the machine (e.g. in a prompt to a hosted LLM) and
// restores it in the model's output: phone numbers (Chinese mobile with optional +86 and
// spaces/dashes; international "+CC ..."), e-mail addresses, Chinese resident ID numbers (18
// characters, check digit verified), bank card numbers (13-19 digits, Luhn verified) and postal
// addresses (Chinese road/building/room patterns; English "number + street suffix").
// Digits glued to ASCII letters (order numbers like "LX2024110001") and short numbers are kept.
//
// Placeholders look like "[PHONE_1]", "[EMAIL_2]", "[ID_CARD_1]", "[BANK_CARD_1]", "[ADDRESS_1]";
// a PiiVault per conversation keeps them stable (the same number always gets the same placeholder).
// Thread-safety: PiiMasker is immutable and thread-safe; a PiiVault is thread-compatible (one
// conversation at a time).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lingxi::llm {

// kLiteral: text that merely looks like a placeholder ("[PHONE_1]" typed by a customer). It is
// masked too ("[TEXT_1]") and restored verbatim, so nobody can make a reply "restore" a placeholder
// into this conversation's personal data, and masking always round-trips.
enum class PiiKind { kPhone, kEmail, kIdCard, kBankCard, kAddress, kLiteral };
std::string_view PiiKindName(PiiKind kind);  // "PHONE", "EMAIL", "ID_CARD", "BANK_CARD", "ADDRESS", "TEXT"

struct PiiMatch {
  PiiKind kind;
  size_t begin;  // byte offsets into the scanned text
  size_t end;
};

// Placeholder <-> original for one conversation.
class PiiVault {
 public:
  // The placeholder for this value, creating "[KIND_n]" the first time it is seen.
  std::string PlaceholderFor(PiiKind kind, std::string_view original);
  // The original behind a placeholder, if this vault issued it.
  std::optional<std::string> Original(std::string_view placeholder) const;
  size_t size() const { return originals_.size(); }

 private:
  std::map<std::string, std::string> originals_;  // placeholder -> original
  std::map<std::string, std::string> by_key_;     // kind + normalised value -> placeholder
  std::map<PiiKind, int> counters_;
};

class PiiMasker {
 public:
  struct Options {
    bool phones = true;
    bool emails = true;
    bool id_cards = true;
    bool bank_cards = true;
    bool addresses = true;
  };
  PiiMasker() = default;
  explicit PiiMasker(Options options) : options_(options) {}

  // Non-overlapping matches in text order.
  std::vector<PiiMatch> Find(std::string_view text) const;
  // Text with every match replaced by its placeholder from `vault`.
  std::string Mask(std::string_view text, PiiVault& vault) const;
  // Restores placeholders issued by `vault`; unknown placeholders are left as they are.
  static std::string Unmask(std::string_view text, const PiiVault& vault);

  static bool LuhnValid(std::string_view digits);
  static bool ChineseIdValid(std::string_view id);  // 17 digits + check digit (0-9 or X)

 private:
  Options options_;
};

}  // namespace lingxi::llm

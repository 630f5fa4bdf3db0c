#include "nlu/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <mutex>
#include <opencc/SimpleConverter.hpp>

namespace lingxi::nlu {

struct Normalizer::Impl {
  const icu::Normalizer2* nfkc_cf = nullptr;  // ICU-owned singleton, thread-safe.
  std::unique_ptr<opencc::SimpleConverter> t2s;
};

namespace {

// Whitespace, separators and control characters all collapse to one space.
bool IsSpaceLike(UChar32 c) { return u_isUWhiteSpace(c) || u_iscntrl(c) || c == 0xFEFF; }

// True if OpenCC could change the text: it only maps CJK-range code points.
bool MayNeedChineseConversion(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0xE2) return true;  // lead byte of U+2000 and above
  return false;
}

// Collapses whitespace runs to one ASCII space and trims. Input is valid UTF-8.
std::string CollapseWhitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  int32_t i = 0;
  const auto len = static_cast<int32_t>(s.size());
  while (i < len) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s.data(), i, len, c);
    if (c < 0 || c == 0xFFFD) continue;
    if (IsSpaceLike(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.append(s.data() + start, static_cast<size_t>(i - start));
  }
  return out;
}

std::string FindT2sConfig() {
  for (const char* dir : {"/usr/share/opencc/", "/usr/local/share/opencc/"}) {
    std::string path = std::string(dir) + "t2s.json";
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return path;
  }
  return "t2s.json";  // Let OpenCC try its compiled-in data directory.
}

}  // namespace

Normalizer::Normalizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Normalizer::~Normalizer() = default;

Result<std::shared_ptr<const Normalizer>> Normalizer::Create() {
  auto impl = std::make_unique<Impl>();
  UErrorCode err = U_ZERO_ERROR;
  impl->nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(err);
  if (U_FAILURE(err) || impl->nfkc_cf == nullptr) {
    return Unavailable(std::string("ICU NFKC_Casefold data unavailable: ") + u_errorName(err));
  }
  // OpenCC's loader is not documented as reentrant; loading is rare, so serialise it.
  static std::mutex load_mu;
  std::lock_guard lock(load_mu);
  const std::string config = FindT2sConfig();
  try {
    impl->t2s = std::make_unique<opencc::SimpleConverter>(config);
  } catch (const std::exception& e) {
    return Unavailable("OpenCC t2s config '" + config + "' could not be loaded: " + e.what());
  }
  return std::shared_ptr<const Normalizer>(new Normalizer(std::move(impl)));
}

std::string Normalizer::Normalize(std::string_view text) const {
  // Pure ASCII (most English messages): NFKC_Casefold only lower-cases A-Z there, OpenCC has
  // nothing to convert, and the space-like characters are exactly the controls and the space.
  // The same output as the general path below (tested), without its two UTF-16 conversions.
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (char ch : text) {
      const auto c = static_cast<unsigned char>(ch);
      if (c <= 0x20 || c == 0x7F) {
        pending_space = !out.empty();
        continue;
      }
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : ch);
    }
    return out;
  }
  // fromUTF8 replaces ill-formed sequences with U+FFFD. They are dropped before NFKC, not after:
  // dropping one between "e" and U+0300 afterwards would leave a sequence that a second
  // Normalize() composes to "è", and the output would not be a canonical form.
  icu::UnicodeString src = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  src.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0xFFFD)), icu::UnicodeString());
  // OpenCC reads a C string: everything after a NUL would be lost. It becomes a space anyway.
  src.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0)), icu::UnicodeString(static_cast<UChar32>(' ')));
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString folded = impl_->nfkc_cf->normalize(src, err);
  if (U_FAILURE(err)) folded = src.foldCase();
  std::string utf8;
  folded.toUTF8String(utf8);
  if (MayNeedChineseConversion(utf8)) {
    try {
      // OpenCC converts phrase by phrase, and its phrase table is not closed under conversion:
      // 幺麼 -> 幺麽 (a phrase) -> 幺么 (麽 alone). Retrieval normalizes normalized text again, so
      // convert until nothing changes (a second pass only for text the first one changed).
      for (int pass = 0; pass < 3; ++pass) {
        std::string converted = impl_->t2s->Convert(utf8);
        if (converted == utf8) break;
        utf8 = std::move(converted);
      }
    } catch (const std::exception&) {
      // OpenCC throws only on malformed input, which ICU already repaired; keep the folded text.
    }
  }
  return CollapseWhitespace(utf8);
}

}  // namespace lingxi::nlu

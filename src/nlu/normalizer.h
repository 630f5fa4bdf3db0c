// Normalizer: canonical form for customer text before matching.
//
// Pipeline: NFKC + Unicode case folding (ICU NFKC_Casefold, which also folds full-width ASCII and
// U+3000), traditional -> simplified Chinese (OpenCC t2s), whitespace/control runs -> one ASCII
// space, trim. Ill-formed UTF-8 bytes are dropped.
//
// Thread-safety: immutable after Create(); Normalize() is const and safe to call concurrently.
// OpenCC's converter is read-only after loading (dictionary lookups use per-call marisa agents and
// per-call segment buffers), so one converter is shared without a lock.
// Ownership: share it as std::shared_ptr<const Normalizer>.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lingxi::nlu {

class Normalizer {
 public:
  // Loads ICU NFKC_Casefold data and the OpenCC t2s configuration (looked up in
  // /usr/share/opencc, /usr/local/share/opencc, then OpenCC's own search path).
  // Errors: Unavailable if ICU data or the OpenCC config is missing; Internal on other load errors.
  static Result<std::shared_ptr<const Normalizer>> Create();

  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Returns the canonical form of `text` (any bytes accepted; output is valid UTF-8).
  std::string Normalize(std::string_view text) const;

 private:
  struct Impl;
  explicit Normalizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lingxi::nlu

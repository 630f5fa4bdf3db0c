// Shared Normalizer for the nlu tests (loading OpenCC once keeps the suite fast).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "nlu/normalizer.h"

namespace lingxi::nlu::testing {

inline std::shared_ptr<const Normalizer> SharedNormalizer() {
  static const std::shared_ptr<const Normalizer> kNormalizer = [] {
    auto result = Normalizer::Create();
    if (!result.ok()) ADD_FAILURE() << result.status().ToString();
    return result.ok() ? *result : nullptr;
  }();
  return kNormalizer;
}

}  // namespace lingxi::nlu::testing

// Regular expressions written by an account's admin (tool parameter and playbook slot patterns),
// compiled with std::regex (ECMAScript). Pure function; thread-safe. Internal to flows/.
#pragma once

#include <memory>
#include <regex>
#include <string_view>

#include "core/status.h"

namespace lingxi::flows::internal {

// Compiles `pattern`. InvalidArgument (message without prefix) for a malformed pattern, or a
// repetition count or back-reference over 99999 ("a{99999999999}", "\\99999999999"): libstdc++'s
// parser overflows a signed integer on such numbers (undefined behaviour) before refusing them.
Result<std::shared_ptr<const std::regex>> CompilePattern(std::string_view pattern, bool ignore_case);

}  // namespace lingxi::flows::internal

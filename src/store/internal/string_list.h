// Encodes a list of strings (article questions, tags) as a JSON array of strings, which
// round-trips any UTF-8 text including newlines and quotes. Pure functions. Private to store/.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace lingxi::store::internal {

std::string EncodeStringList(const std::vector<std::string>& items);
// Internal if `json` is not an array of strings.
Result<std::vector<std::string>> DecodeStringList(const std::string& json);

}  // namespace lingxi::store::internal

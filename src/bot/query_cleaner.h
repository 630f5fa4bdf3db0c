// Removes conversational filler ("请问一下", "吗/呢", "hi, can you tell me") from a
// customer message so retrieval confidence reflects the question's content words.
// Pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "nlu/normalizer.h"

namespace lingxi::bot {

// Returns the normalized, cleaned query (may be empty if the message was only filler).
std::string CleanQuery(const nlu::Normalizer& norm, std::string_view raw);

}  // namespace lingxi::bot

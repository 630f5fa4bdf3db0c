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
// The same for text that is already Normalize()d (avoids normalizing twice on the hot path).
std::string CleanNormalizedQuery(std::string normalized);

}  // namespace lingxi::bot

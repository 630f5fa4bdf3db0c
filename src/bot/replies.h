// Fixed bot phrases in Chinese and English. Internal to bot/.
#pragma once

#include <string>

namespace lingxi::bot {

std::string GreetingReply(const std::string& lang);
std::string ThanksReply(const std::string& lang);
std::string HandoffReply(const std::string& lang, const std::string& reason);
std::string SourcePrefix(const std::string& lang);

}  // namespace lingxi::bot

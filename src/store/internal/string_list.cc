#include "store/internal/string_list.h"

#include <boost/json.hpp>

namespace lingxi::store::internal {

std::string EncodeStringList(const std::vector<std::string>& items) {
  boost::json::array arr;
  arr.reserve(items.size());
  for (const auto& s : items) arr.emplace_back(boost::json::string_view(s));
  return boost::json::serialize(arr);
}

Result<std::vector<std::string>> DecodeStringList(const std::string& json) {
  if (json.empty()) return std::vector<std::string>{};
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return Internal("stored string list is not a JSON array");
  std::vector<std::string> out;
  out.reserve(v.as_array().size());
  for (const auto& item : v.as_array()) {
    if (!item.is_string()) return Internal("stored string list has a non-string item");
    out.emplace_back(item.as_string().c_str(), item.as_string().size());
  }
  return out;
}

}  // namespace lingxi::store::internal

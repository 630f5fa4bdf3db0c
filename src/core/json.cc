#include "core/json.h"

#include <boost/json/error.hpp>
#include <cmath>
#include <vector>

namespace lingxi {

bool AllNumbersFinite(const boost::json::value& root) {
  // Iterative: the depth is bounded by the parser's max_depth, but a stack of pointers is cheap.
  std::vector<const boost::json::value*> todo{&root};
  while (!todo.empty()) {
    const boost::json::value* v = todo.back();
    todo.pop_back();
    switch (v->kind()) {
      case boost::json::kind::double_:
        if (!std::isfinite(v->get_double())) return false;
        break;
      case boost::json::kind::array:
        for (const boost::json::value& e : v->get_array()) todo.push_back(&e);
        break;
      case boost::json::kind::object:
        for (const auto& kv : v->get_object()) todo.push_back(&kv.value());
        break;
      default:
        break;
    }
  }
  return true;
}

boost::json::value ParseJson(std::string_view text, boost::system::error_code& ec,
                             const boost::json::parse_options& options) {
  boost::json::value v = boost::json::parse(text, ec, {}, options);
  if (ec) return nullptr;
  if (!AllNumbersFinite(v)) {
    ec = boost::json::error::exponent_overflow;
    return nullptr;
  }
  return v;
}

}  // namespace lingxi

#include "core/json.h"

#include <boost/json/error.hpp>
#include <cmath>

namespace lingxi {

bool AllNumbersFinite(const boost::json::value& v) {
  // Recursive: ParseJson's callers bound the nesting with the parser's max_depth (8 to 32), and
  // this runs for every streamed model chunk and WebSocket frame, so no heap-allocated stack.
  switch (v.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(v.get_double());
    case boost::json::kind::array:
      for (const boost::json::value& e : v.get_array()) {
        if (!AllNumbersFinite(e)) return false;
      }
      return true;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object()) {
        if (!AllNumbersFinite(kv.value())) return false;
      }
      return true;
    default:
      return true;
  }
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

// ParseJson: boost::json::parse for text from outside (requests, WebSocket frames, model and
// business API responses), refusing numbers that do not fit a double.
//
// Boost.JSON 1.81 reads 1e400 as Infinity and 0e400 as NaN, and serializes them back as `Infinity`
// and `NaN`, which is not JSON: a value taken in this way could be stored, echoed or sent on and
// then fail to parse later. Such input is an error here (boost::json::error::exponent_overflow).
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>
#include <string_view>

namespace lingxi {

// As boost::json::parse(text, ec, {}, options); on error `ec` is set and the value is null.
boost::json::value ParseJson(std::string_view text, boost::system::error_code& ec,
                             const boost::json::parse_options& options = {});

// True if every number in `v` (at any depth) is finite. Recurses once per level of nesting.
bool AllNumbersFinite(const boost::json::value& v);

}  // namespace lingxi

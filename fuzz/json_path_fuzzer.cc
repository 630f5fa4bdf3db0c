// Response-field paths (flows/json_path.h) and the JSON they are looked up in, both arbitrary.
// Invariants: a path that parses has 1..16 steps of [A-Za-z0-9_-]+ keys or indexes, and written
// back (`a.b[0][-1]`) parses to the same steps; a value found by a path is found again by its
// parent's path plus the last step, with a negative index meaning the same element as its
// positive twin; JsonToText of a number reads back as that number.
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <string>

#include "flows/json_path.h"
#include "fuzz_check.h"

namespace {

namespace json = boost::json;
using lingxi::fuzz::Printable;
using namespace lingxi::flows;

std::string Write(const JsonPath& path) {
  std::string out;
  for (const PathStep& s : path) {
    if (s.is_index) {
      out += "[" + std::to_string(s.index) + "]";
    } else {
      out += (out.empty() ? "" : ".") + s.key;
    }
  }
  return out;
}

bool SameSteps(const JsonPath& a, const JsonPath& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_index != b[i].is_index || a[i].key != b[i].key || a[i].index != b[i].index) return false;
  }
  return true;
}

void CheckText(const json::value& v) {
  const std::string text = JsonToText(v);
  if (v.is_double()) {
    double d = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    LINGXI_FUZZ_CHECK(ec == std::errc() && p == text.data() + text.size() && d == v.get_double(),
                      "double " + Printable(json::serialize(v)) + " written as " + Printable(text));
  } else if (v.is_int64()) {
    LINGXI_FUZZ_CHECK(text == std::to_string(v.get_int64()), "int written as " + Printable(text));
  } else if (v.is_string()) {
    LINGXI_FUZZ_CHECK(text == v.get_string(), "string changed");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::string path_text = fdp.ConsumeRandomLengthString(96);
  const std::string doc_text = fdp.ConsumeRemainingBytesAsString();

  auto path = ParseJsonPath(path_text);
  if (!path.ok()) {
    LINGXI_FUZZ_CHECK(path.status().code() == lingxi::StatusCode::kInvalidArgument, path.status().ToString());
    return 0;
  }
  LINGXI_FUZZ_CHECK(!path->empty() && path->size() <= 16, std::to_string(path->size()) + " steps");
  for (const PathStep& s : *path) {
    if (s.is_index) continue;
    LINGXI_FUZZ_CHECK(!s.key.empty() && s.key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                "0123456789_-") == std::string::npos,
                      "bad key " + Printable(s.key));
  }
  const std::string written = Write(*path);
  auto again = ParseJsonPath(written);
  LINGXI_FUZZ_CHECK(again.ok() && SameSteps(*path, *again),
                    "path " + Printable(path_text) + " written as " + Printable(written) + " reads differently");

  boost::system::error_code ec;
  const json::value doc = json::parse(doc_text, ec);
  if (ec) return 0;
  const json::value* found = LookupJsonPath(doc, *path);
  if (found == nullptr) return 0;
  CheckText(*found);
  JsonPath parent(path->begin(), path->end() - 1);
  const json::value* container = parent.empty() ? &doc : LookupJsonPath(doc, parent);
  LINGXI_FUZZ_CHECK(container != nullptr, "parent of a found path not found");
  const PathStep& last = path->back();
  if (last.is_index) {
    const json::array& a = container->as_array();
    const int64_t n = static_cast<int64_t>(a.size());
    const int64_t i = last.index < 0 ? n + last.index : last.index;
    LINGXI_FUZZ_CHECK(i >= 0 && i < n && &a[static_cast<size_t>(i)] == found, "index resolved to another element");
    PathStep twin = last;
    twin.index = last.index < 0 ? i : i - n;
    JsonPath other = parent;
    other.push_back(twin);
    LINGXI_FUZZ_CHECK(LookupJsonPath(doc, other) == found, "negative and positive index disagree");
  } else {
    LINGXI_FUZZ_CHECK(container->as_object().if_contains(last.key) == found, "key resolved to another member");
  }
  return 0;
}

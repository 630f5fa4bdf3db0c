// The CSV import (kb/importer.h ParseCsvArticles, kb/internal/csv_reader.h) on
// arbitrary files. Invariants: bad input is an InvalidArgument naming a row,
// never a crash or a throw; accepted articles are clean (see
// kb_article_check.h); records written back as RFC 4180 (every field quoted)
// parse to the same fields; articles written back as a CSV with all six columns
// import as the same articles.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "kb/importer.h"
#include "kb/internal/csv_reader.h"
#include "kb_article_check.h"

namespace {

using lingxi::fuzz::Printable;

std::string Field(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? std::string(1, sep) : "") + items[i];
  return out;
}

void CheckRecordsRoundTrip(const std::string& text) {
  std::string_view s = text;
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  auto records = lingxi::kb::internal::ParseCsvRecords(s);
  if (!records.ok()) return;
  std::string written;
  for (const auto& r : *records) {
    for (size_t i = 0; i < r.fields.size(); ++i) written += (i ? "," : "") + Field(r.fields[i]);
    written += "\r\n";
  }
  auto again = lingxi::kb::internal::ParseCsvRecords(written);
  LINGXI_FUZZ_CHECK(again.ok(), "written back, refused: " + again.status().ToString());
  LINGXI_FUZZ_CHECK(again->size() == records->size(), "record count changed for " + Printable(text));
  for (size_t i = 0; i < records->size(); ++i) {
    LINGXI_FUZZ_CHECK((*again)[i].fields == (*records)[i].fields,
                      "record " + std::to_string(i) + " changed; input " + Printable(text));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  CheckRecordsRoundTrip(text);

  auto articles = lingxi::kb::ParseCsvArticles(text);
  if (!articles.ok()) {
    const auto& s = articles.status();
    LINGXI_FUZZ_CHECK(s.code() == lingxi::StatusCode::kInvalidArgument && s.message().starts_with("row "),
                      "unexpected error " + s.ToString());
    return 0;
  }
  std::string written = "question,answer,title,tags,language,questions\n";
  for (const auto& a : *articles) {
    lingxi::fuzz::CheckArticle(a);
    LINGXI_FUZZ_CHECK(!a.questions.empty(), "article without a question");
    const std::vector<std::string> alternatives(a.questions.begin() + 1, a.questions.end());
    written += Field(a.questions[0]) + "," + Field(a.body) + "," + Field(a.title) + "," + Field(Join(a.tags, '|')) +
               "," + Field(a.language) + "," + Field(Join(alternatives, '|')) + "\n";
  }
  auto again = lingxi::kb::ParseCsvArticles(written);
  LINGXI_FUZZ_CHECK(again.ok(), "written back, refused: " + again.status().ToString() + "\n" + Printable(written));
  LINGXI_FUZZ_CHECK(again->size() == articles->size(), "article count changed");
  for (size_t i = 0; i < articles->size(); ++i) {
    LINGXI_FUZZ_CHECK(lingxi::fuzz::SameArticle((*articles)[i], (*again)[i]),
                      "round trip changed article " + std::to_string(i) + "\nfirst:\n" +
                          lingxi::fuzz::DescribeArticle((*articles)[i]) + "\nagain:\n" +
                          lingxi::fuzz::DescribeArticle((*again)[i]));
  }
  return 0;
}

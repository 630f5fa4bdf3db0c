// kb::ParseMarkdownArticle (kb/importer.h) on arbitrary article files.
// Invariants: bad input is an InvalidArgument, never a crash or a throw; an
// accepted article is clean (valid UTF-8, trimmed, no control characters but \n
// and \t, within every limit, no duplicate questions or tags, a valid language
// tag); and writing an accepted article back as front matter + body and parsing
// that gives the same article.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "kb/importer.h"
#include "kb_article_check.h"

namespace {

using lingxi::fuzz::Printable;

// A double-quoted front-matter scalar.
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Render(const lingxi::domain::Article& a) {
  std::string out = "---\ntitle: " + Quote(a.title) + "\nlanguage: " + a.language + "\n";
  if (!a.tags.empty()) {
    out += "tags:\n";
    for (const auto& t : a.tags) out += "  - " + Quote(t) + "\n";
  }
  if (!a.questions.empty()) {
    out += "questions:\n";
    for (const auto& q : a.questions) out += "  - " + Quote(q) + "\n";
  }
  return out + "---\n" + a.body + "\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto article = lingxi::kb::ParseMarkdownArticle(text);
  if (!article.ok()) {
    const auto& s = article.status();
    LINGXI_FUZZ_CHECK(s.code() == lingxi::StatusCode::kInvalidArgument, "unexpected error " + s.ToString());
    return 0;
  }
  lingxi::fuzz::CheckArticle(*article);
  const std::string rendered = Render(*article);
  auto again = lingxi::kb::ParseMarkdownArticle(rendered);
  LINGXI_FUZZ_CHECK(again.ok(),
                    "written back, refused: " + again.status().ToString() + "\n" + Printable(rendered, 2000));
  LINGXI_FUZZ_CHECK(lingxi::fuzz::SameArticle(*article, *again),
                    "round trip changed the article\nfirst:\n" + lingxi::fuzz::DescribeArticle(*article) +
                        "\nagain:\n" + lingxi::fuzz::DescribeArticle(*again) + "\ninput: " + Printable(text, 1000));
  return 0;
}

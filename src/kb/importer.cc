#include "kb/importer.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>
#include <utility>

#include "core/utf8.h"
#include "kb/internal/csv_reader.h"

namespace lingxi::kb {
namespace {

using internal::CsvRecord;
using internal::ParseCsvRecords;

namespace fs = std::filesystem;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view StripBom(std::string_view s) {
  if (s.substr(0, kBom.size()) == kBom) s.remove_prefix(kBom.size());
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string LineError(size_t line, std::string_view what) {
  return "line " + std::to_string(line) + ": " + std::string(what);
}

// True if `s` (valid UTF-8) contains a CJK ideograph, kana or hangul syllable.
bool ContainsCjk(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : 3;
    uint32_t cp = c & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);
    for (int k = 1; k <= n && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF))
      return true;
    i += n + 1;
  }
  return false;
}

// A language tag such as "zh", "en", "zh-hant": 2-16 ASCII letters, digits or '-'.
bool IsValidLanguage(std::string_view s) {
  if (s.size() < 2 || s.size() > 16) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// Cleans one short text field: strips control characters and whitespace.
std::string CleanField(std::string_view s) { return std::string(TrimWhitespace(StripControl(s))); }

void AddUnique(std::vector<std::string>& list, std::string item) {
  if (item.empty()) return;
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

// Validates and normalises a parsed article. REQUIRES: every field is valid UTF-8.
// Errors are prefixed with `where` ("line 1: ", "row 3: ").
Status FinalizeArticle(domain::Article& a, const std::string& where) {
  a.title = CleanField(a.title);
  if (a.title.empty()) return InvalidArgument(where + "missing title");
  if (Utf8Length(a.title) > kMaxTitleCodePoints)
    return InvalidArgument(where + "title longer than " + std::to_string(kMaxTitleCodePoints) +
                           " characters");
  std::string body = StripControl(a.body);
  a.body = std::string(TrimWhitespace(body));
  if (a.body.empty()) return InvalidArgument(where + "empty body");
  if (Utf8Length(a.body) > kMaxBodyCodePoints)
    return InvalidArgument(where + "body longer than " + std::to_string(kMaxBodyCodePoints) +
                           " characters");

  std::vector<std::string> questions;
  for (const auto& q : a.questions) AddUnique(questions, CleanField(q));
  if (questions.size() > kMaxQuestions)
    return InvalidArgument(where + "more than " + std::to_string(kMaxQuestions) + " questions");
  for (const auto& q : questions)
    if (Utf8Length(q) > kMaxQuestionCodePoints)
      return InvalidArgument(where + "question longer than " +
                             std::to_string(kMaxQuestionCodePoints) + " characters");
  a.questions = std::move(questions);

  std::vector<std::string> tags;
  for (const auto& t : a.tags) AddUnique(tags, CleanField(t));
  if (tags.size() > kMaxTags)
    return InvalidArgument(where + "more than " + std::to_string(kMaxTags) + " tags");
  for (const auto& t : tags)
    if (Utf8Length(t) > kMaxTagCodePoints)
      return InvalidArgument(where + "tag longer than " + std::to_string(kMaxTagCodePoints) +
                             " characters");
  a.tags = std::move(tags);

  a.language = Lower(CleanField(a.language));
  if (a.language.empty()) a.language = ContainsCjk(a.title) ? "zh" : "en";
  if (!IsValidLanguage(a.language))
    return InvalidArgument(where + "invalid language '" + std::string(Utf8Prefix(a.language, 20)) +
                           "'");
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Markdown front matter.

// Splits text into lines without their terminators (LF or CRLF).
std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    size_t end = nl == std::string_view::npos ? s.size() : nl;
    std::string_view line = s.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

bool IsFence(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line == "---";
}

// Parses a possibly quoted scalar. "..." supports \" \\ \n \t escapes; '...' supports ''.
Result<std::string> ParseScalar(std::string_view raw, size_t line) {
  std::string_view s = TrimWhitespace(raw);
  if (s.empty() || (s[0] != '"' && s[0] != '\'')) return std::string(s);
  const char q = s[0];
  std::string out;
  size_t i = 1;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == q) {
      if (q == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
        out.push_back('\'');
        ++i;
        continue;
      }
      break;
    }
    if (q == '"' && c == '\\' && i + 1 < s.size()) {
      char e = s[++i];
      out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
      continue;
    }
    out.push_back(c);
  }
  if (i >= s.size()) return InvalidArgument(LineError(line, "unterminated quoted value"));
  if (!TrimWhitespace(s.substr(i + 1)).empty())
    return InvalidArgument(LineError(line, "unexpected text after closing quote"));
  return out;
}

// Parses "[a, 'b, c', d]". REQUIRES: s starts with '['.
Result<std::vector<std::string>> ParseInlineList(std::string_view s, size_t line) {
  s = TrimWhitespace(s);
  if (s.size() < 2 || s.back() != ']')
    return InvalidArgument(LineError(line, "inline list must end with ']'"));
  s = s.substr(1, s.size() - 2);
  std::vector<std::string> items;
  size_t start = 0;
  char quote = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && quote != 0) {
      if (s[i] == quote) quote = 0;
      continue;
    }
    if (i < s.size() && (s[i] == '"' || s[i] == '\'') &&
        TrimWhitespace(s.substr(start, i - start)).empty()) {
      quote = s[i];
      continue;
    }
    if (i == s.size() || s[i] == ',') {
      LINGXI_ASSIGN_OR_RETURN(std::string item, ParseScalar(s.substr(start, i - start), line));
      if (!item.empty()) items.push_back(std::move(item));
      start = i + 1;
    }
  }
  if (quote != 0) return InvalidArgument(LineError(line, "unterminated quoted value"));
  return items;
}

struct FrontMatterValue {
  size_t line = 0;
  bool is_list = false;
  std::string scalar;
  std::vector<std::string> list;
};

bool IsKnownKey(std::string_view k) {
  return k == "title" || k == "language" || k == "tags" || k == "questions";
}

bool IsValidKey(std::string_view k) {
  return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// Returns the 1-based number of the first line holding invalid UTF-8.
size_t FirstInvalidUtf8Line(const std::vector<std::string_view>& lines) {
  for (size_t i = 0; i < lines.size(); ++i)
    if (!IsValidUtf8(lines[i])) return i + 1;
  return lines.size();
}

// Parses the front-matter lines [1, end) into known keys. Unknown keys (and their lists) are
// skipped.
Status ParseFrontMatter(const std::vector<std::string_view>& lines, size_t end,
                        std::vector<std::pair<std::string, FrontMatterValue>>& out) {
  FrontMatterValue* current = nullptr;  // key awaiting block-list items
  bool skipping = false;                // current key is unknown: swallow its items
  for (size_t i = 1; i < end; ++i) {
    const size_t line_no = i + 1;
    std::string_view t = TrimWhitespace(lines[i]);
    if (t.empty() || t[0] == '#') continue;
    if (t == "-" || t.substr(0, 2) == "- ") {
      if (skipping) continue;
      if (current == nullptr) return InvalidArgument(LineError(line_no, "list item without a key"));
      LINGXI_ASSIGN_OR_RETURN(std::string item, ParseScalar(t.substr(1), line_no));
      current->is_list = true;
      if (!item.empty()) current->list.push_back(std::move(item));
      continue;
    }
    if (lines[i][0] == ' ' || lines[i][0] == '\t') {
      if (skipping) continue;  // nested structure under an unknown key
      return InvalidArgument(
          LineError(line_no, "unsupported YAML (expected 'key: value' or '- item')"));
    }
    size_t colon = t.find(':');
    if (colon == std::string_view::npos)
      return InvalidArgument(LineError(line_no, "expected 'key: value'"));
    std::string key = Lower(TrimWhitespace(t.substr(0, colon)));
    if (!IsValidKey(key)) return InvalidArgument(LineError(line_no, "invalid key"));
    std::string_view value = TrimWhitespace(t.substr(colon + 1));
    current = nullptr;
    skipping = !IsKnownKey(key);
    if (skipping) continue;
    for (const auto& [k, v] : out)
      if (k == key) return InvalidArgument(LineError(line_no, "duplicate key '" + key + "'"));
    FrontMatterValue v;
    v.line = line_no;
    if (!value.empty() && value[0] == '[') {
      LINGXI_ASSIGN_OR_RETURN(v.list, ParseInlineList(value, line_no));
      v.is_list = true;
    } else {
      LINGXI_ASSIGN_OR_RETURN(v.scalar, ParseScalar(value, line_no));
    }
    out.emplace_back(std::move(key), std::move(v));
    if (value.empty()) current = &out.back().second;
  }
  return Status::Ok();
}

std::vector<std::string> SplitAny(std::string_view s, std::string_view seps) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || seps.find(s[i]) != std::string_view::npos) {
      std::string item = CleanField(s.substr(start, i - start));
      if (!item.empty()) out.push_back(std::move(item));
      start = i + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Files.

Result<std::string> ReadFile(const fs::path& p, size_t max_bytes) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  if (ec) return Internal(p.string() + ": cannot stat: " + ec.message());
  if (size > max_bytes)
    return InvalidArgument(p.string() + ": file larger than " + std::to_string(max_bytes) +
                           " bytes");
  std::ifstream in(p, std::ios::binary);
  if (!in) return Internal(p.string() + ": cannot open");
  std::string data(static_cast<size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  data.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) return Internal(p.string() + ": read error");
  return data;
}

bool HasExtension(const fs::path& p, std::string_view ext) {
  return Lower(p.extension().string()) == ext;
}

Status WithFile(const fs::path& p, const Status& s) {
  return Status(s.code(), p.string() + ": " + s.message());
}

}  // namespace

Result<domain::Article> ParseMarkdownArticle(std::string_view text) {
  if (text.size() > kMaxArticleFileBytes)
    return InvalidArgument("article larger than " + std::to_string(kMaxArticleFileBytes) +
                           " bytes");
  text = StripBom(text);
  const std::vector<std::string_view> lines = SplitLines(text);
  if (!IsValidUtf8(text))
    return InvalidArgument(LineError(FirstInvalidUtf8Line(lines), "invalid UTF-8"));
  if (!IsFence(lines[0]))
    return InvalidArgument(LineError(1, "missing front matter (expected '---')"));
  size_t close = 1;
  while (close < lines.size() && !IsFence(lines[close])) ++close;
  if (close == lines.size())
    return InvalidArgument(LineError(1, "front matter is not closed by '---'"));

  std::vector<std::pair<std::string, FrontMatterValue>> fields;
  LINGXI_RETURN_IF_ERROR(ParseFrontMatter(lines, close, fields));

  domain::Article a;
  std::string where = "line 1: ";
  for (auto& [key, v] : fields) {
    if (key == "title" || key == "language") {
      if (v.is_list) return InvalidArgument(LineError(v.line, key + " must be a single value"));
      (key == "title" ? a.title : a.language) = std::move(v.scalar);
      if (key == "title") where = "line " + std::to_string(v.line) + ": ";
    } else {
      auto& dst = key == "tags" ? a.tags : a.questions;
      if (v.is_list) {
        dst = std::move(v.list);
      } else if (!v.scalar.empty()) {
        dst.push_back(std::move(v.scalar));
      }
    }
  }
  for (size_t i = close + 1; i < lines.size(); ++i) {
    a.body.append(lines[i]);
    if (i + 1 < lines.size()) a.body.push_back('\n');
  }
  if (a.body.empty() || TrimWhitespace(a.body).empty())
    return InvalidArgument(LineError(close + 1, "empty body"));
  LINGXI_RETURN_IF_ERROR(FinalizeArticle(a, where));
  return a;
}

Result<std::vector<domain::Article>> ParseCsvArticles(std::string_view text) {
  if (text.size() > kMaxCsvFileBytes)
    return InvalidArgument("CSV larger than " + std::to_string(kMaxCsvFileBytes) + " bytes");
  LINGXI_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsvRecords(StripBom(text)));
  if (records.empty()) return InvalidArgument("row 1: missing header row");

  const CsvRecord& header = records[0];
  std::optional<size_t> col_question, col_answer, col_title, col_tags, col_language, col_questions;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& raw = header.fields[i];
    if (!IsValidUtf8(raw)) return InvalidArgument("row 1: invalid UTF-8");
    std::string name = Lower(TrimWhitespace(raw));
    std::optional<size_t>* slot = name == "question"    ? &col_question
                                  : name == "answer"    ? &col_answer
                                  : name == "title"     ? &col_title
                                  : name == "tags"      ? &col_tags
                                  : name == "language"  ? &col_language
                                  : name == "questions" ? &col_questions
                                                        : nullptr;
    if (slot == nullptr) continue;
    if (slot->has_value()) return InvalidArgument("row 1: duplicate column '" + name + "'");
    *slot = i;
  }
  if (!col_question) return InvalidArgument("row 1: missing required column 'question'");
  if (!col_answer) return InvalidArgument("row 1: missing required column 'answer'");

  std::vector<domain::Article> articles;
  for (size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    const std::string where = "row " + std::to_string(rec.row) + ": ";
    if (rec.fields.size() != header.fields.size())
      return InvalidArgument(where + "expected " + std::to_string(header.fields.size()) +
                             " fields, got " + std::to_string(rec.fields.size()));
    for (const auto& f : rec.fields)
      if (!IsValidUtf8(f)) return InvalidArgument(where + "invalid UTF-8");
    auto get = [&](const std::optional<size_t>& col) -> std::string_view {
      return col ? std::string_view(rec.fields[*col]) : std::string_view();
    };
    domain::Article a;
    std::string question = CleanField(get(col_question));
    if (question.empty()) return InvalidArgument(where + "empty question");
    a.title = CleanField(get(col_title));
    if (a.title.empty()) a.title = question;
    a.body = std::string(get(col_answer));
    a.language = std::string(get(col_language));
    a.tags = SplitAny(get(col_tags), "|;");
    a.questions.push_back(std::move(question));
    for (auto& q : SplitAny(get(col_questions), "|")) a.questions.push_back(std::move(q));
    LINGXI_RETURN_IF_ERROR(FinalizeArticle(a, where));
    articles.push_back(std::move(a));
  }
  return articles;
}

Result<std::vector<domain::Article>> LoadArticles(
    const std::string& path, const std::function<void(size_t, size_t)>& on_progress) {
  const fs::path root(path);
  std::error_code ec;
  const auto st = fs::status(root, ec);
  if (ec || !fs::exists(st)) return NotFound(path + ": no such file or directory");

  std::vector<fs::path> files;
  if (fs::is_directory(st)) {
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code entry_ec;  // a broken link or vanished file is skipped, not fatal
      if (!it->is_regular_file(entry_ec) || !HasExtension(it->path(), ".md")) continue;
      if (files.size() >= kMaxDirectoryFiles)
        return ResourceExhausted(path + ": more than " + std::to_string(kMaxDirectoryFiles) +
                                 " article files");
      files.push_back(it->path());
    }
    if (ec) return Internal(path + ": cannot list directory: " + ec.message());
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(st) && HasExtension(root, ".csv")) {
    LINGXI_ASSIGN_OR_RETURN(std::string data, ReadFile(root, kMaxCsvFileBytes));
    auto parsed = ParseCsvArticles(data);
    if (!parsed.ok()) return WithFile(root, parsed.status());
    if (on_progress) on_progress(1, 1);
    return parsed;
  } else if (fs::is_regular_file(st) && HasExtension(root, ".md")) {
    files.push_back(root);
  } else {
    return InvalidArgument(path + ": expected a directory, a .csv or a .md file");
  }

  std::vector<domain::Article> articles;
  articles.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    LINGXI_ASSIGN_OR_RETURN(std::string data, ReadFile(files[i], kMaxArticleFileBytes));
    auto parsed = ParseMarkdownArticle(data);
    if (!parsed.ok()) return WithFile(files[i], parsed.status());
    articles.push_back(std::move(parsed).value());
    if (on_progress) on_progress(i + 1, files.size());
  }
  return articles;
}

}  // namespace lingxi::kb

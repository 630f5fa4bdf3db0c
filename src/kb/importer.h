// Knowledge-base importer: turns untrusted Markdown and CSV files into domain::Article values.
//
// Pure parsing plus (in LoadArticles) blocking filesystem reads; no global state, so every
// function is thread-safe. Returned articles have id/account_id/timestamps left at 0: the
// caller assigns them when storing. All input is validated (UTF-8, sizes, counts) and
// malformed input yields InvalidArgument, never a crash.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/types.h"

namespace lingxi::kb {

// Limits applied to every imported article.
inline constexpr size_t kMaxTitleCodePoints = 200;
inline constexpr size_t kMaxBodyCodePoints = 20000;
inline constexpr size_t kMaxQuestions = 50;
inline constexpr size_t kMaxQuestionCodePoints = 500;
inline constexpr size_t kMaxTags = 20;
inline constexpr size_t kMaxTagCodePoints = 64;
inline constexpr size_t kMaxArticleFileBytes = 1 << 20;  // one Markdown article file
inline constexpr size_t kMaxCsvFileBytes = 16 << 20;     // one CSV file (many articles)
inline constexpr size_t kMaxDirectoryFiles = 10000;

// Parses one Markdown article with front matter:
//   ---
//   title: 包裹显示已签收但没收到怎么办
//   language: zh
//   tags: [delivery, 签收]
//   questions:
//     - 快递显示签收了但我没收到
//   ---
//   Markdown body...
// Supported YAML subset: `key: value` scalars (optionally "double" or 'single' quoted),
// inline `[a, b]` lists and block `- item` lists; `#` comment lines. Unknown keys are ignored.
// Known keys: title (required), language, tags, questions. The body (text after the closing
// `---`, trimmed) must be non-empty. language defaults to "zh" if the title contains CJK, else
// "en". Accepts a UTF-8 BOM and CRLF line endings. Text fields are trimmed and stripped of
// control characters other than \n and \t (so the body comes back with LF endings); empty and
// duplicate questions/tags are dropped.
// Errors: InvalidArgument whose message starts with "line N: " where the line is known.
Result<domain::Article> ParseMarkdownArticle(std::string_view text);

// Parses an RFC 4180 CSV (quoted fields, "" escapes, embedded commas/newlines, optional UTF-8
// BOM, CRLF or LF) with a header row. Columns (case-insensitive): question, answer (required);
// title (defaults to question), tags (separated by | or ;), language, questions (alternative
// phrasings separated by |). Unknown columns are ignored, blank lines skipped. Each data row
// becomes one Article whose body is the answer and whose questions are the row's question
// followed by the alternatives (duplicates removed).
// Errors: InvalidArgument whose message starts with "row N: " (the header is row 1).
Result<std::vector<domain::Article>> ParseCsvArticles(std::string_view text);

// Loads `path`: a directory (every *.md file, recursively, in path order), a .csv file or a
// single .md file. `on_progress(done, total)` is called after each file (may be empty).
// Errors: NotFound (path missing), InvalidArgument (unsupported file type, too large or
// malformed; the message names the file and line/row), ResourceExhausted (too many files),
// Internal (read failure).
Result<std::vector<domain::Article>> LoadArticles(
    const std::string& path, const std::function<void(size_t, size_t)>& on_progress);

}  // namespace lingxi::kb

// RFC 4180 CSV reader for imports: quoted fields, "" escapes, embedded commas and newlines,
// CRLF or LF. Pure function; thread-safe. Internal to kb/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lingxi::kb::internal {

struct CsvRecord {
  size_t row = 0;  // 1-based record number (header = 1)
  std::vector<std::string> fields;
};

// Splits `s` into records (blank lines skipped). REQUIRES: no BOM (strip it first).
// Errors: InvalidArgument naming the row (unterminated quote, stray quote).
Result<std::vector<CsvRecord>> ParseCsvRecords(std::string_view s);

}  // namespace lingxi::kb::internal

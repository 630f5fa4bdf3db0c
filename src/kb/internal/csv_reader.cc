#include "kb/internal/csv_reader.h"

namespace lingxi::kb::internal {

Result<std::vector<CsvRecord>> ParseCsvRecords(std::string_view s) {
  std::vector<CsvRecord> records;
  CsvRecord rec;
  rec.row = 1;
  std::string field;
  size_t row = 1;
  size_t i = 0;
  auto end_record = [&] {
    rec.fields.push_back(std::move(field));
    field.clear();
    bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
    if (!blank) records.push_back(std::move(rec));
    rec = CsvRecord{};
    rec.row = ++row;
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == '"' && field.empty()) {
      // Quoted field: runs to the matching quote; "" is a literal quote.
      ++i;
      for (;;) {
        if (i >= s.size())
          return InvalidArgument("row " + std::to_string(rec.row) + ": unterminated quoted field");
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(s[i++]);
      }
      if (i < s.size() && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
        return InvalidArgument("row " + std::to_string(rec.row) +
                               ": unexpected character after closing quote");
      if (i < s.size() && s[i] == ',') {
        rec.fields.push_back(std::move(field));
        field.clear();
        ++i;
      }
      continue;
    }
    if (c == '"')
      return InvalidArgument("row " + std::to_string(rec.row) + ": quote inside unquoted field");
    if (c == ',') {
      rec.fields.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (c == '\r' || c == '\n') {
      i += (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
      end_record();
    } else {
      field.push_back(c);
      ++i;
    }
  }
  if (!field.empty() || !rec.fields.empty()) end_record();
  return records;
}

}  // namespace lingxi::kb::internal

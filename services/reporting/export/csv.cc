#include "services/reporting/export/csv.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace duban::reporting::exports {

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

std::string CsvDocument(const std::vector<std::vector<std::string>>& rows) {
  std::string csv = kUtf8ByteOrderMark;
  for (const std::vector<std::string>& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) csv += ',';
      csv += CsvField(row[i]);
    }
    csv += "\r\n";
  }
  return csv;
}

}  // namespace duban::reporting::exports

// CSV as spreadsheets read it: a UTF-8 byte order mark first (so Chinese shows
// correctly), CRLF line ends, fields quoted when they hold a comma, a quote or a
// line break.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_CSV_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_CSV_H_

#include <string>
#include <vector>

namespace duban::reporting::exports {

inline constexpr char kUtf8ByteOrderMark[] = "\xEF\xBB\xBF";

// One field: unchanged, or in double quotes with inner quotes doubled.
std::string CsvField(const std::string& text);

// The whole document: the byte order mark, then each row on its own line.
std::string CsvDocument(const std::vector<std::vector<std::string>>& rows);

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_CSV_H_

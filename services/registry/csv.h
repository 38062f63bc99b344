// A CSV reader for the files a spreadsheet saves ("CSV UTF-8"): RFC 4180
// quoting (commas, doubled quotes and line breaks inside quoted cells), CRLF
// or LF line ends, an optional UTF-8 byte order mark. Text in another
// encoding is refused rather than guessed at. Pure functions; thread-safe.
#ifndef DUBAN_SERVICES_REGISTRY_CSV_H_
#define DUBAN_SERVICES_REGISTRY_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace duban::registry {

struct CsvCell {
  std::string text;
  // Where the cell starts: physical line (1-based) and column (1-based cell index).
  int line = 0;
  int column = 0;
};

struct CsvRecord {
  // The physical line the record starts on (1-based).
  int line = 0;
  std::vector<CsvCell> cells;

  // True when every cell is empty after trimming (a spreadsheet's blank row).
  bool Blank() const;
};

// INVALID_ARGUMENT "csv: not UTF-8 (line L, byte B); ..." when `bytes` holds an
// invalid UTF-8 sequence: B is the offending byte's position within line L
// (1-based). When the file is well-formed GBK, the message says so.
// Also INVALID_ARGUMENT "csv: line L, byte B: control character 0xNN; ..." for
// a control character other than tab, CR and LF (a NUL would corrupt names).
absl::Status CheckUtf8(std::string_view bytes);

// Splits `bytes` into records. Strips a leading byte order mark, checks the
// encoding (CheckUtf8), and returns INVALID_ARGUMENT naming the line and
// column for a quoted cell that is never closed or text after a closing quote.
// Cells are returned as written (not trimmed); an empty final line is dropped.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view bytes);

// Removes leading and trailing ASCII whitespace and U+3000 (ideographic space).
std::string_view TrimCell(std::string_view text);

}  // namespace duban::registry

#endif  // DUBAN_SERVICES_REGISTRY_CSV_H_

// Reads back what an XLSX export holds, for tests: the archive's entries and the text of a
// sheet's cells. Uses the `unzip` program.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_TESTING_XLSX_READER_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_TESTING_XLSX_READER_H_

#include <map>
#include <string>
#include <vector>

namespace duban::reporting::exports::testing {

// The names of the archive's entries, in archive order.
std::vector<std::string> ZipEntries(const std::string& xlsx);

// One entry's bytes ("" when absent).
std::string ZipEntry(const std::string& xlsx, const std::string& entry);

// The cells of sheet `sheet_number` (1 = the first) holding a value, by reference ("A1"):
// strings as text, numbers as written in the XML.
std::map<std::string, std::string> SheetCells(const std::string& xlsx, int sheet_number);

// Row `row` (1 = the first) of `cells` from column A, `columns` cells wide; "" where empty.
std::vector<std::string> RowValues(const std::map<std::string, std::string>& cells, int row,
                                   int columns);

}  // namespace duban::reporting::exports::testing

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_TESTING_XLSX_READER_H_

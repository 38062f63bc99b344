// A libxlsxwriter workbook written to a private temporary file and read back as
// bytes, with the cell formats and print setup every export shares.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_XLSX_WORKBOOK_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_XLSX_WORKBOOK_H_

#include <xlsxwriter.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace duban::reporting::exports {

// The formats of a printed form, owned by the workbook.
struct XlsxFormats {
  lxw_format* title = nullptr;     // large, bold, centred
  lxw_format* subtitle = nullptr;  // the unit and period line, left
  lxw_format* header = nullptr;    // bold, centred, wrapped, bordered
  lxw_format* text = nullptr;      // wrapped, top-left, bordered
  lxw_format* centred = nullptr;   // wrapped, centred, bordered
  lxw_format* number = nullptr;    // integer, bordered
  lxw_format* percent = nullptr;   // "0.0%", bordered
  lxw_format* footer = nullptr;    // the footer line, left, no border
  lxw_format* notes = nullptr;     // the rules under a form: small, wrapped, top-left, no border
};

// One workbook. Not thread safe; use one per export.
class XlsxWorkbook {
 public:
  // Creates the workbook on a new, uniquely named file in $TMPDIR (else /tmp).
  // INTERNAL when the file cannot be created.
  static absl::StatusOr<std::unique_ptr<XlsxWorkbook>> Create();

  // Removes the temporary file, whether or not Finish was called.
  ~XlsxWorkbook();
  XlsxWorkbook(const XlsxWorkbook&) = delete;
  XlsxWorkbook& operator=(const XlsxWorkbook&) = delete;

  lxw_workbook* workbook() { return workbook_; }
  const XlsxFormats& formats() const { return formats_; }

  // Adds a sheet named `name` (at most 31 characters, unique in the workbook).
  lxw_worksheet* AddSheet(const std::string& name);

  // Writes the workbook and returns the XLSX bytes. Call once; INTERNAL on a write error.
  absl::StatusOr<std::string> Finish();

 private:
  XlsxWorkbook(std::string path, lxw_workbook* workbook);
  void AddFormats();

  std::string path_;
  lxw_workbook* workbook_;
  XlsxFormats formats_;
};

// Print setup of a form: A4 landscape, fitted to one page wide, rows
// [first_header_row, last_header_row] repeated on every page, `footer` (plain text, at most
// about 80 characters) printed at the left of each page's foot with the page number at the right.
void SetFormPrintSetup(lxw_worksheet* sheet, int first_header_row, int last_header_row,
                       const std::string& footer);

// Sets the widths of columns 0.. in character cells.
void SetColumnWidths(lxw_worksheet* sheet, const std::vector<double>& widths);

// Writes `cells` from column 0 of `row` with `format`, and sizes the row so that each wrapped
// cell shows all its lines.
void WriteTextRow(lxw_worksheet* sheet, int row, const std::vector<std::string>& cells,
                  const std::vector<double>& widths, lxw_format* format);

// Writes `text` into row `row` merged across columns [0, widths.size()), wrapped, and sizes the
// row to show all of it.
void WriteMergedText(lxw_worksheet* sheet, int row, const std::string& text,
                     const std::vector<double>& widths, lxw_format* format);

// The row height (points) that shows `lines` lines of text.
double RowHeightForLines(int lines);

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_XLSX_WORKBOOK_H_

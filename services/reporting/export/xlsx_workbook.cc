#include "services/reporting/export/xlsx_workbook.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/reporting/export/cell_text.h"

namespace duban::reporting::exports {
namespace {

constexpr char kFont[] = "宋体";
constexpr uint8_t kPaperA4 = 9;

lxw_format* NewFormat(lxw_workbook* workbook, double size) {
  lxw_format* format = workbook_add_format(workbook);
  format_set_font_name(format, kFont);
  format_set_font_size(format, size);
  format_set_align(format, LXW_ALIGN_VERTICAL_CENTER);
  return format;
}

lxw_format* Bordered(lxw_format* format) {
  format_set_border(format, LXW_BORDER_THIN);
  format_set_text_wrap(format);
  return format;
}

std::string TemporaryDirectory() {
  const char* dir = getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

}  // namespace

absl::StatusOr<std::unique_ptr<XlsxWorkbook>> XlsxWorkbook::Create() {
  std::string path = absl::StrCat(TemporaryDirectory(), "/duban-export-XXXXXX.xlsx");
  const int fd = mkstemps(path.data(), 5);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot create a file like ", path));
  close(fd);
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) {
    unlink(path.c_str());
    return absl::InternalError(absl::StrCat("cannot start a workbook at ", path));
  }
  return std::unique_ptr<XlsxWorkbook>(new XlsxWorkbook(std::move(path), workbook));
}

XlsxWorkbook::XlsxWorkbook(std::string path, lxw_workbook* workbook)
    : path_(std::move(path)), workbook_(workbook) {
  AddFormats();
}

XlsxWorkbook::~XlsxWorkbook() {
  if (workbook_ != nullptr) workbook_close(workbook_);
  unlink(path_.c_str());
}

void XlsxWorkbook::AddFormats() {
  formats_.title = NewFormat(workbook_, 18);
  format_set_bold(formats_.title);
  format_set_align(formats_.title, LXW_ALIGN_CENTER);
  formats_.subtitle = NewFormat(workbook_, 11);
  formats_.header = Bordered(NewFormat(workbook_, 11));
  format_set_bold(formats_.header);
  format_set_align(formats_.header, LXW_ALIGN_CENTER);
  formats_.text = Bordered(NewFormat(workbook_, 10.5));
  formats_.centred = Bordered(NewFormat(workbook_, 10.5));
  format_set_align(formats_.centred, LXW_ALIGN_CENTER);
  formats_.number = Bordered(NewFormat(workbook_, 10.5));
  format_set_num_format(formats_.number, "0");
  formats_.percent = Bordered(NewFormat(workbook_, 10.5));
  format_set_num_format(formats_.percent, "0.0%");
  formats_.footer = NewFormat(workbook_, 11);
  formats_.notes = NewFormat(workbook_, 9);
  format_set_text_wrap(formats_.notes);
  format_set_align(formats_.notes, LXW_ALIGN_VERTICAL_TOP);
}

lxw_worksheet* XlsxWorkbook::AddSheet(const std::string& name) {
  return workbook_add_worksheet(workbook_, name.c_str());
}

absl::StatusOr<std::string> XlsxWorkbook::Finish() {
  const lxw_error error = workbook_close(workbook_);
  workbook_ = nullptr;
  if (error != LXW_NO_ERROR) {
    return absl::InternalError(absl::StrCat("writing the workbook: ", lxw_strerror(error)));
  }
  std::ifstream in(path_, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string xlsx = bytes.str();
  if (!in.good() || xlsx.empty()) return absl::InternalError(absl::StrCat("reading back ", path_));
  return xlsx;
}

void SetFormPrintSetup(lxw_worksheet* sheet, int first_header_row, int last_header_row,
                       const std::string& footer) {
  worksheet_set_paper(sheet, kPaperA4);
  worksheet_set_landscape(sheet);
  worksheet_fit_to_pages(sheet, 1, 0);
  worksheet_center_horizontally(sheet);
  worksheet_set_margins(sheet, 0.5, 0.5, 0.6, 0.8);
  worksheet_repeat_rows(sheet, first_header_row, last_header_row);
  const std::string escaped = absl::StrReplaceAll(footer, {{"&", "&&"}});
  const std::string page_footer = absl::StrCat("&L", escaped, "&R第 &P 页 共 &N 页");
  if (page_footer.size() <= LXW_HEADER_FOOTER_MAX) {
    worksheet_set_footer(sheet, page_footer.c_str());
  } else {
    worksheet_set_footer(sheet, "&R第 &P 页 共 &N 页");
  }
}

void SetColumnWidths(lxw_worksheet* sheet, const std::vector<double>& widths) {
  for (size_t col = 0; col < widths.size(); ++col) {
    worksheet_set_column(sheet, col, col, widths[col], nullptr);
  }
}

void WriteTextRow(lxw_worksheet* sheet, int row, const std::vector<std::string>& cells,
                  const std::vector<double>& widths, lxw_format* format) {
  int lines = 1;
  for (size_t col = 0; col < cells.size(); ++col) {
    worksheet_write_string(sheet, row, col, cells[col].c_str(), format);
    if (col < widths.size()) lines = std::max(lines, WrappedLines(cells[col], widths[col]));
  }
  worksheet_set_row(sheet, row, RowHeightForLines(lines), nullptr);
}

void WriteMergedText(lxw_worksheet* sheet, int row, const std::string& text,
                     const std::vector<double>& widths, lxw_format* format) {
  double width = 0;
  for (double column : widths) width += column;
  worksheet_merge_range(sheet, row, 0, row, widths.size() - 1, text.c_str(), format);
  worksheet_set_row(sheet, row, RowHeightForLines(WrappedLines(text, width)), nullptr);
}

double RowHeightForLines(int lines) { return 6 + 14.5 * std::max(1, lines); }

}  // namespace duban::reporting::exports

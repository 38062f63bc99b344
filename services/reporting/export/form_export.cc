#include "services/reporting/export/form_export.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/reporting/export/cell_text.h"
#include "services/reporting/export/xlsx_workbook.h"

namespace duban::reporting::exports {
namespace {

constexpr char kGap[] = "　　";  // two ideographic spaces between the parts of a line

const std::vector<double> kForm3Widths = {5, 9, 10, 11, 20, 30, 12, 11, 10, 24, 24, 12};
const std::vector<double> kForm4Widths = {5, 28, 26, 26, 12, 26, 12};

// Form 3's columns by index.
enum Form3Column { kItemColumn = 5, kLeadUnitColumn = 8, kLastForm3Column = 11 };
// The columns of the source document (leader, drafting unit, date, title, lead unit): one value
// per section, merged down its rows.
constexpr int kSectionColumns[] = {1, 2, 3, 4, kLeadUnitColumn};

std::string DocumentText(const v1::ReportSection& section) {
  if (section.document_number().empty()) return section.document_title();
  return absl::StrCat(section.document_title(), "（", section.document_number(), "）");
}

void WriteTitleLines(lxw_worksheet* sheet, const XlsxFormats& formats, const char* title,
                     const std::string& unit_line, int last_column) {
  worksheet_merge_range(sheet, 0, 0, 0, last_column, title, formats.title);
  worksheet_set_row(sheet, 0, 36, nullptr);
  worksheet_merge_range(sheet, 1, 0, 1, last_column, unit_line.c_str(), formats.subtitle);
  worksheet_set_row(sheet, 1, 22, nullptr);
}

void WriteFooterLine(lxw_worksheet* sheet, const XlsxFormats& formats, int row,
                     const std::string& footer, int last_column) {
  worksheet_merge_range(sheet, row, 0, row, last_column, footer.c_str(), formats.footer);
  worksheet_set_row(sheet, row, 24, nullptr);
}

// The two header rows (sheet rows 3 and 4): single headings merged down both rows, "调度事项"
// over its three columns.
void WriteForm3Headers(lxw_worksheet* sheet, const XlsxFormats& formats) {
  for (int col = 0; col <= kLastForm3Column; ++col) {
    if (col >= kItemColumn && col < kLeadUnitColumn) {
      worksheet_write_string(sheet, 3, col, kForm3Columns[col], formats.header);
    } else {
      worksheet_merge_range(sheet, 2, col, 3, col, kForm3Columns[col], formats.header);
    }
  }
  worksheet_merge_range(sheet, 2, kItemColumn, 2, kLeadUnitColumn - 1, "调度事项（逐项列出）",
                        formats.header);
  worksheet_set_row(sheet, 2, 22, nullptr);
  worksheet_set_row(sheet, 3, 36, nullptr);
}

std::vector<std::string> Form3Cells(int number, const v1::ReportSection& section,
                                    const v1::ReportRow& row, const std::string& unit_name,
                                    const ExportNames& names) {
  const bool done = row.completed();
  return {absl::StrCat(number),
          names.LeaderName(section.leader_id()),
          unit_name,
          DateText(section.dispatch_date()),
          DocumentText(section),
          row.content(),
          UnitNamesText(row.responsible_unit_ids(), names),
          DeadlineInForceText(row.deadline(), row.original_deadline(), names.zone),
          unit_name,
          done ? (row.remarks().empty() ? "已完成" : row.remarks()) : "",
          done ? "" : (row.remarks().empty() ? "未完成" : row.remarks()),
          done ? "" : DateText(row.planned_completion_date())};
}

// The document's columns hold one value for all its rows: merge them down the section.
void MergeSectionCells(lxw_worksheet* sheet, const XlsxFormats& formats, int first_row,
                       int last_row, const std::vector<std::string>& cells) {
  if (first_row == last_row) return;
  for (int col : kSectionColumns) {
    worksheet_merge_range(sheet, first_row, col, last_row, col, cells[col].c_str(),
                          col == 4 ? formats.text : formats.centred);
  }
}

std::string Form4Status(const v1::ReportRow& row) {
  if (row.completed()) {
    return row.remarks().empty() ? "已完成" : absl::StrCat("已完成：", row.remarks());
  }
  std::string status = row.remarks().empty() ? "未完成" : absl::StrCat("未完成：", row.remarks());
  const std::string planned = DateText(row.planned_completion_date());
  if (!planned.empty()) absl::StrAppend(&status, "\n计划完成时限：", planned);
  return status;
}

std::string Form4SectionLine(const v1::ReportSection& section, const ExportNames& names) {
  return absl::StrCat("交办单：", DocumentText(section), kGap, "调度区领导：",
                      names.LeaderName(section.leader_id()), kGap, "调度时间：",
                      DateText(section.dispatch_date()));
}

}  // namespace

std::string ReportUnitLine(const v1::Report& report, const ExportNames& names) {
  std::string line = absl::StrCat("填报单位（盖章）：", names.UnitName(report.unit_id()), kGap,
                                  "报送期次：", PeriodText(report.period_id()));
  const std::string submitted = InstantText(report.submitted_at(), names.zone);
  if (!submitted.empty()) absl::StrAppend(&line, kGap, "报送时间：", submitted);
  return line;
}

std::string Form3Footer(const v1::Report& report) {
  return absl::StrCat("联络员：", report.liaison_name(), kGap, "联系电话：",
                      report.liaison_phone());
}

std::string Form4Footer(const v1::Report& report) {
  std::set<std::string> dates;
  for (const v1::ReportSection& section : report.sections()) {
    if (section.assignment_sheet()) dates.insert(DateText(section.dispatch_date()));
  }
  const std::string date = dates.size() == 1 ? *dates.begin() : "";
  return absl::StrCat("调度区领导（签字）：", kGap, kGap, "调度时间：", date, kGap, "联络员：",
                      report.liaison_name(), kGap, "联系电话：", report.liaison_phone());
}

absl::StatusOr<std::string> Form3Xlsx(const v1::Report& report, const ExportNames& names) {
  absl::StatusOr<std::unique_ptr<XlsxWorkbook>> book = XlsxWorkbook::Create();
  if (!book.ok()) return book.status();
  const XlsxFormats& formats = (*book)->formats();
  lxw_worksheet* sheet = (*book)->AddSheet("问题清单");
  SetColumnWidths(sheet, kForm3Widths);
  WriteTitleLines(sheet, formats, kForm3Title, ReportUnitLine(report, names), kLastForm3Column);
  WriteForm3Headers(sheet, formats);

  const std::string unit_name = names.UnitName(report.unit_id());
  int row = 4;
  int number = 0;
  for (const v1::ReportSection& section : report.sections()) {
    const int first_row = row;
    std::vector<std::string> cells;
    for (const v1::ReportRow& item : section.rows()) {
      std::vector<std::string> row_cells = Form3Cells(++number, section, item, unit_name, names);
      if (cells.empty()) {
        cells = row_cells;
      } else {
        for (int col : kSectionColumns) row_cells[col].clear();  // merged down from the first row
      }
      WriteTextRow(sheet, row++, row_cells, kForm3Widths, formats.text);
    }
    if (!cells.empty()) MergeSectionCells(sheet, formats, first_row, row - 1, cells);
  }

  WriteMergedText(sheet, row, kForm3Notes, kForm3Widths, formats.notes);
  const std::string footer = Form3Footer(report);
  WriteFooterLine(sheet, formats, row + 1, footer, kLastForm3Column);
  SetFormPrintSetup(sheet, 2, 3, footer);
  worksheet_freeze_panes(sheet, 4, 0);
  return (*book)->Finish();
}

absl::StatusOr<std::string> Form4Xlsx(const v1::Report& report, const ExportNames& names) {
  absl::StatusOr<std::unique_ptr<XlsxWorkbook>> book = XlsxWorkbook::Create();
  if (!book.ok()) return book.status();
  const XlsxFormats& formats = (*book)->formats();
  lxw_worksheet* sheet = (*book)->AddSheet("交办单");
  const int last_column = static_cast<int>(kForm4Widths.size()) - 1;
  SetColumnWidths(sheet, kForm4Widths);
  WriteTitleLines(sheet, formats, kForm4Title, ReportUnitLine(report, names), last_column);
  WriteTextRow(sheet, 2, {std::begin(kForm4Columns), std::end(kForm4Columns)}, kForm4Widths,
               formats.header);

  int row = 3;
  int number = 0;
  for (const v1::ReportSection& section : report.sections()) {
    if (!section.assignment_sheet() || section.rows().empty()) continue;
    worksheet_merge_range(sheet, row, 0, row, last_column, Form4SectionLine(section, names).c_str(),
                          formats.text);
    worksheet_set_row(sheet, row++, 22, nullptr);
    for (const v1::ReportRow& item : section.rows()) {
      WriteTextRow(sheet, row++,
                   {absl::StrCat(++number), item.content(), item.blockers(), item.measures(),
                    UnitNamesText(item.responsible_unit_ids(), names), Form4Status(item),
                    DeadlineInForceText(item.deadline(), item.original_deadline(), names.zone)},
                   kForm4Widths, formats.text);
    }
  }
  if (number == 0) {
    worksheet_merge_range(sheet, row, 0, row, last_column, "本期无交办单事项", formats.centred);
    ++row;
  }

  WriteMergedText(sheet, row, kForm4Notes, kForm4Widths, formats.notes);
  const std::string footer = Form4Footer(report);
  WriteFooterLine(sheet, formats, row + 1, footer, last_column);
  SetFormPrintSetup(sheet, 2, 2, footer);
  worksheet_freeze_panes(sheet, 3, 0);
  return (*book)->Finish();
}

}  // namespace duban::reporting::exports

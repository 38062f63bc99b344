#include "services/reporting/export/circular_export.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/reporting/export/cell_text.h"
#include "services/reporting/export/csv.h"
#include "services/reporting/export/xlsx_workbook.h"

namespace duban::reporting::exports {
namespace {

const std::vector<double> kCircularWidths = {5, 10, 14, 10, 18, 50, 18, 18, 8};
// Where the days overdue are in a line of CircularLines.
constexpr size_t kDaysOverdueColumn = 7;

std::string At(const google::protobuf::RepeatedPtrField<std::string>& texts, int i) {
  return i < texts.size() ? texts.Get(i) : "";
}

std::string IssueLine(const v1::Circular& circular, absl::TimeZone zone) {
  if (circular.state() != v1::CIRCULAR_STATE_ISSUED) return "（草稿，未印发）";
  return absl::StrCat("督导考核组印发", "　　", "印发时间：",
                      InstantText(circular.issued_at(), zone));
}

// A line with the columns after the fifth empty.
std::vector<std::string> Line(std::vector<std::string> first_five) {
  first_five.resize(kCircularWidths.size() - 1);
  return first_five;
}

// The line of the entry's i-th overdue item. A circular issued before overdue items carried
// their deadlines has only ids and contents: the deadline columns stay empty.
std::vector<std::string> OverdueLine(const std::string& month, const std::string& unit,
                                     const v1::CircularEntry& entry, int i, absl::TimeZone zone) {
  std::vector<std::string> line = {month, unit, "逾期事项", entry.overdue_item_ids(i),
                                   At(entry.overdue_item_contents(), i)};
  if (i >= entry.overdue_items_size() ||
      entry.overdue_items(i).item_id() != entry.overdue_item_ids(i)) {
    return Line(std::move(line));
  }
  const v1::OverdueItem& item = entry.overdue_items(i);
  line.push_back(DeadlineText(item.deadline(), zone));
  line.push_back(DeadlineText(item.original_deadline(), zone));
  line.push_back(absl::StrCat(item.days_overdue()));
  return line;
}

}  // namespace

std::vector<std::vector<std::string>> CircularLines(const v1::Circular& circular,
                                                    absl::TimeZone zone) {
  std::vector<std::vector<std::string>> lines;
  const std::string& month = circular.month();
  for (const v1::CircularEntry& entry : circular.entries()) {
    const std::string& unit = entry.unit_name().empty() ? entry.unit_id() : entry.unit_name();
    for (const std::string& period : entry.late_period_ids()) {
      lines.push_back(Line({month, unit, "迟报", period, ""}));
    }
    for (const std::string& period : entry.missing_period_ids()) {
      lines.push_back(Line({month, unit, "漏报", period, ""}));
    }
    for (int i = 0; i < entry.overdue_item_ids_size(); ++i) {
      lines.push_back(OverdueLine(month, unit, entry, i, zone));
    }
    for (int i = 0; i < entry.case_ids_size(); ++i) {
      const common::v1::Rung rung =
          i < entry.case_rungs_size() ? entry.case_rungs(i) : common::v1::RUNG_UNSPECIFIED;
      lines.push_back(
          Line({month, unit, CaseRungText(rung), entry.case_ids(i), At(entry.case_labels(), i)}));
    }
  }
  return lines;
}

std::string CircularCsv(const v1::Circular& circular, absl::TimeZone zone) {
  std::vector<std::vector<std::string>> rows = {
      {std::begin(kCircularColumns), std::end(kCircularColumns)}};
  for (std::vector<std::string>& line : CircularLines(circular, zone)) {
    rows.push_back(std::move(line));
  }
  return CsvDocument(rows);
}

absl::StatusOr<std::string> CircularXlsx(const v1::Circular& circular, absl::TimeZone zone) {
  absl::StatusOr<std::unique_ptr<XlsxWorkbook>> book = XlsxWorkbook::Create();
  if (!book.ok()) return book.status();
  const XlsxFormats& formats = (*book)->formats();
  lxw_worksheet* sheet = (*book)->AddSheet("通报");
  const int last_column = static_cast<int>(kCircularWidths.size()) - 1;
  SetColumnWidths(sheet, kCircularWidths);

  const std::string title = absl::StrCat("调度工作通报（", MonthText(circular.month()), "）");
  worksheet_merge_range(sheet, 0, 0, 0, last_column, title.c_str(), formats.title);
  worksheet_set_row(sheet, 0, 36, nullptr);
  worksheet_merge_range(sheet, 1, 0, 1, last_column, IssueLine(circular, zone).c_str(),
                        formats.subtitle);
  std::vector<std::string> headings = {"序号"};
  headings.insert(headings.end(), std::begin(kCircularColumns), std::end(kCircularColumns));
  WriteTextRow(sheet, 2, headings, kCircularWidths, formats.header);

  int row = 3;
  for (std::vector<std::string>& line : CircularLines(circular, zone)) {
    const std::string days = line[kDaysOverdueColumn];
    line.insert(line.begin(), absl::StrCat(row - 2));
    WriteTextRow(sheet, row, line, kCircularWidths, formats.text);
    int days_overdue = 0;
    if (absl::SimpleAtoi(days, &days_overdue)) {
      worksheet_write_number(sheet, row, kDaysOverdueColumn + 1, days_overdue, formats.number);
    }
    ++row;
  }
  SetFormPrintSetup(sheet, 2, 2, title);
  worksheet_freeze_panes(sheet, 3, 0);
  return (*book)->Finish();
}

}  // namespace duban::reporting::exports

#include "services/registry/sheets.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/registry/csv.h"
#include "services/registry/names.h"

namespace duban::registry {
namespace {

constexpr std::string_view kNumber = "序号";
constexpr std::string_view kLeader = "牵头区领导";
constexpr std::string_view kContent = "调度内容";
constexpr std::string_view kCycle = "调度周期";
constexpr std::string_view kLeadUnits = "牵头单位";
constexpr std::string_view kSupervisor = "办公室挂钩督导领导";
constexpr std::string_view kLiaisons = "办公室调度联络员";

// Debian's Abseil has a string_view type of its own.
absl::string_view Av(std::string_view text) { return {text.data(), text.size()}; }

absl::Status CellError(const CsvCell& cell, std::string_view column, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("csv: line ", cell.line, ", column ", cell.column,
                                                 " (", Av(column), "): ", Av(problem)));
}

// A header cell without its parenthesised suffix: 调度内容（包括但不限于） -> 调度内容.
std::string HeaderKey(std::string_view text) {
  std::string name = NormalizeUnitName(text);
  const size_t open = name.find("\xEF\xBC\x88");
  if (open != std::string::npos && open > 0) name.resize(open);
  return std::string(TrimCell(name));
}

// The records after the header, with the header's column positions by name.
struct Table {
  std::map<std::string, int> columns;
  int width = 0;
  std::vector<const CsvRecord*> rows;
};

absl::StatusOr<Table> ReadTable(const std::vector<CsvRecord>& records,
                                const std::vector<std::string_view>& required) {
  Table table;
  size_t i = 0;
  while (i < records.size() && records[i].Blank()) ++i;
  if (i == records.size()) return absl::InvalidArgumentError("csv: the file is empty");
  const CsvRecord& header = records[i];
  table.width = static_cast<int>(header.cells.size());
  for (const CsvCell& cell : header.cells) {
    table.columns.emplace(HeaderKey(cell.text), cell.column - 1);
  }
  for (std::string_view name : required) {
    if (!table.columns.contains(std::string(name))) {
      return absl::InvalidArgumentError(
          absl::StrCat("csv: line ", header.line, ": missing column ", Av(name)));
    }
  }
  for (++i; i < records.size(); ++i) {
    const CsvRecord& row = records[i];
    if (row.Blank()) continue;
    if (static_cast<int>(row.cells.size()) != table.width) {
      return absl::InvalidArgumentError(absl::StrCat("csv: line ", row.line, ": ", row.cells.size(),
                                                     " columns, expected ", table.width,
                                                     " as in the header"));
    }
    table.rows.push_back(&row);
  }
  return table;
}

const CsvCell& Cell(const Table& table, const CsvRecord& row, std::string_view column) {
  return row.cells[table.columns.at(std::string(column))];
}

absl::StatusOr<std::string> RequiredText(const Table& table, const CsvRecord& row,
                                         std::string_view column) {
  const CsvCell& cell = Cell(table, row, column);
  std::string_view text = TrimCell(cell.text);
  if (text.empty()) return CellError(cell, column, "empty");
  return std::string(text);
}

absl::StatusOr<std::string> PersonCell(const Table& table, const CsvRecord& row,
                                       std::string_view column) {
  const CsvCell& cell = Cell(table, row, column);
  std::vector<std::string> names = SplitNameList(cell.text);
  if (names.size() != 1) {
    return CellError(cell, column, names.empty() ? "empty" : "one name expected");
  }
  return NormalizePersonName(names.front());
}

absl::StatusOr<std::vector<std::string>> PeopleCell(const Table& table, const CsvRecord& row,
                                                    std::string_view column) {
  const CsvCell& cell = Cell(table, row, column);
  std::vector<std::string> names;
  for (const std::string& piece : SplitNameList(cell.text)) {
    std::string name = NormalizePersonName(piece);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (names.empty()) return CellError(cell, column, "empty");
  return names;
}

absl::Status ReadLeadUnits(const Table& table, const CsvRecord& row, MatterRow& matter) {
  const CsvCell& cell = Cell(table, row, kLeadUnits);
  for (const std::string& piece : SplitNameList(cell.text)) {
    std::string unit = NormalizeUnitName(piece);
    if (unit == kAllUnitsMarker) {
      matter.all_units = true;
    } else if (std::find(matter.lead_units.begin(), matter.lead_units.end(), unit) ==
               matter.lead_units.end()) {
      matter.lead_units.push_back(unit);
    }
  }
  if (matter.all_units && !matter.lead_units.empty()) {
    return CellError(cell, kLeadUnits,
                     absl::StrCat(Av(kAllUnitsMarker), " cannot be combined with named units"));
  }
  if (!matter.all_units && matter.lead_units.empty()) return CellError(cell, kLeadUnits, "empty");
  return absl::OkStatus();
}

absl::StatusOr<MatterRow> ReadMatterRow(const Table& table, const CsvRecord& row) {
  MatterRow matter;
  matter.line = row.line;
  const CsvCell& number = Cell(table, row, kNumber);
  if (!absl::SimpleAtoi(Av(TrimCell(number.text)), &matter.number) || matter.number <= 0) {
    return CellError(number, kNumber,
                     absl::StrCat("not a row number: \"", Av(TrimCell(number.text)), "\""));
  }
  DUBAN_ASSIGN_OR_RETURN(matter.leader, PersonCell(table, row, kLeader));
  DUBAN_ASSIGN_OR_RETURN(matter.content, RequiredText(table, row, kContent));
  const CsvCell& cycle = Cell(table, row, kCycle);
  if (TrimCell(cycle.text) != "每月") {
    return CellError(
        cycle, kCycle,
        absl::StrCat("unknown dispatch cycle \"", Av(TrimCell(cycle.text)), "\"; expected 每月"));
  }
  matter.cycle = v1::DISPATCH_CYCLE_MONTHLY;
  if (absl::Status status = ReadLeadUnits(table, row, matter); !status.ok()) return status;
  DUBAN_ASSIGN_OR_RETURN(matter.supervising_leader, PersonCell(table, row, kSupervisor));
  DUBAN_ASSIGN_OR_RETURN(matter.office_liaisons, PeopleCell(table, row, kLiaisons));
  return matter;
}

}  // namespace

absl::StatusOr<std::vector<MatterRow>> ReadMatterSheet(std::string_view csv) {
  DUBAN_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(csv));
  DUBAN_ASSIGN_OR_RETURN(Table table, ReadTable(records, {kNumber, kLeader, kContent, kCycle,
                                                          kLeadUnits, kSupervisor, kLiaisons}));
  std::vector<MatterRow> matters;
  std::map<int, int> line_of_number;
  std::map<std::string, int> rows_of_leader;
  for (const CsvRecord* row : table.rows) {
    DUBAN_ASSIGN_OR_RETURN(MatterRow matter, ReadMatterRow(table, *row));
    if (auto [it, added] = line_of_number.emplace(matter.number, matter.line); !added) {
      return CellError(
          Cell(table, *row, kNumber), kNumber,
          absl::StrCat("row number ", matter.number, " already used on line ", it->second));
    }
    matter.leader_order = ++rows_of_leader[matter.leader];
    matters.push_back(std::move(matter));
  }
  if (matters.empty()) return absl::InvalidArgumentError("csv: no matters below the header");
  return matters;
}

absl::StatusOr<std::vector<LiaisonRow>> ReadLiaisonSheet(std::string_view csv) {
  constexpr std::string_view kUnit = "单位", kName = "联络员", kPhone = "联系电话";
  DUBAN_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(csv));
  DUBAN_ASSIGN_OR_RETURN(Table table, ReadTable(records, {kUnit, kName, kPhone}));
  std::vector<LiaisonRow> liaisons;
  std::map<std::string, int> line_of_unit;
  for (const CsvRecord* row : table.rows) {
    LiaisonRow liaison;
    liaison.line = row->line;
    DUBAN_ASSIGN_OR_RETURN(std::string unit, RequiredText(table, *row, kUnit));
    liaison.unit = NormalizeUnitName(unit);
    DUBAN_ASSIGN_OR_RETURN(liaison.name, PersonCell(table, *row, kName));
    liaison.phone = std::string(TrimCell(Cell(table, *row, kPhone).text));
    if (auto [it, added] = line_of_unit.emplace(liaison.unit, liaison.line); !added) {
      return CellError(Cell(table, *row, kUnit), kUnit,
                       absl::StrCat(liaison.unit, " already listed on line ", it->second));
    }
    liaisons.push_back(std::move(liaison));
  }
  return liaisons;
}

absl::StatusOr<std::vector<CalendarRow>> ReadCalendarSheet(std::string_view csv) {
  constexpr std::string_view kDate = "date", kKind = "kind", kName = "name";
  DUBAN_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(csv));
  DUBAN_ASSIGN_OR_RETURN(Table table, ReadTable(records, {kDate, kKind}));
  std::vector<CalendarRow> days;
  std::set<absl::CivilDay> seen;
  for (const CsvRecord* row : table.rows) {
    CalendarRow day;
    day.line = row->line;
    const CsvCell& date = Cell(table, *row, kDate);
    const std::string_view date_text = TrimCell(date.text);
    if (!absl::ParseCivilTime(Av(date_text), &day.day) ||
        absl::FormatCivilTime(day.day) != date_text) {
      return CellError(date, kDate,
                       absl::StrCat("not a date (YYYY-MM-DD): \"", Av(date_text), "\""));
    }
    if (!seen.insert(day.day).second) {
      return CellError(date, kDate, absl::StrCat(Av(date_text), " listed twice"));
    }
    const CsvCell& kind = Cell(table, *row, kKind);
    const std::string_view kind_text = TrimCell(kind.text);
    if (kind_text == "holiday") {
      day.kind = v1::CALENDAR_DAY_KIND_HOLIDAY;
    } else if (kind_text == "workday") {
      day.kind = v1::CALENDAR_DAY_KIND_WORKDAY;
    } else {
      return CellError(
          kind, kKind,
          absl::StrCat("unknown kind \"", Av(kind_text), "\"; expected holiday or workday"));
    }
    if (table.columns.contains(std::string(kName))) {
      day.name = std::string(TrimCell(Cell(table, *row, kName).text));
    }
    days.push_back(std::move(day));
  }
  return days;
}

}  // namespace duban::registry

#include "services/reporting/export/analysis_export.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/time_util.h"
#include "services/reporting/export/cell_text.h"
#include "services/reporting/export/json_writer.h"
#include "services/reporting/export/xlsx_workbook.h"

namespace duban::reporting::exports {
namespace {

constexpr char kTotalsSheet[] = "汇总";
constexpr char kUnitSheet[] = "按单位";
constexpr char kLeaderSheet[] = "按区领导";

using Figures = std::vector<std::pair<const char*, int>>;

std::string UnitName(const v1::UnitAnalysis& unit, const ExportNames& names) {
  return unit.unit_name().empty() ? names.UnitName(unit.unit_id()) : unit.unit_name();
}

std::string LeaderName(const v1::LeaderAnalysis& leader, const ExportNames& names) {
  return leader.leader_name().empty() ? names.LeaderName(leader.leader_id()) : leader.leader_name();
}

std::string LeaderWithoutDispatchName(const v1::Analysis& analysis, int i,
                                      const ExportNames& names) {
  if (i < analysis.leaders_without_dispatch_names_size() &&
      !analysis.leaders_without_dispatch_names(i).empty()) {
    return analysis.leaders_without_dispatch_names(i);
  }
  return names.LeaderName(analysis.leaders_without_dispatch(i));
}

// The month's totals, labelled; the first four are the item totals the chart shows.
Figures Totals(const v1::Analysis& analysis) {
  return {{"本月交办事项", analysis.items_issued()},
          {"本月按时完成事项", analysis.items_completed_on_time()},
          {"本月逾期完成事项", analysis.items_completed_late()},
          {"月末逾期未完成事项", analysis.items_open_overdue()},
          {"批准延期", analysis.extensions_approved()},
          {"提请督导考核组分解督办", analysis.referrals()},
          {"本月未调度的区领导", analysis.leaders_without_dispatch_size()}};
}

Figures UnitFigures(const v1::UnitAnalysis& unit) {
  return {{"交办事项", unit.items_issued()},
          {"按时完成", unit.items_completed_on_time()},
          {"逾期完成", unit.items_completed_late()},
          {"逾期未完成", unit.items_open_overdue()},
          {"批准延期", unit.extensions_approved()},
          {"提请分解督办", unit.referrals()},
          {"迟报", unit.late_reports()},
          {"漏报", unit.missing_reports()},
          {"催办", unit.urging_notices()}};
}

// The leader's dispatch events, then the items by status: the chart stacks columns 2 to 5.
Figures LeaderFigures(const v1::LeaderAnalysis& leader) {
  return {{"调度次数", leader.dispatch_events()},
          {"按时完成", leader.items_completed_on_time()},
          {"逾期完成", leader.items_completed_late()},
          {"未完成（未逾期）", leader.items_open()},
          {"逾期未完成", leader.items_overdue()}};
}

void WriteHeadings(lxw_worksheet* sheet, int row, const std::vector<std::string>& headings,
                   const XlsxFormats& formats) {
  for (size_t col = 0; col < headings.size(); ++col) {
    worksheet_write_string(sheet, row, col, headings[col].c_str(), formats.header);
  }
}

// A first heading, then the labels of `figures`, then `last` when not empty.
std::vector<std::string> Headings(const char* first, const Figures& figures, const char* last) {
  std::vector<std::string> headings = {first};
  for (const auto& [label, value] : figures) headings.push_back(label);
  if (*last != '\0') headings.push_back(last);
  return headings;
}

void WriteFigures(lxw_worksheet* sheet, int row, int first_col, const Figures& figures,
                  const XlsxFormats& formats) {
  int col = first_col;
  for (const auto& [label, value] : figures) {
    worksheet_write_number(sheet, row, col++, value, formats.number);
  }
}

lxw_chart* NewChart(lxw_workbook* workbook, uint8_t type, const char* title) {
  lxw_chart* chart = workbook_add_chart(workbook, type);
  chart_title_set_name(chart, title);
  return chart;
}

void PlaceChart(lxw_worksheet* sheet, int row, int col, lxw_chart* chart) {
  lxw_chart_options placement = {.x_scale = 1.6, .y_scale = 1.3};
  worksheet_insert_chart_opt(sheet, row, col, chart, &placement);
}

void WriteTotalsSheet(lxw_workbook* workbook, lxw_worksheet* sheet, const v1::Analysis& analysis,
                      const XlsxFormats& formats, absl::TimeZone zone) {
  SetColumnWidths(sheet, {28, 10});
  const std::string title = absl::StrCat("调度工作分析报告（", MonthText(analysis.month()), "）");
  worksheet_merge_range(sheet, 0, 0, 0, 1, title.c_str(), formats.title);
  worksheet_set_row(sheet, 0, 32, nullptr);
  const std::string issued =
      analysis.issued() ? absl::StrCat("印发时间：", InstantText(analysis.issued_at(), zone))
                        : "（草稿，未印发）";
  worksheet_merge_range(sheet, 1, 0, 1, 1, issued.c_str(), formats.subtitle);
  WriteHeadings(sheet, 2, {"指标", "数量"}, formats);
  int row = 3;
  for (const auto& [label, value] : Totals(analysis)) {
    worksheet_write_string(sheet, row, 0, label, formats.text);
    worksheet_write_number(sheet, row++, 1, value, formats.number);
  }
  SetFormPrintSetup(sheet, 2, 2, title);

  lxw_chart* chart = NewChart(workbook, LXW_CHART_COLUMN, "本月事项情况");
  lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
  chart_series_set_categories(series, kTotalsSheet, 3, 0, 6, 0);
  chart_series_set_values(series, kTotalsSheet, 3, 1, 6, 1);
  chart_series_set_name(series, "事项数");
  chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
  PlaceChart(sheet, 2, 3, chart);
}

void WriteUnitSheet(lxw_workbook* workbook, lxw_worksheet* sheet, const v1::Analysis& analysis,
                    const ExportNames& names, const XlsxFormats& formats) {
  const std::vector<std::string> headings =
      Headings("单位", UnitFigures(v1::UnitAnalysis()), "按时完成率");
  const int rate_col = static_cast<int>(headings.size()) - 1;
  SetColumnWidths(sheet, {16, 9, 9, 9, 10, 9, 12, 6, 6, 6, 11});
  WriteHeadings(sheet, 0, headings, formats);
  int row = 1;
  for (const v1::UnitAnalysis& unit : analysis.units()) {
    worksheet_write_string(sheet, row, 0, UnitName(unit, names).c_str(), formats.text);
    WriteFigures(sheet, row, 1, UnitFigures(unit), formats);
    worksheet_write_number(sheet, row++, rate_col, unit.on_time_rate() / 100, formats.percent);
  }
  SetFormPrintSetup(sheet, 0, 0, "调度工作分析报告（按单位）");
  if (row == 1) return;

  lxw_chart* chart = NewChart(workbook, LXW_CHART_COLUMN, "按时完成率（按单位）");
  lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
  chart_series_set_categories(series, kUnitSheet, 1, 0, row - 1, 0);
  chart_series_set_values(series, kUnitSheet, 1, rate_col, row - 1, rate_col);
  chart_series_set_name(series, "按时完成率");
  chart_axis_set_num_format(chart->y_axis, "0%");
  chart_axis_set_min(chart->y_axis, 0);
  chart_axis_set_max(chart->y_axis, 1);
  chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
  PlaceChart(sheet, row + 1, 0, chart);
}

void WriteLeaderSheet(lxw_workbook* workbook, lxw_worksheet* sheet, const v1::Analysis& analysis,
                      const ExportNames& names, const XlsxFormats& formats) {
  SetColumnWidths(sheet, {12, 9, 9, 9, 16, 11});
  WriteHeadings(sheet, 0, Headings("区领导", LeaderFigures(v1::LeaderAnalysis()), ""), formats);
  int row = 1;
  for (const v1::LeaderAnalysis& leader : analysis.leaders()) {
    worksheet_write_string(sheet, row, 0, LeaderName(leader, names).c_str(), formats.text);
    WriteFigures(sheet, row++, 1, LeaderFigures(leader), formats);
  }
  SetFormPrintSetup(sheet, 0, 0, "调度工作分析报告（按区领导）");
  if (row == 1) return;

  lxw_chart* chart = NewChart(workbook, LXW_CHART_COLUMN_STACKED, "各区领导调度事项完成情况");
  for (int col = 2; col <= 5; ++col) {
    lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
    chart_series_set_categories(series, kLeaderSheet, 1, 0, row - 1, 0);
    chart_series_set_values(series, kLeaderSheet, 1, col, row - 1, col);
    chart_series_set_name_range(series, kLeaderSheet, 0, col);
  }
  chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
  PlaceChart(sheet, row + 1, 0, chart);
}

void WriteLeadersWithoutDispatchSheet(lxw_worksheet* sheet, const v1::Analysis& analysis,
                                      const ExportNames& names, const XlsxFormats& formats) {
  SetColumnWidths(sheet, {6, 14});
  WriteHeadings(sheet, 0, {"序号", "区领导"}, formats);
  for (int i = 0; i < analysis.leaders_without_dispatch_size(); ++i) {
    worksheet_write_number(sheet, i + 1, 0, i + 1, formats.number);
    worksheet_write_string(sheet, i + 1, 1, LeaderWithoutDispatchName(analysis, i, names).c_str(),
                           formats.text);
  }
  SetFormPrintSetup(sheet, 0, 0, "本月未调度的区领导");
}

void WriteScoreSheet(lxw_worksheet* sheet, const v1::Analysis& analysis, const ExportNames& names,
                     const XlsxFormats& formats) {
  const std::vector<double> widths = {16, 8, 8, 30, 28};
  SetColumnWidths(sheet, widths);
  WriteHeadings(sheet, 0, {"单位", "得分", "扣分", "扣分原因", "依据记录"}, formats);
  int row = 1;
  for (const v1::UnitScore& score : analysis.scores()) {
    const std::string unit = names.UnitName(score.unit_id());
    if (score.deductions().empty()) {
      WriteTextRow(sheet, row, {unit, "", "", "", ""}, widths, formats.text);
      worksheet_write_number(sheet, row++, 1, score.score(), formats.number);
    }
    for (const v1::Deduction& deduction : score.deductions()) {
      WriteTextRow(sheet, row, {unit, "", "", deduction.reason(), deduction.record()}, widths,
                   formats.text);
      worksheet_write_number(sheet, row, 1, score.score(), formats.number);
      worksheet_write_number(sheet, row++, 2, deduction.points(), formats.number);
    }
  }
  SetFormPrintSetup(sheet, 0, 0, "评分");
}

void WriteJsonFigures(JsonWriter& json, const std::vector<std::pair<const char*, int>>& figures) {
  for (const auto& [key, value] : figures) {
    json.Key(key);
    json.Int(value);
  }
}

void WriteTotalsJson(JsonWriter& json, const v1::Analysis& analysis) {
  json.Key("totals");
  json.BeginObject();
  WriteJsonFigures(json, {{"items_issued", analysis.items_issued()},
                          {"items_completed_on_time", analysis.items_completed_on_time()},
                          {"items_completed_late", analysis.items_completed_late()},
                          {"items_open_overdue", analysis.items_open_overdue()},
                          {"extensions_approved", analysis.extensions_approved()},
                          {"referrals", analysis.referrals()}});
  json.EndObject();
}

void WriteLeadersWithoutDispatchJson(JsonWriter& json, const v1::Analysis& analysis,
                                     const ExportNames& names) {
  json.Key("leaders_without_dispatch");
  json.BeginArray();
  for (int i = 0; i < analysis.leaders_without_dispatch_size(); ++i) {
    json.BeginObject();
    json.Key("leader_id");
    json.String(analysis.leaders_without_dispatch(i));
    json.Key("leader_name");
    json.String(LeaderWithoutDispatchName(analysis, i, names));
    json.EndObject();
  }
  json.EndArray();
}

void WriteUnitsJson(JsonWriter& json, const v1::Analysis& analysis, const ExportNames& names) {
  json.Key("units");
  json.BeginArray();
  for (const v1::UnitAnalysis& unit : analysis.units()) {
    json.BeginObject();
    json.Key("unit_id");
    json.String(unit.unit_id());
    json.Key("unit_name");
    json.String(UnitName(unit, names));
    WriteJsonFigures(json, {{"items_issued", unit.items_issued()},
                            {"items_completed_on_time", unit.items_completed_on_time()},
                            {"items_completed_late", unit.items_completed_late()},
                            {"items_open_overdue", unit.items_open_overdue()},
                            {"extensions_approved", unit.extensions_approved()},
                            {"referrals", unit.referrals()},
                            {"late_reports", unit.late_reports()},
                            {"missing_reports", unit.missing_reports()},
                            {"urging_notices", unit.urging_notices()}});
    json.Key("on_time_rate");
    json.Double(unit.on_time_rate());
    json.EndObject();
  }
  json.EndArray();
}

void WriteLeadersJson(JsonWriter& json, const v1::Analysis& analysis, const ExportNames& names) {
  json.Key("leaders");
  json.BeginArray();
  for (const v1::LeaderAnalysis& leader : analysis.leaders()) {
    json.BeginObject();
    json.Key("leader_id");
    json.String(leader.leader_id());
    json.Key("leader_name");
    json.String(LeaderName(leader, names));
    WriteJsonFigures(json, {{"dispatch_events", leader.dispatch_events()},
                            {"items_completed_on_time", leader.items_completed_on_time()},
                            {"items_completed_late", leader.items_completed_late()},
                            {"items_open", leader.items_open()},
                            {"items_overdue", leader.items_overdue()}});
    json.EndObject();
  }
  json.EndArray();
}

void WriteScoresJson(JsonWriter& json, const v1::Analysis& analysis, const ExportNames& names) {
  json.Key("scores");
  json.BeginArray();
  for (const v1::UnitScore& score : analysis.scores()) {
    json.BeginObject();
    json.Key("unit_id");
    json.String(score.unit_id());
    json.Key("unit_name");
    json.String(names.UnitName(score.unit_id()));
    json.Key("score");
    json.Int(score.score());
    json.Key("deductions");
    json.BeginArray();
    for (const v1::Deduction& deduction : score.deductions()) {
      json.BeginObject();
      json.Key("points");
      json.Int(deduction.points());
      json.Key("reason");
      json.String(deduction.reason());
      json.Key("record");
      json.String(deduction.record());
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
}

void WriteHeaderJson(JsonWriter& json, const v1::Analysis& analysis, absl::TimeZone zone) {
  json.Key("id");
  json.String(analysis.id());
  json.Key("month");
  json.String(analysis.month());
  json.Key("issued");
  json.Bool(analysis.issued());
  json.Key("issued_at");
  if (analysis.issued()) {
    json.String(FormatLocal(FromProto(analysis.issued_at()), zone));
  } else {
    json.Null();
  }
  json.Key("issued_by");
  json.String(analysis.issued_by());
}

}  // namespace

absl::StatusOr<std::string> AnalysisXlsx(const v1::Analysis& analysis, const ExportNames& names) {
  absl::StatusOr<std::unique_ptr<XlsxWorkbook>> book = XlsxWorkbook::Create();
  if (!book.ok()) return book.status();
  XlsxWorkbook& workbook = **book;
  const XlsxFormats& formats = workbook.formats();

  WriteTotalsSheet(workbook.workbook(), workbook.AddSheet(kTotalsSheet), analysis, formats,
                   names.zone);
  WriteUnitSheet(workbook.workbook(), workbook.AddSheet(kUnitSheet), analysis, names, formats);
  WriteLeaderSheet(workbook.workbook(), workbook.AddSheet(kLeaderSheet), analysis, names, formats);
  WriteLeadersWithoutDispatchSheet(workbook.AddSheet("未调度区领导"), analysis, names, formats);
  WriteScoreSheet(workbook.AddSheet("评分"), analysis, names, formats);
  return workbook.Finish();
}

absl::StatusOr<std::string> AnalysisJson(const v1::Analysis& analysis, const ExportNames& names) {
  const std::string detail(absl::StripAsciiWhitespace(analysis.detail_json()));
  if (!detail.empty()) {
    google::protobuf::Value parsed;
    const auto status = google::protobuf::util::JsonStringToMessage(detail, &parsed);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("detail_json: ", status.ToString()));
    }
  }

  JsonWriter json;
  json.BeginObject();
  WriteHeaderJson(json, analysis, names.zone);
  WriteTotalsJson(json, analysis);
  WriteLeadersWithoutDispatchJson(json, analysis, names);
  WriteUnitsJson(json, analysis, names);
  WriteLeadersJson(json, analysis, names);
  WriteScoresJson(json, analysis, names);
  if (!detail.empty()) {
    json.Key("detail");
    json.Raw(detail);
  }
  json.EndObject();
  return json.Take();
}

}  // namespace duban::reporting::exports

#include "services/reporting/export/analysis_export.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/reporting/export/testing/sample_messages.h"
#include "services/reporting/export/testing/xlsx_reader.h"

namespace duban::reporting::exports {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RowValues;
using testing::SampleAnalysis;
using testing::SampleNames;
using testing::SheetCells;
using ::testing::StartsWith;
using testing::ZipEntries;
using testing::ZipEntry;

std::string Xlsx(const v1::Analysis& analysis) {
  absl::StatusOr<std::string> xlsx = AnalysisXlsx(analysis, SampleNames());
  EXPECT_TRUE(xlsx.ok()) << xlsx.status();
  return xlsx.value_or("");
}

TEST(AnalysisExportTest, JsonRefusesADetailThatIsNotJson) {
  v1::Analysis analysis = SampleAnalysis();
  analysis.set_detail_json("{units: oops");
  const absl::StatusOr<std::string> json = AnalysisJson(analysis, SampleNames());
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(json.status().message()), StartsWith("detail_json: "));
}

TEST(AnalysisExportTest, XlsxHoldsItsSheetsInOrderAndThreeNativeCharts) {
  const std::string xlsx = Xlsx(SampleAnalysis());
  EXPECT_THAT(ZipEntry(xlsx, "xl/workbook.xml"),
              HasSubstr("<sheets><sheet name=\"汇总\" sheetId=\"1\" r:id=\"rId1\"/>"
                        "<sheet name=\"按单位\" sheetId=\"2\" r:id=\"rId2\"/>"
                        "<sheet name=\"按区领导\" sheetId=\"3\" r:id=\"rId3\"/>"
                        "<sheet name=\"未调度区领导\" sheetId=\"4\" r:id=\"rId4\"/>"
                        "<sheet name=\"评分\" sheetId=\"5\" r:id=\"rId5\"/></sheets>"));
  const std::vector<std::string> entries = ZipEntries(xlsx);
  EXPECT_THAT(entries, Contains("xl/charts/chart1.xml"));
  EXPECT_THAT(entries, Contains("xl/charts/chart2.xml"));
  EXPECT_THAT(entries, Contains("xl/charts/chart3.xml"));
  EXPECT_THAT(entries, Not(Contains("xl/charts/chart4.xml")));
}

TEST(AnalysisExportTest, OnTimeRateChartIsAColumnChartOverTheUnitSheet) {
  const std::string chart = ZipEntry(Xlsx(SampleAnalysis()), "xl/charts/chart2.xml");
  EXPECT_THAT(chart, HasSubstr("<c:barDir val=\"col\"/><c:grouping val=\"clustered\"/>"));
  EXPECT_THAT(chart, HasSubstr("<c:f>'按单位'!$A$2:$A$4</c:f>"));
  EXPECT_THAT(chart, HasSubstr("<c:f>'按单位'!$K$2:$K$4</c:f>"));
  EXPECT_THAT(chart, HasSubstr("按时完成率（按单位）"));
}

TEST(AnalysisExportTest, StatusChartStacksFourSeriesPerLeader) {
  const std::string chart = ZipEntry(Xlsx(SampleAnalysis()), "xl/charts/chart3.xml");
  EXPECT_THAT(chart, HasSubstr("<c:grouping val=\"stacked\"/>"));
  for (const char* column : {"C", "D", "E", "F"}) {
    EXPECT_THAT(chart,
                HasSubstr(absl::StrCat("<c:f>'按区领导'!$", column, "$2:$", column, "$3</c:f>")));
    EXPECT_THAT(chart, HasSubstr(absl::StrCat("<c:f>'按区领导'!$", column, "$1</c:f>")));
  }
  EXPECT_THAT(chart, HasSubstr("<c:f>'按区领导'!$A$2:$A$3</c:f>"));
}

TEST(AnalysisExportTest, TotalsSheetListsTheMonthsFigures) {
  const auto cells = SheetCells(Xlsx(SampleAnalysis()), 1);
  EXPECT_EQ(cells.at("A1"), "调度工作分析报告（2026年10月）");
  EXPECT_EQ(cells.at("A2"), "印发时间：2026-11-04 09:30");
  EXPECT_THAT(RowValues(cells, 3, 2), ElementsAre("指标", "数量"));
  EXPECT_THAT(RowValues(cells, 4, 2), ElementsAre("本月交办事项", "12"));
  EXPECT_THAT(RowValues(cells, 5, 2), ElementsAre("本月按时完成事项", "7"));
  EXPECT_THAT(RowValues(cells, 6, 2), ElementsAre("本月逾期完成事项", "1"));
  EXPECT_THAT(RowValues(cells, 7, 2), ElementsAre("月末逾期未完成事项", "1"));
  EXPECT_THAT(RowValues(cells, 8, 2), ElementsAre("批准延期", "1"));
  EXPECT_THAT(RowValues(cells, 9, 2), ElementsAre("提请督导考核组分解督办", "1"));
  EXPECT_THAT(RowValues(cells, 10, 2), ElementsAre("本月未调度的区领导", "1"));
  EXPECT_EQ(cells.size(), 2u + 2 * 8);
}

TEST(AnalysisExportTest, UnitAndLeaderSheetsHoldTheChartData) {
  const std::string xlsx = Xlsx(SampleAnalysis());
  const auto units = SheetCells(xlsx, 2);
  EXPECT_THAT(RowValues(units, 1, 11),
              ElementsAre("单位", "交办事项", "按时完成", "逾期完成", "逾期未完成", "批准延期",
                          "提请分解督办", "迟报", "漏报", "催办", "按时完成率"));
  EXPECT_THAT(RowValues(units, 2, 11),
              ElementsAre("住建局", "4", "3", "1", "0", "0", "0", "1", "0", "0", "0.75"));
  EXPECT_THAT(RowValues(units, 3, 11),
              ElementsAre("应急局", "3", "1", "0", "1", "1", "1", "0", "0", "1", "1"));
  EXPECT_THAT(RowValues(units, 4, 11),
              ElementsAre("教育局", "2", "0", "0", "0", "0", "0", "0", "1", "0", "0"));
  EXPECT_EQ(units.size(), 11u * 4);

  const auto leaders = SheetCells(xlsx, 3);
  EXPECT_THAT(RowValues(leaders, 1, 6), ElementsAre("区领导", "调度次数", "按时完成", "逾期完成",
                                                    "未完成（未逾期）", "逾期未完成"));
  EXPECT_THAT(RowValues(leaders, 2, 6), ElementsAre("王五", "2", "4", "1", "1", "0"));
  EXPECT_THAT(RowValues(leaders, 3, 6), ElementsAre("李四", "1", "3", "0", "2", "1"));
  EXPECT_EQ(leaders.size(), 6u * 3);
}

TEST(AnalysisExportTest, LeadersWithoutDispatchAndScoresWithDeductions) {
  const std::string xlsx = Xlsx(SampleAnalysis());
  const auto without = SheetCells(xlsx, 4);
  EXPECT_THAT(RowValues(without, 1, 2), ElementsAre("序号", "区领导"));
  EXPECT_THAT(RowValues(without, 2, 2), ElementsAre("1", "郑十"));
  EXPECT_EQ(without.size(), 4u);

  const auto scores = SheetCells(xlsx, 5);
  EXPECT_THAT(RowValues(scores, 1, 5), ElementsAre("单位", "得分", "扣分", "扣分原因", "依据记录"));
  EXPECT_THAT(RowValues(scores, 2, 5),
              ElementsAre("住建局", "95", "5", "迟报：2026-10-2", "report:rp-1"));
  EXPECT_THAT(RowValues(scores, 3, 5),
              ElementsAre("应急局", "97", "2", "月末逾期事项：m-4-2", "item:m-4-2"));
  EXPECT_THAT(RowValues(scores, 4, 5), ElementsAre("应急局", "97", "1", "催办", "notice:n-9"));
  EXPECT_THAT(RowValues(scores, 5, 5), ElementsAre("农水局", "100", "", "", ""));
  EXPECT_EQ(scores.size(), 5u * 4 + 2);
}

TEST(AnalysisExportTest, WithoutUnitsOrLeadersTheTotalsChartRemains) {
  v1::Analysis analysis = SampleAnalysis();
  analysis.clear_units();
  analysis.clear_leaders();
  const std::vector<std::string> entries = ZipEntries(Xlsx(analysis));
  EXPECT_THAT(entries, Contains("xl/charts/chart1.xml"));
  EXPECT_THAT(entries, Not(Contains("xl/charts/chart2.xml")));
}

TEST(AnalysisExportTest, JsonHasEveryFigureInAStableOrder) {
  const absl::StatusOr<std::string> json = AnalysisJson(SampleAnalysis(), SampleNames());
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, R"({
  "id": "an-1",
  "month": "2026-10",
  "issued": true,
  "issued_at": "2026-11-04T09:30:00+08:00",
  "issued_by": "p-sup",
  "totals": {
    "items_issued": 12,
    "items_completed_on_time": 7,
    "items_completed_late": 1,
    "items_open_overdue": 1,
    "extensions_approved": 1,
    "referrals": 1
  },
  "leaders_without_dispatch": [
    {
      "leader_id": "p-zheng",
      "leader_name": "郑十"
    }
  ],
  "units": [
    {
      "unit_id": "u-zjj",
      "unit_name": "住建局",
      "items_issued": 4,
      "items_completed_on_time": 3,
      "items_completed_late": 1,
      "items_open_overdue": 0,
      "extensions_approved": 0,
      "referrals": 0,
      "late_reports": 1,
      "missing_reports": 0,
      "urging_notices": 0,
      "on_time_rate": 75
    },
    {
      "unit_id": "u-yjj",
      "unit_name": "应急局",
      "items_issued": 3,
      "items_completed_on_time": 1,
      "items_completed_late": 0,
      "items_open_overdue": 1,
      "extensions_approved": 1,
      "referrals": 1,
      "late_reports": 0,
      "missing_reports": 0,
      "urging_notices": 1,
      "on_time_rate": 100
    },
    {
      "unit_id": "u-jyj",
      "unit_name": "教育局",
      "items_issued": 2,
      "items_completed_on_time": 0,
      "items_completed_late": 0,
      "items_open_overdue": 0,
      "extensions_approved": 0,
      "referrals": 0,
      "late_reports": 0,
      "missing_reports": 1,
      "urging_notices": 0,
      "on_time_rate": 0
    }
  ],
  "leaders": [
    {
      "leader_id": "p-wang",
      "leader_name": "王五",
      "dispatch_events": 2,
      "items_completed_on_time": 4,
      "items_completed_late": 1,
      "items_open": 1,
      "items_overdue": 0
    },
    {
      "leader_id": "p-li",
      "leader_name": "李四",
      "dispatch_events": 1,
      "items_completed_on_time": 3,
      "items_completed_late": 0,
      "items_open": 2,
      "items_overdue": 1
    }
  ],
  "scores": [
    {
      "unit_id": "u-zjj",
      "unit_name": "住建局",
      "score": 95,
      "deductions": [
        {
          "points": 5,
          "reason": "迟报：2026-10-2",
          "record": "report:rp-1"
        }
      ]
    },
    {
      "unit_id": "u-yjj",
      "unit_name": "应急局",
      "score": 97,
      "deductions": [
        {
          "points": 2,
          "reason": "月末逾期事项：m-4-2",
          "record": "item:m-4-2"
        },
        {
          "points": 1,
          "reason": "催办",
          "record": "notice:n-9"
        }
      ]
    },
    {
      "unit_id": "u-nsj",
      "unit_name": "农水局",
      "score": 100,
      "deductions": []
    }
  ],
  "detail": {"items_issued": ["m-1-1", "m-1-2"]}
}
)");
}

}  // namespace
}  // namespace duban::reporting::exports

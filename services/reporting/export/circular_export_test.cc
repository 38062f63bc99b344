#include "services/reporting/export/circular_export.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/reporting/export/testing/sample_messages.h"
#include "services/reporting/export/testing/xlsx_reader.h"

namespace duban::reporting::exports {
namespace {

using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::RowValues;
using testing::SampleCircular;
using testing::SampleNames;
using testing::SheetCells;
using testing::ZipEntry;

absl::TimeZone Zone() { return SampleNames().zone; }

constexpr char kCsvHeadings[] = "月份,单位,类别,编号,内容,完成时限,原定时限,月末逾期天数\r\n";

TEST(CircularExportTest, CsvHasTheByteOrderMarkHeadingsAndOneLinePerNamedFact) {
  const std::string csv = CircularCsv(SampleCircular(), Zone());
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(
      csv.substr(3),
      absl::StrCat(kCsvHeadings,
                   "2026-10,住建局,迟报,2026-10-2,,,,\r\n"
                   "2026-10,教育局,漏报,2026-10-2,,,,\r\n"
                   "2026-10,应急局,逾期事项,m-4-2,\"排查隐患, \"\"北片区\"\"\n第二批\","
                   "2026-10-23,,8\r\n"
                   "2026-10,应急局,逾期事项,m-4-3,加固北岸堤防,2026-10-28 18:00,2026-10-16,3\r\n"
                   "2026-10,农水局,催办,case-7,王五2026-10-12调度会纪要初稿逾期催办,,,\r\n"));
}

TEST(CircularExportTest, OverdueItemsOfACircularIssuedWithoutDeadlinesLeaveThoseColumnsEmpty) {
  v1::Circular circular;
  circular.set_month("2026-10");
  v1::CircularEntry* entry = circular.add_entries();
  entry->set_unit_id("u-x");
  entry->set_unit_name("甲局");
  entry->add_overdue_item_ids("doc-1-1");
  entry->add_overdue_item_contents("清理河道");
  EXPECT_EQ(CircularCsv(circular, Zone()).substr(3),
            absl::StrCat(kCsvHeadings, "2026-10,甲局,逾期事项,doc-1-1,清理河道,,,\r\n"));
}

TEST(CircularExportTest, EachCaseIsFiledUnderTheHighestRungItReached) {
  v1::Circular circular;
  circular.set_month("2026-10");
  v1::CircularEntry* entry = circular.add_entries();
  entry->set_unit_id("u-x");
  entry->set_unit_name("甲局");
  for (const auto rung :
       {common::v1::RUNG_REMINDER, common::v1::RUNG_URGING, common::v1::RUNG_SUPERVISION}) {
    entry->add_case_ids(absl::StrCat("case-", static_cast<int>(rung)));
    entry->add_case_labels("标签");
    entry->add_case_rungs(rung);
  }
  EXPECT_EQ(CircularCsv(circular, Zone()).substr(3),
            absl::StrCat(kCsvHeadings,
                         "2026-10,甲局,提醒,case-1,标签,,,\r\n"
                         "2026-10,甲局,催办,case-2,标签,,,\r\n"
                         "2026-10,甲局,督办,case-3,标签,,,\r\n"));
}

TEST(CircularExportTest, UnitWithoutANameIsShownByItsId) {
  v1::Circular circular;
  circular.set_month("2026-10");
  v1::CircularEntry* entry = circular.add_entries();
  entry->set_unit_id("u-x");
  entry->add_late_period_ids("2026-10-1");
  EXPECT_EQ(CircularCsv(circular, Zone()).substr(3),
            absl::StrCat(kCsvHeadings, "2026-10,u-x,迟报,2026-10-1,,,,\r\n"));
}

TEST(CircularExportTest, XlsxHasTheTitleIssueLineHeadingsAndNumberedLines) {
  const absl::StatusOr<std::string> xlsx = CircularXlsx(SampleCircular(), Zone());
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const auto cells = SheetCells(*xlsx, 1);
  EXPECT_EQ(cells.at("A1"), "调度工作通报（2026年10月）");
  EXPECT_EQ(cells.at("A2"), "督导考核组印发　　印发时间：2026-11-03 10:00");
  EXPECT_THAT(RowValues(cells, 3, 9), ElementsAre("序号", "月份", "单位", "类别", "编号", "内容",
                                                  "完成时限", "原定时限", "月末逾期天数"));
  EXPECT_THAT(RowValues(cells, 4, 9),
              ElementsAre("1", "2026-10", "住建局", "迟报", "2026-10-2", "", "", "", ""));
  EXPECT_THAT(RowValues(cells, 5, 9),
              ElementsAre("2", "2026-10", "教育局", "漏报", "2026-10-2", "", "", "", ""));
  EXPECT_THAT(RowValues(cells, 6, 9),
              ElementsAre("3", "2026-10", "应急局", "逾期事项", "m-4-2",
                          "排查隐患, \"北片区\"\n第二批", "2026-10-23", "", "8"));
  EXPECT_THAT(RowValues(cells, 7, 9),
              ElementsAre("4", "2026-10", "应急局", "逾期事项", "m-4-3", "加固北岸堤防",
                          "2026-10-28 18:00", "2026-10-16", "3"));
  EXPECT_THAT(RowValues(cells, 8, 9),
              ElementsAre("5", "2026-10", "农水局", "催办", "case-7",
                          "王五2026-10-12调度会纪要初稿逾期催办", "", "", ""));
  // Title, issue line, 9 headings, and per line: 5 cells, 6 with content, 9 for an overdue
  // item with a deadline in force, original deadline and days.
  EXPECT_EQ(cells.size(), 2u + 9 + 5 + 5 + 8 + 9 + 6);
  // The days overdue are numbers, not text.
  EXPECT_THAT(ZipEntry(*xlsx, "xl/worksheets/sheet1.xml"),
              ContainsRegex("<c r=\"I6\" s=\"[0-9]+\"><v>8</v></c>"));
  EXPECT_THAT(ZipEntry(*xlsx, "xl/workbook.xml"), HasSubstr("'通报'!$3:$3</definedName>"));
}

TEST(CircularExportTest, DraftSaysItIsNotIssued) {
  v1::Circular circular = SampleCircular();
  circular.set_state(v1::CIRCULAR_STATE_DRAFT);
  const absl::StatusOr<std::string> xlsx = CircularXlsx(circular, Zone());
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_EQ(SheetCells(*xlsx, 1).at("A2"), "（草稿，未印发）");
}

}  // namespace
}  // namespace duban::reporting::exports

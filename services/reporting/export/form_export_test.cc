#include "services/reporting/export/form_export.h"

#include <dirent.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/reporting/export/testing/sample_messages.h"
#include "services/reporting/export/testing/xlsx_reader.h"

namespace duban::reporting::exports {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::RowValues;
using testing::SampleNames;
using testing::SampleReport;
using testing::SheetCells;
using testing::ZipEntry;

class FormExportTest : public ::testing::Test {
 protected:
  std::string Form3() {
    absl::StatusOr<std::string> xlsx = Form3Xlsx(SampleReport(), SampleNames());
    EXPECT_TRUE(xlsx.ok()) << xlsx.status();
    return xlsx.value_or("");
  }
  std::string Form4() {
    absl::StatusOr<std::string> xlsx = Form4Xlsx(SampleReport(), SampleNames());
    EXPECT_TRUE(xlsx.ok()) << xlsx.status();
    return xlsx.value_or("");
  }
};

TEST_F(FormExportTest, Form3HasTheTitleTheUnitLineAndBothHeaderRowsInOrder) {
  const auto cells = SheetCells(Form3(), 1);
  EXPECT_EQ(cells.at("A1"), "重点工作定期调度问题清单");
  EXPECT_EQ(cells.at("A2"),
            "填报单位（盖章）：住建局　　报送期次：2026年10月第2期　　报送时间：2026-10-20 18:00");
  EXPECT_THAT(RowValues(cells, 3, 12),
              ElementsAre("序号", "调度区领导", "纪要起草单位", "调度时间", "纪要名称（编号）",
                          "调度事项（逐项列出）", "", "", "牵头单位", "已完成事项", "未完成事项",
                          "未完成事项计划时限"));
  EXPECT_THAT(RowValues(cells, 4, 12),
              ElementsAre("", "", "", "", "", "事项", "责任单位", "完成时限", "", "", "", ""));
}

TEST_F(FormExportTest, Form3NumbersEveryItemOnePerRowGroupedByDocument) {
  const auto cells = SheetCells(Form3(), 1);
  EXPECT_THAT(
      RowValues(cells, 5, 12),
      ElementsAre("1", "王五", "住建局", "2026-10-12",
                  "城市更新工作调度会会议纪要（住建纪〔2026〕7号）", "完成老城区雨污管网排查",
                  "住建局", "2026-10-18", "住建局", "已排查管网12公里，形成问题台账", "", ""));
  EXPECT_THAT(RowValues(cells, 6, 12),
              ElementsAre("2", "", "", "", "", "推进棚户区改造签约", "住建局", "2026-10-30", "", "",
                          "签约率85%\n剩余住户补偿标准待复核", "2026-11-15"));
  EXPECT_THAT(
      RowValues(cells, 7, 12),
      ElementsAre("3", "李四", "住建局", "2026-10-09", "老旧小区改造事项交办单（交办〔2026〕3号）",
                  "加装电梯试点", "住建局、应急局", "2026-10-31 18:00", "住建局", "",
                  "两个小区已开工", "2026-11-30"));
  EXPECT_EQ(cells.at("A8"), kForm3Notes);

  const std::string sheet = ZipEntry(Form3(), "xl/worksheets/sheet1.xml");
  for (const char* merged : {"B5:B6", "C5:C6", "D5:D6", "E5:E6", "I5:I6", "F3:H3", "A3:A4"}) {
    EXPECT_THAT(sheet, HasSubstr(absl::StrCat("<mergeCell ref=\"", merged, "\"/>")));
  }
}

TEST_F(FormExportTest, Form3EndsWithTheLiaisonAndPhone) {
  const auto cells = SheetCells(Form3(), 1);
  EXPECT_EQ(cells.at("A9"), "联络员：赵六　　联系电话：13800000001");
  // Two title lines, 10 + 3 headings, 10 + 6 + 11 filled cells in the item rows, the rules, the
  // footer: nothing else on the sheet.
  EXPECT_EQ(cells.size(), 2u + 13 + 27 + 1 + 1);
}

TEST_F(FormExportTest, Form3PrintsOnA4LandscapeOnePageWideWithRepeatedHeadersAndFooter) {
  const std::string xlsx = Form3();
  const std::string sheet = ZipEntry(xlsx, "xl/worksheets/sheet1.xml");
  EXPECT_THAT(sheet, HasSubstr("<pageSetup paperSize=\"9\" fitToHeight=\"0\" "
                               "orientation=\"landscape\"/>"));
  EXPECT_THAT(sheet, HasSubstr("<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"));
  EXPECT_THAT(sheet, HasSubstr("<oddFooter>&amp;L联络员：赵六　　联系电话：13800000001&amp;R第 "
                               "&amp;P 页 共 &amp;N 页</oddFooter>"));
  EXPECT_THAT(sheet,
              HasSubstr("<col min=\"6\" max=\"6\" width=\"30.7109375\" customWidth=\"1\"/>"));
  EXPECT_THAT(ZipEntry(xlsx, "xl/workbook.xml"),
              HasSubstr("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">"
                        "'问题清单'!$3:$4</definedName>"));
}

TEST_F(FormExportTest, WrappedCellsWrapAndTheirRowsShowEveryLine) {
  const std::string xlsx = Form3();
  EXPECT_THAT(ZipEntry(xlsx, "xl/styles.xml"), HasSubstr("wrapText=\"1\""));
  // Row 6's reason has two lines of text in a 24-wide column.
  EXPECT_THAT(ZipEntry(xlsx, "xl/worksheets/sheet1.xml"),
              HasSubstr("<row r=\"6\" spans=\"1:12\" ht=\"35\" customHeight=\"1\">"));
}

TEST_F(FormExportTest, Form4HoldsOnlyTheAssignmentSheetRows) {
  const auto cells = SheetCells(Form4(), 1);
  EXPECT_EQ(cells.at("A1"), "“大调度、大督查”事项交办单");
  EXPECT_EQ(cells.at("A2"),
            "填报单位（盖章）：住建局　　报送期次：2026年10月第2期　　报送时间：2026-10-20 18:00");
  EXPECT_THAT(RowValues(cells, 3, 7), ElementsAre("序号", "事项名称", "难点痛点堵点", "解决措施",
                                                  "责任单位", "完成情况", "完成时限"));
  EXPECT_EQ(cells.at("A4"),
            "交办单：老旧小区改造事项交办单（交办〔2026〕3号）　　调度区领导：李四　　"
            "调度时间：2026-10-09");
  EXPECT_THAT(RowValues(cells, 5, 7),
              ElementsAre("1", "加装电梯试点", "低层住户意见不一", "街道逐户协商\n制定补偿办法",
                          "住建局、应急局", "未完成：两个小区已开工\n计划完成时限：2026-11-30",
                          "2026-10-31 18:00"));
  EXPECT_EQ(cells.at("A6"), kForm4Notes);
  EXPECT_EQ(cells.at("A7"),
            "调度区领导（签字）：　　　　调度时间：2026-10-09　　联络员：赵六　　"
            "联系电话：13800000001");
  EXPECT_EQ(cells.size(), 19u);
}

TEST_F(FormExportTest, AnExtendedDeadlinePrintsWithTheOriginalInBothForms) {
  v1::Report report = SampleReport();
  // Form 3's second row: extended from 2026-10-16 to 2026-10-30.
  v1::ReportRow* row = report.mutable_sections(0)->mutable_rows(1);
  row->mutable_original_deadline()->mutable_date()->set_year(2026);
  row->mutable_original_deadline()->mutable_date()->set_month(10);
  row->mutable_original_deadline()->mutable_date()->set_day(16);
  // The assignment sheet's row: agreed for 2026-10-16, now 2026-10-31 18:00.
  *report.mutable_sections(1)->mutable_rows(0)->mutable_original_deadline() =
      row->original_deadline();
  // The first row's original deadline is its deadline: nothing extended.
  *report.mutable_sections(0)->mutable_rows(0)->mutable_original_deadline() =
      report.sections(0).rows(0).deadline();

  absl::StatusOr<std::string> form3 = Form3Xlsx(report, SampleNames());
  ASSERT_TRUE(form3.ok()) << form3.status();
  const auto cells3 = SheetCells(*form3, 1);
  EXPECT_EQ(cells3.at("H5"), "2026-10-18");
  EXPECT_EQ(cells3.at("H6"), "2026-10-30（原定2026-10-16，已批准延期）");
  EXPECT_EQ(cells3.at("H7"), "2026-10-31 18:00（原定2026-10-16，已批准延期）");
  absl::StatusOr<std::string> form4 = Form4Xlsx(report, SampleNames());
  ASSERT_TRUE(form4.ok()) << form4.status();
  EXPECT_EQ(SheetCells(*form4, 1).at("G5"), "2026-10-31 18:00（原定2026-10-16，已批准延期）");
}

TEST_F(FormExportTest, Form4PrintSetupRepeatsItsHeaderRow) {
  const std::string xlsx = Form4();
  EXPECT_THAT(
      ZipEntry(xlsx, "xl/worksheets/sheet1.xml"),
      HasSubstr("<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\"/>"));
  EXPECT_THAT(ZipEntry(xlsx, "xl/workbook.xml"), HasSubstr("'交办单'!$3:$3</definedName>"));
}

TEST_F(FormExportTest, Form4WithoutAssignmentSheetsSaysSo) {
  v1::Report report = SampleReport();
  report.mutable_sections()->RemoveLast();
  absl::StatusOr<std::string> xlsx = Form4Xlsx(report, SampleNames());
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const auto cells = SheetCells(*xlsx, 1);
  EXPECT_EQ(cells.at("A4"), "本期无交办单事项");
  EXPECT_EQ(cells.at("A5"), kForm4Notes);
  EXPECT_EQ(cells.at("A6"),
            "调度区领导（签字）：　　　　调度时间：　　联络员：赵六　　联系电话：13800000001");
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (const dirent* entry = readdir(d)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  return names;
}

TEST(FormExportFilesTest, LeavesNoTemporaryFileBehind) {
  char dir[] = "/tmp/duban-export-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const char* previous = getenv("TMPDIR");
  const std::string saved = previous == nullptr ? "" : previous;
  setenv("TMPDIR", dir, 1);

  const absl::StatusOr<std::string> form3 = Form3Xlsx(SampleReport(), SampleNames());
  const absl::StatusOr<std::string> form4 = Form4Xlsx(SampleReport(), SampleNames());

  previous == nullptr ? unsetenv("TMPDIR") : setenv("TMPDIR", saved.c_str(), 1);
  ASSERT_TRUE(form3.ok()) << form3.status();
  ASSERT_TRUE(form4.ok()) << form4.status();
  EXPECT_EQ(form3->substr(0, 2), "PK");
  EXPECT_THAT(FilesIn(dir), IsEmpty());
  rmdir(dir);
}

TEST(FormExportFilesTest, MissingTemporaryFolderIsAnInternalError) {
  const char* previous = getenv("TMPDIR");
  const std::string saved = previous == nullptr ? "" : previous;
  setenv("TMPDIR", "/nonexistent/duban-export", 1);
  const absl::StatusOr<std::string> form3 = Form3Xlsx(SampleReport(), SampleNames());
  previous == nullptr ? unsetenv("TMPDIR") : setenv("TMPDIR", saved.c_str(), 1);
  EXPECT_EQ(form3.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(form3.status().message()),
              HasSubstr("cannot create a file like /nonexistent/duban-export/duban-export-"));
}

}  // namespace
}  // namespace duban::reporting::exports

#include "services/registry/sheets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "services/registry/test_files.h"

namespace duban::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kHeader =
    "序号,牵头区领导,调度内容（包括但不限于）,调度周期,牵头单位,办公室挂钩督导领导,"
    "办公室调度联络员\r\n";

TEST(ReadMatterSheetTest, SampleHasEightMonthlyMatters) {
  auto matters = ReadMatterSheet(Example("dispatch_matters.csv"));
  ASSERT_TRUE(matters.ok()) << matters.status();
  ASSERT_EQ(matters->size(), 8u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ((*matters)[i].number, i + 1);
    EXPECT_EQ((*matters)[i].leader_order, 1);
    EXPECT_EQ((*matters)[i].cycle, v1::DISPATCH_CYCLE_MONTHLY);
  }
}

TEST(ReadMatterSheetTest, SampleRowOneIsAllUnitsWithTwoLiaisons) {
  auto matters = ReadMatterSheet(Example("dispatch_matters.csv"));
  ASSERT_TRUE(matters.ok()) << matters.status();
  const MatterRow& row = (*matters)[0];
  EXPECT_EQ(row.line, 2);
  EXPECT_EQ(row.leader, "张三");
  EXPECT_TRUE(row.all_units);
  EXPECT_THAT(row.lead_units, IsEmpty());
  EXPECT_EQ(row.supervising_leader, "钱甲");
  EXPECT_THAT(row.office_liaisons, ElementsAre("卫一", "蒋二"));
  EXPECT_THAT(row.content, HasSubstr("区政府全面工作"));
}

TEST(ReadMatterSheetTest, SampleRowsNameTheirUnitsAndPeople) {
  auto matters = ReadMatterSheet(Example("dispatch_matters.csv"));
  ASSERT_TRUE(matters.ok()) << matters.status();
  const MatterRow& row2 = (*matters)[1];
  EXPECT_EQ(row2.leader, "李四");
  EXPECT_THAT(row2.lead_units,
              ElementsAre("发改局", "统计局", "应急局", "科技局", "新城投资公司", "大众公交公司"));
  EXPECT_THAT((*matters)[3].office_liaisons, ElementsAre("蒋二"));
  EXPECT_THAT((*matters)[6].lead_units,
              ElementsAre("政府办（效能办）", "工信局（数字办）", "商务局", "高新公司"));
  const MatterRow& row8 = (*matters)[7];
  EXPECT_EQ(row8.leader, "郑十");
  EXPECT_THAT(row8.lead_units, ElementsAre("科技局", "民政局"));
  EXPECT_EQ(row8.supervising_leader, "冯乙");
  EXPECT_THAT(row8.office_liaisons, ElementsAre("尤八"));
}

TEST(ReadMatterSheetTest, SampleCountsDistinctUnitsAndPeople) {
  auto matters = ReadMatterSheet(Example("dispatch_matters.csv"));
  ASSERT_TRUE(matters.ok()) << matters.status();
  std::set<std::string> units, leaders, supervisors, liaisons;
  for (const MatterRow& row : *matters) {
    units.insert(row.lead_units.begin(), row.lead_units.end());
    leaders.insert(row.leader);
    supervisors.insert(row.supervising_leader);
    liaisons.insert(row.office_liaisons.begin(), row.office_liaisons.end());
  }
  EXPECT_EQ(units.size(), 24u);
  EXPECT_EQ(leaders.size(), 8u);
  EXPECT_EQ(supervisors.size(), 4u);
  EXPECT_EQ(liaisons.size(), 8u);
}

TEST(ReadMatterSheetTest, ByteOrderMarkIsIgnored) {
  auto matters = ReadMatterSheet(TestData("dispatch_matters_bom.csv"));
  ASSERT_TRUE(matters.ok()) << matters.status();
  EXPECT_EQ(matters->size(), 8u);
}

TEST(ReadMatterSheetTest, GbkFileIsRefused) {
  auto matters = ReadMatterSheet(TestData("dispatch_matters_gbk.csv"));
  ASSERT_FALSE(matters.ok());
  EXPECT_EQ(matters.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(matters.status().message(),
            "csv: not UTF-8 (line 1, byte 1); the file looks like GBK — save it as CSV UTF-8");
}

TEST(ReadMatterSheetTest, UnclosedQuoteNamesWhereTheCellStarted) {
  auto matters = ReadMatterSheet(TestData("dispatch_matters_unclosed_quote.csv"));
  ASSERT_FALSE(matters.ok());
  EXPECT_EQ(matters.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(matters.status().message(), "csv: line 28, column 5: quoted cell is never closed");
}

TEST(ReadMatterSheetTest, MissingColumnIsNamed) {
  auto matters = ReadMatterSheet(TestData("dispatch_matters_missing_column.csv"));
  ASSERT_FALSE(matters.ok());
  EXPECT_EQ(matters.status().message(), "csv: line 1: missing column 牵头单位");
}

TEST(ReadMatterSheetTest, UnknownCycleNamesLineColumnAndValue) {
  auto matters = ReadMatterSheet(TestData("dispatch_matters_weekly.csv"));
  ASSERT_FALSE(matters.ok());
  EXPECT_EQ(matters.status().message(),
            "csv: line 10, column 4 (调度周期): unknown dispatch cycle \"每周\"; expected 每月");
}

TEST(ReadMatterSheetTest, WrongNumberOfCellsNamesLineAndCount) {
  auto matters = ReadMatterSheet(std::string(kHeader) + "1,张三,内容,每月,科技局,钱甲\r\n");
  ASSERT_FALSE(matters.ok());
  EXPECT_EQ(matters.status().message(), "csv: line 2: 6 columns, expected 7 as in the header");
}

TEST(ReadMatterSheetTest, HeaderToleratesHalfwidthSuffixSpacesAndOrder) {
  auto matters = ReadMatterSheet(
      " 牵头区领导 ,序号,调度内容(包括但不限于),调度周期,牵头单位,办公室挂钩督导领导,"
      "\xE3\x80\x80办公室调度联络员\n王五,1,内容,\xE3\x80\x80每月 ,科技局、民政局,钱甲,卫一\n");
  ASSERT_TRUE(matters.ok()) << matters.status();
  EXPECT_EQ((*matters)[0].leader, "王五");
  EXPECT_THAT((*matters)[0].lead_units, ElementsAre("科技局", "民政局"));
}

TEST(ReadMatterSheetTest, LeaderOrderCountsTheLeadersRows) {
  auto matters = ReadMatterSheet(std::string(kHeader) +
                                 "1,王五,甲,每月,科技局,钱甲,卫一\r\n"
                                 "2,李四,乙,每月,科技局,钱甲,卫一\r\n"
                                 "3,王 五,丙,每月,科技局,钱甲,卫一\r\n\r\n,,,,,,\r\n");
  ASSERT_TRUE(matters.ok()) << matters.status();
  ASSERT_EQ(matters->size(), 3u);
  EXPECT_EQ((*matters)[2].leader, "王五");
  EXPECT_EQ((*matters)[2].leader_order, 2);
  EXPECT_EQ((*matters)[1].leader_order, 1);
}

TEST(ReadMatterSheetTest, DuplicateRowNumberIsRefused) {
  auto matters = ReadMatterSheet(std::string(kHeader) + "1,王五,甲,每月,科技局,钱甲,卫一\r\n" +
                                 "1,李四,乙,每月,科技局,钱甲,卫一\r\n");
  ASSERT_FALSE(matters.ok());
  EXPECT_EQ(matters.status().message(),
            "csv: line 3, column 1 (序号): row number 1 already used on line 2");
}

TEST(ReadMatterSheetTest, EmptyLeaderIsRefused) {
  auto matters =
      ReadMatterSheet(std::string(kHeader) + "1,\xE3\x80\x80,甲,每月,科技局,钱甲,卫一\r\n");
  ASSERT_FALSE(matters.ok());
  EXPECT_EQ(matters.status().message(), "csv: line 2, column 2 (牵头区领导): empty");
}

TEST(ReadLiaisonSheetTest, SampleHasTwentyTwoUnits) {
  auto liaisons = ReadLiaisonSheet(Example("unit_liaisons.csv"));
  ASSERT_TRUE(liaisons.ok()) << liaisons.status();
  ASSERT_EQ(liaisons->size(), 22u);
  EXPECT_EQ((*liaisons)[18].unit, "政府办（效能办）");
  EXPECT_EQ((*liaisons)[18].name, "窦九");
  EXPECT_EQ((*liaisons)[18].phone, "0595-00000019");
  EXPECT_EQ((*liaisons)[18].line, 20);
}

TEST(ReadLiaisonSheetTest, UnitListedTwiceIsRefused) {
  auto liaisons = ReadLiaisonSheet("单位,联络员,联系电话\n科技局,施四,1\n科技局,施五,2\n");
  ASSERT_FALSE(liaisons.ok());
  EXPECT_EQ(liaisons.status().message(),
            "csv: line 3, column 1 (单位): 科技局 already listed on line 2");
}

TEST(ReadCalendarSheetTest, SampleHolidaysAndWorkdays) {
  auto days = ReadCalendarSheet(Example("work_calendar_2026.csv"));
  ASSERT_TRUE(days.ok()) << days.status();
  ASSERT_FALSE(days->empty());
  EXPECT_EQ((*days)[0].day, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ((*days)[0].kind, v1::CALENDAR_DAY_KIND_HOLIDAY);
  EXPECT_EQ((*days)[0].name, "元旦");
  EXPECT_EQ(days->back().day, absl::CivilDay(2026, 10, 10));
  EXPECT_EQ(days->back().kind, v1::CALENDAR_DAY_KIND_WORKDAY);
}

TEST(ReadCalendarSheetTest, BadDateAndKindAreNamed) {
  auto bad_date = ReadCalendarSheet("date,kind,name\n2026-02-30,holiday,x\n");
  ASSERT_FALSE(bad_date.ok());
  EXPECT_EQ(bad_date.status().message(),
            "csv: line 2, column 1 (date): not a date (YYYY-MM-DD): \"2026-02-30\"");
  auto bad_kind = ReadCalendarSheet("date,kind,name\n2026-02-03,rest,x\n");
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_EQ(bad_kind.status().message(),
            "csv: line 2, column 2 (kind): unknown kind \"rest\"; expected holiday or workday");
}

}  // namespace
}  // namespace duban::registry

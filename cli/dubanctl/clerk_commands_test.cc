// Reading form 4 (the assignment sheet) from a CSV as a spreadsheet saves it.
#include "cli/dubanctl/clerk_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace duban::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<std::string> KnownUnit(const std::string& name) {
  if (name == "统计局") return std::string("u-tj");
  if (name == "应急局") return std::string("u-yj");
  return absl::NotFoundError("no unit " + name);
}

constexpr char kHeader[] = "序号,事项名称,难点痛点堵点,解决措施,责任单位,完成情况,完成时限\n";

TEST(ReadAssignmentSheetTest, RowsBecomeAgreedItemsWithUnitsAndDeadlines) {
  const std::string csv =
      std::string("\xEF\xBB\xBF") + kHeader +
      "1,报送经济运行分析,数据口径不一,\"统一口径, 按月报送\",统计局,,2026-10-12\n"
      "2,排查安全隐患,点多面广,分片包干,\"统计局\n应急局\",,2026年10月14日\n";
  auto items = ReadAssignmentSheet(csv, KnownUnit);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].ordinal(), 1);
  EXPECT_EQ((*items)[0].task(), "报送经济运行分析");
  EXPECT_EQ((*items)[0].blockers(), "数据口径不一");
  EXPECT_EQ((*items)[0].measures(), "统一口径, 按月报送");
  EXPECT_THAT((*items)[0].responsible_unit_ids(), ElementsAre("u-tj"));
  EXPECT_EQ((*items)[0].deadline().date().day(), 12);
  EXPECT_THAT((*items)[1].responsible_unit_ids(), ElementsAre("u-tj", "u-yj"));
  EXPECT_EQ((*items)[1].deadline().date().month(), 10);
  EXPECT_EQ((*items)[1].deadline().date().day(), 14);
}

TEST(ReadAssignmentSheetTest, AnEmptyDeadlineStaysUnsetForRoutingToRefuse) {
  auto items = ReadAssignmentSheet(std::string(kHeader) + "1,排查安全隐患,,,应急局,,\n", KnownUnit);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_FALSE((*items)[0].has_deadline());
}

TEST(ReadAssignmentSheetTest, BadRowsAreRefusedNamingTheLine) {
  auto cells = ReadAssignmentSheet(std::string(kHeader) + "1,排查,,,应急局\n", KnownUnit);
  EXPECT_EQ(cells.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(cells.status().message()), HasSubstr("line 2: 5 cells"));

  auto date =
      ReadAssignmentSheet(std::string(kHeader) + "1,排查,,,应急局,,2026-02-30\n", KnownUnit);
  EXPECT_EQ(date.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(date.status().message()), HasSubstr("line 2: 完成时限"));

  auto unit =
      ReadAssignmentSheet(std::string(kHeader) + "1,排查,,,气象局,,2026-10-14\n", KnownUnit);
  EXPECT_EQ(unit.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unit.status().message()), HasSubstr("line 2: 责任单位 气象局"));

  auto quote =
      ReadAssignmentSheet(std::string(kHeader) + "1,\"排查,,,应急局,,2026-10-14\n", KnownUnit);
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(quote.status().message()), HasSubstr("line 2: unclosed quote"));
}

}  // namespace
}  // namespace duban::client

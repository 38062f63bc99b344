#include "services/reporting/periods.h"

#include <gtest/gtest.h>

#include "common/time_util.h"

namespace duban::reporting {
namespace {

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}

std::string Local(const google::protobuf::Timestamp& t) {
  return FormatLocal(FromProto(t), Shanghai());
}

TEST(PeriodsTest, TwoPeriodsPerMonthWithTheirCutoffs) {
  const std::vector<v1::Period> periods = PeriodsOf(absl::CivilMonth(2026, 10), Shanghai());
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_EQ(periods[0].id(), "2026-10-1");
  EXPECT_EQ(Local(periods[0].starts_after()), "2026-09-20T18:00:00+08:00");
  EXPECT_EQ(Local(periods[0].report_cutoff()), "2026-10-05T18:00:00+08:00");
  EXPECT_EQ(Local(periods[0].digest_cutoff()), "2026-10-07T18:00:00+08:00");
  EXPECT_EQ(periods[1].id(), "2026-10-2");
  EXPECT_EQ(Local(periods[1].starts_after()), "2026-10-05T18:00:00+08:00");
  EXPECT_EQ(Local(periods[1].report_cutoff()), "2026-10-20T18:00:00+08:00");
  EXPECT_EQ(Local(periods[1].digest_cutoff()), "2026-10-22T18:00:00+08:00");
}

TEST(PeriodsTest, CutoffsOnNonWorkingDaysMoveByTheCalendar) {
  calendar::WorkCalendar holidays;
  for (int day = 1; day <= 7; ++day) holidays.AddHoliday(absl::CivilDay(2026, 10, day), "国庆节");
  const std::vector<v1::Period> periods =
      PeriodsOf(absl::CivilMonth(2026, 10), holidays, Shanghai());
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_EQ(periods[0].id(), "2026-10-1");
  EXPECT_EQ(Local(periods[0].report_cutoff()), "2026-10-08T18:00:00+08:00");
  EXPECT_EQ(Local(periods[0].digest_cutoff()), "2026-10-08T18:00:00+08:00");
  EXPECT_EQ(Local(periods[1].starts_after()), "2026-10-08T18:00:00+08:00");
  // Without a make-up workday the Sunday 2026-09-20 moves to Monday.
  EXPECT_EQ(Local(periods[0].starts_after()), "2026-09-21T18:00:00+08:00");
}

TEST(PeriodsTest, JanuaryStartsAfterDecemberOfThePreviousYear) {
  const std::vector<v1::Period> periods = PeriodsOf(absl::CivilMonth(2027, 1), Shanghai());
  EXPECT_EQ(Local(periods[0].starts_after()), "2026-12-20T18:00:00+08:00");
}

TEST(PeriodsTest, MonthSpanIsLocalMidnightToMidnight) {
  const MonthSpan span = SpanOf(absl::CivilMonth(2026, 10), Shanghai());
  EXPECT_EQ(FormatLocal(span.begin, Shanghai()), "2026-10-01T00:00:00+08:00");
  EXPECT_EQ(FormatLocal(span.end, Shanghai()), "2026-11-01T00:00:00+08:00");
}

TEST(PeriodsTest, ParsesMonthsAndNamesTheFieldOtherwise) {
  auto month = ParseMonth("2026-10", "month");
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(*month, absl::CivilMonth(2026, 10));
  EXPECT_EQ(FormatMonth(*month), "2026-10");
  for (const char* bad : {"", "2026-13", "2026-1", "202610", "2026/10", "abcd-ef"}) {
    auto parsed = ParseMonth(bad, "month");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message().substr(0, 6), "month:");
  }
}

}  // namespace
}  // namespace duban::reporting

#include "common/calendar/work_calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/calendar/calendar_testing.h"

namespace duban::calendar {
namespace {

using testing::Calendar2026;
using ::testing::ElementsAre;

TEST(WorkCalendarTest, HolidaysAndMakeUpWorkdaysOverrideTheWeek) {
  const WorkCalendar calendar = Calendar2026();
  EXPECT_EQ(calendar.listed().size(), 39u);
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, 1)));   // Thursday, 国庆节
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, 9)));    // Friday
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, 10)));   // Saturday, made up
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, 11)));  // Sunday
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 2, 14)));    // Saturday, made up
}

TEST(WorkCalendarTest, SaysWhyADayIsNotWorking) {
  const WorkCalendar calendar = Calendar2026();
  EXPECT_EQ(calendar.WhyNotWorking(absl::CivilDay(2026, 10, 5)), "a holiday (国庆节)");
  EXPECT_EQ(calendar.WhyNotWorking(absl::CivilDay(2026, 10, 17)), "a Saturday");
  EXPECT_EQ(calendar.WhyNotWorking(absl::CivilDay(2026, 10, 18)), "a Sunday");
  EXPECT_EQ(calendar.WhyNotWorking(absl::CivilDay(2026, 10, 10)), "");
}

TEST(WorkCalendarTest, ShiftsToTheNextWorkingDayByDefault) {
  const WorkCalendar calendar = Calendar2026();
  const ShiftedDay shifted =
      calendar.Shift(absl::CivilDay(2026, 10, 5), NonWorkingDayPolicy::kNextWorkingDay);
  EXPECT_EQ(shifted.day, absl::CivilDay(2026, 10, 8));
  EXPECT_THAT(shifted.passed_over,
              ElementsAre(absl::CivilDay(2026, 10, 5), absl::CivilDay(2026, 10, 6),
                          absl::CivilDay(2026, 10, 7)));
  EXPECT_THAT(DescribeShift(calendar, absl::CivilDay(2026, 10, 5), shifted),
              ElementsAre("2026-10-05 is a holiday (国庆节): moved to 2026-10-08",
                          "2026-10-06 is a holiday (国庆节): passed over",
                          "2026-10-07 is a holiday (国庆节): passed over"));
}

TEST(WorkCalendarTest, ShiftsBackOrKeepsByPolicy) {
  const WorkCalendar calendar = Calendar2026();
  const ShiftedDay back =
      calendar.Shift(absl::CivilDay(2026, 10, 5), NonWorkingDayPolicy::kPreviousWorkingDay);
  EXPECT_EQ(back.day, absl::CivilDay(2026, 9, 30));
  EXPECT_EQ(back.passed_over.size(), 5u);
  const ShiftedDay kept = calendar.Shift(absl::CivilDay(2026, 10, 5), NonWorkingDayPolicy::kKeep);
  EXPECT_EQ(kept.day, absl::CivilDay(2026, 10, 5));
  EXPECT_FALSE(kept.moved());
  const ShiftedDay working =
      calendar.Shift(absl::CivilDay(2026, 10, 9), NonWorkingDayPolicy::kNextWorkingDay);
  EXPECT_EQ(working.day, absl::CivilDay(2026, 10, 9));
  EXPECT_FALSE(working.moved());
  EXPECT_TRUE(DescribeShift(calendar, absl::CivilDay(2026, 10, 9), working).empty());
}

TEST(WorkCalendarTest, AddsWorkingDaysPassingOverHolidaysAndCountingMakeUpDays) {
  const WorkCalendar calendar = Calendar2026();
  std::vector<absl::CivilDay> skipped;
  // From Wednesday 2026-09-30: 10-01..10-07 are holidays, 10-08, 10-09 and
  // the made-up Saturday 10-10 are the three working days.
  EXPECT_EQ(calendar.AddWorkingDays(absl::CivilDay(2026, 9, 30), 3, &skipped),
            absl::CivilDay(2026, 10, 10));
  EXPECT_EQ(skipped.size(), 7u);
  EXPECT_EQ(WorkCalendar().AddWorkingDays(absl::CivilDay(2026, 10, 9), 1),
            absl::CivilDay(2026, 10, 12));
}

TEST(WorkCalendarTest, PolicyNamesRoundTripAndBadOnesNameTheField) {
  for (NonWorkingDayPolicy policy :
       {NonWorkingDayPolicy::kNextWorkingDay, NonWorkingDayPolicy::kKeep,
        NonWorkingDayPolicy::kPreviousWorkingDay}) {
    absl::StatusOr<NonWorkingDayPolicy> parsed = ParsePolicy(PolicyName(policy), "policy");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, policy);
  }
  absl::StatusOr<NonWorkingDayPolicy> bad = ParsePolicy("later", "non_working_day_policy");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              ::testing::StartsWith("non_working_day_policy: \"later\""));
}

TEST(WorkCalendarTest, CsvWithABadLineIsRefusedNamingTheLine) {
  absl::StatusOr<WorkCalendar> bad =
      WorkCalendar::FromCsv("date,kind,name\n2026-10-01,holiday,国庆节\n2026-10-02,rest,x\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), ::testing::StartsWith("csv: line 3: "));
}

}  // namespace
}  // namespace duban::calendar

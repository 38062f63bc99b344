#include "services/minutes/draft_deadline.h"

#include <gtest/gtest.h>

#include "common/time_util.h"

namespace duban::minutes {
namespace {

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}

absl::Time Utc(int y, int m, int d, int hh, int mm, int ss) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

TEST(DraftDeadlineTest, EndOfTheThirdCalendarDayAfterTheLocalDate) {
  // 2026-10-12 10:00 local.
  const DraftDeadline deadline =
      ComputeDraftDeadline(Utc(2026, 10, 12, 2, 0, 0), Shanghai(), DraftDeadlineOptions());
  EXPECT_EQ(deadline.due_on, absl::CivilDay(2026, 10, 15));
  // 2026-10-16 00:00 local is 2026-10-15 16:00 UTC.
  EXPECT_EQ(deadline.due_at, Utc(2026, 10, 15, 16, 0, 0));
  EXPECT_EQ(deadline.rule, "draft.calendar_days");
  EXPECT_EQ(deadline.inputs.at("held_on"), "2026-10-12");
  EXPECT_EQ(deadline.inputs.at("days"), "3");
}

TEST(DraftDeadlineTest, LocalDateDecidesNotTheUtcDate) {
  // 2026-10-12 23:59:59 local is still the 12th, though 15:59:59 UTC...
  EXPECT_EQ(ComputeDraftDeadline(Utc(2026, 10, 12, 15, 59, 59), Shanghai(), {}).due_on,
            absl::CivilDay(2026, 10, 15));
  // ...and 2026-10-13 00:00 local (12th 16:00 UTC) is the 13th.
  EXPECT_EQ(ComputeDraftDeadline(Utc(2026, 10, 12, 16, 0, 0), Shanghai(), {}).due_on,
            absl::CivilDay(2026, 10, 16));
  // 2026-10-12 07:59 local is the 11th 23:59 UTC: the local 12th counts.
  EXPECT_EQ(ComputeDraftDeadline(Utc(2026, 10, 11, 23, 59, 0), Shanghai(), {}).due_on,
            absl::CivilDay(2026, 10, 15));
}

TEST(DraftDeadlineTest, CrossesMonthAndYearEnds) {
  EXPECT_EQ(ComputeDraftDeadline(Utc(2026, 12, 30, 4, 0, 0), Shanghai(), {}).due_on,
            absl::CivilDay(2027, 1, 2));
  EXPECT_EQ(ComputeDraftDeadline(Utc(2026, 2, 27, 4, 0, 0), Shanghai(), {}).due_on,
            absl::CivilDay(2026, 3, 2));
}

TEST(DraftDeadlineTest, DaysAreConfigurable) {
  DraftDeadlineOptions options;
  options.days = 5;
  EXPECT_EQ(ComputeDraftDeadline(Utc(2026, 10, 12, 2, 0, 0), Shanghai(), options).due_on,
            absl::CivilDay(2026, 10, 17));
}

TEST(DraftDeadlineTest, WorkingDaysFollowTheCalendarToTheMakeUpSaturday) {
  // 2026: National Day holiday October 1 to 7, Saturday October 10 worked.
  calendar::WorkCalendar calendar;
  for (int day = 1; day <= 7; ++day) calendar.AddHoliday(absl::CivilDay(2026, 10, day), "国庆节");
  calendar.AddMakeUpWorkday(absl::CivilDay(2026, 10, 10), "国庆节调休上班");
  DraftDeadlineOptions options;
  options.working_days = true;
  // 2026-09-30 15:00 local.
  const DraftDeadline deadline =
      ComputeDraftDeadline(Utc(2026, 9, 30, 7, 0, 0), Shanghai(), options, calendar);
  EXPECT_EQ(deadline.due_on, absl::CivilDay(2026, 10, 10));
  // 2026-10-11 00:00 local.
  EXPECT_EQ(deadline.due_at, Utc(2026, 10, 10, 16, 0, 0));
  EXPECT_EQ(deadline.rule, "draft.working_days");
  // October 1 to 7 passed over.
  EXPECT_EQ(deadline.inputs.at("non_working_days_passed"), "7");
}

TEST(DraftDeadlineTest, WorkingDaysWithoutListedDaysSkipTheWeekend) {
  DraftDeadlineOptions options;
  options.working_days = true;
  // Friday 2026-10-16: Monday, Tuesday, Wednesday.
  EXPECT_EQ(ComputeDraftDeadline(Utc(2026, 10, 16, 2, 0, 0), Shanghai(), options).due_on,
            absl::CivilDay(2026, 10, 21));
}

}  // namespace
}  // namespace duban::minutes

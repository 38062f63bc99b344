#include "common/calendar/periods.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/calendar/calendar_testing.h"
#include "common/time_util.h"

namespace duban::calendar {
namespace {

using testing::Calendar2026;
using ::testing::ElementsAre;
using testing::Shanghai;

std::string Local(absl::Time t) { return FormatLocal(t, Shanghai()); }

TEST(PeriodsTest, TwoPeriodsEndInAMonthWithShiftedCutoffs) {
  const std::vector<Period> periods =
      PeriodsEndingIn(absl::CivilMonth(2026, 10), Calendar2026(), Shanghai());
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_EQ(periods[0].id, "2026-10-1");
  // 2026-09-20 is a Sunday made up as a workday: that cut-off stays.
  EXPECT_EQ(Local(periods[0].starts_after), "2026-09-20T18:00:00+08:00");
  EXPECT_EQ(Local(periods[0].report_cutoff()), "2026-10-08T18:00:00+08:00");
  EXPECT_EQ(Local(periods[0].digest_cutoff()), "2026-10-08T18:00:00+08:00");
  EXPECT_EQ(periods[1].id, "2026-10-2");
  EXPECT_EQ(Local(periods[1].starts_after), "2026-10-08T18:00:00+08:00");
  EXPECT_EQ(Local(periods[1].report_cutoff()), "2026-10-20T18:00:00+08:00");
  EXPECT_EQ(Local(periods[1].digest_cutoff()), "2026-10-22T18:00:00+08:00");
}

TEST(PeriodsTest, Exactly18Of48CutoffsIn2026Move) {
  const WorkCalendar calendar = Calendar2026();
  std::vector<std::string> moved;
  int cutoffs = 0;
  for (int m = 1; m <= 12; ++m) {
    for (const Period& period : PeriodsEndingIn(absl::CivilMonth(2026, m), calendar, Shanghai())) {
      for (const Cutoff* cutoff : {&period.report, &period.digest}) {
        ++cutoffs;
        if (cutoff->shifted.moved()) {
          moved.push_back(
              absl::StrCat(FormatDay(cutoff->nominal), ">", FormatDay(cutoff->shifted.day)));
        }
      }
    }
  }
  EXPECT_EQ(cutoffs, 48);
  EXPECT_THAT(
      moved,
      ElementsAre("2026-02-07>2026-02-09", "2026-02-20>2026-02-24", "2026-02-22>2026-02-24",
                  "2026-03-07>2026-03-09", "2026-03-22>2026-03-23", "2026-04-05>2026-04-07",
                  "2026-05-05>2026-05-06", "2026-06-07>2026-06-08", "2026-06-20>2026-06-22",
                  "2026-07-05>2026-07-06", "2026-08-22>2026-08-24", "2026-09-05>2026-09-07",
                  "2026-10-05>2026-10-08", "2026-10-07>2026-10-08", "2026-11-07>2026-11-09",
                  "2026-11-22>2026-11-23", "2026-12-05>2026-12-07", "2026-12-20>2026-12-21"));
}

// Both cut-offs move onto the same instant twice (product.md); four more
// times the report cut-off alone moves onto its digest cut-off's day.
TEST(PeriodsTest, ReportAndDigestCutoffsBothMoveOntoOneInstantOnFebruary24AndOctober8) {
  const WorkCalendar calendar = Calendar2026();
  std::vector<std::string> both_moved;
  std::vector<std::string> coinciding;
  for (int m = 1; m <= 12; ++m) {
    for (const Period& period : PeriodsEndingIn(absl::CivilMonth(2026, m), calendar, Shanghai())) {
      if (period.report_cutoff() != period.digest_cutoff()) continue;
      const std::string at = absl::StrCat(period.id, "@", Local(period.report_cutoff()));
      coinciding.push_back(at);
      if (period.report.shifted.moved() && period.digest.shifted.moved()) both_moved.push_back(at);
    }
  }
  EXPECT_THAT(both_moved, ElementsAre("2026-02-2@2026-02-24T18:00:00+08:00",
                                      "2026-10-1@2026-10-08T18:00:00+08:00"));
  EXPECT_THAT(
      coinciding,
      ElementsAre("2026-02-2@2026-02-24T18:00:00+08:00", "2026-04-1@2026-04-07T18:00:00+08:00",
                  "2026-06-2@2026-06-22T18:00:00+08:00", "2026-09-1@2026-09-07T18:00:00+08:00",
                  "2026-10-1@2026-10-08T18:00:00+08:00", "2026-12-1@2026-12-07T18:00:00+08:00"));
}

TEST(PeriodsTest, KeepPolicyLeavesCutoffsOnTheirDays) {
  PeriodRules rules;
  rules.policy = NonWorkingDayPolicy::kKeep;
  const std::vector<Period> periods =
      PeriodsEndingIn(absl::CivilMonth(2026, 10), Calendar2026(), Shanghai(), rules);
  EXPECT_EQ(Local(periods[0].report_cutoff()), "2026-10-05T18:00:00+08:00");
  EXPECT_EQ(Local(periods[0].digest_cutoff()), "2026-10-07T18:00:00+08:00");
}

TEST(PeriodsTest, ThePeriodContainingAnInstantEndsAtItsCutoffInclusive) {
  const WorkCalendar calendar = Calendar2026();
  auto at = [](int month, int day, int h, int m, int s) {
    return FromLocal(absl::CivilSecond(2026, month, day, h, m, s), Shanghai());
  };
  EXPECT_EQ(PeriodContaining(at(10, 8, 17, 59, 59), calendar, Shanghai()).id, "2026-10-1");
  EXPECT_EQ(PeriodContaining(at(10, 8, 18, 0, 0), calendar, Shanghai()).id, "2026-10-1");
  EXPECT_EQ(PeriodContaining(at(10, 8, 18, 0, 1), calendar, Shanghai()).id, "2026-10-2");
  EXPECT_EQ(PeriodContaining(at(9, 21, 18, 0, 1), calendar, Shanghai()).id, "2026-10-1");
  EXPECT_EQ(PeriodContaining(at(12, 25, 9, 0, 0), calendar, Shanghai()).id, "2027-01-1");
  EXPECT_EQ(PeriodContaining(at(1, 1, 0, 0, 0), calendar, Shanghai()).id, "2026-01-1");
}

TEST(PeriodsTest, PeriodByIdAndTheNextOne) {
  const WorkCalendar calendar = Calendar2026();
  absl::StatusOr<Period> period = PeriodById("2026-12-2", "period_id", calendar, Shanghai());
  ASSERT_TRUE(period.ok()) << period.status();
  EXPECT_EQ(Local(period->report_cutoff()), "2026-12-21T18:00:00+08:00");  // 12-20 is a Sunday
  const Period next = NextPeriod(*period, calendar, Shanghai());
  EXPECT_EQ(next.id, "2027-01-1");
  EXPECT_EQ(next.starts_after, period->report_cutoff());
  for (const char* bad : {"", "2026-12", "2026-12-3", "2026-13-1", "2026-12-1x"}) {
    absl::StatusOr<Period> refused = PeriodById(bad, "period_id", calendar, Shanghai());
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(refused.status().message()), ::testing::StartsWith("period_id: "));
  }
}

TEST(PeriodsTest, MonthsParseAndFormat) {
  absl::StatusOr<absl::CivilMonth> month = ParseMonth("2026-10", "month");
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(FormatMonth(*month), "2026-10");
  EXPECT_FALSE(ParseMonth("2026-1", "month").ok());
}

TEST(PeriodsTest, RulesOutOfOrderAreRefusedNamingTheRule) {
  PeriodRules rules;
  EXPECT_TRUE(CheckRules(rules).ok());
  rules.first_digest_day = 21;
  EXPECT_EQ(CheckRules(rules).message(),
            "first_digest_day: must be on or after first_report_day and before second_report_day");
  rules = {};
  rules.cutoff_hour = 24;
  EXPECT_EQ(CheckRules(rules).message(), "cutoff_hour: must be from 0 to 23");
}

}  // namespace
}  // namespace duban::calendar

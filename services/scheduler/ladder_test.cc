#include "services/scheduler/ladder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/calendar/work_calendar.h"
#include "common/time_util.h"
#include "services/scheduler/scheduler_metrics.h"

namespace duban::scheduler {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}

absl::Time Local(absl::CivilSecond t) { return absl::FromCivil(t, Shanghai()); }

TEST(AddWorkingDaysTest, WeekdayCalendarPassesOverTheWeekend) {
  calendar::WorkCalendar calendar;
  std::vector<absl::CivilDay> skipped;
  // 2027-01-01 is a Friday.
  EXPECT_EQ(calendar.AddWorkingDays(absl::CivilDay(2027, 1, 1), 3, &skipped),
            absl::CivilDay(2027, 1, 6));
  EXPECT_THAT(skipped, ElementsAre(absl::CivilDay(2027, 1, 2), absl::CivilDay(2027, 1, 3)));
}

TEST(ComputeLadderTest, DefaultRungsOfADateOnlyDeadline) {
  calendar::WorkCalendar calendar;
  const absl::Time due = Local(absl::CivilDay(2027, 1, 1));  // end of 2026-12-31
  const std::vector<RungDue> ladder = ComputeLadder(due, Shanghai(), calendar, LadderOptions{});
  ASSERT_EQ(ladder.size(), 3u);
  EXPECT_EQ(ladder[0].rung, common::v1::RUNG_REMINDER);
  EXPECT_EQ(ladder[0].due_at, Local(absl::CivilDay(2026, 12, 29)));
  EXPECT_EQ(ladder[1].rung, common::v1::RUNG_URGING);
  EXPECT_EQ(ladder[1].due_at, due);
  EXPECT_EQ(ladder[2].rung, common::v1::RUNG_SUPERVISION);
  EXPECT_EQ(ladder[2].due_at, Local(absl::CivilDay(2027, 1, 6)));
}

TEST(ComputeLadderTest, SupervisionKeepsTheDeadlinesTimeOfDay) {
  calendar::WorkCalendar calendar;
  // Wednesday 2026-03-04 18:00 local: three working days later is Monday 18:00.
  const absl::Time due = Local(absl::CivilSecond(2026, 3, 4, 18, 0, 0));
  const auto ladder = ComputeLadder(due, Shanghai(), calendar, LadderOptions{});
  EXPECT_EQ(ladder[2].due_at, Local(absl::CivilSecond(2026, 3, 9, 18, 0, 0)));
}

TEST(ExplainTest, NamesRuleRungsAndSkippedDays) {
  calendar::WorkCalendar calendar;
  v1::Deadline deadline;
  deadline.set_rule("item.date");
  (*deadline.mutable_inputs())["deadline"] = "2026-12-31";
  *deadline.mutable_due_at() = ToProto(Local(absl::CivilDay(2027, 1, 1)));
  common::v1::Deadline given;
  *given.mutable_date() = ToProto(absl::CivilDay(2026, 12, 31));

  const v1::Explanation explanation =
      Explain(deadline, given, Shanghai(), calendar, LadderOptions{});
  EXPECT_EQ(explanation.rule(), "item.date");
  EXPECT_EQ(explanation.inputs().at("deadline"), "2026-12-31");
  EXPECT_EQ(explanation.local_due(), "2027-01-01T00:00:00+08:00");
  ASSERT_EQ(explanation.steps_size(), 4);
  EXPECT_THAT(explanation.steps(0), HasSubstr("date-only deadline 2026-12-31"));
  EXPECT_THAT(explanation.steps(1), HasSubstr("2026-12-29T00:00:00+08:00"));
  EXPECT_THAT(explanation.steps(3),
              HasSubstr("passing over 2027-01-02 (a Saturday), 2027-01-03 (a Sunday): "
                        "2027-01-06T00:00:00+08:00"));
  ASSERT_EQ(explanation.skipped_days_size(), 2);
  EXPECT_EQ(explanation.skipped_days(0).day(), 2);
}

TEST(SchedulerMetricsTest, DeclaresTheDocumentedNames) {
  prometheus::Registry registry;
  SchedulerMetrics metrics(registry);
  metrics.RungFired(common::v1::RUNG_URGING, common::v1::SUBJECT_KIND_ITEM);
  metrics.ObservePoll(absl::Milliseconds(3));

  std::vector<std::string> names;
  double urging_items = 0;
  for (const auto& family : registry.Collect()) {
    names.push_back(family.name);
    if (family.name != "duban_scheduler_rungs_fired_total") continue;
    for (const auto& metric : family.metric) urging_items += metric.counter.value;
  }
  EXPECT_THAT(names, UnorderedElementsAre("duban_scheduler_rungs_fired_total",
                                          "duban_scheduler_poll_duration_seconds"));
  EXPECT_EQ(urging_items, 1);
  EXPECT_EQ(std::string(kPendingGauge), "duban_scheduler_deadlines_pending");
  EXPECT_EQ(std::string(kLagGauge), "duban_scheduler_oldest_due_unfired_seconds");
}

TEST(SchedulerMetricsTest, PendingHasASamplePerKind) {
  const std::vector<ScrapeGauges::Sample> samples =
      PendingSamples({{common::v1::SUBJECT_KIND_ITEM, 2}, {common::v1::SUBJECT_KIND_REPORT, 5}});
  std::map<std::string, double> by_kind;
  for (const auto& sample : samples) by_kind[sample.labels.at("kind")] = sample.value;
  EXPECT_EQ(by_kind,
            (std::map<std::string, double>{
                {"draft", 0}, {"item", 2}, {"report", 5}, {"digest", 0}, {"dispatch_cycle", 0}}));
}

}  // namespace
}  // namespace duban::scheduler

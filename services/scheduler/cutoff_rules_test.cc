#include "services/scheduler/cutoff_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/calendar/calendar_testing.h"
#include "common/time_util.h"
#include "services/scheduler/ladder.h"

namespace duban::scheduler {
namespace {

using calendar::testing::Calendar2026;
using calendar::testing::Shanghai;
using ::testing::ElementsAre;

v1::Deadline Stored(const GeneratedDeadline& g) {
  v1::Deadline d;
  *d.mutable_subject() = g.subject;
  d.set_owner_unit_id(g.owner_unit_id);
  d.set_rule(g.rule);
  for (const auto& [key, value] : g.inputs) (*d.mutable_inputs())[key] = value;
  *d.mutable_due_at() = ToProto(g.due_at);
  return d;
}

calendar::Period October1() {
  return calendar::PeriodById("2026-10-1", "period_id", Calendar2026(), Shanghai()).value();
}

TEST(CutoffRulesTest, AReportIsOwedByItsLeadUnitAtTheShiftedCutoff) {
  const GeneratedDeadline g = ReportDeadline(October1(), "unit-a", {}, Shanghai());
  EXPECT_EQ(g.subject.kind(), common::v1::SUBJECT_KIND_REPORT);
  EXPECT_EQ(g.subject.id(), "unit-a@2026-10-1");
  EXPECT_EQ(g.owner_unit_id, "unit-a");
  EXPECT_EQ(g.rule, "report.cutoff");
  EXPECT_EQ(FormatLocal(g.due_at, Shanghai()), "2026-10-08T18:00:00+08:00");
  EXPECT_EQ(g.inputs.at("period_id"), "2026-10-1");
  EXPECT_EQ(g.inputs.at("digest_cutoff"), "2026-10-08T18:00:00+08:00");
  EXPECT_EQ(g.inputs.at("report_day"), "2026-10-05");
  EXPECT_EQ(g.inputs.at("policy"), "next_working_day");
}

TEST(CutoffRulesTest, LabelsNameTheUnitAndTheLeaderOrFallBackToTheirIds) {
  EXPECT_EQ(ReportDeadline(October1(), "unit-a", {}, Shanghai(), "住建局").label,
            "住建局 2026-10-1期调度情况报告");
  EXPECT_EQ(ReportDeadline(October1(), "unit-a", {}, Shanghai()).label,
            "unit-a 2026-10-1期调度情况报告");
  EXPECT_EQ(DispatchCycleDeadline("p-leader", absl::CivilMonth(2026, 10), Shanghai(), "郑十").label,
            "郑十 2026-10调度周期");
  EXPECT_EQ(DispatchCycleDeadline("p-leader", absl::CivilMonth(2026, 10), Shanghai()).label,
            "p-leader 2026-10调度周期");
  EXPECT_EQ(DigestDeadline(October1(), {}, Shanghai()).label, "2026-10-1期调度情况汇总");
}

TEST(CutoffRulesTest, OneDigestPerPeriod) {
  const GeneratedDeadline g = DigestDeadline(October1(), {}, Shanghai());
  EXPECT_EQ(g.subject.kind(), common::v1::SUBJECT_KIND_DIGEST);
  EXPECT_EQ(g.subject.id(), "2026-10-1");
  EXPECT_EQ(g.rule, "digest.cutoff");
  EXPECT_EQ(FormatLocal(g.due_at, Shanghai()), "2026-10-08T18:00:00+08:00");
}

TEST(CutoffRulesTest, ADispatchCycleEndsWithTheMonth) {
  const GeneratedDeadline g =
      DispatchCycleDeadline("p-leader", absl::CivilMonth(2026, 2), Shanghai());
  EXPECT_EQ(g.subject.kind(), common::v1::SUBJECT_KIND_DISPATCH_CYCLE);
  EXPECT_EQ(g.subject.id(), "p-leader@2026-02");
  EXPECT_EQ(g.owner_person_id, "p-leader");
  EXPECT_EQ(FormatLocal(g.due_at, Shanghai()), "2026-03-01T00:00:00+08:00");
  EXPECT_EQ(g.given.date().day(), 28);
}

TEST(CutoffRulesTest, ACalendarChangeMovesTheCutoff) {
  const v1::Deadline d = Stored(ReportDeadline(October1(), "unit-a", {}, Shanghai()));
  std::optional<calendar::Cutoff> weekdays = CutoffOf(d, calendar::WorkCalendar(), Shanghai(), {});
  ASSERT_TRUE(weekdays.has_value());
  EXPECT_EQ(FormatLocal(weekdays->at, Shanghai()), "2026-10-05T18:00:00+08:00");
  v1::Deadline item;
  item.set_rule("item.date");
  EXPECT_FALSE(CutoffOf(item, Calendar2026(), Shanghai(), {}).has_value());
}

TEST(CutoffRulesTest, ExplainsEveryDayPassedOverAndTheLocalDue) {
  const v1::Deadline d = Stored(ReportDeadline(October1(), "unit-a", {}, Shanghai()));
  std::vector<absl::CivilDay> skipped;
  EXPECT_THAT(
      ExplainCutoff(d, Calendar2026(), Shanghai(), {}, &skipped),
      ElementsAre("rule report.cutoff: the report cut-off of period 2026-10-1 is 2026-10-05 at "
                  "18:00 local; a cut-off on a non-working day goes by the policy "
                  "next_working_day",
                  "2026-10-05 is a holiday (国庆节): moved to 2026-10-08",
                  "2026-10-06 is a holiday (国庆节): passed over",
                  "2026-10-07 is a holiday (国庆节): passed over",
                  "due 2026-10-08T18:00:00+08:00"));
  EXPECT_EQ(skipped.size(), 3u);

  common::v1::Deadline given;
  *given.mutable_instant() = d.due_at();
  const v1::Explanation explanation =
      Explain(d, given, Shanghai(), Calendar2026(), LadderOptions{},
              ExplainCutoff(d, Calendar2026(), Shanghai(), {}, &skipped), skipped);
  EXPECT_EQ(explanation.local_due(), "2026-10-08T18:00:00+08:00");
  EXPECT_EQ(explanation.steps(1), "2026-10-05 is a holiday (国庆节): moved to 2026-10-08");
  // The supervision rung: three working days after Thursday 10-08 are 10-09,
  // the made-up Saturday 10-10 and Monday 10-12, passing over Sunday 10-11.
  EXPECT_EQ(explanation.steps(explanation.steps_size() - 1),
            "supervision 3 working days after the deadline, passing over 2026-10-11 (a Sunday): "
            "2026-10-12T18:00:00+08:00");
}

}  // namespace
}  // namespace duban::scheduler

#include "services/scheduler/ladder.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/time_util.h"

namespace duban::scheduler {
namespace {

using duban::common::v1::Rung;

// Counts working days after the deadline's local day at its time of day. A
// deadline at 00:00 is the end of the previous day (a date-only deadline), so
// counting starts from that day and lands on the end of the last working day.
absl::Time SupervisionDue(absl::Time due_at, absl::TimeZone zone,
                          const calendar::WorkCalendar& calendar, int working_days,
                          std::vector<absl::CivilDay>* skipped) {
  const absl::CivilSecond local = absl::ToCivilSecond(due_at, zone);
  if (local == absl::CivilSecond(absl::CivilDay(local))) {
    const absl::CivilDay last_day = absl::CivilDay(local) - 1;
    return EndOfLocalDay(calendar.AddWorkingDays(last_day, working_days, skipped), zone);
  }
  const absl::CivilDay day = calendar.AddWorkingDays(absl::CivilDay(local), working_days, skipped);
  const absl::CivilSecond at(day.year(), day.month(), day.day(), local.hour(), local.minute(),
                             local.second());
  return FromLocal(at, zone);
}

std::string DescribeGiven(const duban::common::v1::Deadline& given, absl::TimeZone zone,
                          absl::Time due_at) {
  if (given.has_date()) {
    const auto& d = given.date();
    return absl::StrCat(
        "date-only deadline ", FormatDay(absl::CivilDay(d.year(), d.month(), d.day())),
        ": met by anything done before the end of that local day, ", FormatLocal(due_at, zone));
  }
  return absl::StrCat("deadline at the instant given, ", FormatLocal(due_at, zone));
}

}  // namespace

std::string RungName(Rung rung) {
  constexpr std::string_view kPrefix = "RUNG_";
  std::string name = duban::common::v1::Rung_Name(rung);
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  return name;
}

std::vector<RungDue> ComputeLadder(absl::Time due_at, absl::TimeZone zone,
                                   const calendar::WorkCalendar& calendar,
                                   const LadderOptions& options) {
  return {
      {duban::common::v1::RUNG_REMINDER, due_at - options.reminder_lead},
      {duban::common::v1::RUNG_URGING, due_at},
      {duban::common::v1::RUNG_SUPERVISION,
       SupervisionDue(due_at, zone, calendar, options.supervision_working_days, nullptr)},
  };
}

duban::scheduler::v1::Explanation Explain(
    const duban::scheduler::v1::Deadline& deadline, const duban::common::v1::Deadline& given,
    absl::TimeZone zone, const calendar::WorkCalendar& calendar, const LadderOptions& options,
    const std::vector<std::string>& rule_steps, const std::vector<absl::CivilDay>& rule_skipped) {
  duban::scheduler::v1::Explanation explanation;
  explanation.set_rule(deadline.rule());
  *explanation.mutable_inputs() = deadline.inputs();
  const absl::Time due_at = FromProto(deadline.due_at());
  *explanation.mutable_due_at() = deadline.due_at();
  explanation.set_local_due(FormatLocal(due_at, zone));

  if (rule_steps.empty()) {
    explanation.add_steps(
        absl::StrCat("rule ", deadline.rule(), ": ", DescribeGiven(given, zone, due_at)));
  }
  for (const std::string& step : rule_steps) explanation.add_steps(step);
  for (absl::CivilDay day : rule_skipped) *explanation.add_skipped_days() = ToProto(day);
  explanation.add_steps(
      absl::StrCat("reminder ", absl::FormatDuration(options.reminder_lead),
                   " before the deadline: ", FormatLocal(due_at - options.reminder_lead, zone)));
  explanation.add_steps(absl::StrCat("urging at the deadline: ", FormatLocal(due_at, zone)));

  std::vector<absl::CivilDay> skipped;
  const absl::Time supervision =
      SupervisionDue(due_at, zone, calendar, options.supervision_working_days, &skipped);
  std::vector<std::string> skipped_text;
  for (absl::CivilDay day : skipped) {
    skipped_text.push_back(absl::StrCat(FormatDay(day), " (", calendar.WhyNotWorking(day), ")"));
    *explanation.add_skipped_days() = ToProto(day);
  }
  explanation.add_steps(absl::StrCat(
      "supervision ", options.supervision_working_days, " working days after the deadline",
      skipped.empty() ? "" : absl::StrCat(", passing over ", absl::StrJoin(skipped_text, ", ")),
      ": ", FormatLocal(supervision, zone)));
  return explanation;
}

}  // namespace duban::scheduler

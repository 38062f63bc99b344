#include "services/scheduler/cutoff_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time_util.h"

namespace duban::scheduler {
namespace {

using duban::common::v1::Subject;

Subject MakeSubject(duban::common::v1::SubjectKind kind, std::string id) {
  Subject subject;
  subject.set_kind(kind);
  subject.set_id(std::move(id));
  return subject;
}

std::string CutoffTime(const calendar::PeriodRules& rules) {
  return absl::StrFormat("%02d:%02d", rules.cutoff_hour, rules.cutoff_minute);
}

duban::common::v1::Deadline Instant(absl::Time t) {
  duban::common::v1::Deadline given;
  *given.mutable_instant() = ToProto(t);
  return given;
}

const std::string* Input(const duban::scheduler::v1::Deadline& deadline, const char* key) {
  auto it = deadline.inputs().find(key);
  return it == deadline.inputs().end() ? nullptr : &it->second;
}

}  // namespace

GeneratedDeadline ReportDeadline(const calendar::Period& period, const std::string& unit_id,
                                 const calendar::PeriodRules& rules, absl::TimeZone zone,
                                 const std::string& unit_name) {
  GeneratedDeadline g;
  g.subject =
      MakeSubject(duban::common::v1::SUBJECT_KIND_REPORT, absl::StrCat(unit_id, "@", period.id));
  g.owner_unit_id = unit_id;
  g.rule = kReportRule;
  g.inputs = {{"period_id", period.id},
              {"lead_unit_id", unit_id},
              {"report_day", FormatDay(period.report.nominal)},
              {"cutoff_time", CutoffTime(rules)},
              {"policy", calendar::PolicyName(rules.policy)},
              {"starts_after", FormatLocal(period.starts_after, zone)},
              {"digest_cutoff", FormatLocal(period.digest_cutoff(), zone)}};
  g.due_at = period.report_cutoff();
  g.given = Instant(g.due_at);
  g.label = absl::StrCat(unit_name.empty() ? unit_id : unit_name, " ", period.id, "期调度情况报告");
  return g;
}

GeneratedDeadline DigestDeadline(const calendar::Period& period, const calendar::PeriodRules& rules,
                                 absl::TimeZone zone) {
  GeneratedDeadline g;
  g.subject = MakeSubject(duban::common::v1::SUBJECT_KIND_DIGEST, period.id);
  g.rule = kDigestRule;
  g.inputs = {{"period_id", period.id},
              {"digest_day", FormatDay(period.digest.nominal)},
              {"cutoff_time", CutoffTime(rules)},
              {"policy", calendar::PolicyName(rules.policy)},
              {"report_cutoff", FormatLocal(period.report_cutoff(), zone)}};
  g.due_at = period.digest_cutoff();
  g.given = Instant(g.due_at);
  g.label = absl::StrCat(period.id, "期调度情况汇总");
  return g;
}

GeneratedDeadline DispatchCycleDeadline(const std::string& leader_id, absl::CivilMonth month,
                                        absl::TimeZone zone, const std::string& leader_name) {
  GeneratedDeadline g;
  const std::string month_text = calendar::FormatMonth(month);
  g.subject = MakeSubject(duban::common::v1::SUBJECT_KIND_DISPATCH_CYCLE,
                          absl::StrCat(leader_id, "@", month_text));
  g.owner_person_id = leader_id;
  g.rule = kDispatchCycleRule;
  g.inputs = {{"leader_id", leader_id}, {"month", month_text}};
  const absl::CivilDay last_day = absl::CivilDay(month + 1) - 1;
  *g.given.mutable_date() = ToProto(last_day);
  g.due_at = EndOfLocalDay(last_day, zone);
  g.label =
      absl::StrCat(leader_name.empty() ? leader_id : leader_name, " ", month_text, "调度周期");
  return g;
}

std::optional<calendar::Cutoff> CutoffOf(const duban::scheduler::v1::Deadline& deadline,
                                         const calendar::WorkCalendar& calendar,
                                         absl::TimeZone zone, const calendar::PeriodRules& rules) {
  const bool report = deadline.rule() == kReportRule;
  if (!report && deadline.rule() != kDigestRule) return std::nullopt;
  const std::string* period_id = Input(deadline, "period_id");
  if (period_id == nullptr) return std::nullopt;
  absl::StatusOr<calendar::Period> period =
      calendar::PeriodById(*period_id, "period_id", calendar, zone, rules);
  if (!period.ok()) return std::nullopt;
  return report ? period->report : period->digest;
}

std::vector<std::string> ExplainCutoff(const duban::scheduler::v1::Deadline& deadline,
                                       const calendar::WorkCalendar& calendar, absl::TimeZone zone,
                                       const calendar::PeriodRules& rules,
                                       std::vector<absl::CivilDay>* skipped) {
  std::optional<calendar::Cutoff> cutoff = CutoffOf(deadline, calendar, zone, rules);
  if (!cutoff) return {};
  const bool report = deadline.rule() == kReportRule;
  std::vector<std::string> steps = {absl::StrCat(
      "rule ", deadline.rule(), ": the ", report ? "report" : "digest", " cut-off of period ",
      deadline.inputs().at("period_id"), " is ", FormatDay(cutoff->nominal), " at ",
      CutoffTime(rules), " local; a cut-off on a non-working day goes by the policy ",
      calendar::PolicyName(rules.policy))};
  for (std::string& step : calendar::DescribeShift(calendar, cutoff->nominal, cutoff->shifted)) {
    steps.push_back(std::move(step));
  }
  skipped->insert(skipped->end(), cutoff->shifted.passed_over.begin(),
                  cutoff->shifted.passed_over.end());
  steps.push_back(absl::StrCat("due ", FormatLocal(cutoff->at, zone)));
  return steps;
}

}  // namespace duban::scheduler

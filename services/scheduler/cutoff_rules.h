// The recurring cut-offs the scheduler generates itself (product.md,
// "Deadlines" and "Periods"): a lead unit's report and the office digest of
// each period, and each district leader's monthly dispatch cycle. Pure and
// thread-safe.
#ifndef DUBAN_SERVICES_SCHEDULER_CUTOFF_RULES_H_
#define DUBAN_SERVICES_SCHEDULER_CUTOFF_RULES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/periods.h"
#include "common/calendar/work_calendar.h"
#include "duban/common/v1/common.pb.h"
#include "duban/scheduler/v1/scheduler.pb.h"

namespace duban::scheduler {

inline constexpr char kReportRule[] = "report.cutoff";
inline constexpr char kDigestRule[] = "digest.cutoff";
inline constexpr char kDispatchCycleRule[] = "dispatch_cycle.month_end";

// A deadline the scheduler produces from a rule, before it is stored.
struct GeneratedDeadline {
  duban::common::v1::Subject subject;
  std::string owner_unit_id;
  std::string owner_person_id;
  std::string rule;
  std::map<std::string, std::string> inputs;
  duban::common::v1::Deadline given;
  absl::Time due_at;
  std::string label;
};

// REPORT "<unit_id>@<period_id>", owned by the lead unit, due at the period's
// report cut-off; inputs: period_id, lead_unit_id, report_day, cutoff_time,
// policy, starts_after, digest_cutoff. Labelled "<unit name> <period_id>期调度情况报告"
// (the unit id when `unit_name` is empty).
GeneratedDeadline ReportDeadline(const calendar::Period& period, const std::string& unit_id,
                                 const calendar::PeriodRules& rules, absl::TimeZone zone,
                                 const std::string& unit_name = "");

// DIGEST "<period_id>", due at the period's digest cut-off; inputs:
// period_id, digest_day, cutoff_time, policy, report_cutoff. Labelled
// "<period_id>期调度情况汇总".
GeneratedDeadline DigestDeadline(const calendar::Period& period, const calendar::PeriodRules& rules,
                                 absl::TimeZone zone);

// DISPATCH_CYCLE "<leader_id>@<yyyy-mm>", owned by the leader, due at the end
// of the month's last day (a date-only deadline); inputs: leader_id, month.
// Labelled "<leader name> <yyyy-mm>调度周期" (the id when `leader_name` is
// empty).
GeneratedDeadline DispatchCycleDeadline(const std::string& leader_id, absl::CivilMonth month,
                                        absl::TimeZone zone, const std::string& leader_name = "");

// Where a report or digest cut-off falls under `calendar` and `rules`
// (nullopt for other rules or unreadable inputs): a calendar change moves it.
std::optional<calendar::Cutoff> CutoffOf(const duban::scheduler::v1::Deadline& deadline,
                                         const calendar::WorkCalendar& calendar,
                                         absl::TimeZone zone, const calendar::PeriodRules& rules);

// How a cut-off rule gave the deadline's instant, in words (the nominal day
// and time, each day passed over and where it moved); empty for other rules.
// `skipped` receives the days passed over.
std::vector<std::string> ExplainCutoff(const duban::scheduler::v1::Deadline& deadline,
                                       const calendar::WorkCalendar& calendar, absl::TimeZone zone,
                                       const calendar::PeriodRules& rules,
                                       std::vector<absl::CivilDay>* skipped);

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_CUTOFF_RULES_H_

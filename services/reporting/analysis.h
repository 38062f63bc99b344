// The monthly analysis and the scoring (product.md, "Periods, reports,
// digest, circular, analysis"), computed from the records of tasks, minutes,
// the registry, supervision and reporting's own reports. Pure; thread-safe.
#ifndef DUBAN_SERVICES_REPORTING_ANALYSIS_H_
#define DUBAN_SERVICES_REPORTING_ANALYSIS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "duban/minutes/v1/minutes.pb.h"
#include "duban/registry/v1/registry.pb.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "duban/supervision/v1/supervision.pb.h"
#include "duban/tasks/v1/tasks.pb.h"
#include "services/reporting/report_rules.h"

namespace duban::reporting {

// A period's reports as far as lateness goes: who owes one, and who submitted
// when (with the report's id).
struct PeriodReports {
  v1::Period period;
  std::set<std::string> owing;
  std::map<std::string, absl::Time> submitted_at;
  std::map<std::string, std::string> report_ids;

  // The units late, and missing (as of `now`), each counted once.
  std::vector<std::string> Late(absl::Time now) const;
  std::vector<std::string> Missing(absl::Time now) const;
};

// The units an item counts for in per-unit tables: its responsible units, or
// its lead unit when it names none.
std::vector<std::string> UnitsOf(const tasks::v1::Item& item);

// Open at `end` and past the deadline in force by then (split items are
// counted through their sub-items).
bool OverdueAt(const tasks::v1::Item& item, absl::Time end, absl::TimeZone zone);

struct AnalysisInputs {
  std::string month;  // "yyyy-mm"
  absl::Time begin;   // the month's first 00:00 local
  absl::Time end;     // the next month's first 00:00 local
  absl::Time now;
  absl::TimeZone zone;
  std::vector<tasks::v1::Item> items;
  std::vector<PeriodReports> periods;  // the two periods ending in the month
  std::vector<registry::v1::Person> leaders;
  std::vector<minutes::v1::DispatchEvent> events;       // held in the month
  std::vector<supervision::v1::Notice> urging_notices;  // recorded in the month
  std::map<std::string, std::string> unit_names;
};

// The analysis of the month:
// - items issued: created in the month, sub-items of a split excluded (they
//   carry on an item already issued);
// - completed on time / late: completed in the month, before / at or after the
//   deadline in force (split items are counted through their sub-items);
// - open and overdue: open at the month's end and past the deadline in force;
// - extensions approved and referrals: decided / referred in the month;
// - leaders without a dispatch event held in the month;
// - per responsible unit (an item counts once for each of its units, once in
//   the totals) and per leader (the items of their documents open at some
//   moment in the month, by status at the month's end);
// - scores per unit from 100: -10 per missing report, -5 per late report, -2
//   per item overdue at the month's end, -1 per urging notice.
// detail_json lists the ids behind every figure. Ids are "analysis-<month>".
// Every list is in a fixed order: units by name (then id), scores by score
// ascending (then unit name and id), leaders by id, record ids sorted, and
// detail_json's keys sorted.
// Deduction reasons are Chinese: 漏报, 迟报, 逾期未完成事项, 催办通知.
v1::Analysis ComputeAnalysis(const AnalysisInputs& inputs);

// OK for those who read everything. The analysis is a district-wide
// document: anyone else (a unit liaison among them) gets PERMISSION_DENIED
// rather than a copy with figures missing; unit liaisons read their units'
// scores through VisibleScores.
absl::Status MayReadAnalysis(const Caller& caller);

// Scores `caller` may see (all for those who read everything, else those of
// the units the caller is liaison of), of `unit_id` only when set, in the
// analysis's order.
std::vector<v1::UnitScore> VisibleScores(const Caller& caller, const v1::Analysis& analysis,
                                         const std::string& unit_id);

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_ANALYSIS_H_

// The figures per unit over an interval, for the circular and the analysis.
#ifndef DUBAN_SERVICES_SUPERVISION_FIGURES_H_
#define DUBAN_SERVICES_SUPERVISION_FIGURES_H_

#include <vector>

#include "absl/time/time.h"
#include "duban/supervision/v1/supervision.pb.h"

namespace duban::supervision {

// How a lead unit's report for a period stands, judged from its REPORT case
// (a case exists only when the report was urged at its cut-off).
enum class ReportStanding {
  // Not urged, or urged but the digest cut-off is still ahead.
  kNone,
  // Urged, then met before the digest cut-off.
  kLate,
  // Urged and still unmet when the digest cut-off came (as of `now`).
  kMissing,
};

// A case without digest_cutoff_at (the deadline did not say) is late once
// met and otherwise not counted.
ReportStanding StandingOf(const v1::SupervisionCase& report_case, absl::Time now);

// Per unit (ordered by unit id) over [from, to):
//   late_reports     REPORT cases whose report cut-off (due_at) is in the
//                    interval and whose standing is kLate;
//   missing_reports  likewise with standing kMissing (never both: one case
//                    per unit and period);
//   urging_notices   urging notices recorded in the interval;
//   cases_raised     cases whose supervision rung was recorded in the interval;
//   cases_open       cases open at `to`;
//   cases_closed     cases closed in the interval;
//   items_overdue    ITEM cases open at `to` whose item fell due before `to`;
//   case_ids         every case counted above or opened in the interval.
// `now` decides whether a digest cut-off has come. A unit appears when any
// figure or case concerns it. Pure.
std::vector<v1::UnitFigures> ComputeFigures(const std::vector<v1::SupervisionCase>& cases,
                                            const std::vector<v1::Notice>& notices, absl::Time from,
                                            absl::Time to, absl::Time now);

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_FIGURES_H_

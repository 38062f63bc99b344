// The figures per unit over an interval, for the circular and the analysis.
#ifndef DUBAN_SERVICES_SUPERVISION_FIGURES_H_
#define DUBAN_SERVICES_SUPERVISION_FIGURES_H_

#include <vector>

#include "absl/time/time.h"
#include "duban/supervision/v1/supervision.pb.h"

namespace duban::supervision {

// Per unit (ordered by unit id) over [from, to):
//   urging_notices  urging notices recorded in the interval;
//   cases_raised    cases whose supervision rung was recorded in the interval;
//   cases_open      cases open at `to`;
//   cases_closed    cases closed in the interval;
//   items_overdue   ITEM cases open at `to`;
//   case_ids        every case counted above or opened in the interval.
// Late and missing reports are reporting's figures and stay 0 here
// (TODO(#5): taken from reporting). A unit appears when any figure or case
// concerns it. Pure.
std::vector<v1::UnitFigures> ComputeFigures(const std::vector<v1::SupervisionCase>& cases,
                                            const std::vector<v1::Notice>& notices, absl::Time from,
                                            absl::Time to);

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_FIGURES_H_

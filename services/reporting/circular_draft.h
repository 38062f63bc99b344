// Drafting a month's circular from supervision's cases and tasks' items.
#ifndef DUBAN_SERVICES_REPORTING_CIRCULAR_DRAFT_H_
#define DUBAN_SERVICES_REPORTING_CIRCULAR_DRAFT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "duban/supervision/v1/supervision.pb.h"
#include "duban/tasks/v1/tasks.pb.h"
#include "services/reporting/analysis.h"

namespace duban::reporting {

// True when the case belongs in the circular of the month [begin, end): open
// at the month's end, or opened within the month; never a case a referral
// opened (the unit asked the group for help; its item is named when overdue),
// a leader's dispatch cycle (the analysis names those leaders) or a case with
// no unit.
bool CoveredByMonth(const supervision::v1::SupervisionCase& supervision_case, absl::Time begin,
                    absl::Time end);

// The item ids of ITEM cases among `cases` open at `end` (the overdue items).
std::vector<std::string> OverdueItemIds(const std::vector<supervision::v1::SupervisionCase>& cases,
                                        absl::Time end);

// `item` as the circular of the month ending at `end` names it overdue: its content, deadline
// in force, original deadline when an approved extension moved it, and the calendar days from
// the local day the deadline in force falls due on (product.md's "due on D") to the month's
// last day, never below 0. Pure.
v1::OverdueItem OverdueItemOf(const tasks::v1::Item& item, absl::Time end, absl::TimeZone zone);

// Groups the covered cases per unit, ordered by unit name then id: ITEM cases
// open at month end become overdue items (with their deadlines, from `items`,
// keyed by item id; just the case label as content when not there); every
// covered case is listed with its label (the unit's name in place of its id)
// and the highest rung it reached before `end`. Unit names come from
// `unit_names` (else the id). Late and missing reports come with
// AddReportsAndItems. Pure.
std::vector<v1::CircularEntry> GroupCircular(
    const std::vector<supervision::v1::SupervisionCase>& cases, absl::Time begin, absl::Time end,
    absl::TimeZone zone, const std::map<std::string, tasks::v1::Item>& items,
    const std::map<std::string, std::string>& unit_names);

// Adds to `entries` the units late and missing (as of `now`) in `periods`,
// and `overdue_items` (tasks' items overdue at the month's `end`) under each of
// their units, with their deadlines, skipping items already named; a unit not
// yet named gets an entry. Keeps the entries ordered by unit name (then id),
// overdue items added in id order. Pure.
void AddReportsAndItems(std::vector<v1::CircularEntry>& entries,
                        const std::vector<PeriodReports>& periods, absl::Time now, absl::Time end,
                        absl::TimeZone zone, const std::vector<tasks::v1::Item>& overdue_items,
                        const std::map<std::string, std::string>& unit_names);

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_CIRCULAR_DRAFT_H_

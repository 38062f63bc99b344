// Drafting the office digest of a period from its reports and tasks' items.
// Pure; thread-safe.
#ifndef DUBAN_SERVICES_REPORTING_DIGEST_DRAFT_H_
#define DUBAN_SERVICES_REPORTING_DIGEST_DRAFT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "duban/tasks/v1/tasks.pb.h"
#include "services/reporting/analysis.h"

namespace duban::reporting {

// True for a hard item as of `now`: open, and with blockers, red (past the
// deadline in force) or referred to the supervision group.
bool HardItem(const tasks::v1::Item& item, absl::Time now, absl::TimeZone zone);

// The draft digest of `reports.period` as of `now`: the hard items among
// `items` open in the period (as their unit reported them when it did, else as
// tasks has them), ordered by item id; the units late; the units owing a
// report that is not in (missing once the digest cut-off passes); and a
// one-line summary naming the units by `unit_names`.
v1::Digest PrefillDigestFrom(const PeriodReports& reports,
                             const std::map<std::string, v1::Report>& submitted,
                             const std::vector<tasks::v1::Item>& items, absl::Time now,
                             absl::TimeZone zone,
                             const std::map<std::string, std::string>& unit_names);

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_DIGEST_DRAFT_H_

// Months and reporting periods (product.md, "Deadlines" and "Periods") as
// reporting's messages; the rules live in common/calendar/periods.h.
#ifndef DUBAN_SERVICES_REPORTING_PERIODS_H_
#define DUBAN_SERVICES_REPORTING_PERIODS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/periods.h"
#include "common/calendar/work_calendar.h"
#include "duban/reporting/v1/reporting.pb.h"

namespace duban::reporting {

// Parses "yyyy-mm". INVALID_ARGUMENT "<field>: ..." otherwise.
absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field);
std::string FormatMonth(absl::CivilMonth month);

// [first 00:00 local, next month's first 00:00 local).
struct MonthSpan {
  absl::Time begin;
  absl::Time end;
};
MonthSpan SpanOf(absl::CivilMonth month, absl::TimeZone zone);

// The cut-off rules, with product.md's defaults (calendar::PeriodRules).
using PeriodRules = calendar::PeriodRules;

// The two periods ending in `month`: "<yyyy-mm>-1" with its report cut-off on
// the 5th and digest cut-off on the 7th, "<yyyy-mm>-2" on the 20th and 22nd,
// at 18:00 local; a period begins just after the previous report cut-off.
// Cut-offs on non-working days of `calendar` move by the rules' policy.
std::vector<v1::Period> PeriodsOf(absl::CivilMonth month, const calendar::WorkCalendar& calendar,
                                  absl::TimeZone zone, const PeriodRules& rules = {});

// As above with every cut-off on its nominal day (no calendar, no shifting).
std::vector<v1::Period> PeriodsOf(absl::CivilMonth month, absl::TimeZone zone,
                                  const PeriodRules& rules = {});

// A period as reporting's message.
v1::Period ToProto(const calendar::Period& period);

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_PERIODS_H_

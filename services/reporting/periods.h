// Months and reporting periods (product.md, "Deadlines" and "Periods").
#ifndef DUBAN_SERVICES_REPORTING_PERIODS_H_
#define DUBAN_SERVICES_REPORTING_PERIODS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
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

// The cut-off rules, with product.md's defaults.
struct PeriodRules {
  int first_report_day = 5;
  int second_report_day = 20;
  int first_digest_day = 7;
  int second_digest_day = 22;
  int cutoff_hour = 18;
};

// The two periods ending in `month`: "<yyyy-mm>-1" with its report cut-off on
// the 5th and digest cut-off on the 7th, "<yyyy-mm>-2" on the 20th and 22nd,
// each at 18:00 local; a period begins just after the previous cut-off.
// TODO(#4): cut-offs on non-working days move by the calendar policy
// (the scheduler's rule; reporting will ask it).
std::vector<v1::Period> PeriodsOf(absl::CivilMonth month, absl::TimeZone zone,
                                  const PeriodRules& rules = {});

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_PERIODS_H_

// The period rules as settings, defined once for every service that computes
// periods (the scheduler, which generates the cut-offs, and reporting, which
// names the periods), so that they can never disagree. Each is a flag, else
// the environment variable named in its help, else product.md's default:
//   --first_report_day, --second_report_day   (DUBAN_FIRST_REPORT_DAY, ...; 5, 20)
//   --first_digest_day, --second_digest_day   (DUBAN_FIRST_DIGEST_DAY, ...; 7, 22)
//   --cutoff_hour, --cutoff_minute            (DUBAN_CUTOFF_HOUR, DUBAN_CUTOFF_MINUTE; 18, 0)
//   --non_working_day_policy                  (DUBAN_NON_WORKING_DAY_POLICY; next_working_day)
// Link the library duban_period_flags into a binary to give it these flags.
#ifndef DUBAN_COMMON_CALENDAR_PERIOD_FLAGS_H_
#define DUBAN_COMMON_CALENDAR_PERIOD_FLAGS_H_

#include "absl/status/statusor.h"
#include "common/calendar/periods.h"

namespace duban::calendar {

// The rules the flags (or the environment) give. Call after the command line
// is parsed (duban::Runtime::Start does it). INVALID_ARGUMENT naming the
// setting when a value does not parse, and as CheckRules for rules out of
// range or out of order. Thread-safe.
absl::StatusOr<PeriodRules> PeriodRulesFromFlags();

}  // namespace duban::calendar

#endif  // DUBAN_COMMON_CALENDAR_PERIOD_FLAGS_H_

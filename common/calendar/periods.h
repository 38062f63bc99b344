// Reporting periods and their cut-offs (product.md, "Deadlines" and
// "Periods"). A period ends at a report cut-off and begins just after the
// previous one; its id is "<yyyy-mm>-1" (the cut-off on the first report day,
// by default the 5th) or "<yyyy-mm>-2" (the second, by default the 20th).
// Cut-offs on non-working days move by the rules' policy. Pure; thread-safe.
#ifndef DUBAN_COMMON_CALENDAR_PERIODS_H_
#define DUBAN_COMMON_CALENDAR_PERIODS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/work_calendar.h"

namespace duban::calendar {

// The cut-off rules, with product.md's defaults.
struct PeriodRules {
  int first_report_day = 5;
  int second_report_day = 20;
  int first_digest_day = 7;
  int second_digest_day = 22;
  int cutoff_hour = 18;
  int cutoff_minute = 0;
  NonWorkingDayPolicy policy = NonWorkingDayPolicy::kNextWorkingDay;
};

// INVALID_ARGUMENT naming the rule when days are not within 1..28, not in
// order (first report day < second report day, each digest day not before its
// report day and before the next report day) or the time of day is invalid.
absl::Status CheckRules(const PeriodRules& rules);

// A cut-off: the nominal local day, where the policy moved it, and the instant.
struct Cutoff {
  absl::CivilDay nominal;
  ShiftedDay shifted;
  absl::Time at;
};

struct Period {
  std::string id;  // "2026-10-1"
  absl::CivilMonth month;
  int index = 1;            // 1 or 2
  absl::Time starts_after;  // The previous period's report cut-off (exclusive).
  Cutoff report;            // The period ends here (inclusive).
  Cutoff digest;
  absl::Time report_cutoff() const { return report.at; }
  absl::Time digest_cutoff() const { return digest.at; }
};

// "yyyy-mm" <-> CivilMonth. ParseMonth: INVALID_ARGUMENT "<field>: ...".
std::string FormatMonth(absl::CivilMonth month);
absl::StatusOr<absl::CivilMonth> ParseMonth(std::string_view text, std::string_view field);

// "<yyyy-mm>-<index>".
std::string PeriodId(absl::CivilMonth month, int index);

// The two periods ending in `month`, in order.
std::vector<Period> PeriodsEndingIn(absl::CivilMonth month, const WorkCalendar& calendar,
                                    absl::TimeZone zone, const PeriodRules& rules = {});

// The period with starts_after < t <= report cut-off.
Period PeriodContaining(absl::Time t, const WorkCalendar& calendar, absl::TimeZone zone,
                        const PeriodRules& rules = {});

// The period "<yyyy-mm>-<1|2>"; INVALID_ARGUMENT "<field>: ..." for another id.
absl::StatusOr<Period> PeriodById(std::string_view id, std::string_view field,
                                  const WorkCalendar& calendar, absl::TimeZone zone,
                                  const PeriodRules& rules = {});

// The period after `period`.
Period NextPeriod(const Period& period, const WorkCalendar& calendar, absl::TimeZone zone,
                  const PeriodRules& rules = {});

// The cut-off at the rules' time of day on `day` of `month`, moved by the policy.
Cutoff CutoffOn(absl::CivilDay day, const WorkCalendar& calendar, absl::TimeZone zone,
                const PeriodRules& rules);

}  // namespace duban::calendar

#endif  // DUBAN_COMMON_CALENDAR_PERIODS_H_

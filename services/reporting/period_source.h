// Where the reporting periods and their (shifted) cut-offs come from, behind
// an interface so that the domain and its tests need no calendar.
#ifndef DUBAN_SERVICES_REPORTING_PERIOD_SOURCE_H_
#define DUBAN_SERVICES_REPORTING_PERIOD_SOURCE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/periods.h"
#include "common/calendar/registry_calendar.h"
#include "duban/reporting/v1/reporting.pb.h"

namespace duban::reporting {

// Thread-safe.
class PeriodSource {
 public:
  virtual ~PeriodSource() = default;
  // The two periods ending in `month`, in order.
  virtual absl::StatusOr<std::vector<v1::Period>> PeriodsEnding(absl::CivilMonth month) = 0;
};

// The period "<yyyy-mm>-<1|2>". INVALID_ARGUMENT "<field>: ..." for another id.
absl::StatusOr<v1::Period> PeriodById(PeriodSource& periods, const std::string& id,
                                      const std::string& field);

// The month a period id belongs to ("2026-10-2" -> 2026-10).
absl::StatusOr<absl::CivilMonth> MonthOfPeriod(const std::string& id, const std::string& field);

// Periods with every cut-off on its nominal day (no calendar): for tests.
std::unique_ptr<PeriodSource> NewNominalPeriodSource(absl::TimeZone zone,
                                                     const calendar::PeriodRules& rules = {});

// Periods under `rules` (the service passes calendar::PeriodRulesFromFlags(),
// the flags the scheduler reads too) with cut-offs moved by the work
// calendar. `refresh` (may be null) reloads the calendar before each answer;
// when it fails, the calendar held is used. `calendar` is borrowed and must
// outlive the source.
std::unique_ptr<PeriodSource> NewCalendarPeriodSource(const calendar::CalendarSource* calendar,
                                                      std::function<absl::Status()> refresh,
                                                      absl::TimeZone zone,
                                                      const calendar::PeriodRules& rules = {});

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_PERIOD_SOURCE_H_

// Which local days are working days, and counting in working days.
#ifndef DUBAN_SERVICES_SCHEDULER_WORK_CALENDAR_H_
#define DUBAN_SERVICES_SCHEDULER_WORK_CALENDAR_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"

namespace duban::scheduler {

// Thread-safe implementations answer for any day.
class WorkCalendar {
 public:
  virtual ~WorkCalendar() = default;
  virtual bool IsWorkingDay(absl::CivilDay day) const = 0;
  // Why a day is not a working day, e.g. "Saturday" or "国庆节"; "" for a working day.
  virtual std::string WhyNotWorking(absl::CivilDay day) const = 0;
};

// Monday to Friday. TODO(#4): replace with the registry's work calendar
// (holidays and make-up workdays) once the registry serves it.
class WeekdayCalendar final : public WorkCalendar {
 public:
  bool IsWorkingDay(absl::CivilDay day) const override;
  std::string WhyNotWorking(absl::CivilDay day) const override;
};

// The `n`th working day after `day` (n >= 1); the non-working days passed over
// are appended to `skipped` when it is not null.
absl::CivilDay AddWorkingDays(const WorkCalendar& calendar, absl::CivilDay day, int n,
                              std::vector<absl::CivilDay>* skipped);

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_WORK_CALENDAR_H_

// The scheduler's own settings, beyond those every service shares
// (common/runtime.h). Each is a flag, else the environment variable named in
// its help, else its default.
#ifndef DUBAN_SERVICES_SCHEDULER_SCHEDULER_CONFIG_H_
#define DUBAN_SERVICES_SCHEDULER_SCHEDULER_CONFIG_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/calendar/periods.h"
#include "services/scheduler/ladder.h"

namespace duban::scheduler {

struct SchedulerOptions {
  LadderOptions ladder;
  // Report and digest cut-off days, time of day and non-working-day policy
  // (the flags of common/calendar/period_flags.h, shared with reporting).
  calendar::PeriodRules periods;
  // Real time between reloads of the registry's work calendar.
  absl::Duration calendar_refresh = absl::Seconds(30);
  // Real time between passes of the firing loop.
  absl::Duration poll_interval = absl::Seconds(1);
  // Rungs fired per FireDue call (each in its own transaction).
  int fire_batch = 100;
};

// Call after the command line is parsed (duban::Runtime::Start does it).
// INVALID_ARGUMENT naming the setting when a value does not parse or is out of range.
absl::StatusOr<SchedulerOptions> LoadSchedulerOptions();

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_SCHEDULER_CONFIG_H_

#include "services/scheduler/scheduler_config.h"

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/marshalling.h"
#include "common/calendar/period_flags.h"
#include "common/flag_env.h"
#include "common/status.h"

ABSL_FLAG(absl::Duration, reminder_lead, absl::Hours(72),
          "How long before a deadline its reminder rung fires (env DUBAN_REMINDER_LEAD; "
          "default 72h).");
ABSL_FLAG(int, supervision_working_days, 3,
          "Working days after a deadline when its supervision rung fires "
          "(env DUBAN_SUPERVISION_WORKING_DAYS; default 3).");
ABSL_FLAG(absl::Duration, poll_interval, absl::Seconds(1),
          "Real time between passes of the firing loop (env DUBAN_POLL_INTERVAL; default 1s).");
ABSL_FLAG(absl::Duration, calendar_refresh, absl::Seconds(30),
          "Real time between reloads of the registry's work calendar (env DUBAN_CALENDAR_REFRESH; "
          "default 30s). A test clock Settle always reloads it.");
ABSL_FLAG(int, fire_batch, 100,
          "Rungs fired per batch of the firing loop (env DUBAN_FIRE_BATCH; default 100).");

namespace duban::scheduler {

absl::StatusOr<SchedulerOptions> LoadSchedulerOptions() {
  SchedulerOptions options;
  DUBAN_ASSIGN_OR_RETURN(options.ladder.reminder_lead,
                         FlagOrEnv(FLAGS_reminder_lead, "DUBAN_REMINDER_LEAD"));
  DUBAN_ASSIGN_OR_RETURN(
      options.ladder.supervision_working_days,
      FlagOrEnv(FLAGS_supervision_working_days, "DUBAN_SUPERVISION_WORKING_DAYS"));
  DUBAN_ASSIGN_OR_RETURN(options.poll_interval,
                         FlagOrEnv(FLAGS_poll_interval, "DUBAN_POLL_INTERVAL"));
  DUBAN_ASSIGN_OR_RETURN(options.fire_batch, FlagOrEnv(FLAGS_fire_batch, "DUBAN_FIRE_BATCH"));
  DUBAN_ASSIGN_OR_RETURN(options.periods, calendar::PeriodRulesFromFlags());
  DUBAN_ASSIGN_OR_RETURN(options.calendar_refresh,
                         FlagOrEnv(FLAGS_calendar_refresh, "DUBAN_CALENDAR_REFRESH"));
  if (options.calendar_refresh <= absl::ZeroDuration()) {
    return InvalidField("calendar_refresh", "must be positive");
  }
  if (options.ladder.reminder_lead < absl::ZeroDuration()) {
    return InvalidField("reminder_lead", "must not be negative");
  }
  if (options.ladder.supervision_working_days < 1) {
    return InvalidField("supervision_working_days", "must be at least 1");
  }
  if (options.poll_interval <= absl::ZeroDuration()) {
    return InvalidField("poll_interval", "must be positive");
  }
  if (options.fire_batch < 1) return InvalidField("fire_batch", "must be at least 1");
  return options;
}

}  // namespace duban::scheduler

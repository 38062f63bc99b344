#include "services/scheduler/scheduler_config.h"

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/marshalling.h"
#include "common/status.h"

ABSL_FLAG(absl::Duration, reminder_lead, absl::Hours(72),
          "How long before a deadline its reminder rung fires (env DUBAN_REMINDER_LEAD; "
          "default 72h).");
ABSL_FLAG(int, supervision_working_days, 3,
          "Working days after a deadline when its supervision rung fires "
          "(env DUBAN_SUPERVISION_WORKING_DAYS; default 3).");
ABSL_FLAG(absl::Duration, poll_interval, absl::Seconds(1),
          "Real time between passes of the firing loop (env DUBAN_POLL_INTERVAL; default 1s).");
ABSL_FLAG(std::string, non_working_day_policy, "next_working_day",
          "Where a report or digest cut-off on a non-working day goes: next_working_day, keep "
          "or previous_working_day (env DUBAN_NON_WORKING_DAY_POLICY; default next_working_day).");
ABSL_FLAG(int, first_report_day, 5,
          "Day of the month of the first period's report cut-off (env DUBAN_FIRST_REPORT_DAY; "
          "default 5).");
ABSL_FLAG(int, second_report_day, 20,
          "Day of the month of the second period's report cut-off (env DUBAN_SECOND_REPORT_DAY; "
          "default 20).");
ABSL_FLAG(int, first_digest_day, 7,
          "Day of the month of the first period's digest cut-off (env DUBAN_FIRST_DIGEST_DAY; "
          "default 7).");
ABSL_FLAG(int, second_digest_day, 22,
          "Day of the month of the second period's digest cut-off (env DUBAN_SECOND_DIGEST_DAY; "
          "default 22).");
ABSL_FLAG(int, cutoff_hour, 18,
          "Local hour of report and digest cut-offs (env DUBAN_CUTOFF_HOUR; default 18).");
ABSL_FLAG(int, cutoff_minute, 0,
          "Minute of report and digest cut-offs (env DUBAN_CUTOFF_MINUTE; default 0).");
ABSL_FLAG(absl::Duration, calendar_refresh, absl::Seconds(30),
          "Real time between reloads of the registry's work calendar (env DUBAN_CALENDAR_REFRESH; "
          "default 30s). A test clock Settle always reloads it.");
ABSL_FLAG(int, fire_batch, 100,
          "Rungs fired per batch of the firing loop (env DUBAN_FIRE_BATCH; default 100).");

namespace duban::scheduler {
namespace {

// The flag's value, or the environment's when the flag was left at its default.
template <typename T>
absl::StatusOr<T> FlagOrEnv(const absl::Flag<T>& flag, const char* env_name) {
  T value = absl::GetFlag(flag);
  const auto& handle = absl::GetFlagReflectionHandle(flag);
  const char* env = std::getenv(env_name);
  if (env != nullptr && *env != '\0' && handle.CurrentValue() == handle.DefaultValue()) {
    std::string error;
    if (!absl::ParseFlag<T>(env, &value, &error)) return InvalidField(env_name, error);
  }
  return value;
}

absl::Status LoadPeriodRules(calendar::PeriodRules& rules) {
  DUBAN_ASSIGN_OR_RETURN(std::string policy,
                         FlagOrEnv(FLAGS_non_working_day_policy, "DUBAN_NON_WORKING_DAY_POLICY"));
  DUBAN_ASSIGN_OR_RETURN(rules.policy, calendar::ParsePolicy(policy, "non_working_day_policy"));
  DUBAN_ASSIGN_OR_RETURN(rules.first_report_day,
                         FlagOrEnv(FLAGS_first_report_day, "DUBAN_FIRST_REPORT_DAY"));
  DUBAN_ASSIGN_OR_RETURN(rules.second_report_day,
                         FlagOrEnv(FLAGS_second_report_day, "DUBAN_SECOND_REPORT_DAY"));
  DUBAN_ASSIGN_OR_RETURN(rules.first_digest_day,
                         FlagOrEnv(FLAGS_first_digest_day, "DUBAN_FIRST_DIGEST_DAY"));
  DUBAN_ASSIGN_OR_RETURN(rules.second_digest_day,
                         FlagOrEnv(FLAGS_second_digest_day, "DUBAN_SECOND_DIGEST_DAY"));
  DUBAN_ASSIGN_OR_RETURN(rules.cutoff_hour, FlagOrEnv(FLAGS_cutoff_hour, "DUBAN_CUTOFF_HOUR"));
  DUBAN_ASSIGN_OR_RETURN(rules.cutoff_minute,
                         FlagOrEnv(FLAGS_cutoff_minute, "DUBAN_CUTOFF_MINUTE"));
  return calendar::CheckRules(rules);
}

}  // namespace

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
  DUBAN_RETURN_IF_ERROR(LoadPeriodRules(options.periods));
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

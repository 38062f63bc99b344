#include "services/tasks/tasks_config.h"

#include "absl/flags/flag.h"
#include "common/flag_env.h"
#include "common/status.h"

ABSL_FLAG(absl::Duration, warning_lead, absl::Hours(72),
          "How long before its deadline an open item turns yellow, e.g. 72h "
          "(env DUBAN_WARNING_LEAD; default 72h, three days).");

namespace duban::tasks {

absl::StatusOr<TasksOptions> LoadTasksOptions() {
  TasksOptions options;
  DUBAN_ASSIGN_OR_RETURN(options.warning_lead, FlagOrEnv(FLAGS_warning_lead, "DUBAN_WARNING_LEAD"));
  if (options.warning_lead < absl::ZeroDuration()) {
    return InvalidField("warning_lead", "must not be negative");
  }
  return options;
}

}  // namespace duban::tasks

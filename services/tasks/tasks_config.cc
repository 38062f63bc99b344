#include "services/tasks/tasks_config.h"

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/marshalling.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

ABSL_FLAG(absl::Duration, warning_lead, absl::Hours(72),
          "How long before its deadline an open item turns yellow, e.g. 72h "
          "(env DUBAN_WARNING_LEAD; default 72h, three days).");

namespace duban::tasks {

absl::StatusOr<TasksOptions> LoadTasksOptions() {
  TasksOptions options;
  options.warning_lead = absl::GetFlag(FLAGS_warning_lead);
  const auto& flag = absl::GetFlagReflectionHandle(FLAGS_warning_lead);
  const char* env = std::getenv("DUBAN_WARNING_LEAD");
  // The environment applies when the flag was left at its default.
  if (env != nullptr && *env != '\0' && flag.CurrentValue() == flag.DefaultValue()) {
    std::string error;
    if (!absl::ParseFlag<absl::Duration>(env, &options.warning_lead, &error)) {
      return InvalidField("DUBAN_WARNING_LEAD", error);
    }
  }
  if (options.warning_lead < absl::ZeroDuration()) {
    return InvalidField("warning_lead", "must not be negative");
  }
  return options;
}

}  // namespace duban::tasks

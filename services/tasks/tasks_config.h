// The tasks service's own settings, beyond those every service shares
// (common/runtime.h). Each is a flag, else the environment variable named in
// its help, else its default.
#ifndef DUBAN_SERVICES_TASKS_TASKS_CONFIG_H_
#define DUBAN_SERVICES_TASKS_TASKS_CONFIG_H_

#include "absl/status/statusor.h"
#include "services/tasks/task_tracker.h"

namespace duban::tasks {

// Call after the command line is parsed (duban::Runtime::Start does it).
// INVALID_ARGUMENT naming the setting when a value does not parse.
absl::StatusOr<TasksOptions> LoadTasksOptions();

}  // namespace duban::tasks

#endif  // DUBAN_SERVICES_TASKS_TASKS_CONFIG_H_

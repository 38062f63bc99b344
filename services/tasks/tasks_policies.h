// Who may call each RPC of the tasks service (the per-method half of
// authorization; the item-level half is in item_rules.h).
#ifndef DUBAN_SERVICES_TASKS_TASKS_POLICIES_H_
#define DUBAN_SERVICES_TASKS_TASKS_POLICIES_H_

#include <map>
#include <string>

#include "common/auth.h"

namespace duban::tasks {

// Keyed by full method name, e.g. "/duban.tasks.v1.TasksService/GetItem";
// includes the event sink's Deliver.
std::map<std::string, MethodPolicy> TasksPolicies();

}  // namespace duban::tasks

#endif  // DUBAN_SERVICES_TASKS_TASKS_POLICIES_H_

// Who may call each RPC of the scheduler (per method; the per-deadline check
// that a unit liaison reads only their unit's deadlines is in the keeper).
#ifndef DUBAN_SERVICES_SCHEDULER_SCHEDULER_POLICIES_H_
#define DUBAN_SERVICES_SCHEDULER_SCHEDULER_POLICIES_H_

#include <map>
#include <string>

#include "common/auth.h"

namespace duban::scheduler {

// Keyed by full method name; includes the event sink's Deliver.
std::map<std::string, MethodPolicy> SchedulerPolicies();

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_SCHEDULER_POLICIES_H_

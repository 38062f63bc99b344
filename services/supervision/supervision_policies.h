// Who may call each method of duban.supervision.v1.SupervisionService and of
// the event sink (product.md, "Who may do what"). What a unit liaison sees is
// narrowed by the workflow.
#ifndef DUBAN_SERVICES_SUPERVISION_SUPERVISION_POLICIES_H_
#define DUBAN_SERVICES_SUPERVISION_SUPERVISION_POLICIES_H_

#include <map>
#include <string>

#include "common/auth.h"

namespace duban::supervision {

// Keyed by full method name.
std::map<std::string, MethodPolicy> SupervisionPolicies();

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_SUPERVISION_POLICIES_H_

// Who may call each method of duban.minutes.v1.MinutesService (product.md,
// "Who may do what"). Resource checks (which unit, whose event) are the
// workflow's.
#ifndef DUBAN_SERVICES_MINUTES_MINUTES_POLICIES_H_
#define DUBAN_SERVICES_MINUTES_MINUTES_POLICIES_H_

#include <map>
#include <string>

#include "common/auth.h"

namespace duban::minutes {

// Keyed by full method name, e.g. "/duban.minutes.v1.MinutesService/SaveDraft".
std::map<std::string, MethodPolicy> MinutesPolicies();

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_MINUTES_POLICIES_H_

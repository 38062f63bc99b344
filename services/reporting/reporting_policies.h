// Who may call each method of duban.reporting.v1.ReportingService (product.md,
// "Who may do what"). What a unit liaison sees is narrowed by the workflow.
#ifndef DUBAN_SERVICES_REPORTING_REPORTING_POLICIES_H_
#define DUBAN_SERVICES_REPORTING_REPORTING_POLICIES_H_

#include <map>
#include <string>

#include "common/auth.h"

namespace duban::reporting {

// Keyed by full method name.
std::map<std::string, MethodPolicy> ReportingPolicies();

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_REPORTING_POLICIES_H_

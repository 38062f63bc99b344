// Callers for tests of domain classes that take a duban::Caller.
#ifndef DUBAN_COMMON_TESTING_CALLERS_H_
#define DUBAN_COMMON_TESTING_CALLERS_H_

#include <string>

#include "common/auth.h"

namespace duban::testing {

// The service identity `subject` ("service:<name>").
Caller ServiceCaller(const std::string& subject);

// A person who is the current liaison of `unit_id`.
Caller UnitLiaisonCaller(const std::string& unit_id, const std::string& person_id = "p-liaison");

}  // namespace duban::testing

#endif  // DUBAN_COMMON_TESTING_CALLERS_H_

// Small builders the end-to-end scenarios share: instants of the district's
// local time, deadlines, and the repository's sample inputs.
#ifndef DUBAN_TESTS_E2E_SCENARIO_HELPERS_H_
#define DUBAN_TESTS_E2E_SCENARIO_HELPERS_H_

#include <string>

#include "absl/time/time.h"
#include "cli/dubanctl/cycle.h"
#include "cli/dubanctl/session.h"
#include "duban/common/v1/common.pb.h"

namespace duban::testing {

// The instant of y-m-d hh:mm:ss in the session's district zone.
absl::Time Local(client::Session& s, int y, int m, int d, int hh, int mm = 0, int ss = 0);

// A date-only deadline: the item is due by the end of that local day.
duban::common::v1::Deadline DateDeadline(int y, int m, int d);

// A deadline at the instant `t`.
duban::common::v1::Deadline InstantDeadline(absl::Time t);

// The bearer token of the person named `person`, the id of the unit or the
// person with that name; each fails the calling test and returns "" when the
// session cannot resolve the name.
std::string TokenOf(client::Session& s, const std::string& person);
std::string UnitIdOf(client::Session& s, const std::string& unit_name);
std::string PersonIdOf(client::Session& s, const std::string& person);

// Form 2 and the unit liaisons from the repository's examples/; fails the
// calling test when a file cannot be read.
client::CycleInputs SampleCycleInputs();

// Imports the 2026 work calendar, then form 2 and the unit liaisons, from
// examples/: where most scenarios start. A failure carries what the import
// printed.
absl::Status ImportSampleWithCalendar(client::Session& s);

}  // namespace duban::testing

#endif  // DUBAN_TESTS_E2E_SCENARIO_HELPERS_H_

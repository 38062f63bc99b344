// The minutes service's own settings, beyond those every service shares
// (common/runtime.h). Each is a flag, else the environment variable named in
// its help, else its default.
#ifndef DUBAN_SERVICES_MINUTES_MINUTES_CONFIG_H_
#define DUBAN_SERVICES_MINUTES_MINUTES_CONFIG_H_

#include "absl/status/statusor.h"
#include "services/minutes/draft_deadline.h"

namespace duban::minutes {

// Call after the command line is parsed (duban::Runtime::Start does it).
// INVALID_ARGUMENT naming the setting when a value does not parse or is out
// of range.
absl::StatusOr<DraftDeadlineOptions> LoadDraftDeadlineOptions();

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_MINUTES_CONFIG_H_

#include "services/minutes/minutes_config.h"

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/marshalling.h"
#include "common/flag_env.h"
#include "common/status.h"

ABSL_FLAG(int, draft_days, 3,
          "Days after a dispatch event's date by whose end its draft is due "
          "(env DUBAN_DRAFT_DAYS; default 3).");
ABSL_FLAG(bool, draft_working_days, false,
          "Count the drafting days as working days of the registry's work calendar "
          "(env DUBAN_DRAFT_WORKING_DAYS; default false: calendar days).");

namespace duban::minutes {

absl::StatusOr<DraftDeadlineOptions> LoadDraftDeadlineOptions() {
  DraftDeadlineOptions options;
  DUBAN_ASSIGN_OR_RETURN(options.days, FlagOrEnv(FLAGS_draft_days, "DUBAN_DRAFT_DAYS"));
  DUBAN_ASSIGN_OR_RETURN(options.working_days,
                         FlagOrEnv(FLAGS_draft_working_days, "DUBAN_DRAFT_WORKING_DAYS"));
  if (options.days < 1 || options.days > 60) {
    return InvalidField("draft_days", "must be between 1 and 60");
  }
  return options;
}

}  // namespace duban::minutes

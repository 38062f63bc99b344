#include "services/minutes/draft_deadline.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace duban::minutes {

DraftDeadline ComputeDraftDeadline(absl::Time held_at, absl::TimeZone zone,
                                   const DraftDeadlineOptions& options) {
  const absl::CivilDay held_on = LocalDay(held_at, zone);

  DraftDeadline deadline;
  deadline.due_on = held_on + options.days;
  deadline.due_at = EndOfLocalDay(deadline.due_on, zone);
  deadline.rule = "draft.calendar_days";
  deadline.inputs = {
      {"held_on", FormatDay(held_on)}, {"days", absl::StrCat(options.days)}, {"zone", zone.name()}};
  return deadline;
}

}  // namespace duban::minutes

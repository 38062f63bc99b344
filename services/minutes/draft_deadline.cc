#include "services/minutes/draft_deadline.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace duban::minutes {

DraftDeadline ComputeDraftDeadline(absl::Time held_at, absl::TimeZone zone,
                                   const DraftDeadlineOptions& options,
                                   const calendar::WorkCalendar& calendar) {
  const absl::CivilDay held_on = LocalDay(held_at, zone);

  DraftDeadline deadline;
  deadline.inputs = {
      {"held_on", FormatDay(held_on)}, {"days", absl::StrCat(options.days)}, {"zone", zone.name()}};
  if (options.working_days) {
    std::vector<absl::CivilDay> skipped;
    deadline.due_on = calendar.AddWorkingDays(held_on, options.days, &skipped);
    deadline.rule = "draft.working_days";
    deadline.inputs["non_working_days_passed"] = absl::StrCat(skipped.size());
  } else {
    deadline.due_on = held_on + options.days;
    deadline.rule = "draft.calendar_days";
  }
  deadline.due_at = EndOfLocalDay(deadline.due_on, zone);
  return deadline;
}

}  // namespace duban::minutes

// When the first draft of a dispatch event's minutes or assignment sheet is due.
#ifndef DUBAN_SERVICES_MINUTES_DRAFT_DEADLINE_H_
#define DUBAN_SERVICES_MINUTES_DRAFT_DEADLINE_H_

#include <map>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/work_calendar.h"

namespace duban::minutes {

// How the drafting days are counted (product.md, "Deadlines").
struct DraftDeadlineOptions {
  // Days after the event's local date.
  int days = 3;
  // Working days of the registry's work calendar instead of calendar days.
  bool working_days = false;
};

struct DraftDeadline {
  // The local day by whose end the draft must be routed for countersigning.
  absl::CivilDay due_on;
  // 00:00 local of the day after due_on.
  absl::Time due_at;
  // "draft.calendar_days" or "draft.working_days".
  std::string rule;
  std::map<std::string, std::string> inputs;
};

// The draft deadline of an event held at `held_at`: the end of the
// options.days-th calendar day (or working day of `calendar`, with
// options.working_days) after the event's local date in `zone`.
// Pure and thread-safe.
DraftDeadline ComputeDraftDeadline(absl::Time held_at, absl::TimeZone zone,
                                   const DraftDeadlineOptions& options,
                                   const calendar::WorkCalendar& calendar = {});

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_DRAFT_DEADLINE_H_

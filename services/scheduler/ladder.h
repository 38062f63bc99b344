// The escalation ladder of a deadline (product.md, "The ladder") and the
// explanation of where a deadline and its rungs fall. Pure and thread-safe.
#ifndef DUBAN_SERVICES_SCHEDULER_LADDER_H_
#define DUBAN_SERVICES_SCHEDULER_LADDER_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/calendar/work_calendar.h"
#include "duban/common/v1/common.pb.h"
#include "duban/scheduler/v1/scheduler.pb.h"

namespace duban::scheduler {

struct LadderOptions {
  // The reminder fires this long before the deadline.
  absl::Duration reminder_lead = absl::Hours(72);
  // The supervision rung fires this many working days after the deadline, at
  // the deadline's local time of day.
  int supervision_working_days = 3;
};

struct RungDue {
  duban::common::v1::Rung rung;
  absl::Time due_at;
};

// The reminder, urging and supervision rungs of a deadline due at `due_at`, in
// order. (The circular rung is recorded by supervision when a circular is issued.)
std::vector<RungDue> ComputeLadder(absl::Time due_at, absl::TimeZone zone,
                                   const calendar::WorkCalendar& calendar,
                                   const LadderOptions& options);

// Why `deadline` is where it is: its rule and inputs, how the instant follows
// from its deadline (`rule_steps` when the rule explains itself, e.g. a
// cut-off moved over holidays; else from `given`), each rung's time, and the
// days skipped on the way (`rule_skipped` first).
duban::scheduler::v1::Explanation Explain(const duban::scheduler::v1::Deadline& deadline,
                                          const duban::common::v1::Deadline& given,
                                          absl::TimeZone zone,
                                          const calendar::WorkCalendar& calendar,
                                          const LadderOptions& options,
                                          const std::vector<std::string>& rule_steps = {},
                                          const std::vector<absl::CivilDay>& rule_skipped = {});

// "REMINDER", "URGING", ...
std::string RungName(duban::common::v1::Rung rung);

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_LADDER_H_

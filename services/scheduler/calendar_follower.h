// Keeps the scheduler on the registry's current work calendar: reloads it
// and, when it changed, moves the pending deadlines computed from it.
#ifndef DUBAN_SERVICES_SCHEDULER_CALENDAR_FOLLOWER_H_
#define DUBAN_SERVICES_SCHEDULER_CALENDAR_FOLLOWER_H_

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/scheduler/deadline_keeper.h"

namespace duban::scheduler {

// Thread-safe; Sync calls take turns, so a change is followed completely
// before the next Sync returns.
class CalendarFollower {
 public:
  // `reload` reloads the calendar the keeper reads and says whether it
  // changed (e.g. RegistryCalendar::Refresh). `keeper` is not owned.
  CalendarFollower(std::function<absl::StatusOr<bool>()> reload, DeadlineKeeper* keeper)
      : reload_(std::move(reload)), keeper_(keeper) {}

  // Reloads; after a change (this time or an earlier Sync that failed to
  // finish) moves the pending deadlines. Returns how many moved; the reload's
  // or the store's error otherwise (the move is retried next time).
  absl::StatusOr<int> Sync();

  // Whether a reload has succeeded yet.
  bool loaded() const;

 private:
  std::function<absl::StatusOr<bool>()> reload_;
  DeadlineKeeper* keeper_;
  mutable absl::Mutex mu_;
  bool follow_pending_ ABSL_GUARDED_BY(mu_) = false;
  bool loaded_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_CALENDAR_FOLLOWER_H_

// The background loop of the scheduler: every poll interval (real time) it
// follows the work calendar (every calendar_refresh), generates the recurring
// cut-offs that have begun and fires what the clock (possibly the test clock)
// says is due.
#ifndef DUBAN_SERVICES_SCHEDULER_FIRING_LOOP_H_
#define DUBAN_SERVICES_SCHEDULER_FIRING_LOOP_H_

#include <chrono>
#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/scheduler/calendar_follower.h"
#include "services/scheduler/cutoff_generator.h"
#include "services/scheduler/deadline_keeper.h"

namespace duban::scheduler {

// What one pass did.
struct PassResult {
  int moved = 0;      // deadlines moved by a calendar change
  int generated = 0;  // deadlines generated
  int fired = 0;      // rungs fired
  // The first failure of following the calendar or generating (e.g. the
  // registry is down): it does not hold up firing, and is retried next pass.
  absl::Status deferred;
};

// Start and Stop are called once each, from one thread; Pass is thread-safe.
class FiringLoop {
 public:
  // Nothing is owned; `follower`, `generator` and `metrics` may be null.
  FiringLoop(DeadlineKeeper* keeper, CutoffGenerator* generator, CalendarFollower* follower,
             const Clock* clock, SchedulerMetrics* metrics, absl::Duration poll_interval,
             absl::Duration calendar_refresh, int batch_size);
  ~FiringLoop();

  void Start();
  // Waits for the pass in flight to end.
  void Stop();

  // One pass: follows the calendar (when `follow_calendar`), generates what
  // has begun (once the calendar has loaded), then fires everything due now,
  // in batches. A firing error ends the pass; see PassResult.deferred for others.
  absl::StatusOr<PassResult> Pass(bool follow_calendar);

  // One pass of firing only. Returns how many fired.
  absl::StatusOr<int> FireAllDue();

  // The earliest instant after `now` with work: a rung falling due or a
  // period or month beginning (InfiniteFuture: none).
  absl::StatusOr<absl::Time> NextDue(absl::Time now);

 private:
  void Run();

  DeadlineKeeper* keeper_;
  CutoffGenerator* generator_;
  CalendarFollower* follower_;
  const Clock* clock_;
  SchedulerMetrics* metrics_;
  const absl::Duration poll_interval_;
  const absl::Duration calendar_refresh_;
  const int batch_size_;
  absl::Notification stop_;
  std::unique_ptr<std::thread> thread_;
};

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_FIRING_LOOP_H_

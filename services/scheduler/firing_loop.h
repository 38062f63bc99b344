// The background loop that fires due rungs: every poll interval (real time)
// it fires what the clock (possibly the test clock) says is due.
#ifndef DUBAN_SERVICES_SCHEDULER_FIRING_LOOP_H_
#define DUBAN_SERVICES_SCHEDULER_FIRING_LOOP_H_

#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/scheduler/deadline_keeper.h"

namespace duban::scheduler {

// Start and Stop are called once each, from one thread.
class FiringLoop {
 public:
  FiringLoop(DeadlineKeeper* keeper, const Clock* clock, SchedulerMetrics* metrics,
             absl::Duration poll_interval, int batch_size);
  ~FiringLoop();

  void Start();
  // Waits for the pass in flight to end.
  void Stop();

  // One pass: fires everything due now, in batches. Returns how many fired.
  absl::StatusOr<int> FireAllDue();

 private:
  void Run();

  DeadlineKeeper* keeper_;
  const Clock* clock_;
  SchedulerMetrics* metrics_;
  const absl::Duration poll_interval_;
  const int batch_size_;
  absl::Notification stop_;
  std::unique_ptr<std::thread> thread_;
};

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_FIRING_LOOP_H_

#include "services/scheduler/firing_loop.h"

#include <chrono>

#include "common/log.h"

namespace duban::scheduler {

FiringLoop::FiringLoop(DeadlineKeeper* keeper, const Clock* clock, SchedulerMetrics* metrics,
                       absl::Duration poll_interval, int batch_size)
    : keeper_(keeper),
      clock_(clock),
      metrics_(metrics),
      poll_interval_(poll_interval),
      batch_size_(batch_size) {}

FiringLoop::~FiringLoop() { Stop(); }

void FiringLoop::Start() {
  if (thread_ != nullptr) return;
  thread_ = std::make_unique<std::thread>([this] { Run(); });
}

void FiringLoop::Stop() {
  if (thread_ == nullptr) return;
  if (!stop_.HasBeenNotified()) stop_.Notify();
  thread_->join();
  thread_.reset();
}

absl::StatusOr<int> FiringLoop::FireAllDue() {
  // Elapsed real time of the pass, for the poll duration histogram only.
  const auto started = std::chrono::steady_clock::now();
  int total = 0;
  while (true) {
    absl::StatusOr<int> fired = keeper_->FireDue(clock_->Now(), batch_size_);
    if (!fired.ok()) return fired.status();
    total += *fired;
    if (*fired < batch_size_) break;
  }
  if (metrics_ != nullptr) {
    metrics_->ObservePoll(absl::FromChrono(std::chrono::steady_clock::now() - started));
  }
  if (absl::Status status = keeper_->RefreshPending(); !status.ok()) return status;
  return total;
}

void FiringLoop::Run() {
  do {
    absl::StatusOr<int> fired = FireAllDue();
    if (!fired.ok()) {
      LogEvery(absl::Minutes(1), "scheduler_fire_failed", LogLevel::kWarning, "fire_failed",
               {{"error", fired.status().ToString()}});
    }
  } while (!stop_.WaitForNotificationWithTimeout(poll_interval_));
}

}  // namespace duban::scheduler

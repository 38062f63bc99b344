#include "services/scheduler/firing_loop.h"

#include "common/log.h"
#include "common/status.h"

namespace duban::scheduler {

FiringLoop::FiringLoop(DeadlineKeeper* keeper, CutoffGenerator* generator,
                       CalendarFollower* follower, const Clock* clock, SchedulerMetrics* metrics,
                       absl::Duration poll_interval, absl::Duration calendar_refresh,
                       int batch_size)
    : keeper_(keeper),
      generator_(generator),
      follower_(follower),
      clock_(clock),
      metrics_(metrics),
      poll_interval_(poll_interval),
      calendar_refresh_(calendar_refresh),
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

absl::StatusOr<PassResult> FiringLoop::Pass(bool follow_calendar) {
  PassResult result;
  if (follow_calendar && follower_ != nullptr) {
    absl::StatusOr<int> moved = follower_->Sync();
    if (moved.ok()) result.moved = *moved;
    if (!moved.ok()) result.deferred = moved.status();
  }
  // Cut-offs are generated on the registry's calendar, never on a guess.
  if (generator_ != nullptr && (follower_ == nullptr || follower_->loaded())) {
    absl::StatusOr<int> generated = generator_->GenerateDue(clock_->Now());
    if (generated.ok()) result.generated = *generated;
    if (!generated.ok() && result.deferred.ok()) result.deferred = generated.status();
  }
  DUBAN_ASSIGN_OR_RETURN(result.fired, FireAllDue());
  return result;
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
  return total;
}

absl::StatusOr<absl::Time> FiringLoop::NextDue(absl::Time now) {
  DUBAN_ASSIGN_OR_RETURN(absl::Time next, keeper_->NextDue(now));
  if (generator_ != nullptr) {
    DUBAN_ASSIGN_OR_RETURN(absl::Time boundary, generator_->NextBoundary(now));
    next = std::min(next, boundary);
  }
  return next;
}

void FiringLoop::Run() {
  // Real time, for the calendar reload interval only.
  std::chrono::steady_clock::time_point last_reload{};
  bool reloaded = false;
  do {
    const auto now = std::chrono::steady_clock::now();
    const bool follow = !reloaded || absl::FromChrono(now - last_reload) >= calendar_refresh_;
    if (follow) {
      last_reload = now;
      reloaded = true;
    }
    absl::StatusOr<PassResult> pass = Pass(follow);
    if (!pass.ok()) {
      LogEvery(absl::Minutes(1), "scheduler_pass_failed", LogLevel::kWarning, "pass_failed",
               {{"error", pass.status().ToString()}});
      continue;
    }
    if (!pass->deferred.ok()) {
      LogEvery(absl::Minutes(1), "scheduler_pass_deferred", LogLevel::kWarning, "pass_deferred",
               {{"error", pass->deferred.ToString()}});
    }
    if (pass->moved > 0) {
      Log(LogLevel::kInfo, "calendar_followed", {{"deadlines_moved", std::to_string(pass->moved)}});
    }
  } while (!stop_.WaitForNotificationWithTimeout(poll_interval_));
}

}  // namespace duban::scheduler

#include "services/supervision/watch_hub.h"

namespace duban::supervision {

int64_t WatchHub::Generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

void WatchHub::Notify() {
  absl::MutexLock lock(&mu_);
  ++generation_;
}

bool WatchHub::WaitForChange(int64_t generation, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto changed = [this, generation]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return shut_down_ || generation_ != generation;
  };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return !shut_down_;
}

void WatchHub::Shutdown() {
  absl::MutexLock lock(&mu_);
  shut_down_ = true;
}

bool WatchHub::shut_down() const {
  absl::MutexLock lock(&mu_);
  return shut_down_;
}

}  // namespace duban::supervision

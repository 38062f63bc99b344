#include "services/scheduler/calendar_follower.h"

namespace duban::scheduler {

absl::StatusOr<int> CalendarFollower::Sync() {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<bool> changed = reload_();
  if (!changed.ok()) return changed.status();
  loaded_ = true;
  if (*changed) follow_pending_ = true;
  if (!follow_pending_) return 0;
  absl::StatusOr<int> moved = keeper_->FollowCalendar();
  if (moved.ok()) follow_pending_ = false;
  return moved;
}

bool CalendarFollower::loaded() const {
  absl::MutexLock lock(&mu_);
  return loaded_;
}

}  // namespace duban::scheduler

#include "services/supervision/watch_writers.h"

namespace duban::supervision {

bool WatchWriters::Begin(grpc::ServerContext* context) {
  absl::MutexLock lock(&mu_);
  if (stopped_) return false;
  writing_.insert(context);
  return true;
}

bool WatchWriters::End(grpc::ServerContext* context) {
  absl::MutexLock lock(&mu_);
  writing_.erase(context);
  return cancelled_.erase(context) == 0;
}

int WatchWriters::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  for (grpc::ServerContext* context : writing_) {
    context->TryCancel();
    cancelled_.insert(context);
  }
  const int cancelled = static_cast<int>(writing_.size());
  writing_.clear();
  return cancelled;
}

int WatchWriters::writing() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(writing_.size());
}

}  // namespace duban::supervision

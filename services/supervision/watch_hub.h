// Wakes Watch streams when the feed may have grown, and ends them all when
// the server stops. Streams still re-read the feed at a short interval, so a
// row committed by another replica is seen without a wake-up.
#ifndef DUBAN_SERVICES_SUPERVISION_WATCH_HUB_H_
#define DUBAN_SERVICES_SUPERVISION_WATCH_HUB_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace duban::supervision {

// Thread-safe.
class WatchHub {
 public:
  // The current generation; pass it to WaitForChange.
  int64_t Generation() const;

  // Something was written to the feed (or is about to be committed).
  void Notify();

  // Waits, in real time, until Notify or Shutdown was called after
  // `generation` was read, or `timeout` passed. False once shut down.
  bool WaitForChange(int64_t generation, absl::Duration timeout);

  // Ends every wait now and every later one at once.
  void Shutdown();
  bool shut_down() const;

 private:
  mutable absl::Mutex mu_;
  int64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_WATCH_HUB_H_

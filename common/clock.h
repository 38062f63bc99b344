// The time source of all domain code. Nothing outside this file's
// implementation reads the wall clock, so a test clock governs everything.
#ifndef DUBAN_COMMON_CLOCK_H_
#define DUBAN_COMMON_CLOCK_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace duban {

// Thread-safe. Implementations never go backwards.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The real clock, as in production.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override;
  // A process-wide instance; never destroyed.
  static const SystemClock* Get();
};

// A clock held in a small file (8 bytes, nanoseconds since the epoch, memory
// mapped) that every service of a test run opens: advancing it moves time for
// all of them at once. Only used when a binary is started with --test_clock_file.
class SharedTestClock final : public Clock {
 public:
  // Opens the file, creating it at `initial` when missing or empty.
  static absl::StatusOr<std::unique_ptr<SharedTestClock>> Open(const std::string& path,
                                                               absl::Time initial);
  ~SharedTestClock() override;

  absl::Time Now() const override;

  // Moves the clock to `t`. FAILED_PRECONDITION when `t` is before Now():
  // a test clock never goes backwards.
  absl::Status AdvanceTo(absl::Time t);

 private:
  SharedTestClock(int fd, std::atomic<int64_t>* nanos);
  int fd_;
  std::atomic<int64_t>* nanos_;  // Points into the mapping; shared across processes.
};

// An in-process clock for unit tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override;
  void Set(absl::Time t);
  void Advance(absl::Duration d);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace duban

#endif  // DUBAN_COMMON_CLOCK_H_

#include "common/clock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace duban {
namespace {

constexpr size_t kClockFileSize = sizeof(int64_t);

static_assert(sizeof(std::atomic<int64_t>) == kClockFileSize);
static_assert(std::atomic<int64_t>::is_always_lock_free,
              "the shared clock relies on a lock-free 64-bit atomic in shared memory");

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

absl::Status ErrnoError(std::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("test clock: ", AbslView(what), " ", path, ": ", std::strerror(errno)));
}

// Holds an exclusive flock on the file while it lives, so two processes
// opening a new clock file at once agree on who initializes it.
class FileLock {
 public:
  explicit FileLock(int fd) : fd_(fd) { ::flock(fd_, LOCK_EX); }
  ~FileLock() { ::flock(fd_, LOCK_UN); }

 private:
  int fd_;
};

// Maps the 8 bytes of the clock file, sizing and setting them to `initial`
// first when the file is new (empty).
absl::StatusOr<std::atomic<int64_t>*> MapClockFile(int fd, const std::string& path,
                                                   absl::Time initial) {
  FileLock lock(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoError("cannot stat", path);
  const bool fresh = st.st_size == 0;
  if (fresh && ::ftruncate(fd, kClockFileSize) != 0) return ErrnoError("cannot size", path);
  if (!fresh && st.st_size != static_cast<off_t>(kClockFileSize)) {
    return absl::FailedPreconditionError(
        absl::StrCat("test clock: ", path, " holds ", st.st_size, " bytes, expected 8"));
  }

  void* mapping = ::mmap(nullptr, kClockFileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapping == MAP_FAILED) return ErrnoError("cannot map", path);
  if (fresh) return new (mapping) std::atomic<int64_t>(absl::ToUnixNanos(initial));
  return static_cast<std::atomic<int64_t>*>(mapping);
}

}  // namespace

absl::Time SystemClock::Now() const { return absl::Now(); }

const SystemClock* SystemClock::Get() {
  static const SystemClock* const kClock = new SystemClock();
  return kClock;
}

absl::StatusOr<std::unique_ptr<SharedTestClock>> SharedTestClock::Open(const std::string& path,
                                                                       absl::Time initial) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot open", path);
  absl::StatusOr<std::atomic<int64_t>*> nanos = MapClockFile(fd, path, initial);
  if (!nanos.ok()) {
    ::close(fd);
    return nanos.status();
  }
  return std::unique_ptr<SharedTestClock>(new SharedTestClock(fd, *nanos));
}

SharedTestClock::SharedTestClock(int fd, std::atomic<int64_t>* nanos) : fd_(fd), nanos_(nanos) {}

SharedTestClock::~SharedTestClock() {
  ::munmap(nanos_, kClockFileSize);
  ::close(fd_);
}

absl::Time SharedTestClock::Now() const { return absl::FromUnixNanos(nanos_->load()); }

absl::Status SharedTestClock::AdvanceTo(absl::Time t) {
  const int64_t target = absl::ToUnixNanos(t);
  int64_t current = nanos_->load();
  while (current <= target) {
    if (nanos_->compare_exchange_weak(current, target)) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat("test clock: cannot go back from ",
                                                    FormatUtc(absl::FromUnixNanos(current)), " to ",
                                                    FormatUtc(t)));
}

absl::Time FakeClock::Now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

void FakeClock::Set(absl::Time t) {
  absl::MutexLock lock(&mu_);
  now_ = t;
}

void FakeClock::Advance(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  now_ += d;
}

}  // namespace duban

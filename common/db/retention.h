// Retention of the bookkeeping rows common/db writes in every service's
// database: delivered outbox events, the request log behind RunOnce and the
// applied-event ids behind ApplyEvents. Without it they grow forever. Audit
// records and domain tables are never pruned.
//
// What pruning means for callers: a request id retried after the retention
// is treated as a new request; an event id seen again after the retention
// would be applied again. The latter does not happen in practice: a sender
// resends only events it has no acknowledgement for, within its retry backoff
// (OutboxOptions::max_backoff, 30 s), and never one that was acknowledged;
// only a sender that lost the acknowledgement of an applied event and then
// stayed down for longer than the retention would resend it that late.
#ifndef DUBAN_COMMON_DB_RETENTION_H_
#define DUBAN_COMMON_DB_RETENTION_H_

#include <cstdint>
#include <functional>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/db/pool.h"

namespace duban::db {

struct RetentionOptions {
  // Rows older than this are deleted; zero keeps everything.
  absl::Duration retention = absl::Hours(30 * 24);
  // Rows one DELETE statement removes at most, so that none holds many locks.
  int batch_size = 500;
  // Time between passes, on the clock.
  absl::Duration interval = absl::Hours(1);
};

// What one pass deleted.
struct RetentionPass {
  // Rows older than this were deleted.
  absl::Time cutoff = absl::InfinitePast();
  int64_t outbox = 0;
  int64_t request_log = 0;
  int64_t applied_events = 0;

  int64_t total() const { return outbox + request_log + applied_events; }
};

// Called between batches; returning true ends the pass early.
using StopPruning = std::function<bool()>;

// Deletes the rows older than `cutoff`: outbox rows delivered before it (an
// undelivered row is never deleted, however old), request_log rows created
// before it and applied_events rows applied before it. Each DELETE removes at
// most `batch_size` rows in its own short READ COMMITTED transaction, oldest
// first, until no such row is left or `stop` (optional) returns true. Returns
// the rows deleted; a database error is returned as it comes (UNAVAILABLE
// while the server is down), the batches before it staying deleted.
// INVALID_ARGUMENT when batch_size < 1. Thread-safe; replicas may prune the
// same database at once.
absl::StatusOr<RetentionPass> PruneOlderThan(ConnectionPool& pool, absl::Time cutoff,
                                             int batch_size, const StopPruning& stop = nullptr);

// Prunes once per `interval` of `clock`, with the cutoff `retention` before
// the clock's now, so that a test clock drives it. Thread-safe: passes do not
// overlap within the process.
class RetentionPruner {
 public:
  // Does not own `pool` or `clock`, which must outlive it.
  RetentionPruner(ConnectionPool* pool, const Clock* clock, RetentionOptions options);

  // Runs a pass when one is due: at the first call, then once `interval` has
  // passed on the clock since the last successful pass began. nullopt when
  // none was due, or retention is zero (disabled). A failed pass returns its
  // error and is due again at the next call.
  absl::StatusOr<std::optional<RetentionPass>> RunIfDue(const StopPruning& stop = nullptr);

  const RetentionOptions& options() const { return options_; }

 private:
  ConnectionPool* pool_;
  const Clock* clock_;
  const RetentionOptions options_;
  absl::Mutex mu_;
  absl::Time next_pass_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace duban::db

#endif  // DUBAN_COMMON_DB_RETENTION_H_

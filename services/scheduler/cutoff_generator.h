// Generates the recurring cut-offs period after period: at the start of each
// period (just after the previous report cut-off) the office digest and a
// report for every lead unit that led an item open in it; at the start of
// each month a dispatch cycle per district leader (and, for a leader
// appointed later in the month, the current month's at the next pass).
#ifndef DUBAN_SERVICES_SCHEDULER_CUTOFF_GENERATOR_H_
#define DUBAN_SERVICES_SCHEDULER_CUTOFF_GENERATOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/db/pool.h"
#include "services/scheduler/deadline_keeper.h"
#include "services/scheduler/deadline_store.h"
#include "services/scheduler/registry_names.h"

namespace duban::scheduler {

// Thread-safe; any number of replicas may generate at once against one
// database: each period and month is generated in one transaction holding its
// series' mark, and every deadline is inserted only if its subject is new.
class CutoffGenerator {
 public:
  // Nothing is owned; `names` may be null (no dispatch cycles). Reports and
  // dispatch cycles are labelled with the names `names` holds.
  CutoffGenerator(db::ConnectionPool* pool, DeadlineStore* store, DeadlineKeeper* keeper,
                  RegistryNames* names);

  // Generates every period and month that has begun by `now` and is not
  // generated yet, oldest first (a fresh database starts with the ones
  // containing `now`). Returns how many deadlines it created. On a failure
  // (e.g. the registry is down for the leaders) the series stops at the
  // period or month that failed and resumes there next time. The current
  // month, once generated, gets the dispatch cycles of leaders who have none
  // in it yet (the leaders as last refreshed, with the calendar).
  absl::StatusOr<int> GenerateDue(absl::Time now);

  // The next instant after `now` at which a period or month begins that is
  // not generated yet (InfiniteFuture before the first generation).
  absl::StatusOr<absl::Time> NextBoundary(absl::Time now);

 private:
  absl::StatusOr<int> GeneratePeriods(absl::Time now);
  absl::StatusOr<int> GenerateDispatchCycles(absl::Time now);
  // One step of a series: generates the marked period/month when it has
  // begun by `now` and advances the mark. nullopt when nothing was due.
  absl::StatusOr<std::optional<int>> GenerateNextPeriod(absl::Time now);
  absl::StatusOr<std::optional<int>> GenerateNextMonth(absl::Time now,
                                                       const std::vector<std::string>& leaders);

  db::ConnectionPool* pool_;
  DeadlineStore* store_;
  DeadlineKeeper* keeper_;
  RegistryNames* names_;
};

inline constexpr char kPeriodSeries[] = "periods";
inline constexpr char kDispatchCycleSeries[] = "dispatch_cycles";

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_CUTOFF_GENERATOR_H_

// Storage of deadlines and their ladder rungs, behind an interface so that the
// domain does not know SQL.
#ifndef DUBAN_SERVICES_SCHEDULER_DEADLINE_STORE_H_
#define DUBAN_SERVICES_SCHEDULER_DEADLINE_STORE_H_

#include <cppconn/connection.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "duban/common/v1/common.pb.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "services/scheduler/ladder.h"

namespace duban::scheduler {

// A deadline with the deadline as its owner gave it (date-only or instant).
struct StoredDeadline {
  duban::scheduler::v1::Deadline deadline;
  duban::common::v1::Deadline given;
};

// A due, unfired rung, locked by the claiming transaction.
struct ClaimedRung {
  int64_t id = 0;
  std::string deadline_id;
  duban::common::v1::Rung rung = duban::common::v1::RUNG_UNSPECIFIED;
  absl::Time due_at;
};

// An item open from opened_at until closed_at (unset while open).
struct ItemSpan {
  std::string item_id;
  std::string lead_unit_id;
  absl::Time opened_at;
  std::optional<absl::Time> closed_at;
};

struct DeadlineQuery {
  // When set, only deadlines owned by one of `scope_units`.
  bool restricted = false;
  std::vector<std::string> scope_units;
  duban::common::v1::SubjectKind subject_kind = duban::common::v1::SUBJECT_KIND_UNSPECIFIED;
  std::string owner_unit_id;
  duban::scheduler::v1::DeadlineState state = duban::scheduler::v1::DEADLINE_STATE_UNSPECIFIED;
  std::optional<absl::Time> due_from;  // inclusive
  std::optional<absl::Time> due_to;    // exclusive
  std::optional<std::pair<absl::Time, std::string>> after;
  int limit = 100;
};

struct FiringQuery {
  bool restricted = false;
  std::vector<std::string> scope_units;
  std::optional<duban::common::v1::Subject> subject;
  duban::common::v1::Rung rung = duban::common::v1::RUNG_UNSPECIFIED;
  // Keyset position: firings after this rung row id, in firing order.
  int64_t after_id = 0;
  int limit = 100;
};

// All methods run on the caller's connection (inside its transaction when it
// has one) and report Connector errors as statuses. Thread-safe.
class DeadlineStore {
 public:
  virtual ~DeadlineStore() = default;

  virtual absl::StatusOr<std::optional<StoredDeadline>> LoadBySubject(
      sql::Connection& conn, const duban::common::v1::Subject& subject, bool for_update) = 0;
  virtual absl::StatusOr<std::optional<StoredDeadline>> LoadById(sql::Connection& conn,
                                                                 const std::string& id,
                                                                 bool for_update) = 0;
  virtual absl::Status Insert(sql::Connection& conn, const StoredDeadline& stored,
                              absl::Time now) = 0;
  // Replaces the row with the same id (its ladder is changed separately).
  virtual absl::Status Update(sql::Connection& conn, const StoredDeadline& stored,
                              absl::Time now) = 0;

  // Inserts unless a deadline of the same subject exists (INSERT IGNORE on the
  // subject's unique key, so concurrent replicas insert it once). Returns
  // whether this call inserted it.
  virtual absl::StatusOr<bool> InsertIfAbsent(sql::Connection& conn, const StoredDeadline& stored,
                                              absl::Time now) = 0;

  // Removes the rungs of `deadline_id` that have not fired.
  virtual absl::Status DeleteUnfiredRungs(sql::Connection& conn,
                                          const std::string& deadline_id) = 0;
  virtual absl::Status AddRungs(sql::Connection& conn, const std::string& deadline_id,
                                int64_t generation, const std::vector<RungDue>& rungs) = 0;

  // Claims the earliest unfired rung due at or before `now` of a pending
  // deadline, skipping rows another transaction holds (FOR UPDATE SKIP LOCKED).
  virtual absl::StatusOr<std::optional<ClaimedRung>> ClaimDueRung(sql::Connection& conn,
                                                                  absl::Time now) = 0;
  virtual absl::Status MarkFired(sql::Connection& conn, int64_t rung_id, absl::Time fired_at,
                                 int64_t event_seq) = 0;
  // The outbox sequence of the event last enqueued on `conn`.
  virtual absl::StatusOr<int64_t> LastEventSeq(sql::Connection& conn) = 0;

  // Ordered by due_at then id.
  virtual absl::StatusOr<std::vector<duban::scheduler::v1::Deadline>> List(
      sql::Connection& conn, const DeadlineQuery& query) = 0;
  // Fired rungs in firing order; `ids` receives each firing's row id.
  virtual absl::StatusOr<std::vector<duban::scheduler::v1::RungFiring>> ListFirings(
      sql::Connection& conn, const FiringQuery& query, std::vector<int64_t>* ids) = 0;
  // The earliest due time of an unfired rung strictly after `after` (met and
  // cancelled deadlines keep no unfired rungs); nullopt when there is none.
  virtual absl::StatusOr<std::optional<absl::Time>> NextUnfiredAfter(sql::Connection& conn,
                                                                     absl::Time after) = 0;
  // The earliest due time of an unfired rung at or before `now`: a rung the
  // firing loop has not caught up with yet. nullopt when there is none.
  virtual absl::StatusOr<std::optional<absl::Time>> OldestUnfiredDue(sql::Connection& conn,
                                                                     absl::Time now) = 0;
  // Ids of pending deadlines, in id order, after `after_id` (at most `limit`).
  virtual absl::StatusOr<std::vector<std::string>> ListPendingIds(sql::Connection& conn,
                                                                  const std::string& after_id,
                                                                  int limit) = 0;

  // ---- When each item was open, and who led it (who owes a report) ----

  // The item's open span (the one not closed yet), if any.
  virtual absl::StatusOr<std::optional<ItemSpan>> OpenSpan(sql::Connection& conn,
                                                           const std::string& item_id) = 0;
  virtual absl::Status OpenItem(sql::Connection& conn, const ItemSpan& span) = 0;
  // Closes the item's open span at `at` (no effect when none is open).
  virtual absl::Status CloseItem(sql::Connection& conn, const std::string& item_id,
                                 absl::Time at) = 0;
  // The lead units of items open at some moment in (after, until], sorted.
  virtual absl::StatusOr<std::vector<std::string>> UnitsLeadingOpenItems(sql::Connection& conn,
                                                                         absl::Time after,
                                                                         absl::Time until) = 0;

  // ---- How far generation of a recurring series has come ----

  // Locks the series' mark (FOR UPDATE, created at `initial` when missing)
  // and returns it; two replicas generating at once take turns here.
  virtual absl::StatusOr<std::string> LockMark(sql::Connection& conn, const std::string& series,
                                               const std::string& initial, absl::Time now) = 0;
  virtual absl::Status SetMark(sql::Connection& conn, const std::string& series,
                               const std::string& next, absl::Time now) = 0;
  // The mark without locking; nullopt before the first generation.
  virtual absl::StatusOr<std::optional<std::string>> ReadMark(sql::Connection& conn,
                                                              const std::string& series) = 0;

  // Pending deadlines by subject kind.
  virtual absl::StatusOr<std::map<duban::common::v1::SubjectKind, int64_t>> CountPending(
      sql::Connection& conn) = 0;
};

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_DEADLINE_STORE_H_

// The supervision service's domain: applying rung, referral and "met" events
// to cases and notices, recording circulars, and answering what a caller may
// see. Knows nothing of gRPC.
#ifndef DUBAN_SERVICES_SUPERVISION_SUPERVISION_WORKFLOW_H_
#define DUBAN_SERVICES_SUPERVISION_SUPERVISION_WORKFLOW_H_

#include <cppconn/connection.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "duban/events/v1/events.pb.h"
#include "duban/supervision/v1/supervision.pb.h"
#include "duban/tasks/v1/tasks.pb.h"
#include "services/supervision/case_ladder.h"
#include "services/supervision/liaison_directory.h"
#include "services/supervision/watch_hub.h"

namespace duban::supervision {

struct WatchOptions {
  // How often a stream re-reads the feed when nothing woke it (real time).
  absl::Duration poll_interval = absl::Milliseconds(200);
  // Feed rows read per query.
  int batch_size = 100;
};

// Thread-safe; borrows everything it is given, which must outlive it.
class SupervisionWorkflow {
 public:
  SupervisionWorkflow(db::ConnectionPool* pool, const Clock* clock, absl::TimeZone zone,
                      LiaisonDirectory* liaisons, WatchOptions watch_options = {});

  // The db::EventHandler of the event sink: applies one event inside the
  // delivery's transaction. Understood payloads: duban.scheduler.v1.RungFired,
  // duban.tasks.v1.ItemReferred, duban.tasks.v1.ItemChanged and
  // duban.scheduler.v1.DeadlineMet and DeadlineCancelled (forwarded by the
  // scheduler once a subject was urged; each closes the subject's case at the
  // met time or the event's time, except that a cancellation leaves a
  // referral's case to its sub-items); others are acknowledged and ignored.
  // Every notice, case change and first sighting of an item is appended to
  // the Watch feed in the same transaction. UNAVAILABLE (retried by the
  // sender) when the registry cannot be asked.
  absl::Status ApplyEvent(sql::Connection& conn, const events::v1::Event& event);

  // Records the circular rung on each named case once per circular.
  // INVALID_ARGUMENT naming the field for a missing id or an unknown case.
  absl::Status RecordCircular(const Caller& caller, const v1::RecordCircularRequest& request,
                              v1::RecordCircularResponse* response);

  // Special supervision: records the split of a referred item on its case and
  // asks tasks (event SplitRequested) to create the sub-items
  // "<item_id>-s1", "<item_id>-s2", ... in the order of the parts.
  // INVALID_ARGUMENT naming the field ("parts[1].deadline: missing");
  // INVALID_ARGUMENT "parts[i].responsible_unit_ids[j]: no unit X in the
  // registry" for a unit the registry does not know (UNAVAILABLE when it cannot
  // be asked; nothing is recorded either way);
  // NOT_FOUND when the item has no case; FAILED_PRECONDITION when its case is
  // not a referral, is closed, or the item was split already. A retry with the
  // same request_id returns the first answer.
  absl::Status SplitReferredItem(const Caller& caller, const v1::SplitReferredItemRequest& request,
                                 v1::SplitReferredItemResponse* response);

  // Streams the Watch feed from `request.resume_token` (empty: from now on),
  // narrowed to what the caller may see (as the reads below), to `send` until
  // `send` returns false, `cancelled` returns true or the hub shuts down; each
  // of these ends the stream with OK. INVALID_ARGUMENT "resume_token: ..." for
  // a token that is malformed or ahead of the feed; PERMISSION_DENIED as
  // VisibleUnits.
  absl::Status Watch(const Caller& caller, const v1::WatchRequest& request,
                     const std::function<bool(const v1::WatchEvent&)>& send,
                     const std::function<bool()>& cancelled);

  // Wakes and ends Watch streams (Shutdown at server stop).
  WatchHub& watch_hub() { return hub_; }

  // Reads, narrowed to what the caller may see: a unit liaison sees only
  // their unit's cases, notices and figures (PERMISSION_DENIED when asking
  // for another unit's); the supervision group, office liaisons, admins and
  // services see all.
  absl::StatusOr<v1::SupervisionCase> GetCase(const Caller& caller, const std::string& case_id);
  absl::Status ListCases(const Caller& caller, const v1::ListCasesRequest& request,
                         v1::ListCasesResponse* response);
  absl::Status ListNotices(const Caller& caller, const v1::ListNoticesRequest& request,
                           v1::ListNoticesResponse* response);
  absl::Status GetFigures(const Caller& caller, const v1::GetFiguresRequest& request,
                          v1::GetFiguresResponse* response);

 private:
  absl::Status ApplyArrival(sql::Connection& conn, const events::v1::Event& event,
                            const RungArrival& arrival);
  // Closes the subject's case at `at` (audited, fed to Watch); with
  // `keep_referred` a case opened or marked by a referral stays as it is.
  absl::Status CloseSubject(sql::Connection& conn, const events::v1::Event& event,
                            const common::v1::Subject& subject, absl::Time at,
                            bool keep_referred = false);
  // Closes the item's case once it is reported complete or closed; announces
  // an item seen for the first time.
  absl::Status ApplyItemChanged(sql::Connection& conn, const events::v1::Event& event,
                                const tasks::v1::Item& item);
  // Appends a new-item row per unit the first time an item is seen.
  absl::Status NoteNewItem(sql::Connection& conn, const tasks::v1::Item& item, absl::Time at);
  absl::Status FeedCase(sql::Connection& conn, const v1::SupervisionCase& supervision_case,
                        absl::Time at);
  absl::Status FeedNotice(sql::Connection& conn, const v1::Notice& notice);
  // The feed position a Watch request starts after.
  absl::StatusOr<int64_t> WatchStart(const std::string& resume_token);

  db::ConnectionPool* pool_;
  const Clock* clock_;
  const absl::TimeZone zone_;
  LiaisonDirectory* liaisons_;
  const WatchOptions watch_options_;
  WatchHub hub_;
};

// The units whose cases `caller` may see, restricted to `requested` when set.
// Empty result with OK: every unit. PERMISSION_DENIED when the caller may see
// no unit, or not `requested`.
absl::StatusOr<std::vector<std::string>> VisibleUnits(const Caller& caller,
                                                      const std::string& requested);

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_SUPERVISION_WORKFLOW_H_

// The supervision service's domain: applying rung, referral and "met" events
// to cases and notices, recording circulars, and answering what a caller may
// see. Knows nothing of gRPC.
#ifndef DUBAN_SERVICES_SUPERVISION_SUPERVISION_WORKFLOW_H_
#define DUBAN_SERVICES_SUPERVISION_SUPERVISION_WORKFLOW_H_

#include <cppconn/connection.h>

#include <string>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "duban/events/v1/events.pb.h"
#include "duban/supervision/v1/supervision.pb.h"
#include "services/supervision/case_ladder.h"
#include "services/supervision/liaison_directory.h"

namespace duban::supervision {

// Thread-safe; borrows everything it is given, which must outlive it.
class SupervisionWorkflow {
 public:
  SupervisionWorkflow(db::ConnectionPool* pool, const Clock* clock, absl::TimeZone zone,
                      LiaisonDirectory* liaisons);

  // The db::EventHandler of the event sink: applies one event inside the
  // delivery's transaction. Understood payloads: duban.scheduler.v1.RungFired,
  // duban.tasks.v1.ItemReferred, duban.tasks.v1.ItemChanged and
  // duban.scheduler.v1.DeadlineMet; others are acknowledged and ignored.
  // UNAVAILABLE (retried by the sender) when the registry cannot be asked.
  absl::Status ApplyEvent(sql::Connection& conn, const events::v1::Event& event);

  // Records the circular rung on each named case once per circular.
  // INVALID_ARGUMENT naming the field for a missing id or an unknown case.
  absl::Status RecordCircular(const Caller& caller, const v1::RecordCircularRequest& request,
                              v1::RecordCircularResponse* response);

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
  absl::Status CloseSubject(sql::Connection& conn, const events::v1::Event& event,
                            const common::v1::Subject& subject, absl::Time at);

  db::ConnectionPool* pool_;
  const Clock* clock_;
  const absl::TimeZone zone_;
  LiaisonDirectory* liaisons_;
};

// The units whose cases `caller` may see, restricted to `requested` when set.
// Empty result with OK: every unit. PERMISSION_DENIED when the caller may see
// no unit, or not `requested`.
absl::StatusOr<std::vector<std::string>> VisibleUnits(const Caller& caller,
                                                      const std::string& requested);

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_SUPERVISION_WORKFLOW_H_

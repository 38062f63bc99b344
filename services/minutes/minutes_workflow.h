// The minutes service's domain: recording dispatch events and taking their
// documents from draft to issue. Knows nothing of gRPC; the caller has been
// authenticated and admitted by the method policy, and this class checks what
// the caller may do with the resource (a unit liaison acts for their unit, the
// leader signs off their own events).
//
// Every change runs through db::RunOnce (a retried request id returns the
// first answer) in one transaction with its audit record and its events:
// DeadlineRegistered / DeadlineMet to the scheduler, DocumentIssued to tasks.
// From the scheduler it applies DeadlineMoved, so that the draft due instant
// it shows is the one the scheduler fires on.
#ifndef DUBAN_SERVICES_MINUTES_MINUTES_WORKFLOW_H_
#define DUBAN_SERVICES_MINUTES_MINUTES_WORKFLOW_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/calendar/work_calendar.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "duban/events/v1/events.pb.h"
#include "duban/minutes/v1/minutes.pb.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "services/minutes/draft_deadline.h"
#include "services/minutes/registry_directory.h"

namespace duban::minutes {

// The registry's current work calendar, for drafting counted in working days;
// an error (UNAVAILABLE) when it cannot be had. Thread-safe.
using CalendarLoader =
    std::function<absl::StatusOr<std::shared_ptr<const calendar::WorkCalendar>>()>;

// Thread-safe; borrows everything it is given, which must outlive it.
class MinutesWorkflow {
 public:
  // `calendar` is asked only when options.working_days; without one, working
  // days are the weekdays.
  MinutesWorkflow(db::ConnectionPool* pool, const Clock* clock, absl::TimeZone zone,
                  RegistryDirectory* registry, DraftDeadlineOptions options = {},
                  CalendarLoader calendar = nullptr);

  // INVALID_ARGUMENT for a missing kind or time, a leader who is not a district
  // leader, a matter that is unknown or not the leader's, an unknown unit.
  // UNAVAILABLE when the registry cannot be asked. Registers the draft
  // deadline and meets the leader's dispatch cycle of the event's local month
  // ("<leader_id>@<yyyy-mm>", met at the time the event was held) at the
  // scheduler; meeting it again for a later event of the month is harmless.
  absl::Status RecordDispatchEvent(const Caller& caller,
                                   const v1::RecordDispatchEventRequest& request,
                                   v1::RecordDispatchEventResponse* response);
  // Creates the event's draft or replaces its content. ALREADY_EXISTS for a
  // document number in use; ABORTED when expected_revision is stale.
  absl::Status SaveDraft(const Caller& caller, const v1::SaveDraftRequest& request,
                         v1::SaveDraftResponse* response);
  absl::Status RouteForCountersign(const Caller& caller,
                                   const v1::RouteForCountersignRequest& request,
                                   v1::RouteForCountersignResponse* response);
  absl::Status Countersign(const Caller& caller, const v1::CountersignRequest& request,
                           v1::CountersignResponse* response);
  absl::Status ReturnDraft(const Caller& caller, const v1::ReturnDraftRequest& request,
                           v1::ReturnDraftResponse* response);
  absl::Status SignOffAndIssue(const Caller& caller, const v1::SignOffAndIssueRequest& request,
                               v1::SignOffAndIssueResponse* response);

  // Applies one delivered event inside the caller's transaction (see
  // db::ApplyEvents). DeadlineMoved for a draft (the scheduler moved it, e.g.
  // after a work calendar change) sets draft_due_at of the dispatch event and
  // of its document, if any, to the new instant, with an audit record each,
  // unless a move of the same or a later revision was applied before: a
  // repeated or out-of-order delivery changes nothing. A move for an event
  // this service does not hold, and any other payload, is acknowledged and
  // ignored. INVALID_ARGUMENT for a malformed move.
  absl::Status ApplyEvent(sql::Connection& conn, const events::v1::Event& event);

  absl::StatusOr<v1::DispatchEvent> GetDispatchEvent(const Caller& caller,
                                                     const std::string& event_id);
  absl::Status ListDispatchEvents(const Caller& caller,
                                  const v1::ListDispatchEventsRequest& request,
                                  v1::ListDispatchEventsResponse* response);
  absl::StatusOr<v1::Document> GetDocument(const Caller& caller, const std::string& document_id);
  absl::Status ListDocuments(const Caller& caller, const v1::ListDocumentsRequest& request,
                             v1::ListDocumentsResponse* response);

 private:
  absl::Status CheckLeader(const std::string& leader_id);
  // The registry version the event was held under: the one in force at
  // held_at, or the current one when the registry had none yet then.
  absl::StatusOr<int64_t> CheckMatters(const v1::RecordDispatchEventRequest& request);
  absl::Status CheckUnit(const std::string& unit_id, const std::string& field);
  absl::Status CheckItemUnits(const v1::SaveDraftRequest& request);
  absl::StatusOr<DraftDeadline> DeadlineOfDraft(absl::Time held_at);
  absl::Status ApplyDraftMoved(sql::Connection& conn, const events::v1::Event& event,
                               const scheduler::v1::DeadlineMoved& moved);
  // The matters a supervising office leader supervises (none for anyone else).
  absl::StatusOr<std::vector<std::string>> SupervisedMatters(const Caller& caller);

  db::ConnectionPool* pool_;
  const Clock* clock_;
  const absl::TimeZone zone_;
  RegistryDirectory* registry_;
  const DraftDeadlineOptions options_;
  const CalendarLoader calendar_;
};

// Service, admin or a liaison of `unit_id`: may act for the unit.
bool ActsFor(const Caller& caller, const std::string& unit_id);
// May read the event and its document: whoever reads everything, the event's
// leader, a supervising office leader of one of its matters (their ids in
// `supervised`), or a liaison of a unit it concerns (drafting, present, or
// responsible for an item).
bool MayRead(const Caller& caller, const v1::DispatchEvent& event, const v1::Document* document,
             const std::vector<std::string>& supervised = {});

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_MINUTES_WORKFLOW_H_

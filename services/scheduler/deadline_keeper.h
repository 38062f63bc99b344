// The scheduler's domain: keeps every deadline as data, moves it when its
// owner says so, and fires each rung of its ladder exactly once.
#ifndef DUBAN_SERVICES_SCHEDULER_DEADLINE_KEEPER_H_
#define DUBAN_SERVICES_SCHEDULER_DEADLINE_KEEPER_H_

#include <cppconn/connection.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/calendar/periods.h"
#include "common/calendar/registry_calendar.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "duban/events/v1/events.pb.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "services/scheduler/cutoff_rules.h"
#include "services/scheduler/deadline_store.h"
#include "services/scheduler/ladder.h"
#include "services/scheduler/registry_names.h"
#include "services/scheduler/scheduler_metrics.h"

namespace duban::scheduler {

// Who reads: everything (services, admins, office liaisons, the supervision
// group) or only the deadlines owned by the units they are liaison of.
struct Reader {
  bool reads_everything = false;
  std::vector<std::string> units;
};

// Thread-safe; holds no mutable state of its own. Any number of replicas may
// run FireDue at once against the same database.
class DeadlineKeeper {
 public:
  // Nothing is owned; `metrics` and `names` may be null (`names` labels the
  // reports it creates with unit names; without it, with unit ids).
  DeadlineKeeper(db::ConnectionPool* pool, DeadlineStore* store, const Clock* clock,
                 absl::TimeZone zone, const calendar::CalendarSource* calendars,
                 LadderOptions options, calendar::PeriodRules period_rules,
                 SchedulerMetrics* metrics, const RegistryNames* names = nullptr);

  // Applies one delivered event inside the caller's transaction (see
  // db::ApplyEvents): DeadlineRegistered creates or moves the subject's
  // deadline (a move replaces the unfired rungs; fired rungs stay),
  // DeadlineMet and DeadlineCancelled end it so that nothing more fires.
  // An item's registration opens it (its lead unit, inputs["lead_unit_id"],
  // then owes a report for each period from the one containing the event's
  // occurred_at to the current one, created here); its end closes it. The
  // end of a subject whose urging rung fired is forwarded to supervision.
  // INVALID_ARGUMENT for a malformed command; other payloads are ignored.
  absl::Status ApplyEvent(sql::Connection& conn, const duban::events::v1::Event& event);

  // Stores a generated deadline with its ladder unless its subject already
  // has one (possibly already met), in the caller's transaction. Returns
  // whether it was created.
  absl::StatusOr<bool> EnsureGenerated(sql::Connection& conn, const GeneratedDeadline& generated,
                                       absl::Time now);

  // After a calendar change: moves every pending deadline whose urging rung
  // has not fired to where the current calendar puts it (report and digest
  // cut-offs; draft deadlines counted in working days, rule
  // "draft.working_days" with inputs held_on and days; the supervision rung
  // of every ladder), one transaction each. A draft whose instant moved is
  // told to minutes (DeadlineMoved) in the same transaction.
  // Rungs of a kind that already fired are not scheduled again. Returns how
  // many deadlines moved.
  absl::StatusOr<int> FollowCalendar();

  const calendar::PeriodRules& period_rules() const { return period_rules_; }
  absl::TimeZone zone() const { return zone_; }
  std::shared_ptr<const calendar::WorkCalendar> work_calendar() const {
    return calendars_->Current();
  }

  // Fires, in order of their due time, up to `max_rungs` unfired rungs of
  // pending deadlines due at or before `now`: each in its own transaction that
  // marks it fired, writes its RungFired event for supervision and its audit
  // record. Returns how many fired.
  absl::StatusOr<int> FireDue(absl::Time now, int max_rungs);

  // Pending deadlines by subject kind (duban_scheduler_deadlines_pending).
  absl::StatusOr<std::map<duban::common::v1::SubjectKind, int64_t>> CountPending();
  // The earliest instant after `now` at which a rung falls due
  // (InfiniteFuture when none): the test clock steps to it.
  absl::StatusOr<absl::Time> NextDue(absl::Time now);
  // How long the oldest due, unfired rung has waited at `now` (zero when none).
  absl::StatusOr<absl::Duration> FiringLag(absl::Time now);

  // NOT_FOUND when missing or not visible to `reader`; INVALID_ARGUMENT when
  // neither an id nor a subject is given.
  absl::StatusOr<duban::scheduler::v1::Deadline> GetDeadline(
      const Reader& reader, const duban::scheduler::v1::GetDeadlineRequest& request);
  absl::StatusOr<duban::scheduler::v1::ListDeadlinesResponse> ListDeadlines(
      const Reader& reader, const duban::scheduler::v1::ListDeadlinesRequest& request);
  absl::StatusOr<duban::scheduler::v1::Explanation> ExplainDeadline(const Reader& reader,
                                                                    const std::string& id);
  absl::StatusOr<duban::scheduler::v1::ListRungFiringsResponse> ListRungFirings(
      const Reader& reader, const duban::scheduler::v1::ListRungFiringsRequest& request);

 private:
  absl::Status ApplyRegistered(sql::Connection& conn, const duban::events::v1::Event& event,
                               const duban::scheduler::v1::DeadlineRegistered& registered);
  absl::Status ApplyEnded(sql::Connection& conn, const duban::events::v1::Event& event,
                          const duban::common::v1::Subject& subject,
                          duban::scheduler::v1::DeadlineState state, absl::Time met_at);
  // Fires one rung; false when none was due.
  absl::StatusOr<bool> FireOne(absl::Time now, duban::common::v1::Rung* rung,
                               duban::common::v1::SubjectKind* kind);
  absl::StatusOr<StoredDeadline> LoadVisible(const Reader& reader, const std::string& id);
  // Opens or closes the item's span and creates the reports its lead unit owes.
  absl::Status TrackItemOpened(sql::Connection& conn, const duban::events::v1::Event& event,
                               const duban::scheduler::v1::DeadlineRegistered& registered);
  // Tells supervision a subject whose urging fired is met or cancelled.
  absl::Status ForwardEnd(sql::Connection& conn, const duban::events::v1::Event& event,
                          const duban::scheduler::v1::Deadline& ended, absl::Time now);
  // A generated subject met before it was generated: kept as met so that
  // generating it later creates nothing.
  absl::Status RecordMetBeforeGenerated(sql::Connection& conn,
                                        const duban::common::v1::Subject& subject,
                                        absl::Time met_at, absl::Time now);
  // Moves one deadline to the current calendar; whether it moved.
  absl::StatusOr<bool> FollowCalendarOne(const std::string& id,
                                         const calendar::WorkCalendar& calendar);
  // Tells the subject's owner (minutes, for a draft) that its instant moved
  // from `before` to `after`, through the outbox in the caller's transaction
  // (DeadlineMoved, its reason `why` followed by the move). Nothing when the
  // instant stayed or the owner does not show it.
  absl::Status TellOwnerOfMove(sql::Connection& conn, const duban::scheduler::v1::Deadline& before,
                               const StoredDeadline& after, const std::string& why, absl::Time now);

  db::ConnectionPool* pool_;
  DeadlineStore* store_;
  const Clock* clock_;
  const absl::TimeZone zone_;
  const calendar::CalendarSource* calendars_;
  const LadderOptions options_;
  const calendar::PeriodRules period_rules_;
  SchedulerMetrics* metrics_;
  const RegistryNames* names_;
};

// "ITEM/<id>": the ordering key of a subject's events.
std::string SubjectKey(const duban::common::v1::Subject& subject);

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_DEADLINE_KEEPER_H_

#include "services/supervision/supervision_workflow.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/audit.h"
#include "common/db/idempotency.h"
#include "common/log.h"
#include "common/status.h"
#include "common/time_util.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "duban/tasks/v1/tasks.pb.h"
#include "services/supervision/figures.h"
#include "services/supervision/supervision_store.h"

namespace duban::supervision {
namespace {

using common::v1::Subject;

std::string NewId(absl::string_view prefix) {
  thread_local std::mt19937_64 random(std::random_device{}());
  return absl::StrFormat("%s-%010x", prefix, random() & 0xffffffffffULL);
}

Subject ItemSubject(const std::string& item_id) {
  Subject subject;
  subject.set_kind(common::v1::SUBJECT_KIND_ITEM);
  subject.set_id(item_id);
  return subject;
}

// The first of the timestamps that is set.
absl::Time FirstSet(std::initializer_list<const google::protobuf::Timestamp*> candidates,
                    absl::Time fallback) {
  for (const google::protobuf::Timestamp* candidate : candidates) {
    if (candidate->seconds() != 0 || candidate->nanos() != 0) return FromProto(*candidate);
  }
  return fallback;
}

std::string NoticeText(v1::NoticeKind kind, const RungArrival& arrival, absl::TimeZone zone) {
  const std::string what = arrival.label.empty() ? arrival.subject.id() : arrival.label;
  const std::string due = arrival.due_at ? FormatLocal(*arrival.due_at, zone) : "";
  switch (kind) {
    case v1::NOTICE_KIND_REMINDER:
      return absl::StrCat("提醒：", what, " 将于 ", due, " 到期");
    case v1::NOTICE_KIND_URGING:
      return absl::StrCat("催办：", what, " 已于 ", due, " 到期未办结");
    default:
      return absl::StrCat("督办：", what, " 逾期未办结，已提交督导考核组");
  }
}

absl::Status AuditCase(sql::Connection& conn, const std::string& actor, absl::Time at,
                       const std::string& action, const v1::SupervisionCase* before,
                       const v1::SupervisionCase& after, const std::string& request_id) {
  db::AuditEntry entry;
  entry.actor = actor;
  entry.at = at;
  entry.action = action;
  entry.entity_type = "supervision_case";
  entry.entity_id = after.id();
  entry.before = before;
  entry.after = &after;
  entry.request_id = request_id;
  return db::WriteAudit(conn, entry);
}

std::string EventAction(const events::v1::Event& event) {
  const std::string& type = event.payload().type_url();
  return absl::StrCat("supervision.", type.substr(type.rfind('.') + 1));
}

RungArrival FromRungFired(const events::v1::Event& event, const scheduler::v1::RungFired& fired) {
  RungArrival arrival;
  arrival.subject = fired.deadline().subject();
  if (arrival.subject.kind() == common::v1::SUBJECT_KIND_UNSPECIFIED) {
    arrival.subject = fired.firing().subject();
  }
  arrival.rung = fired.firing().rung();
  arrival.at = FirstSet({&fired.firing().fired_at(), &fired.firing().due_at()},
                        FromProto(event.occurred_at()));
  arrival.unit_id = fired.deadline().owner_unit_id();
  arrival.source_event_id = event.event_id();
  arrival.label = fired.deadline().label();
  if (fired.deadline().has_due_at()) arrival.due_at = FromProto(fired.deadline().due_at());
  arrival.deadline_id = fired.deadline().id();
  return arrival;
}

RungArrival FromItemReferred(const events::v1::Event& event,
                             const tasks::v1::ItemReferred& referred) {
  const tasks::v1::Item& item = referred.item();
  RungArrival arrival;
  arrival.subject = ItemSubject(item.id());
  arrival.referral = true;
  arrival.at = FirstSet({&item.referred_at()}, FromProto(event.occurred_at()));
  arrival.unit_id =
      item.responsible_unit_ids().empty() ? item.lead_unit_id() : item.responsible_unit_ids(0);
  arrival.source_event_id = event.event_id();
  arrival.label = item.content();
  if (item.has_due_at()) arrival.due_at = FromProto(item.due_at());
  return arrival;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> VisibleUnits(const Caller& caller,
                                                      const std::string& requested) {
  if (caller.ReadsEverything()) {
    return requested.empty() ? std::vector<std::string>{} : std::vector<std::string>{requested};
  }
  const std::vector<std::string> own = caller.LiaisonUnits();
  if (own.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat(caller.subject(), " may see the cases of no unit"));
  }
  if (requested.empty()) return own;
  for (const std::string& unit : own) {
    if (unit == requested) return std::vector<std::string>{requested};
  }
  return absl::PermissionDeniedError(
      absl::StrCat(caller.subject(), " may not see the cases of unit ", requested));
}

SupervisionWorkflow::SupervisionWorkflow(db::ConnectionPool* pool, const Clock* clock,
                                         absl::TimeZone zone, LiaisonDirectory* liaisons)
    : pool_(pool), clock_(clock), zone_(zone), liaisons_(liaisons) {}

absl::Status SupervisionWorkflow::ApplyEvent(sql::Connection& conn,
                                             const events::v1::Event& event) {
  const google::protobuf::Any& payload = event.payload();
  if (payload.Is<scheduler::v1::RungFired>()) {
    scheduler::v1::RungFired fired;
    if (!payload.UnpackTo(&fired)) return absl::InvalidArgumentError("payload: bad RungFired");
    return ApplyArrival(conn, event, FromRungFired(event, fired));
  }
  if (payload.Is<tasks::v1::ItemReferred>()) {
    tasks::v1::ItemReferred referred;
    if (!payload.UnpackTo(&referred)) {
      return absl::InvalidArgumentError("payload: bad ItemReferred");
    }
    return ApplyArrival(conn, event, FromItemReferred(event, referred));
  }
  if (payload.Is<tasks::v1::ItemChanged>()) {
    tasks::v1::ItemChanged changed;
    if (!payload.UnpackTo(&changed)) return absl::InvalidArgumentError("payload: bad ItemChanged");
    const tasks::v1::Item& item = changed.item();
    if (item.status() != tasks::v1::ITEM_STATUS_REPORTED_COMPLETE &&
        item.status() != tasks::v1::ITEM_STATUS_CLOSED) {
      return absl::OkStatus();
    }
    const absl::Time met_at =
        FirstSet({&item.reported_complete_at(), &item.closed_at()}, FromProto(event.occurred_at()));
    return CloseSubject(conn, event, ItemSubject(item.id()), met_at);
  }
  if (payload.Is<scheduler::v1::DeadlineMet>()) {
    scheduler::v1::DeadlineMet met;
    if (!payload.UnpackTo(&met)) return absl::InvalidArgumentError("payload: bad DeadlineMet");
    return CloseSubject(conn, event, met.subject(),
                        FirstSet({&met.met_at()}, FromProto(event.occurred_at())));
  }
  LogEvery(absl::Minutes(1), "supervision.unknown_event", LogLevel::kWarning, "event_ignored",
           {{"event_id", event.event_id()}, {"type", payload.type_url()}});
  return absl::OkStatus();
}

absl::Status SupervisionWorkflow::ApplyArrival(sql::Connection& conn,
                                               const events::v1::Event& event,
                                               const RungArrival& arrival) {
  DUBAN_ASSIGN_OR_RETURN(std::optional<v1::SupervisionCase> current,
                         SupervisionStore::FindCase(conn, arrival.subject, true));
  const std::optional<v1::SupervisionCase> before = current;

  std::optional<v1::RungRecord> earlier_reminder;
  if (!current && arrival.rung != common::v1::RUNG_REMINDER) {
    NoticeFilter reminders;
    reminders.subject = arrival.subject;
    reminders.kind = v1::NOTICE_KIND_REMINDER;
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Notice> notices,
                           SupervisionStore::ListNotices(conn, reminders, PageRequest{0, 1}));
    if (!notices.empty()) {
      earlier_reminder.emplace();
      earlier_reminder->set_rung(common::v1::RUNG_REMINDER);
      *earlier_reminder->mutable_at() = notices.front().at();
      earlier_reminder->set_source_event_id(notices.front().id());
    }
  }

  const RungOutcome outcome = ApplyRung(current, arrival, NewId("case"), earlier_reminder);
  const std::string actor = absl::StrCat("service:", event.source());
  if (outcome.case_changed) {
    DUBAN_RETURN_IF_ERROR(SupervisionStore::SaveCase(conn, *current));
    DUBAN_RETURN_IF_ERROR(AuditCase(conn, actor, arrival.at, EventAction(event),
                                    before ? &*before : nullptr, *current, event.event_id()));
  }
  if (outcome.notice == v1::NOTICE_KIND_UNSPECIFIED) return absl::OkStatus();

  DUBAN_ASSIGN_OR_RETURN(std::string liaison, liaisons_->CurrentLiaison(arrival.unit_id));
  v1::Notice notice;
  notice.set_id(NewId("ntc"));
  notice.set_kind(outcome.notice);
  *notice.mutable_subject() = arrival.subject;
  notice.set_unit_id(arrival.unit_id);
  notice.set_liaison_person_id(liaison);
  *notice.mutable_at() = ToProto(arrival.at);
  if (current) notice.set_case_id(current->id());
  notice.set_text(NoticeText(outcome.notice, arrival, zone_));
  return SupervisionStore::InsertNotice(conn, notice);
}

absl::Status SupervisionWorkflow::CloseSubject(sql::Connection& conn,
                                               const events::v1::Event& event,
                                               const Subject& subject, absl::Time at) {
  DUBAN_ASSIGN_OR_RETURN(std::optional<v1::SupervisionCase> current,
                         SupervisionStore::FindCase(conn, subject, true));
  if (!current) return absl::OkStatus();
  const v1::SupervisionCase before = *current;
  if (!CloseCase(*current, at)) return absl::OkStatus();
  DUBAN_RETURN_IF_ERROR(SupervisionStore::SaveCase(conn, *current));
  return AuditCase(conn, absl::StrCat("service:", event.source()), at, EventAction(event), &before,
                   *current, event.event_id());
}

absl::Status SupervisionWorkflow::RecordCircular(const Caller& caller,
                                                 const v1::RecordCircularRequest& request,
                                                 v1::RecordCircularResponse* response) {
  return db::RunOnce(
      *pool_, "/duban.supervision.v1.SupervisionService/RecordCircular", request.request_id(),
      caller.subject(), request, response, [&](sql::Connection& conn) -> absl::Status {
        if (request.circular_id().empty()) return InvalidField("circular_id", "required");
        const absl::Time now = clock_->Now();
        const absl::Time at = request.has_issued_at() ? FromProto(request.issued_at()) : now;
        for (int i = 0; i < request.case_ids_size(); ++i) {
          absl::StatusOr<v1::SupervisionCase> loaded =
              SupervisionStore::LoadCase(conn, request.case_ids(i), true);
          if (absl::IsNotFound(loaded.status())) {
            return InvalidField(absl::StrCat("case_ids[", i, "]"),
                                absl::StrCat("no case ", request.case_ids(i)));
          }
          DUBAN_RETURN_IF_ERROR(loaded.status());

          std::optional<v1::SupervisionCase> current = *loaded;
          RungArrival arrival;
          arrival.subject = current->subject();
          arrival.rung = common::v1::RUNG_CIRCULAR;
          arrival.at = at;
          arrival.unit_id = current->unit_id();
          arrival.circular_id = request.circular_id();
          if (ApplyRung(current, arrival, "").case_changed) {
            DUBAN_RETURN_IF_ERROR(SupervisionStore::SaveCase(conn, *current));
            DUBAN_RETURN_IF_ERROR(AuditCase(conn, caller.subject(), now,
                                            "supervision.RecordCircular", &*loaded, *current,
                                            request.request_id()));
          }
          *response->add_cases() = *std::move(current);
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::SupervisionCase> SupervisionWorkflow::GetCase(const Caller& caller,
                                                                 const std::string& case_id) {
  if (case_id.empty()) return InvalidField("case_id", "required");
  v1::SupervisionCase found;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(found, SupervisionStore::LoadCase(conn, case_id, false));
    return absl::OkStatus();
  }));
  DUBAN_RETURN_IF_ERROR(VisibleUnits(caller, found.unit_id()).status());
  return found;
}

absl::Status SupervisionWorkflow::ListCases(const Caller& caller,
                                            const v1::ListCasesRequest& request,
                                            v1::ListCasesResponse* response) {
  DUBAN_ASSIGN_OR_RETURN(PageRequest page, ParsePage(request.page_token(), request.page_size()));
  CaseFilter filter;
  DUBAN_ASSIGN_OR_RETURN(filter.unit_ids, VisibleUnits(caller, request.unit_id()));
  filter.state = request.state();
  filter.subject_kind = request.subject_kind();
  if (request.has_opened_from()) filter.opened_from = FromProto(request.opened_from());
  if (request.has_opened_to()) filter.opened_to = FromProto(request.opened_to());
  filter.referred_only = request.referred_only();
  return db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::SupervisionCase> cases,
                           SupervisionStore::ListCases(conn, filter, page));
    response->set_next_page_token(NextPageToken(page, cases.size()));
    for (v1::SupervisionCase& c : cases) *response->add_cases() = std::move(c);
    return absl::OkStatus();
  });
}

absl::Status SupervisionWorkflow::ListNotices(const Caller& caller,
                                              const v1::ListNoticesRequest& request,
                                              v1::ListNoticesResponse* response) {
  DUBAN_ASSIGN_OR_RETURN(PageRequest page, ParsePage(request.page_token(), request.page_size()));
  NoticeFilter filter;
  DUBAN_ASSIGN_OR_RETURN(filter.unit_ids, VisibleUnits(caller, request.unit_id()));
  filter.kind = request.kind();
  if (request.has_from()) filter.from = FromProto(request.from());
  if (request.has_to()) filter.to = FromProto(request.to());
  return db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Notice> notices,
                           SupervisionStore::ListNotices(conn, filter, page));
    response->set_next_page_token(NextPageToken(page, notices.size()));
    for (v1::Notice& notice : notices) *response->add_notices() = std::move(notice);
    return absl::OkStatus();
  });
}

absl::Status SupervisionWorkflow::GetFigures(const Caller& caller,
                                             const v1::GetFiguresRequest& request,
                                             v1::GetFiguresResponse* response) {
  if (!request.has_from()) return InvalidField("from", "required");
  if (!request.has_to()) return InvalidField("to", "required");
  const absl::Time from = FromProto(request.from());
  const absl::Time to = FromProto(request.to());
  if (to <= from) return InvalidField("to", "must be after from");
  DUBAN_ASSIGN_OR_RETURN(std::vector<std::string> units, VisibleUnits(caller, request.unit_id()));

  CaseFilter cases_filter;
  cases_filter.unit_ids = units;
  cases_filter.opened_to = to;
  cases_filter.not_closed_before = from;
  NoticeFilter notices_filter;
  notices_filter.unit_ids = units;
  notices_filter.kind = v1::NOTICE_KIND_URGING;
  notices_filter.from = from;
  notices_filter.to = to;
  return db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::SupervisionCase> cases,
                           SupervisionStore::ListCases(conn, cases_filter, std::nullopt));
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Notice> notices,
                           SupervisionStore::ListNotices(conn, notices_filter, std::nullopt));
    for (v1::UnitFigures& figures : ComputeFigures(cases, notices, from, to)) {
      *response->add_units() = std::move(figures);
    }
    return absl::OkStatus();
  });
}

}  // namespace duban::supervision

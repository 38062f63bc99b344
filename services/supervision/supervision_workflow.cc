#include "services/supervision/supervision_workflow.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/db/audit.h"
#include "common/db/idempotency.h"
#include "common/db/outbox.h"
#include "common/log.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/validation.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "duban/tasks/v1/tasks.pb.h"
#include "services/supervision/figures.h"
#include "services/supervision/supervision_store.h"
#include "services/supervision/watch_feed.h"

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

// The deadline's inputs["digest_cutoff"] (RFC 3339 with offset), when present and readable.
std::optional<absl::Time> DigestCutoff(const scheduler::v1::Deadline& deadline) {
  const auto found = deadline.inputs().find("digest_cutoff");
  if (found == deadline.inputs().end()) return std::nullopt;
  absl::Time at;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, found->second, &at, &error)) {
    LogEvery(absl::Minutes(1), "supervision.digest_cutoff", LogLevel::kWarning,
             "digest_cutoff_unreadable",
             {{"deadline_id", deadline.id()}, {"value", found->second}, {"error", error}});
    return std::nullopt;
  }
  return at;
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
  if (arrival.subject.kind() == common::v1::SUBJECT_KIND_REPORT) {
    arrival.digest_cutoff = DigestCutoff(fired.deadline());
  }
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

constexpr int kMaxSplitParts = 50;

// INVALID_ARGUMENT naming the first field of the request that is wrong.
absl::Status ValidateSplit(const v1::SplitReferredItemRequest& request, absl::TimeZone zone) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  if (request.parts().empty()) return InvalidField("parts", "at least one part is required");
  if (request.parts_size() > kMaxSplitParts) {
    return InvalidField("parts", absl::StrCat("at most ", kMaxSplitParts, " parts"));
  }
  for (int i = 0; i < request.parts_size(); ++i) {
    const v1::SplitPart& part = request.parts(i);
    const std::string field = absl::StrCat("parts[", i, "]");
    if (part.content().empty()) return InvalidField(field + ".content", "missing");
    DUBAN_RETURN_IF_ERROR(CheckText(field + ".content", part.content(), kMaxContentChars));
    DUBAN_RETURN_IF_ERROR(CheckText(field + ".measures", part.measures(), kMaxContentChars));
    if (part.responsible_unit_ids().empty()) {
      return InvalidField(field + ".responsible_unit_ids", "at least one unit is required");
    }
    for (int j = 0; j < part.responsible_unit_ids_size(); ++j) {
      if (part.responsible_unit_ids(j).empty()) {
        return InvalidField(absl::StrCat(field, ".responsible_unit_ids[", j, "]"), "empty");
      }
    }
    if (part.deadline().kind_case() == common::v1::Deadline::KIND_NOT_SET) {
      return InvalidField(field + ".deadline", "missing");
    }
    DUBAN_RETURN_IF_ERROR(CheckDeadline(field + ".deadline", part.deadline()));
    DUBAN_RETURN_IF_ERROR(DueInstant(part.deadline(), zone, field + ".deadline").status());
  }
  return absl::OkStatus();
}

// FAILED_PRECONDITION naming the case's state when it may not be split.
absl::Status CheckSplittable(const v1::SupervisionCase& supervision_case) {
  const std::string& item_id = supervision_case.subject().id();
  if (!supervision_case.referred()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "item ", item_id, " was not referred to the supervision group (case ",
        supervision_case.id(), " is ", v1::CaseState_Name(supervision_case.state()), ")"));
  }
  if (supervision_case.state() == v1::CASE_STATE_CLOSED) {
    return absl::FailedPreconditionError(absl::StrCat("case ", supervision_case.id(), " of item ",
                                                      item_id, " is CASE_STATE_CLOSED"));
  }
  if (!supervision_case.sub_item_ids().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("item ", item_id, " was already split into ",
                     absl::StrJoin(supervision_case.sub_item_ids(), ", ")));
  }
  return absl::OkStatus();
}

// INVALID_ARGUMENT naming the first part's unit the registry does not know;
// the registry's error (e.g. UNAVAILABLE) when it cannot be asked.
absl::Status CheckUnitsKnown(const v1::SplitReferredItemRequest& request,
                             LiaisonDirectory& registry) {
  for (int i = 0; i < request.parts_size(); ++i) {
    const v1::SplitPart& part = request.parts(i);
    for (int j = 0; j < part.responsible_unit_ids_size(); ++j) {
      const std::string& unit_id = part.responsible_unit_ids(j);
      DUBAN_ASSIGN_OR_RETURN(bool known, registry.UnitExists(unit_id));
      if (!known) {
        return InvalidField(absl::StrCat("parts[", i, "].responsible_unit_ids[", j, "]"),
                            absl::StrCat("no unit ", unit_id, " in the registry"));
      }
    }
  }
  return absl::OkStatus();
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
                                         absl::TimeZone zone, LiaisonDirectory* liaisons,
                                         WatchOptions watch_options)
    : pool_(pool), clock_(clock), zone_(zone), liaisons_(liaisons), watch_options_(watch_options) {}

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
    return ApplyItemChanged(conn, event, changed.item());
  }
  if (payload.Is<scheduler::v1::DeadlineMet>()) {
    scheduler::v1::DeadlineMet met;
    if (!payload.UnpackTo(&met)) return absl::InvalidArgumentError("payload: bad DeadlineMet");
    return CloseSubject(conn, event, met.subject(),
                        FirstSet({&met.met_at()}, FromProto(event.occurred_at())));
  }
  if (payload.Is<scheduler::v1::DeadlineCancelled>()) {
    scheduler::v1::DeadlineCancelled cancelled;
    if (!payload.UnpackTo(&cancelled)) {
      return absl::InvalidArgumentError("payload: bad DeadlineCancelled");
    }
    // An urged deadline that no longer applies ends its case, except a
    // referral's: a split parent's case follows its sub-items to closure.
    return CloseSubject(conn, event, cancelled.subject(), FromProto(event.occurred_at()),
                        /*keep_referred=*/true);
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
  // Asked before anything is appended to the Watch feed, whose counter row
  // stays locked until commit.
  std::string liaison;
  if (outcome.notice != v1::NOTICE_KIND_UNSPECIFIED) {
    DUBAN_ASSIGN_OR_RETURN(liaison, liaisons_->CurrentLiaison(arrival.unit_id));
  }

  const std::string actor = absl::StrCat("service:", event.source());
  if (outcome.case_changed) {
    DUBAN_RETURN_IF_ERROR(SupervisionStore::SaveCase(conn, *current));
    DUBAN_RETURN_IF_ERROR(AuditCase(conn, actor, arrival.at, EventAction(event),
                                    before ? &*before : nullptr, *current, event.event_id()));
    DUBAN_RETURN_IF_ERROR(FeedCase(conn, *current, arrival.at));
  }
  if (outcome.notice == v1::NOTICE_KIND_UNSPECIFIED) return absl::OkStatus();

  v1::Notice notice;
  notice.set_id(NewId("ntc"));
  notice.set_kind(outcome.notice);
  *notice.mutable_subject() = arrival.subject;
  notice.set_unit_id(arrival.unit_id);
  notice.set_liaison_person_id(liaison);
  *notice.mutable_at() = ToProto(arrival.at);
  if (current) notice.set_case_id(current->id());
  notice.set_text(NoticeText(outcome.notice, arrival, zone_));
  DUBAN_RETURN_IF_ERROR(SupervisionStore::InsertNotice(conn, notice));
  return FeedNotice(conn, notice);
}

absl::Status SupervisionWorkflow::CloseSubject(sql::Connection& conn,
                                               const events::v1::Event& event,
                                               const Subject& subject, absl::Time at,
                                               bool keep_referred) {
  DUBAN_ASSIGN_OR_RETURN(std::optional<v1::SupervisionCase> current,
                         SupervisionStore::FindCase(conn, subject, true));
  if (!current) return absl::OkStatus();
  if (keep_referred && current->referred()) return absl::OkStatus();
  const v1::SupervisionCase before = *current;
  if (!CloseCase(*current, at)) return absl::OkStatus();
  DUBAN_RETURN_IF_ERROR(SupervisionStore::SaveCase(conn, *current));
  DUBAN_RETURN_IF_ERROR(AuditCase(conn, absl::StrCat("service:", event.source()), at,
                                  EventAction(event), &before, *current, event.event_id()));
  return FeedCase(conn, *current, at);
}

absl::Status SupervisionWorkflow::ApplyItemChanged(sql::Connection& conn,
                                                   const events::v1::Event& event,
                                                   const tasks::v1::Item& item) {
  // The case row is locked before the Watch feed's counter row, as everywhere.
  if (item.status() == tasks::v1::ITEM_STATUS_REPORTED_COMPLETE ||
      item.status() == tasks::v1::ITEM_STATUS_CLOSED) {
    const absl::Time met_at =
        FirstSet({&item.reported_complete_at(), &item.closed_at()}, FromProto(event.occurred_at()));
    DUBAN_RETURN_IF_ERROR(CloseSubject(conn, event, ItemSubject(item.id()), met_at));
  }
  return NoteNewItem(conn, item, FromProto(event.occurred_at()));
}

absl::Status SupervisionWorkflow::NoteNewItem(sql::Connection& conn, const tasks::v1::Item& item,
                                              absl::Time at) {
  if (item.id().empty()) return absl::OkStatus();
  DUBAN_ASSIGN_OR_RETURN(bool first, WatchFeed::FirstSighting(conn, item.id(), at));
  if (!first) return absl::OkStatus();

  std::vector<std::string> units;
  auto add_unit = [&units](const std::string& unit_id) {
    if (unit_id.empty() || std::find(units.begin(), units.end(), unit_id) != units.end()) return;
    units.push_back(unit_id);
  };
  add_unit(item.lead_unit_id());
  for (const std::string& unit_id : item.responsible_unit_ids()) add_unit(unit_id);

  for (const std::string& unit_id : units) {
    v1::WatchEvent event;
    *event.mutable_at() = ToProto(at);
    event.set_unit_id(unit_id);
    event.mutable_new_item()->set_item_id(item.id());
    event.mutable_new_item()->set_unit_id(unit_id);
    event.mutable_new_item()->set_content(item.content());
    DUBAN_RETURN_IF_ERROR(WatchFeed::Append(conn, event));
  }
  hub_.Notify();
  return absl::OkStatus();
}

absl::Status SupervisionWorkflow::FeedCase(sql::Connection& conn,
                                           const v1::SupervisionCase& supervision_case,
                                           absl::Time at) {
  v1::WatchEvent event;
  *event.mutable_at() = ToProto(at);
  event.set_unit_id(supervision_case.unit_id());
  *event.mutable_case_changed() = supervision_case;
  DUBAN_RETURN_IF_ERROR(WatchFeed::Append(conn, event));
  hub_.Notify();
  return absl::OkStatus();
}

absl::Status SupervisionWorkflow::FeedNotice(sql::Connection& conn, const v1::Notice& notice) {
  v1::WatchEvent event;
  *event.mutable_at() = notice.at();
  event.set_unit_id(notice.unit_id());
  *event.mutable_notice() = notice;
  DUBAN_RETURN_IF_ERROR(WatchFeed::Append(conn, event));
  hub_.Notify();
  return absl::OkStatus();
}

absl::Status SupervisionWorkflow::RecordCircular(const Caller& caller,
                                                 const v1::RecordCircularRequest& request,
                                                 v1::RecordCircularResponse* response) {
  return db::RunOnce(
      *pool_, "/duban.supervision.v1.SupervisionService/RecordCircular", request.request_id(),
      caller.subject(), request, response, [&](sql::Connection& conn) -> absl::Status {
        if (request.circular_id().empty()) return InvalidField("circular_id", "required");
        if (request.has_issued_at()) {
          DUBAN_RETURN_IF_ERROR(CheckTimestamp("issued_at", request.issued_at()));
        }
        const absl::Time now = clock_->Now();
        const absl::Time at = request.has_issued_at() ? FromProto(request.issued_at()) : now;
        // Every case is locked before the Watch feed's counter row, which is
        // taken last by every writer, so writers never wait on each other in a circle.
        std::vector<v1::SupervisionCase> loaded;
        for (int i = 0; i < request.case_ids_size(); ++i) {
          absl::StatusOr<v1::SupervisionCase> found =
              SupervisionStore::LoadCase(conn, request.case_ids(i), true);
          if (absl::IsNotFound(found.status())) {
            return InvalidField(absl::StrCat("case_ids[", i, "]"),
                                absl::StrCat("no case ", request.case_ids(i)));
          }
          DUBAN_RETURN_IF_ERROR(found.status());
          loaded.push_back(*std::move(found));
        }

        for (const v1::SupervisionCase& before : loaded) {
          std::optional<v1::SupervisionCase> current = before;
          RungArrival arrival;
          arrival.subject = current->subject();
          arrival.rung = common::v1::RUNG_CIRCULAR;
          arrival.at = at;
          arrival.unit_id = current->unit_id();
          arrival.circular_id = request.circular_id();
          if (ApplyRung(current, arrival, "").case_changed) {
            DUBAN_RETURN_IF_ERROR(SupervisionStore::SaveCase(conn, *current));
            DUBAN_RETURN_IF_ERROR(AuditCase(conn, caller.subject(), now,
                                            "supervision.RecordCircular", &before, *current,
                                            request.request_id()));
            DUBAN_RETURN_IF_ERROR(FeedCase(conn, *current, at));
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
  if (request.has_opened_from()) {
    DUBAN_RETURN_IF_ERROR(CheckTimestamp("opened_from", request.opened_from()));
  }
  if (request.has_opened_to()) {
    DUBAN_RETURN_IF_ERROR(CheckTimestamp("opened_to", request.opened_to()));
  }
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
  if (request.has_from()) DUBAN_RETURN_IF_ERROR(CheckTimestamp("from", request.from()));
  if (request.has_to()) DUBAN_RETURN_IF_ERROR(CheckTimestamp("to", request.to()));
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
  DUBAN_RETURN_IF_ERROR(CheckTimestamp("from", request.from()));
  DUBAN_RETURN_IF_ERROR(CheckTimestamp("to", request.to()));
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
    for (v1::UnitFigures& figures : ComputeFigures(cases, notices, from, to, clock_->Now())) {
      *response->add_units() = std::move(figures);
    }
    return absl::OkStatus();
  });
}

absl::Status SupervisionWorkflow::SplitReferredItem(const Caller& caller,
                                                    const v1::SplitReferredItemRequest& request,
                                                    v1::SplitReferredItemResponse* response) {
  DUBAN_RETURN_IF_ERROR(ValidateSplit(request, zone_));
  // Asked before anything is recorded, so that a split tasks would refuse for
  // an unknown unit never stays on the case. The parent item exists: its
  // case was opened by the referral tasks sent.
  DUBAN_RETURN_IF_ERROR(CheckUnitsKnown(request, *liaisons_));
  DUBAN_RETURN_IF_ERROR(db::RunOnce(
      *pool_, "/duban.supervision.v1.SupervisionService/SplitReferredItem", request.request_id(),
      caller.subject(), request, response, [&](sql::Connection& conn) -> absl::Status {
        const absl::Time now = clock_->Now();
        DUBAN_ASSIGN_OR_RETURN(std::optional<v1::SupervisionCase> current,
                               SupervisionStore::FindCase(conn, ItemSubject(request.item_id()),
                                                          /*for_update=*/true));
        if (!current) {
          return absl::NotFoundError(
              absl::StrCat("item ", request.item_id(), " has no supervision case"));
        }
        DUBAN_RETURN_IF_ERROR(CheckSplittable(*current));

        const v1::SupervisionCase before = *current;
        *current->mutable_split_parts() = request.parts();
        for (int i = 0; i < request.parts_size(); ++i) {
          current->add_sub_item_ids(absl::StrCat(request.item_id(), "-s", i + 1));
        }
        *current->mutable_split_at() = ToProto(now);
        current->set_split_by(caller.subject());

        v1::SplitRequested split;
        split.set_item_id(request.item_id());
        *split.mutable_parts() = request.parts();
        split.set_requested_by(caller.subject());

        DUBAN_RETURN_IF_ERROR(SupervisionStore::SaveCase(conn, *current));
        DUBAN_RETURN_IF_ERROR(AuditCase(conn, caller.subject(), now,
                                        "supervision.SplitReferredItem", &before, *current,
                                        request.request_id()));
        DUBAN_RETURN_IF_ERROR(
            db::EnqueueEvent(conn, "tasks", absl::StrCat("ITEM/", request.item_id()), split, now));
        DUBAN_RETURN_IF_ERROR(FeedCase(conn, *current, now));
        *response->mutable_case_() = *current;
        *response->mutable_sub_item_ids() = current->sub_item_ids();
        return absl::OkStatus();
      }));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SupervisionWorkflow::WatchStart(const std::string& resume_token) {
  int64_t last = 0;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(last, WatchFeed::LastSequence(conn));
    return absl::OkStatus();
  }));
  if (resume_token.empty()) return last;
  DUBAN_ASSIGN_OR_RETURN(int64_t after, ParseResumeToken(resume_token));
  if (after > last) {
    return InvalidField("resume_token", absl::StrCat(resume_token, " is ahead of the feed (last ",
                                                     ResumeToken(last), ")"));
  }
  return after;
}

absl::Status SupervisionWorkflow::Watch(const Caller& caller, const v1::WatchRequest& request,
                                        const std::function<bool(const v1::WatchEvent&)>& send,
                                        const std::function<bool()>& cancelled) {
  DUBAN_ASSIGN_OR_RETURN(const std::vector<std::string> units,
                         VisibleUnits(caller, request.unit_id()));
  DUBAN_ASSIGN_OR_RETURN(int64_t after, WatchStart(request.resume_token()));

  while (!hub_.shut_down() && !cancelled()) {
    const int64_t generation = hub_.Generation();
    std::vector<v1::WatchEvent> batch;
    DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
      DUBAN_ASSIGN_OR_RETURN(batch,
                             WatchFeed::ReadAfter(conn, after, units, watch_options_.batch_size));
      return absl::OkStatus();
    }));
    for (const v1::WatchEvent& event : batch) {
      if (!send(event)) return absl::OkStatus();
      after = *ParseResumeToken(event.resume_token());
    }
    if (static_cast<int>(batch.size()) == watch_options_.batch_size) continue;
    hub_.WaitForChange(generation, watch_options_.poll_interval);
  }
  return absl::OkStatus();
}

}  // namespace duban::supervision

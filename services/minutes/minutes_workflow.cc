#include "services/minutes/minutes_workflow.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/audit.h"
#include "common/db/idempotency.h"
#include "common/db/outbox.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/validation.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "services/minutes/document_lifecycle.h"
#include "services/minutes/minutes_store.h"

namespace duban::minutes {
namespace {

// The number a saved document carries, so that a change of state keeps it
// (and keeps it unique) rather than clearing it.
std::optional<DocumentNumber> NumberOf(const v1::Document& document) {
  if (document.document_number().empty()) return std::nullopt;
  absl::StatusOr<DocumentNumber> number = ParseDocumentNumber(document.document_number());
  if (!number.ok()) return std::nullopt;
  return *std::move(number);
}

using registry::v1::ROLE_KIND_ADMIN;
using registry::v1::ROLE_KIND_DISTRICT_LEADER;
using registry::v1::ROLE_KIND_SUPERVISING_OFFICE_LEADER;

constexpr char kService[] = "/duban.minutes.v1.MinutesService/";
constexpr char kScheduler[] = "scheduler";
constexpr char kTasks[] = "tasks";

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }

std::string NewId(absl::string_view prefix) {
  thread_local std::mt19937_64 random(std::random_device{}());
  return absl::StrFormat("%s-%010x", prefix, random() & 0xffffffffffULL);
}

// How long before its recording an event held before the registry's first
// version may have been held.
constexpr absl::Duration kLateRecordingWindow = absl::Hours(24 * 31);

std::string DraftKey(const std::string& event_id) { return absl::StrCat("DRAFT/", event_id); }

// The leader's dispatch cycle of the month (local) in which `held_at` falls.
common::v1::Subject DispatchCycleSubject(const std::string& leader_id, absl::Time held_at,
                                         absl::TimeZone zone) {
  const absl::CivilMonth month(LocalDay(held_at, zone));
  common::v1::Subject subject;
  subject.set_kind(common::v1::SUBJECT_KIND_DISPATCH_CYCLE);
  subject.set_id(absl::StrFormat("%s@%04d-%02d", leader_id, month.year(), month.month()));
  return subject;
}

scheduler::v1::DeadlineMet DispatchCycleMet(const std::string& leader_id, absl::Time held_at,
                                            absl::TimeZone zone) {
  scheduler::v1::DeadlineMet met;
  *met.mutable_subject() = DispatchCycleSubject(leader_id, held_at, zone);
  *met.mutable_met_at() = ToProto(held_at);
  return met;
}

common::v1::Subject DraftSubject(const std::string& event_id) {
  common::v1::Subject subject;
  subject.set_kind(common::v1::SUBJECT_KIND_DRAFT);
  subject.set_id(event_id);
  return subject;
}

bool IsLeaderOf(const Caller& caller, const std::string& leader_id) {
  return caller.is_service() || caller.Has(ROLE_KIND_ADMIN) ||
         (!caller.principal().person_id().empty() && caller.principal().person_id() == leader_id);
}

std::string PersonOf(const Caller& caller) {
  return caller.principal().person_id().empty() ? caller.subject() : caller.principal().person_id();
}

absl::Status Denied(const Caller& caller, absl::string_view what) {
  return absl::PermissionDeniedError(absl::StrCat(caller.subject(), " may not ", what));
}

// Names the registry as the source of a failure that is not the caller's fault.
absl::Status FromRegistry(const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("registry: ", status.message()));
}

absl::Status Audit(sql::Connection& conn, const Caller& caller, absl::Time now,
                   absl::string_view action, absl::string_view entity_type,
                   const std::string& entity_id, const google::protobuf::Message* before,
                   const google::protobuf::Message* after, const std::string& request_id) {
  db::AuditEntry entry;
  entry.actor = caller.subject();
  entry.at = now;
  entry.action = absl::StrCat("minutes.", action);
  entry.entity_type = std::string(entity_type);
  entry.entity_id = entity_id;
  entry.before = before;
  entry.after = after;
  entry.request_id = request_id;
  return db::WriteAudit(conn, entry);
}

absl::Status ValidateEventRequest(const v1::RecordDispatchEventRequest& request) {
  if (request.kind() == v1::DISPATCH_EVENT_KIND_UNSPECIFIED ||
      !v1::DispatchEventKind_IsValid(request.kind())) {
    return InvalidField("kind", "must be a meeting, a field visit or a dispatch session");
  }
  if (!request.has_held_at()) return InvalidField("held_at", "required");
  DUBAN_RETURN_IF_ERROR(CheckTimestamp("held_at", request.held_at()));
  DUBAN_RETURN_IF_ERROR(CheckText("title", request.title(), kMaxTitleChars, TextLines::kSingle));
  if (request.leader_id().empty()) return InvalidField("leader_id", "required");
  if (request.matter_ids().empty()) {
    return InvalidField("matter_ids", "name at least one matter of the leader");
  }
  if (request.drafting_unit_id().empty()) return InvalidField("drafting_unit_id", "required");
  return absl::OkStatus();
}

// The text, count and deadlines of a draft's rows. A row may not be due before
// the dispatch event it came from was held.
absl::Status CheckDraftRows(const v1::SaveDraftRequest& request, const v1::DispatchEvent& event,
                            absl::TimeZone zone) {
  DUBAN_RETURN_IF_ERROR(CheckCount("items", request.items_size(), kMaxRowsPerList));
  const absl::CivilDay held_on = LocalDay(FromProto(event.held_at()), zone);
  for (int i = 0; i < request.items_size(); ++i) {
    const v1::AgreedItem& item = request.items(i);
    const std::string where = absl::StrCat("items[", i, "].");
    DUBAN_RETURN_IF_ERROR(CheckText(where + "task", item.task(), kMaxContentChars));
    DUBAN_RETURN_IF_ERROR(CheckText(where + "blockers", item.blockers(), kMaxContentChars));
    DUBAN_RETURN_IF_ERROR(CheckText(where + "measures", item.measures(), kMaxContentChars));
    DUBAN_RETURN_IF_ERROR(CheckDeadline(where + "deadline", item.deadline()));
    if (item.deadline().kind_case() == common::v1::Deadline::KIND_NOT_SET) continue;
    DUBAN_ASSIGN_OR_RETURN(absl::Time due, DueInstant(item.deadline(), zone, where + "deadline"));
    if (due <= FromProto(event.held_at())) {
      const std::string due_text = item.deadline().has_date()
                                       ? FormatDay(LocalDay(due - absl::Nanoseconds(1), zone))
                                       : FormatLocal(due, zone);
      return InvalidField(
          where + "deadline",
          absl::StrCat(due_text, " is before the dispatch event's date ", FormatDay(held_on)));
    }
  }
  return absl::OkStatus();
}

scheduler::v1::DeadlineRegistered DraftDeadlineEvent(const v1::DispatchEvent& event,
                                                     const DraftDeadline& deadline) {
  scheduler::v1::DeadlineRegistered registered;
  *registered.mutable_subject() = DraftSubject(event.id());
  registered.set_owner_unit_id(event.drafting_unit_id());
  registered.set_rule(deadline.rule);
  registered.mutable_inputs()->insert(deadline.inputs.begin(), deadline.inputs.end());
  *registered.mutable_deadline()->mutable_date() = ToProto(deadline.due_on);
  registered.set_label(
      absl::StrCat(event.title().empty() ? event.id() : event.title(), " 纪要/交办单起草"));
  return registered;
}

}  // namespace

bool ActsFor(const Caller& caller, const std::string& unit_id) {
  return caller.is_service() || caller.Has(ROLE_KIND_ADMIN) || caller.IsLiaisonOf(unit_id);
}

bool MayRead(const Caller& caller, const v1::DispatchEvent& event, const v1::Document* document,
             const std::vector<std::string>& supervised) {
  if (caller.ReadsEverything() || IsLeaderOf(caller, event.leader_id())) return true;
  for (const std::string& matter : event.matter_ids()) {
    if (std::find(supervised.begin(), supervised.end(), matter) != supervised.end()) return true;
  }
  if (caller.IsLiaisonOf(event.drafting_unit_id())) return true;
  for (const std::string& unit : event.present_unit_ids()) {
    if (caller.IsLiaisonOf(unit)) return true;
  }
  if (document == nullptr) return false;
  for (const v1::AgreedItem& item : document->items()) {
    for (const std::string& unit : item.responsible_unit_ids()) {
      if (caller.IsLiaisonOf(unit)) return true;
    }
  }
  return false;
}

MinutesWorkflow::MinutesWorkflow(db::ConnectionPool* pool, const Clock* clock, absl::TimeZone zone,
                                 RegistryDirectory* registry, DraftDeadlineOptions options,
                                 CalendarLoader calendar)
    : pool_(pool),
      clock_(clock),
      zone_(zone),
      registry_(registry),
      options_(options),
      calendar_(std::move(calendar)) {}

absl::StatusOr<std::vector<std::string>> MinutesWorkflow::SupervisedMatters(const Caller& caller) {
  if (caller.ReadsEverything() || !caller.Has(ROLE_KIND_SUPERVISING_OFFICE_LEADER) ||
      caller.principal().person_id().empty()) {
    return std::vector<std::string>();
  }
  absl::StatusOr<std::vector<std::string>> supervised =
      registry_->MattersSupervisedBy(caller.principal().person_id());
  if (!supervised.ok()) return FromRegistry(supervised.status());
  return supervised;
}

absl::StatusOr<DraftDeadline> MinutesWorkflow::DeadlineOfDraft(absl::Time held_at) {
  if (!options_.working_days || !calendar_) {
    return ComputeDraftDeadline(held_at, zone_, options_);
  }
  absl::StatusOr<std::shared_ptr<const calendar::WorkCalendar>> calendar = calendar_();
  if (!calendar.ok()) return FromRegistry(calendar.status());
  return ComputeDraftDeadline(held_at, zone_, options_, **calendar);
}

absl::Status MinutesWorkflow::CheckLeader(const std::string& leader_id) {
  absl::StatusOr<registry::v1::Person> person = registry_->GetPerson(leader_id);
  if (absl::IsNotFound(person.status())) {
    return InvalidField("leader_id",
                        absl::StrCat("no district leader ", leader_id, " in the registry"));
  }
  if (!person.ok()) return FromRegistry(person.status());
  for (const registry::v1::Role& role : person->roles()) {
    if (role.kind() == ROLE_KIND_DISTRICT_LEADER) return absl::OkStatus();
  }
  return InvalidField("leader_id", absl::StrCat("no district leader ", leader_id, " (",
                                                person->name(), " is not a district leader)"));
}

absl::StatusOr<int64_t> MinutesWorkflow::CheckMatters(
    const v1::RecordDispatchEventRequest& request) {
  absl::StatusOr<registry::v1::ListMattersResponse> current =
      registry_->ListLeaderMatters(request.leader_id(), FromProto(request.held_at()));
  if (current.ok() && current->version() == 0) {
    // Held before the registry's first version: an event recorded a little
    // late still counts under the current registry; one from long before the
    // district used the registry does not.
    const absl::Time held_at = FromProto(request.held_at());
    if (held_at < clock_->Now() - kLateRecordingWindow) {
      return InvalidField("held_at",
                          absl::StrCat(FormatLocal(held_at, zone_),
                                       " is before the matter registry's first version"));
    }
    current = registry_->ListLeaderMatters(request.leader_id(), absl::InfiniteFuture());
  }
  if (!current.ok()) return FromRegistry(current.status());
  std::set<std::string> leaders_matters;
  for (const registry::v1::Matter& matter : current->matters()) {
    if (!matter.retired()) leaders_matters.insert(matter.id());
  }

  for (int i = 0; i < request.matter_ids_size(); ++i) {
    const std::string& id = request.matter_ids(i);
    if (leaders_matters.count(id) > 0) continue;
    const std::string field = absl::StrCat("matter_ids[", i, "]");
    absl::StatusOr<registry::v1::Matter> matter = registry_->GetMatter(id);
    if (absl::IsNotFound(matter.status())) {
      return InvalidField(field, absl::StrCat("no matter ", id, " in the registry"));
    }
    if (!matter.ok()) return FromRegistry(matter.status());
    if (matter->retired()) return InvalidField(field, absl::StrCat("matter ", id, " is retired"));
    return InvalidField(field, absl::StrCat("matter ", id, " belongs to leader ",
                                            matter->leader_id(), ", not ", request.leader_id()));
  }
  return current->version();
}

absl::Status MinutesWorkflow::CheckUnit(const std::string& unit_id, const std::string& field) {
  if (unit_id.empty()) return InvalidField(field, "empty unit id");
  absl::StatusOr<registry::v1::Unit> unit = registry_->GetUnit(unit_id);
  if (absl::IsNotFound(unit.status())) {
    return InvalidField(field, absl::StrCat("no unit ", unit_id, " in the registry"));
  }
  if (!unit.ok()) return FromRegistry(unit.status());
  return absl::OkStatus();
}

absl::Status MinutesWorkflow::CheckItemUnits(const v1::SaveDraftRequest& request) {
  std::set<std::string> known;
  for (int i = 0; i < request.items_size(); ++i) {
    const v1::AgreedItem& item = request.items(i);
    for (int j = 0; j < item.responsible_unit_ids_size(); ++j) {
      const std::string& unit = item.responsible_unit_ids(j);
      if (known.count(unit) > 0) continue;
      DUBAN_RETURN_IF_ERROR(
          CheckUnit(unit, absl::StrCat("items[", i, "].responsible_unit_ids[", j, "]")));
      known.insert(unit);
    }
    if (item.deadline().has_date()) {
      DUBAN_RETURN_IF_ERROR(
          FromProto(item.deadline().date(), absl::StrCat("items[", i, "].deadline.date")).status());
    }
  }
  return absl::OkStatus();
}

absl::Status MinutesWorkflow::RecordDispatchEvent(const Caller& caller,
                                                  const v1::RecordDispatchEventRequest& request,
                                                  v1::RecordDispatchEventResponse* response) {
  return db::RunOnce(
      *pool_, Method("RecordDispatchEvent"), request.request_id(), caller.subject(), request,
      response, [&](sql::Connection& conn) -> absl::Status {
        DUBAN_RETURN_IF_ERROR(ValidateEventRequest(request));
        DUBAN_RETURN_IF_ERROR(CheckLeader(request.leader_id()));
        DUBAN_ASSIGN_OR_RETURN(int64_t version, CheckMatters(request));
        DUBAN_RETURN_IF_ERROR(CheckUnit(request.drafting_unit_id(), "drafting_unit_id"));
        for (int i = 0; i < request.present_unit_ids_size(); ++i) {
          DUBAN_RETURN_IF_ERROR(
              CheckUnit(request.present_unit_ids(i), absl::StrCat("present_unit_ids[", i, "]")));
        }

        const absl::Time now = clock_->Now();
        const absl::Time held_at = FromProto(request.held_at());
        DUBAN_ASSIGN_OR_RETURN(const DraftDeadline deadline, DeadlineOfDraft(held_at));
        v1::DispatchEvent event;
        event.set_id(NewId("ev"));
        event.set_kind(request.kind());
        event.set_leader_id(request.leader_id());
        *event.mutable_held_at() = request.held_at();
        *event.mutable_held_on() = ToProto(LocalDay(held_at, zone_));
        event.set_title(request.title());
        *event.mutable_matter_ids() = request.matter_ids();
        event.set_registry_version(version);
        event.set_drafting_unit_id(request.drafting_unit_id());
        *event.mutable_present_unit_ids() = request.present_unit_ids();
        *event.mutable_draft_due_at() = ToProto(deadline.due_at);
        *event.mutable_recorded_at() = ToProto(now);

        DUBAN_RETURN_IF_ERROR(MinutesStore::InsertEvent(conn, event));
        DUBAN_RETURN_IF_ERROR(db::EnqueueEvent(conn, kScheduler, DraftKey(event.id()),
                                               DraftDeadlineEvent(event, deadline), now));
        const scheduler::v1::DeadlineMet cycle_met =
            DispatchCycleMet(event.leader_id(), held_at, zone_);
        DUBAN_RETURN_IF_ERROR(db::EnqueueEvent(
            conn, kScheduler, absl::StrCat("DISPATCH_CYCLE/", cycle_met.subject().id()), cycle_met,
            now));
        DUBAN_RETURN_IF_ERROR(Audit(conn, caller, now, "RecordDispatchEvent", "dispatch_event",
                                    event.id(), nullptr, &event, request.request_id()));
        *response->mutable_event() = std::move(event);
        return absl::OkStatus();
      });
}

absl::Status MinutesWorkflow::SaveDraft(const Caller& caller, const v1::SaveDraftRequest& request,
                                        v1::SaveDraftResponse* response) {
  return db::RunOnce(
      *pool_, Method("SaveDraft"), request.request_id(), caller.subject(), request, response,
      [&](sql::Connection& conn) -> absl::Status {
        if (request.kind() == v1::DOCUMENT_KIND_UNSPECIFIED ||
            !v1::DocumentKind_IsValid(request.kind())) {
          return InvalidField("kind", "must be minutes or an assignment sheet");
        }
        if (request.event_id().empty()) return InvalidField("event_id", "required");
        DUBAN_RETURN_IF_ERROR(
            CheckText("title", request.title(), kMaxTitleChars, TextLines::kSingle));
        DUBAN_RETURN_IF_ERROR(CheckText("document_number", request.document_number(),
                                        kMaxTitleChars, TextLines::kSingle));
        DUBAN_ASSIGN_OR_RETURN(v1::DispatchEvent event,
                               MinutesStore::LoadEvent(conn, request.event_id(), true));
        if (!ActsFor(caller, event.drafting_unit_id())) {
          return Denied(caller, absl::StrCat("draft for unit ", event.drafting_unit_id()));
        }
        std::optional<DocumentNumber> number;
        if (!request.document_number().empty()) {
          DUBAN_ASSIGN_OR_RETURN(number, ParseDocumentNumber(request.document_number()));
        } else if (request.kind() == v1::DOCUMENT_KIND_MINUTES) {
          return InvalidField("document_number", "minutes need a document number");
        }
        DUBAN_RETURN_IF_ERROR(CheckDraftRows(request, event, zone_));
        DUBAN_RETURN_IF_ERROR(CheckItemUnits(request));

        const absl::Time now = clock_->Now();
        const bool is_new = event.document_id().empty();
        v1::Document document;
        std::optional<v1::Document> before;
        if (is_new) {
          if (request.expected_revision() != 0) {
            return InvalidField("expected_revision", "the event has no draft yet: send 0");
          }
          document.set_id(NewId("doc"));
          document.set_event_id(event.id());
          document.set_drafting_unit_id(event.drafting_unit_id());
          document.set_leader_id(event.leader_id());
          *document.mutable_matter_ids() = event.matter_ids();
          *document.mutable_draft_due_at() = event.draft_due_at();
        } else {
          DUBAN_ASSIGN_OR_RETURN(document,
                                 MinutesStore::LoadDocument(conn, event.document_id(), true));
          before = document;
          if (request.expected_revision() != document.revision()) {
            return absl::AbortedError(absl::StrCat("expected_revision: document ", document.id(),
                                                   " is at revision ", document.revision()));
          }
        }

        v1::Document content;
        content.set_kind(request.kind());
        content.set_title(request.title());
        content.set_document_number(number ? number->Canonical() : "");
        *content.mutable_items() = request.items();
        DUBAN_RETURN_IF_ERROR(duban::minutes::ReviseDraft(document, content));
        DUBAN_RETURN_IF_ERROR(CheckRecordSize("items", document));
        document.set_revision(document.revision() + 1);

        DUBAN_RETURN_IF_ERROR(MinutesStore::SaveDocument(conn, document, number, now));
        if (is_new) {
          event.set_document_id(document.id());
          DUBAN_RETURN_IF_ERROR(MinutesStore::UpdateEvent(conn, event));
        }
        DUBAN_RETURN_IF_ERROR(Audit(conn, caller, now, "SaveDraft", "document", document.id(),
                                    before ? &*before : nullptr, &document, request.request_id()));
        *response->mutable_document() = std::move(document);
        return absl::OkStatus();
      });
}

absl::Status MinutesWorkflow::RouteForCountersign(const Caller& caller,
                                                  const v1::RouteForCountersignRequest& request,
                                                  v1::RouteForCountersignResponse* response) {
  return db::RunOnce(
      *pool_, Method("RouteForCountersign"), request.request_id(), caller.subject(), request,
      response, [&](sql::Connection& conn) -> absl::Status {
        DUBAN_ASSIGN_OR_RETURN(v1::Document document,
                               MinutesStore::LoadDocument(conn, request.document_id(), true));
        if (!ActsFor(caller, document.drafting_unit_id())) {
          return Denied(caller, absl::StrCat("route drafts of unit ", document.drafting_unit_id()));
        }
        const std::vector<std::string> units(request.countersigning_unit_ids().begin(),
                                             request.countersigning_unit_ids().end());
        for (size_t i = 0; i < units.size(); ++i) {
          DUBAN_RETURN_IF_ERROR(
              CheckUnit(units[i], absl::StrCat("countersigning_unit_ids[", i, "]")));
        }

        const absl::Time now = clock_->Now();
        const v1::Document before = document;
        DUBAN_RETURN_IF_ERROR(duban::minutes::RouteForCountersign(document, units, now));
        document.set_revision(document.revision() + 1);
        DUBAN_RETURN_IF_ERROR(MinutesStore::SaveDocument(conn, document, NumberOf(document), now));
        if (!before.has_routed_at()) {
          scheduler::v1::DeadlineMet met;
          *met.mutable_subject() = DraftSubject(document.event_id());
          *met.mutable_met_at() = ToProto(now);
          DUBAN_RETURN_IF_ERROR(
              db::EnqueueEvent(conn, kScheduler, DraftKey(document.event_id()), met, now));
        }
        DUBAN_RETURN_IF_ERROR(Audit(conn, caller, now, "RouteForCountersign", "document",
                                    document.id(), &before, &document, request.request_id()));
        *response->mutable_document() = std::move(document);
        return absl::OkStatus();
      });
}

absl::Status MinutesWorkflow::Countersign(const Caller& caller,
                                          const v1::CountersignRequest& request,
                                          v1::CountersignResponse* response) {
  return db::RunOnce(
      *pool_, Method("Countersign"), request.request_id(), caller.subject(), request, response,
      [&](sql::Connection& conn) -> absl::Status {
        if (request.unit_id().empty()) return InvalidField("unit_id", "required");
        DUBAN_ASSIGN_OR_RETURN(v1::Document document,
                               MinutesStore::LoadDocument(conn, request.document_id(), true));
        if (!ActsFor(caller, request.unit_id())) {
          return Denied(caller, absl::StrCat("countersign for unit ", request.unit_id()));
        }

        const absl::Time now = clock_->Now();
        const v1::Document before = document;
        DUBAN_RETURN_IF_ERROR(
            duban::minutes::Countersign(document, request.unit_id(), PersonOf(caller), now));
        document.set_revision(document.revision() + 1);
        DUBAN_RETURN_IF_ERROR(MinutesStore::SaveDocument(conn, document, NumberOf(document), now));
        DUBAN_RETURN_IF_ERROR(Audit(conn, caller, now, "Countersign", "document", document.id(),
                                    &before, &document, request.request_id()));
        *response->mutable_document() = std::move(document);
        return absl::OkStatus();
      });
}

absl::Status MinutesWorkflow::ReturnDraft(const Caller& caller,
                                          const v1::ReturnDraftRequest& request,
                                          v1::ReturnDraftResponse* response) {
  return db::RunOnce(
      *pool_, Method("ReturnDraft"), request.request_id(), caller.subject(), request, response,
      [&](sql::Connection& conn) -> absl::Status {
        DUBAN_ASSIGN_OR_RETURN(v1::Document document,
                               MinutesStore::LoadDocument(conn, request.document_id(), true));
        if (request.unit_id().empty() ? !IsLeaderOf(caller, document.leader_id())
                                      : !ActsFor(caller, request.unit_id())) {
          return Denied(caller, absl::StrCat("return document ", document.id()));
        }

        const absl::Time now = clock_->Now();
        const v1::Document before = document;
        DUBAN_RETURN_IF_ERROR(CheckText("comment", request.comment(), kMaxContentChars));
        DUBAN_RETURN_IF_ERROR(
            duban::minutes::ReturnDraft(document, request.unit_id(), request.comment()));
        document.set_revision(document.revision() + 1);
        DUBAN_RETURN_IF_ERROR(MinutesStore::SaveDocument(conn, document, NumberOf(document), now));
        DUBAN_RETURN_IF_ERROR(Audit(conn, caller, now, "ReturnDraft", "document", document.id(),
                                    &before, &document, request.request_id()));
        *response->mutable_document() = std::move(document);
        return absl::OkStatus();
      });
}

absl::Status MinutesWorkflow::SignOffAndIssue(const Caller& caller,
                                              const v1::SignOffAndIssueRequest& request,
                                              v1::SignOffAndIssueResponse* response) {
  return db::RunOnce(
      *pool_, Method("SignOffAndIssue"), request.request_id(), caller.subject(), request, response,
      [&](sql::Connection& conn) -> absl::Status {
        DUBAN_ASSIGN_OR_RETURN(v1::Document document,
                               MinutesStore::LoadDocument(conn, request.document_id(), true));
        if (!IsLeaderOf(caller, document.leader_id())) {
          return Denied(caller, absl::StrCat("sign off document ", document.id(), " of leader ",
                                             document.leader_id()));
        }
        DUBAN_ASSIGN_OR_RETURN(v1::DispatchEvent event,
                               MinutesStore::LoadEvent(conn, document.event_id(), false));

        const absl::Time now = clock_->Now();
        const v1::Document before = document;
        DUBAN_RETURN_IF_ERROR(duban::minutes::SignOffAndIssue(document, PersonOf(caller), now));
        document.set_revision(document.revision() + 1);
        DUBAN_RETURN_IF_ERROR(MinutesStore::SaveDocument(conn, document, NumberOf(document), now));
        v1::DocumentIssued issued;
        *issued.mutable_document() = document;
        *issued.mutable_event() = std::move(event);
        DUBAN_RETURN_IF_ERROR(
            db::EnqueueEvent(conn, kTasks, absl::StrCat("document/", document.id()), issued, now));
        DUBAN_RETURN_IF_ERROR(Audit(conn, caller, now, "SignOffAndIssue", "document", document.id(),
                                    &before, &document, request.request_id()));
        *response->mutable_document() = std::move(document);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::DispatchEvent> MinutesWorkflow::GetDispatchEvent(const Caller& caller,
                                                                    const std::string& event_id) {
  if (event_id.empty()) return InvalidField("event_id", "required");
  v1::DispatchEvent event;
  std::optional<v1::Document> document;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(event, MinutesStore::LoadEvent(conn, event_id, false));
    if (!event.document_id().empty()) {
      DUBAN_ASSIGN_OR_RETURN(document,
                             MinutesStore::LoadDocument(conn, event.document_id(), false));
    }
    return absl::OkStatus();
  }));
  DUBAN_ASSIGN_OR_RETURN(std::vector<std::string> supervised, SupervisedMatters(caller));
  if (!MayRead(caller, event, document ? &*document : nullptr, supervised)) {
    return Denied(caller, absl::StrCat("read dispatch event ", event_id));
  }
  return event;
}

absl::Status MinutesWorkflow::ListDispatchEvents(const Caller& caller,
                                                 const v1::ListDispatchEventsRequest& request,
                                                 v1::ListDispatchEventsResponse* response) {
  DUBAN_ASSIGN_OR_RETURN(PageRequest page, ParsePage(request.page_token(), request.page_size()));
  EventFilter filter;
  filter.leader_id = request.leader_id();
  filter.kind = request.kind();
  if (request.has_held_from()) {
    DUBAN_RETURN_IF_ERROR(CheckDate("held_from", request.held_from()));
    DUBAN_ASSIGN_OR_RETURN(filter.held_from, FromProto(request.held_from(), "held_from"));
  }
  if (request.has_held_to()) {
    DUBAN_RETURN_IF_ERROR(CheckDate("held_to", request.held_to()));
    DUBAN_ASSIGN_OR_RETURN(filter.held_to, FromProto(request.held_to(), "held_to"));
  }
  DUBAN_ASSIGN_OR_RETURN(std::vector<std::string> supervised, SupervisedMatters(caller));
  return db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::DispatchEvent> events,
                           MinutesStore::ListEvents(conn, filter, page));
    response->set_next_page_token(NextPageToken(page, events.size()));
    for (v1::DispatchEvent& event : events) {
      std::optional<v1::Document> document;
      if (!caller.ReadsEverything() && !event.document_id().empty()) {
        DUBAN_ASSIGN_OR_RETURN(document,
                               MinutesStore::LoadDocument(conn, event.document_id(), false));
      }
      if (MayRead(caller, event, document ? &*document : nullptr, supervised)) {
        *response->add_events() = std::move(event);
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Document> MinutesWorkflow::GetDocument(const Caller& caller,
                                                          const std::string& document_id) {
  if (document_id.empty()) return InvalidField("document_id", "required");
  v1::Document document;
  v1::DispatchEvent event;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(document, MinutesStore::LoadDocument(conn, document_id, false));
    DUBAN_ASSIGN_OR_RETURN(event, MinutesStore::LoadEvent(conn, document.event_id(), false));
    return absl::OkStatus();
  }));
  DUBAN_ASSIGN_OR_RETURN(std::vector<std::string> supervised, SupervisedMatters(caller));
  if (!MayRead(caller, event, &document, supervised)) {
    return Denied(caller, absl::StrCat("read document ", document_id));
  }
  return document;
}

absl::Status MinutesWorkflow::ListDocuments(const Caller& caller,
                                            const v1::ListDocumentsRequest& request,
                                            v1::ListDocumentsResponse* response) {
  DUBAN_ASSIGN_OR_RETURN(PageRequest page, ParsePage(request.page_token(), request.page_size()));
  DocumentFilter filter;
  filter.leader_id = request.leader_id();
  filter.drafting_unit_id = request.drafting_unit_id();
  filter.state = request.state();
  filter.kind = request.kind();
  DUBAN_ASSIGN_OR_RETURN(std::vector<std::string> supervised, SupervisedMatters(caller));
  return db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Document> documents,
                           MinutesStore::ListDocuments(conn, filter, page));
    response->set_next_page_token(NextPageToken(page, documents.size()));
    size_t bytes = 0;
    for (size_t i = 0; i < documents.size(); ++i) {
      v1::Document& document = documents[i];
      v1::DispatchEvent event;
      if (!caller.ReadsEverything()) {
        DUBAN_ASSIGN_OR_RETURN(event, MinutesStore::LoadEvent(conn, document.event_id(), false));
      }
      if (!caller.ReadsEverything() && !MayRead(caller, event, &document, supervised)) continue;
      bytes += document.ByteSizeLong();
      if (response->documents_size() > 0 && bytes > kMaxPageBytes) {
        // The rest follows on the next page rather than outgrow a gRPC message.
        const int consumed = static_cast<int>(i);
        response->set_next_page_token(NextPageToken(PageRequest{page.offset, consumed}, i));
        break;
      }
      *response->add_documents() = std::move(document);
    }
    return absl::OkStatus();
  });
}

}  // namespace duban::minutes

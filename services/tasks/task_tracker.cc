#include "services/tasks/task_tracker.h"

#include <algorithm>
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/idempotency.h"
#include "common/db/outbox.h"
#include "common/log.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/validation.h"
#include "duban/scheduler/v1/scheduler.pb.h"

namespace duban::tasks {
namespace {

using duban::tasks::v1::Item;
using duban::tasks::v1::ItemFilter;

constexpr char kService[] = "/duban.tasks.v1.TasksService/";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }

std::string NewId(absl::string_view prefix) {
  thread_local std::mt19937_64 bits{std::random_device{}()};
  return absl::StrCat(prefix, "-", absl::Hex(bits() & 0xffffffffffULL, absl::kZeroPad10));
}

std::string DeadlineText(const duban::common::v1::Deadline& deadline, absl::TimeZone zone) {
  if (deadline.has_date()) {
    const auto& d = deadline.date();
    return FormatDay(absl::CivilDay(d.year(), d.month(), d.day()));
  }
  return FormatLocal(FromProto(deadline.instant()), zone);
}

duban::common::v1::Subject ItemSubject(const std::string& item_id) {
  duban::common::v1::Subject subject;
  subject.set_kind(duban::common::v1::SUBJECT_KIND_ITEM);
  subject.set_id(item_id);
  return subject;
}

absl::Status RequireText(const std::string& value, std::string_view field) {
  if (value.empty()) return InvalidField(field, "required");
  return absl::OkStatus();
}

absl::Status RequireUnits(const google::protobuf::RepeatedPtrField<std::string>& units,
                          std::string_view field) {
  if (units.empty()) return InvalidField(field, "at least one responsible unit is required");
  for (const auto& unit : units) {
    if (unit.empty()) return InvalidField(field, "a unit id is empty");
  }
  return absl::OkStatus();
}

// Page tokens are opaque to clients: the position after the last item handed out.
std::string EncodePageToken(const Item& last) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(absl::ToUnixMicros(FromProto(last.due_at())), "|", last.id()));
}

absl::StatusOr<std::pair<absl::Time, std::string>> DecodePageToken(const std::string& token) {
  std::string plain;
  if (!absl::WebSafeBase64Unescape(token, &plain)) {
    return InvalidField("page_token", "not a token this call handed out");
  }
  std::pair<std::string, std::string> parts = absl::StrSplit(plain, absl::MaxSplits('|', 1));
  int64_t micros = 0;
  if (!absl::SimpleAtoi(parts.first, &micros) || parts.second.empty()) {
    return InvalidField("page_token", "not a token this call handed out");
  }
  return std::make_pair(absl::FromUnixMicros(micros), parts.second);
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

absl::Status CheckItemText(const duban::tasks::v1::CreateItemRequest& request) {
  DUBAN_RETURN_IF_ERROR(CheckText("content", request.content(), kMaxContentChars));
  DUBAN_RETURN_IF_ERROR(CheckText("blockers", request.blockers(), kMaxContentChars));
  DUBAN_RETURN_IF_ERROR(CheckText("measures", request.measures(), kMaxContentChars));
  const auto& source = request.source();
  DUBAN_RETURN_IF_ERROR(CheckText("source.document_number", source.document_number(),
                                  kMaxTitleChars, TextLines::kSingle));
  return CheckText("source.document_title", source.document_title(), kMaxTitleChars,
                   TextLines::kSingle);
}

// A caller who reads only as a unit liaison may not name another unit in a
// filter: refused, rather than answered with an empty page that reads as "none".
absl::Status CheckUnitFilters(const Actor& actor, const ItemFilter& filter) {
  if (actor.is_district_leader || actor.is_supervising_office_leader) return absl::OkStatus();
  const std::pair<const char*, const std::string*> fields[] = {
      {"filter.unit_id", &filter.unit_id()},
      {"filter.lead_unit_id", &filter.lead_unit_id()},
      {"filter.responsible_unit_id", &filter.responsible_unit_id()}};
  for (const auto& [field, unit_id] : fields) {
    if (unit_id->empty() || actor.IsLiaisonOf(*unit_id)) continue;
    return absl::PermissionDeniedError(absl::StrCat(
        field, ": ", *unit_id, " is not a unit you are the liaison of; you read only your own"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ItemOrderingKey(const std::string& item_id) { return absl::StrCat("ITEM/", item_id); }

TaskTracker::TaskTracker(db::ConnectionPool* pool, ItemStore* store, RegistryLookup* registry,
                         const Clock* clock, absl::TimeZone zone, TasksOptions options)
    : pool_(pool),
      store_(store),
      registry_(registry),
      clock_(clock),
      zone_(zone),
      options_(options) {}

absl::Status TaskTracker::CheckUnits(const google::protobuf::RepeatedPtrField<std::string>& units,
                                     const std::string& field) {
  for (int i = 0; i < units.size(); ++i) {
    const std::string unit_field = absl::StrCat(field, "[", i, "]");
    if (units[i].empty()) return InvalidField(unit_field, "a unit id is empty");
    DUBAN_ASSIGN_OR_RETURN(bool known, registry_->HasUnit(units[i]));
    if (!known) {
      return InvalidField(unit_field, absl::StrCat("no unit ", units[i], " in the registry"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<absl::Time>> TaskTracker::CheckSubItems(
    const google::protobuf::RepeatedPtrField<duban::tasks::v1::SubItem>& sub_items) {
  if (sub_items.empty()) return InvalidField("sub_items", "at least one is required");
  DUBAN_RETURN_IF_ERROR(CheckCount("sub_items", sub_items.size(), kMaxRowsPerList));
  std::vector<absl::Time> dues;
  for (int i = 0; i < sub_items.size(); ++i) {
    const auto& sub = sub_items[i];
    const std::string field = absl::StrCat("sub_items[", i, "]");
    DUBAN_RETURN_IF_ERROR(RequireText(sub.content(), absl::StrCat(field, ".content")));
    DUBAN_RETURN_IF_ERROR(
        CheckText(absl::StrCat(field, ".content"), sub.content(), kMaxContentChars));
    DUBAN_RETURN_IF_ERROR(
        CheckText(absl::StrCat(field, ".measures"), sub.measures(), kMaxContentChars));
    DUBAN_RETURN_IF_ERROR(CheckDeadline(absl::StrCat(field, ".deadline"), sub.deadline()));
    DUBAN_RETURN_IF_ERROR(
        RequireUnits(sub.responsible_unit_ids(), absl::StrCat(field, ".responsible_unit_ids")));
    DUBAN_ASSIGN_OR_RETURN(absl::Time due,
                           DueInstant(sub.deadline(), zone_, absl::StrCat(field, ".deadline")));
    DUBAN_RETURN_IF_ERROR(
        CheckUnits(sub.responsible_unit_ids(), absl::StrCat(field, ".responsible_unit_ids")));
    dues.push_back(due);
  }
  return dues;
}

absl::StatusOr<Actor> TaskTracker::ReadingActor(const Actor& actor) {
  if (actor.ReadsEverything() || !actor.is_supervising_office_leader || actor.person_id.empty()) {
    return actor;
  }
  Actor reading = actor;
  DUBAN_ASSIGN_OR_RETURN(reading.supervised_matter_ids,
                         registry_->MattersSupervisedBy(actor.person_id));
  return reading;
}

Item TaskTracker::WithLight(Item item, absl::Time now) const {
  item.set_light(LightAt(item.status(), FromProto(item.due_at()), now, options_.warning_lead));
  return item;
}

// ---- Reads ----

absl::StatusOr<Item> TaskTracker::GetItem(const Actor& actor, const std::string& item_id) {
  if (item_id.empty()) return InvalidField("item_id", "required");
  std::optional<Item> item;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(item, store_->Load(conn, item_id, /*for_update=*/false));
    return absl::OkStatus();
  }));
  if (!item) return absl::NotFoundError(absl::StrCat("item ", item_id, " not found"));
  DUBAN_ASSIGN_OR_RETURN(Actor reader, ReadingActor(actor));
  if (!CanRead(reader, *item)) {
    return absl::NotFoundError(absl::StrCat("item ", item_id, " not found"));
  }
  return WithLight(*std::move(item), clock_->Now());
}

absl::StatusOr<ItemQuery> TaskTracker::ToQuery(const Actor& actor, const ItemFilter& filter,
                                               absl::Time now) const {
  ItemQuery query;
  if (!actor.ReadsEverything()) {
    query.restricted = true;
    query.scope_units = actor.liaison_units;
    if (actor.is_district_leader) query.scope_leader_id = actor.person_id;
    query.scope_matters = actor.supervised_matter_ids;
    DUBAN_RETURN_IF_ERROR(CheckUnitFilters(actor, filter));
  }
  query.lead_unit_id = filter.lead_unit_id();
  query.responsible_unit_id = filter.responsible_unit_id();
  query.unit_id = filter.unit_id();
  query.leader_id = filter.leader_id();
  query.matter_id = filter.matter_id();
  query.document_id = filter.document_id();
  query.parent_item_id = filter.parent_item_id();
  query.content_contains = filter.content_contains();
  for (int status : filter.statuses()) {
    query.statuses.push_back(static_cast<duban::tasks::v1::ItemStatus>(status));
  }
  for (int light : filter.lights()) {
    query.lights.push_back(static_cast<duban::tasks::v1::Light>(light));
  }
  query.open_only = filter.open_only();
  query.referred_only = filter.referred_only();
  query.now = now;
  query.warning_lead = options_.warning_lead;
  DUBAN_RETURN_IF_ERROR(CheckText("filter.content_contains", filter.content_contains(),
                                  kMaxContentChars, TextLines::kSingle));
  if (filter.has_due_from()) {
    DUBAN_RETURN_IF_ERROR(CheckDate("filter.due_from", filter.due_from()));
    DUBAN_ASSIGN_OR_RETURN(absl::CivilDay from, FromProto(filter.due_from(), "filter.due_from"));
    query.due_from_day = FormatDay(from);
    query.due_from_start = FromLocal(absl::CivilSecond(from), zone_);
  }
  if (filter.has_due_to()) {
    DUBAN_RETURN_IF_ERROR(CheckDate("filter.due_to", filter.due_to()));
    DUBAN_ASSIGN_OR_RETURN(absl::CivilDay to, FromProto(filter.due_to(), "filter.due_to"));
    query.due_to_day = FormatDay(to);
    query.due_to_end = EndOfLocalDay(to, zone_);
  }
  if (filter.has_open_during_from()) {
    DUBAN_RETURN_IF_ERROR(CheckTimestamp("filter.open_during_from", filter.open_during_from()));
  }
  if (filter.has_open_during_to()) {
    DUBAN_RETURN_IF_ERROR(CheckTimestamp("filter.open_during_to", filter.open_during_to()));
  }
  if (filter.has_open_during_from()) query.open_during_from = FromProto(filter.open_during_from());
  if (filter.has_open_during_to()) query.open_during_to = FromProto(filter.open_during_to());
  if (query.open_during_from && query.open_during_to &&
      *query.open_during_to <= *query.open_during_from) {
    return InvalidField("filter.open_during_to", "must be later than filter.open_during_from");
  }
  return query;
}

absl::StatusOr<ItemPage> TaskTracker::ListItems(const Actor& actor, const ItemFilter& filter,
                                                int page_size, const std::string& page_token) {
  const absl::Time now = clock_->Now();
  DUBAN_ASSIGN_OR_RETURN(Actor reader, ReadingActor(actor));
  DUBAN_ASSIGN_OR_RETURN(ItemQuery query, ToQuery(reader, filter, now));
  DUBAN_ASSIGN_OR_RETURN(int size, PageSize(page_size));
  if (!page_token.empty()) {
    DUBAN_ASSIGN_OR_RETURN(query.after, DecodePageToken(page_token));
  }
  query.limit = size + 1;  // One more tells whether another page follows.

  std::vector<Item> items;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(items, store_->List(conn, query));
    return absl::OkStatus();
  }));

  ItemPage page;
  bool more = static_cast<int>(items.size()) > size;
  if (more) items.resize(size);
  size_t bytes = 0;
  for (auto& item : items) {
    // A page ends early rather than outgrow a gRPC message; the rest follows.
    bytes += item.ByteSizeLong();
    if (!page.items.empty() && bytes > kMaxPageBytes) {
      more = true;
      break;
    }
    page.items.push_back(WithLight(std::move(item), now));
  }
  if (more) page.next_page_token = EncodePageToken(page.items.back());
  return page;
}

absl::StatusOr<duban::tasks::v1::CountItemsResponse> TaskTracker::CountItems(
    const Actor& actor, const ItemFilter& filter) {
  DUBAN_ASSIGN_OR_RETURN(Actor reader, ReadingActor(actor));
  DUBAN_ASSIGN_OR_RETURN(ItemQuery query, ToQuery(reader, filter, clock_->Now()));
  LightCounts counts;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(counts, store_->Count(conn, query));
    return absl::OkStatus();
  }));
  duban::tasks::v1::CountItemsResponse response;
  response.set_count(counts.count);
  response.set_green(counts.green);
  response.set_yellow(counts.yellow);
  response.set_red(counts.red);
  response.set_done(counts.done);
  return response;
}

// ---- Events to other services ----

absl::Status TaskTracker::RegisterDeadline(sql::Connection& conn, const Item& item,
                                           absl::Time now) {
  duban::scheduler::v1::DeadlineRegistered registered;
  *registered.mutable_subject() = ItemSubject(item.id());
  // One deadline per item. The ladder (reminder, urging) concerns the units that
  // must do the work, so the owner is the first responsible unit; every
  // responsible unit travels in the inputs for those who address them all.
  registered.set_owner_unit_id(item.responsible_unit_ids(0));
  registered.set_rule(item.deadline().has_date() ? "item.date" : "item.instant");
  auto& inputs = *registered.mutable_inputs();
  inputs["deadline"] = DeadlineText(item.deadline(), zone_);
  inputs["original_deadline"] = DeadlineText(item.original_deadline(), zone_);
  inputs["lead_unit_id"] = item.lead_unit_id();
  inputs["responsible_unit_ids"] = absl::StrJoin(item.responsible_unit_ids(), ",");
  if (!item.source().document_number().empty()) {
    inputs["document_number"] = item.source().document_number();
  }
  *registered.mutable_deadline() = item.deadline();
  registered.set_label(item.content());
  return db::EnqueueEvent(conn, "scheduler", ItemOrderingKey(item.id()), registered, now);
}

absl::Status TaskTracker::MeetDeadline(sql::Connection& conn, const Item& item, absl::Time now) {
  duban::scheduler::v1::DeadlineMet met;
  *met.mutable_subject() = ItemSubject(item.id());
  *met.mutable_met_at() = ToProto(now);
  return db::EnqueueEvent(conn, "scheduler", ItemOrderingKey(item.id()), met, now);
}

absl::Status TaskTracker::CancelDeadline(sql::Connection& conn, const Item& item, absl::Time now) {
  duban::scheduler::v1::DeadlineCancelled cancelled;
  *cancelled.mutable_subject() = ItemSubject(item.id());
  return db::EnqueueEvent(conn, "scheduler", ItemOrderingKey(item.id()), cancelled, now);
}

absl::Status TaskTracker::NotifyChanged(sql::Connection& conn, const Item& item, absl::Time now) {
  duban::tasks::v1::ItemChanged changed;
  *changed.mutable_item() = WithLight(item, now);
  return db::EnqueueEvent(conn, "supervision", ItemOrderingKey(item.id()), changed, now);
}

// ---- Creation ----

absl::StatusOr<bool> TaskTracker::InsertItem(sql::Connection& conn, const Item& item,
                                             const std::string& actor, const std::string& action,
                                             const std::string& request_id, absl::Time now) {
  DUBAN_ASSIGN_OR_RETURN(bool inserted, store_->Insert(conn, item));
  if (!inserted) return false;
  DUBAN_RETURN_IF_ERROR(db::WriteAudit(conn, {.actor = actor,
                                              .at = now,
                                              .action = action,
                                              .entity_type = "item",
                                              .entity_id = item.id(),
                                              .before = nullptr,
                                              .after = &item,
                                              .request_id = request_id}));
  DUBAN_RETURN_IF_ERROR(RegisterDeadline(conn, item, now));
  DUBAN_RETURN_IF_ERROR(NotifyChanged(conn, item, now));
  return true;
}

absl::Status TaskTracker::ApplyEvent(sql::Connection& conn, const duban::events::v1::Event& event) {
  if (event.payload().Is<duban::minutes::v1::DocumentIssued>()) {
    duban::minutes::v1::DocumentIssued issued;
    if (!event.payload().UnpackTo(&issued)) {
      return InvalidField("payload", absl::StrCat("event ", event.event_id(), " is malformed"));
    }
    return ApplyDocumentIssued(conn, event, issued);
  }
  if (event.payload().Is<duban::supervision::v1::SplitRequested>()) {
    duban::supervision::v1::SplitRequested requested;
    if (!event.payload().UnpackTo(&requested)) {
      return InvalidField("payload", absl::StrCat("event ", event.event_id(), " is malformed"));
    }
    return ApplySplitRequested(conn, event, requested);
  }
  return absl::OkStatus();
}

absl::Status TaskTracker::ApplySplitRequested(
    sql::Connection& conn, const duban::events::v1::Event& event,
    const duban::supervision::v1::SplitRequested& requested) {
  const absl::Time now = clock_->Now();
  const std::string actor = requested.requested_by().empty()
                                ? absl::StrCat("service:", event.source())
                                : requested.requested_by();
  google::protobuf::RepeatedPtrField<duban::tasks::v1::SubItem> sub_items;
  for (const auto& part : requested.parts()) {
    auto& sub = *sub_items.Add();
    sub.set_content(part.content());
    *sub.mutable_responsible_unit_ids() = part.responsible_unit_ids();
    *sub.mutable_deadline() = part.deadline();
    sub.set_measures(part.measures());
  }
  auto refuse = [&](const absl::Status& why) -> absl::Status {
    Log(LogLevel::kWarning, "split_refused",
        {{"event_id", event.event_id()},
         {"item_id", requested.item_id()},
         {"error", std::string(why.message())}});
    return db::WriteAudit(conn, {.actor = actor,
                                 .at = now,
                                 .action = "tasks.SplitRefused",
                                 .entity_type = "item",
                                 .entity_id = requested.item_id(),
                                 .before = nullptr,
                                 .after = &requested,
                                 .request_id = event.event_id()});
  };

  absl::StatusOr<std::vector<absl::Time>> dues = CheckSubItems(sub_items);
  // The registry being down is not the request's fault: the event comes again.
  if (absl::IsUnavailable(dues.status())) return dues.status();
  if (!dues.ok()) return refuse(dues.status());
  DUBAN_ASSIGN_OR_RETURN(std::optional<Item> found,
                         store_->Load(conn, requested.item_id(), /*for_update=*/true));
  if (!found) return refuse(absl::NotFoundError(absl::StrCat("item ", requested.item_id())));
  Item item = *std::move(found);
  Actor group{.subject = actor, .is_service = true};
  if (absl::Status allowed = CheckAction(group, item, ItemAction::kSplit); !allowed.ok()) {
    return refuse(allowed);
  }
  if (!item.has_referred_at()) return refuse(absl::FailedPreconditionError("not referred"));

  const Item before = item;
  DUBAN_RETURN_IF_ERROR(
      CreateSubItems(conn, item, sub_items, *dues, actor, event.event_id(), now).status());
  item.set_revision(item.revision() + 1);
  DUBAN_RETURN_IF_ERROR(store_->Update(conn, item));
  DUBAN_RETURN_IF_ERROR(db::WriteAudit(conn, {.actor = actor,
                                              .at = now,
                                              .action = "tasks.SplitItem",
                                              .entity_type = "item",
                                              .entity_id = item.id(),
                                              .before = &before,
                                              .after = &item,
                                              .request_id = event.event_id()}));
  return NotifyChanged(conn, item, now);
}

absl::Status TaskTracker::ApplyDocumentIssued(sql::Connection& conn,
                                              const duban::events::v1::Event& event,
                                              const duban::minutes::v1::DocumentIssued& issued) {
  const auto& document = issued.document();
  const auto& dispatch = issued.event();
  const absl::Time now = clock_->Now();
  for (int i = 0; i < document.items_size(); ++i) {
    const auto& agreed = document.items(i);
    const std::string field = absl::StrCat("document.items[", i, "]");
    Item item;
    item.set_id(absl::StrCat(document.id(), "-", agreed.ordinal()));
    auto& source = *item.mutable_source();
    source.set_document_id(document.id());
    source.set_kind(document.kind() == duban::minutes::v1::DOCUMENT_KIND_ASSIGNMENT_SHEET
                        ? duban::tasks::v1::SOURCE_KIND_ASSIGNMENT_SHEET
                        : duban::tasks::v1::SOURCE_KIND_MINUTES);
    source.set_document_number(document.document_number());
    source.set_document_title(document.title());
    source.set_event_id(document.event_id().empty() ? dispatch.id() : document.event_id());
    source.set_leader_id(document.leader_id().empty() ? dispatch.leader_id()
                                                      : document.leader_id());
    *source.mutable_matter_ids() =
        document.matter_ids().empty() ? dispatch.matter_ids() : document.matter_ids();
    source.set_ordinal(agreed.ordinal());
    item.set_lead_unit_id(document.drafting_unit_id().empty() ? dispatch.drafting_unit_id()
                                                              : document.drafting_unit_id());
    *item.mutable_responsible_unit_ids() = agreed.responsible_unit_ids();
    item.set_content(agreed.task());
    item.set_blockers(agreed.blockers());
    item.set_measures(agreed.measures());
    DUBAN_RETURN_IF_ERROR(
        RequireUnits(agreed.responsible_unit_ids(), absl::StrCat(field, ".responsible_unit_ids")));
    DUBAN_ASSIGN_OR_RETURN(absl::Time due,
                           DueInstant(agreed.deadline(), zone_, absl::StrCat(field, ".deadline")));
    *item.mutable_original_deadline() = agreed.deadline();
    *item.mutable_deadline() = agreed.deadline();
    *item.mutable_due_at() = ToProto(due);
    item.set_status(duban::tasks::v1::ITEM_STATUS_ASSIGNED);
    *item.mutable_created_at() = ToProto(now);
    item.set_revision(1);
    DUBAN_RETURN_IF_ERROR(InsertItem(conn, item, absl::StrCat("service:", event.source()),
                                     "tasks.DocumentIssued", event.event_id(), now)
                              .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<duban::tasks::v1::CreateItemResponse> TaskTracker::CreateItem(
    const Actor& actor, const duban::tasks::v1::CreateItemRequest& request) {
  DUBAN_RETURN_IF_ERROR(RequireText(request.lead_unit_id(), "lead_unit_id"));
  DUBAN_RETURN_IF_ERROR(RequireUnits(request.responsible_unit_ids(), "responsible_unit_ids"));
  DUBAN_RETURN_IF_ERROR(RequireText(request.content(), "content"));
  DUBAN_RETURN_IF_ERROR(CheckItemText(request));
  DUBAN_RETURN_IF_ERROR(CheckDeadline("deadline", request.deadline()));
  DUBAN_ASSIGN_OR_RETURN(absl::Time due, DueInstant(request.deadline(), zone_, "deadline"));
  DUBAN_ASSIGN_OR_RETURN(bool lead_known, registry_->HasUnit(request.lead_unit_id()));
  if (!lead_known) {
    return InvalidField("lead_unit_id",
                        absl::StrCat("no unit ", request.lead_unit_id(), " in the registry"));
  }
  DUBAN_RETURN_IF_ERROR(CheckUnits(request.responsible_unit_ids(), "responsible_unit_ids"));
  if (!actor.ReadsEverything() && !actor.IsLiaisonOf(request.lead_unit_id())) {
    return absl::PermissionDeniedError(absl::StrCat("only the liaison of unit ",
                                                    request.lead_unit_id(),
                                                    " or the office may create items it leads"));
  }
  duban::tasks::v1::CreateItemResponse response;
  DUBAN_RETURN_IF_ERROR(db::RunOnce(
      *pool_, Method("CreateItem"), request.request_id(), actor.subject, request, &response,
      [&](sql::Connection& conn) -> absl::Status {
        const absl::Time now = clock_->Now();
        Item item;
        item.set_id(NewId("it"));
        *item.mutable_source() = request.source();
        if (item.source().kind() == duban::tasks::v1::SOURCE_KIND_UNSPECIFIED) {
          item.mutable_source()->set_kind(duban::tasks::v1::SOURCE_KIND_DIRECT);
        }
        item.set_lead_unit_id(request.lead_unit_id());
        *item.mutable_responsible_unit_ids() = request.responsible_unit_ids();
        item.set_content(request.content());
        item.set_blockers(request.blockers());
        item.set_measures(request.measures());
        *item.mutable_original_deadline() = request.deadline();
        *item.mutable_deadline() = request.deadline();
        *item.mutable_due_at() = ToProto(due);
        item.set_status(duban::tasks::v1::ITEM_STATUS_ASSIGNED);
        *item.mutable_created_at() = ToProto(now);
        item.set_revision(1);
        DUBAN_ASSIGN_OR_RETURN(
            bool inserted,
            InsertItem(conn, item, actor.subject, "tasks.CreateItem", request.request_id(), now));
        if (!inserted) return absl::AbortedError("item id collision; retry");
        *response.mutable_item() = WithLight(item, now);
        return absl::OkStatus();
      }));
  return response;
}

// ---- Changes of one item ----

template <typename Response>
absl::StatusOr<Response> TaskTracker::Change(const Actor& actor, ItemAction action,
                                             const std::string& method,
                                             const std::string& request_id,
                                             const google::protobuf::Message& request,
                                             const std::string& item_id,
                                             const ChangeFn<Response>& change) {
  if (item_id.empty()) return InvalidField("item_id", "required");
  Response response;
  DUBAN_RETURN_IF_ERROR(db::RunOnce(
      *pool_, method, request_id, actor.subject, request, &response,
      [&](sql::Connection& conn) -> absl::Status {
        DUBAN_ASSIGN_OR_RETURN(std::optional<Item> found,
                               store_->Load(conn, item_id, /*for_update=*/true));
        if (!found) return absl::NotFoundError(absl::StrCat("item ", item_id, " not found"));
        Item item = *std::move(found);
        DUBAN_RETURN_IF_ERROR(CheckAction(actor, item, action));

        const Item before = item;
        const absl::Time now = clock_->Now();
        DUBAN_RETURN_IF_ERROR(change(conn, item, now, response));
        DUBAN_RETURN_IF_ERROR(CheckRecordSize(absl::StrCat("item ", item.id()), item));
        item.set_revision(item.revision() + 1);
        DUBAN_RETURN_IF_ERROR(store_->Update(conn, item));

        const std::string name = method.substr(method.rfind('/') + 1);
        DUBAN_RETURN_IF_ERROR(db::WriteAudit(conn, {.actor = actor.subject,
                                                    .at = now,
                                                    .action = absl::StrCat("tasks.", name),
                                                    .entity_type = "item",
                                                    .entity_id = item.id(),
                                                    .before = &before,
                                                    .after = &item,
                                                    .request_id = request_id}));
        DUBAN_RETURN_IF_ERROR(NotifyChanged(conn, item, now));
        *response.mutable_item() = WithLight(item, now);
        return absl::OkStatus();
      }));
  return response;
}

absl::StatusOr<duban::tasks::v1::AcceptItemResponse> TaskTracker::AcceptItem(
    const Actor& actor, const duban::tasks::v1::AcceptItemRequest& request) {
  using Response = duban::tasks::v1::AcceptItemResponse;
  return Change<Response>(
      actor, ItemAction::kAccept, Method("AcceptItem"), request.request_id(), request,
      request.item_id(), [&](sql::Connection&, Item& item, absl::Time, Response&) -> absl::Status {
        if (!request.unit_id().empty() &&
            (!actor.IsLiaisonOf(request.unit_id()) ||
             std::find(item.responsible_unit_ids().begin(), item.responsible_unit_ids().end(),
                       request.unit_id()) == item.responsible_unit_ids().end())) {
          return absl::PermissionDeniedError(absl::StrCat("unit_id: the caller cannot accept item ",
                                                          item.id(), " for ", request.unit_id()));
        }
        item.set_status(StatusAfter(ItemAction::kAccept, item.status()));
        return absl::OkStatus();
      });
}

absl::StatusOr<duban::tasks::v1::AddProgressNoteResponse> TaskTracker::AddProgressNote(
    const Actor& actor, const duban::tasks::v1::AddProgressNoteRequest& request) {
  using Response = duban::tasks::v1::AddProgressNoteResponse;
  DUBAN_RETURN_IF_ERROR(RequireText(request.text(), "text"));
  DUBAN_RETURN_IF_ERROR(CheckText("text", request.text(), kMaxNoteChars));
  return Change<Response>(
      actor, ItemAction::kAddProgressNote, Method("AddProgressNote"), request.request_id(), request,
      request.item_id(),
      [&](sql::Connection&, Item& item, absl::Time now, Response&) -> absl::Status {
        if (static_cast<size_t>(item.notes_size()) >= kMaxProgressNotesPerItem) {
          return absl::FailedPreconditionError(
              absl::StrCat("item ", item.id(), " already has ", item.notes_size(),
                           " progress notes, the most an item keeps"));
        }
        auto& note = *item.add_notes();
        note.set_author(actor.subject);
        *note.mutable_at() = ToProto(now);
        note.set_text(request.text());
        item.set_status(StatusAfter(ItemAction::kAddProgressNote, item.status()));
        return absl::OkStatus();
      });
}

absl::StatusOr<duban::tasks::v1::SetPlannedCompletionDateResponse>
TaskTracker::SetPlannedCompletionDate(
    const Actor& actor, const duban::tasks::v1::SetPlannedCompletionDateRequest& request) {
  using Response = duban::tasks::v1::SetPlannedCompletionDateResponse;
  DUBAN_RETURN_IF_ERROR(CheckDate("planned_completion_date", request.planned_completion_date()));
  DUBAN_ASSIGN_OR_RETURN(absl::CivilDay planned,
                         FromProto(request.planned_completion_date(), "planned_completion_date"));
  return Change<Response>(
      actor, ItemAction::kSetPlannedCompletionDate, Method("SetPlannedCompletionDate"),
      request.request_id(), request, request.item_id(),
      [&](sql::Connection&, Item& item, absl::Time now, Response&) -> absl::Status {
        // Checked inside the request's transaction, so a retry gets the first answer.
        if (planned < LocalDay(now, zone_)) {
          return InvalidField("planned_completion_date",
                              absl::StrCat(FormatDay(planned), " is in the past"));
        }
        *item.mutable_planned_completion_date() = request.planned_completion_date();
        return absl::OkStatus();
      });
}

absl::StatusOr<duban::tasks::v1::ReportCompleteResponse> TaskTracker::ReportComplete(
    const Actor& actor, const duban::tasks::v1::ReportCompleteRequest& request) {
  using Response = duban::tasks::v1::ReportCompleteResponse;
  DUBAN_RETURN_IF_ERROR(CheckText("summary", request.summary(), kMaxNoteChars));
  return Change<Response>(
      actor, ItemAction::kReportComplete, Method("ReportComplete"), request.request_id(), request,
      request.item_id(),
      [&](sql::Connection& conn, Item& item, absl::Time now, Response&) -> absl::Status {
        item.set_status(StatusAfter(ItemAction::kReportComplete, item.status()));
        *item.mutable_reported_complete_at() = ToProto(now);
        item.set_completion_summary(request.summary());
        item.clear_rework_comment();
        item.clear_planned_completion_date();
        return MeetDeadline(conn, item, now);
      });
}

absl::StatusOr<duban::tasks::v1::CloseOutResponse> TaskTracker::CloseOut(
    const Actor& actor, const duban::tasks::v1::CloseOutRequest& request) {
  using Response = duban::tasks::v1::CloseOutResponse;
  return Change<Response>(
      actor, ItemAction::kCloseOut, Method("CloseOut"), request.request_id(), request,
      request.item_id(),
      [&](sql::Connection& conn, Item& item, absl::Time now, Response&) -> absl::Status {
        item.set_status(StatusAfter(ItemAction::kCloseOut, item.status()));
        *item.mutable_closed_at() = ToProto(now);
        return CloseParentIfDone(conn, item, actor, request.request_id(), now);
      });
}

absl::Status TaskTracker::CloseParentIfDone(sql::Connection& conn, const Item& closed,
                                            const Actor& actor, const std::string& request_id,
                                            absl::Time now) {
  if (closed.parent_item_id().empty()) return absl::OkStatus();
  DUBAN_ASSIGN_OR_RETURN(std::optional<Item> parent,
                         store_->Load(conn, closed.parent_item_id(), /*for_update=*/true));
  if (!parent || parent->status() != duban::tasks::v1::ITEM_STATUS_SPLIT) {
    return absl::OkStatus();
  }
  for (const auto& sibling_id : parent->sub_item_ids()) {
    if (sibling_id == closed.id()) continue;
    DUBAN_ASSIGN_OR_RETURN(std::optional<Item> sibling,
                           store_->Load(conn, sibling_id, /*for_update=*/false));
    if (sibling && sibling->status() != duban::tasks::v1::ITEM_STATUS_CLOSED) {
      return absl::OkStatus();
    }
  }
  const Item before = *parent;
  parent->set_status(duban::tasks::v1::ITEM_STATUS_CLOSED);
  *parent->mutable_closed_at() = ToProto(now);
  parent->set_revision(parent->revision() + 1);
  DUBAN_RETURN_IF_ERROR(store_->Update(conn, *parent));
  DUBAN_RETURN_IF_ERROR(db::WriteAudit(conn, {.actor = actor.subject,
                                              .at = now,
                                              .action = "tasks.CloseOut",
                                              .entity_type = "item",
                                              .entity_id = parent->id(),
                                              .before = &before,
                                              .after = &*parent,
                                              .request_id = request_id}));
  return NotifyChanged(conn, *parent, now);
}

absl::StatusOr<duban::tasks::v1::ReturnForReworkResponse> TaskTracker::ReturnForRework(
    const Actor& actor, const duban::tasks::v1::ReturnForReworkRequest& request) {
  using Response = duban::tasks::v1::ReturnForReworkResponse;
  DUBAN_RETURN_IF_ERROR(RequireText(request.comment(), "comment"));
  DUBAN_RETURN_IF_ERROR(CheckText("comment", request.comment(), kMaxContentChars));
  return Change<Response>(
      actor, ItemAction::kReturnForRework, Method("ReturnForRework"), request.request_id(), request,
      request.item_id(),
      [&](sql::Connection& conn, Item& item, absl::Time now, Response&) -> absl::Status {
        item.set_status(StatusAfter(ItemAction::kReturnForRework, item.status()));
        item.clear_reported_complete_at();
        item.set_rework_comment(request.comment());
        // The deadline in force stays; the scheduler sees it unmet again.
        return RegisterDeadline(conn, item, now);
      });
}

absl::StatusOr<duban::tasks::v1::RequestExtensionResponse> TaskTracker::RequestExtension(
    const Actor& actor, const duban::tasks::v1::RequestExtensionRequest& request) {
  using Response = duban::tasks::v1::RequestExtensionResponse;
  DUBAN_RETURN_IF_ERROR(RequireText(request.reason(), "reason"));
  DUBAN_RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxContentChars));
  DUBAN_RETURN_IF_ERROR(CheckDeadline("requested_deadline", request.requested_deadline()));
  DUBAN_ASSIGN_OR_RETURN(absl::Time requested_due,
                         DueInstant(request.requested_deadline(), zone_, "requested_deadline"));
  return Change<Response>(
      actor, ItemAction::kRequestExtension, Method("RequestExtension"), request.request_id(),
      request, request.item_id(),
      [&](sql::Connection&, Item& item, absl::Time now, Response&) -> absl::Status {
        const absl::Time due = FromProto(item.due_at());
        if (now >= due) {
          return absl::FailedPreconditionError(
              absl::StrCat("deadline: already passed at ", FormatLocal(due, zone_)));
        }
        if (requested_due <= due) {
          return InvalidField("requested_deadline",
                              absl::StrCat("must be later than the deadline in force (",
                                           DeadlineText(item.deadline(), zone_), ")"));
        }
        for (const auto& extension : item.extensions()) {
          if (extension.state() == duban::tasks::v1::EXTENSION_STATE_REQUESTED) {
            return absl::FailedPreconditionError(
                absl::StrCat("item ", item.id(), " already has extension request ", extension.id(),
                             " awaiting a decision"));
          }
        }
        auto& extension = *item.add_extensions();
        extension.set_id(NewId("ext"));
        extension.set_state(duban::tasks::v1::EXTENSION_STATE_REQUESTED);
        extension.set_reason(request.reason());
        *extension.mutable_requested_deadline() = request.requested_deadline();
        extension.set_requested_by(actor.subject);
        *extension.mutable_requested_at() = ToProto(now);
        return absl::OkStatus();
      });
}

absl::StatusOr<duban::tasks::v1::DecideExtensionResponse> TaskTracker::DecideExtension(
    const Actor& actor, const duban::tasks::v1::DecideExtensionRequest& request) {
  using Response = duban::tasks::v1::DecideExtensionResponse;
  DUBAN_RETURN_IF_ERROR(RequireText(request.extension_id(), "extension_id"));
  DUBAN_RETURN_IF_ERROR(CheckText("comment", request.comment(), kMaxContentChars));
  return Change<Response>(
      actor, ItemAction::kDecideExtension, Method("DecideExtension"), request.request_id(), request,
      request.item_id(),
      [&](sql::Connection& conn, Item& item, absl::Time now, Response&) -> absl::Status {
        auto it = std::find_if(
            item.mutable_extensions()->begin(), item.mutable_extensions()->end(),
            [&](const auto& extension) { return extension.id() == request.extension_id(); });
        if (it == item.mutable_extensions()->end()) {
          return absl::NotFoundError(absl::StrCat("extension ", request.extension_id(), " of item ",
                                                  item.id(), " not found"));
        }
        if (it->state() != duban::tasks::v1::EXTENSION_STATE_REQUESTED) {
          return absl::FailedPreconditionError(absl::StrCat(
              "extension ", it->id(), " is ", duban::tasks::v1::ExtensionState_Name(it->state()),
              ": already decided"));
        }
        it->set_state(request.approve() ? duban::tasks::v1::EXTENSION_STATE_APPROVED
                                        : duban::tasks::v1::EXTENSION_STATE_REFUSED);
        it->set_decided_by(actor.subject);
        *it->mutable_decided_at() = ToProto(now);
        it->set_decision_comment(request.comment());
        if (!request.approve()) return absl::OkStatus();

        DUBAN_ASSIGN_OR_RETURN(absl::Time due,
                               DueInstant(it->requested_deadline(), zone_, "requested_deadline"));
        *item.mutable_deadline() = it->requested_deadline();
        *item.mutable_due_at() = ToProto(due);
        return RegisterDeadline(conn, item, now);
      });
}

absl::StatusOr<duban::tasks::v1::ReferItemResponse> TaskTracker::ReferItem(
    const Actor& actor, const duban::tasks::v1::ReferItemRequest& request) {
  using Response = duban::tasks::v1::ReferItemResponse;
  DUBAN_RETURN_IF_ERROR(RequireText(request.reason(), "reason"));
  DUBAN_RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxContentChars));
  return Change<Response>(
      actor, ItemAction::kRefer, Method("ReferItem"), request.request_id(), request,
      request.item_id(),
      [&](sql::Connection& conn, Item& item, absl::Time now, Response&) -> absl::Status {
        if (item.has_referred_at()) {
          return absl::FailedPreconditionError(
              absl::StrCat("item ", item.id(), " was already referred at ",
                           FormatLocal(FromProto(item.referred_at()), zone_)));
        }
        *item.mutable_referred_at() = ToProto(now);
        item.set_referral_reason(request.reason());
        duban::tasks::v1::ItemReferred referred;
        *referred.mutable_item() = WithLight(item, now);
        referred.set_referred_by(actor.subject);
        return db::EnqueueEvent(conn, "supervision", ItemOrderingKey(item.id()), referred, now);
      });
}

absl::StatusOr<std::vector<Item>> TaskTracker::CreateSubItems(
    sql::Connection& conn, Item& parent,
    const google::protobuf::RepeatedPtrField<duban::tasks::v1::SubItem>& sub_items,
    const std::vector<absl::Time>& dues, const std::string& actor, const std::string& request_id,
    absl::Time now) {
  std::vector<Item> created;
  for (int i = 0; i < sub_items.size(); ++i) {
    const auto& spec = sub_items[i];
    Item sub;
    sub.set_id(absl::StrCat(parent.id(), "-s", i + 1));
    *sub.mutable_source() = parent.source();
    sub.mutable_source()->set_kind(duban::tasks::v1::SOURCE_KIND_SPLIT);
    sub.set_lead_unit_id(parent.lead_unit_id());
    *sub.mutable_responsible_unit_ids() = spec.responsible_unit_ids();
    sub.set_content(spec.content());
    sub.set_measures(spec.measures());
    *sub.mutable_original_deadline() = spec.deadline();
    *sub.mutable_deadline() = spec.deadline();
    *sub.mutable_due_at() = ToProto(dues[i]);
    sub.set_status(duban::tasks::v1::ITEM_STATUS_ASSIGNED);
    sub.set_parent_item_id(parent.id());
    *sub.mutable_created_at() = ToProto(now);
    sub.set_revision(1);
    DUBAN_ASSIGN_OR_RETURN(bool inserted,
                           InsertItem(conn, sub, actor, "tasks.SplitItem", request_id, now));
    if (!inserted) {
      return absl::AlreadyExistsError(absl::StrCat("item ", sub.id(), " already exists"));
    }
    parent.add_sub_item_ids(sub.id());
    created.push_back(std::move(sub));
  }
  parent.set_status(StatusAfter(ItemAction::kSplit, parent.status()));
  *parent.mutable_split_at() = ToProto(now);
  DUBAN_RETURN_IF_ERROR(CancelDeadline(conn, parent, now));
  return created;
}

absl::StatusOr<duban::tasks::v1::SplitItemResponse> TaskTracker::SplitItem(
    const Actor& actor, const duban::tasks::v1::SplitItemRequest& request) {
  using Response = duban::tasks::v1::SplitItemResponse;
  DUBAN_ASSIGN_OR_RETURN(std::vector<absl::Time> dues, CheckSubItems(request.sub_items()));
  return Change<Response>(
      actor, ItemAction::kSplit, Method("SplitItem"), request.request_id(), request,
      request.item_id(),
      [&](sql::Connection& conn, Item& item, absl::Time now, Response& response) -> absl::Status {
        if (!item.has_referred_at()) {
          return absl::FailedPreconditionError(
              absl::StrCat("item ", item.id(), " is not referred: only referred items are split"));
        }
        DUBAN_ASSIGN_OR_RETURN(std::vector<Item> subs,
                               CreateSubItems(conn, item, request.sub_items(), dues, actor.subject,
                                              request.request_id(), now));
        for (const Item& sub : subs) *response.add_sub_items() = WithLight(sub, now);
        return absl::OkStatus();
      });
}

}  // namespace duban::tasks

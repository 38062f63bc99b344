#include "cli/dubanctl/clerk_commands.h"

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "common/time_util.h"

ABSL_FLAG(std::string, leader, "", "record-event: the district leader (name or id).");
ABSL_FLAG(std::string, held_at, "", "record-event: local YYYY-MM-DDTHH:MM, or RFC 3339.");
ABSL_FLAG(std::string, matter, "",
          "record-event: the matters covered, by form-2 row number or id, comma-separated.");
ABSL_FLAG(std::string, drafting_unit, "", "record-event: the lead unit that drafts (name or id).");
ABSL_FLAG(std::string, present, "", "record-event: units present, comma-separated.");
ABSL_FLAG(std::string, event_kind, "meeting",
          "record-event: meeting, field-visit or dispatch-session.");
ABSL_FLAG(std::string, title, "", "record-event, draft: the title.");
ABSL_FLAG(std::string, number, "", "draft: the document number, e.g. 泉港政纪〔2026〕12号.");
ABSL_FLAG(std::string, document_kind, "minutes", "draft: minutes or sheet.");
ABSL_FLAG(std::string, unit, "",
          "countersign, return-draft, accept, items: the unit (name or id) acted or listed for.");
ABSL_FLAG(std::string, units, "", "route: the countersigning units, comma-separated.");
ABSL_FLAG(std::string, deadline, "", "extend: the requested deadline, YYYY-MM-DD.");

namespace duban::client {
namespace {

namespace minutes = duban::minutes::v1;
namespace tasks = duban::tasks::v1;
using Minutes = minutes::MinutesService::Stub;
using Tasks = tasks::TasksService::Stub;
using Args = std::vector<std::string>;

template <typename Stub, typename Request, typename Response>
absl::Status Call(const Session& s, Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const std::string& token, const Request& request, Response* response) {
  auto context = s.CallContext(token);
  return s.CallStatus(s.ServiceOf(&stub), (stub.*method)(context.get(), request, response));
}

absl::Status Usage(absl::string_view usage) {
  return absl::InvalidArgumentError(absl::StrCat("usage: dubanctl ", usage));
}

std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> parts;
  const std::string unified = absl::StrReplaceAll(
      text, {{"、", ","}, {"，", ","}, {";", ","}, {"；", ","}, {"\r", ""}, {"\n", ","}});
  for (absl::string_view part : absl::StrSplit(unified, ',', absl::SkipWhitespace())) {
    parts.emplace_back(absl::StripAsciiWhitespace(part));
  }
  return parts;
}

// A unit's id from its name, or the id itself when it is a unit's id;
// NOT_FOUND naming it when the registry has no such unit.
absl::StatusOr<std::string> UnitIdOf(Session& s, const std::string& name_or_id) {
  return s.ExistingUnitId(name_or_id);
}

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text, std::string_view field) {
  std::string normalized = absl::StrReplaceAll(absl::StripAsciiWhitespace(text),
                                               {{"年", "-"}, {"月", "-"}, {"日", ""}, {"/", "-"}});
  std::vector<std::string> parts = absl::StrSplit(normalized, '-');
  int y = 0, m = 0, d = 0;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) ||
      !absl::SimpleAtoi(parts[2], &d)) {
    return InvalidField(field, absl::StrCat("'", text, "' is not a date such as 2026-10-31"));
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return InvalidField(field, absl::StrCat("'", text, "' is not a calendar date"));
  }
  return day;
}

absl::StatusOr<absl::Time> ParseLocalTime(const std::string& text, absl::TimeZone zone) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return t;
  absl::CivilMinute minute;
  if (absl::ParseCivilTime(text, &minute)) return FromLocal(absl::CivilSecond(minute), zone);
  return InvalidField("held_at", absl::StrCat("'", text, "' is not YYYY-MM-DDTHH:MM"));
}

// Rows of a CSV as a spreadsheet saves it: quoted cells may hold commas,
// doubled quotes and line breaks. Each row with the line it starts on.
absl::StatusOr<std::vector<std::pair<int, std::vector<std::string>>>> ReadCsv(
    absl::string_view text) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  int line = 1, row_line = 1;
  auto end_row = [&] {
    row.push_back(std::move(cell));
    cell.clear();
    bool blank = row.size() == 1 && row[0].empty();
    if (!blank) rows.emplace_back(row_line, std::move(row));
    row.clear();
    row_line = line;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      ++line;
      end_row();
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (quoted)
    return absl::InvalidArgumentError(absl::StrCat("line ", row_line, ": unclosed quote"));
  if (!cell.empty() || !row.empty()) end_row();
  return rows;
}

std::string Due(const tasks::Item& item, absl::TimeZone zone) {
  if (item.deadline().has_date()) {
    const auto& d = item.deadline().date();
    return FormatDay(absl::CivilDay(d.year(), d.month(), d.day()));
  }
  return FormatLocal(FromProto(item.due_at()), zone);
}

void PrintItem(Session& s, const tasks::Item& item, std::ostream& out) {
  std::vector<std::string> units;
  for (const std::string& id : item.responsible_unit_ids()) {
    units.push_back(s.UnitName(id).value_or(id));
  }
  constexpr absl::string_view kStatus = "ITEM_STATUS_";
  constexpr absl::string_view kLight = "LIGHT_";
  std::string original;
  if (item.original_deadline().SerializeAsString() != item.deadline().SerializeAsString()) {
    tasks::Item agreed = item;
    *agreed.mutable_deadline() = item.original_deadline();
    original = absl::StrCat(" (originally ", Due(agreed, s.zone()), ")");
  }
  out << item.id() << "  " << absl::StripPrefix(tasks::Light_Name(item.light()), kLight) << "  "
      << absl::StripPrefix(tasks::ItemStatus_Name(item.status()), kStatus) << "  due "
      << Due(item, s.zone()) << original << "  " << absl::StrJoin(units, "、") << "  "
      << item.content() << "\n";
  for (const auto& extension : item.extensions()) {
    out << "    extension " << extension.id() << "  "
        << absl::StripPrefix(tasks::ExtensionState_Name(extension.state()), "EXTENSION_STATE_")
        << "  " << extension.reason() << "\n";
  }
  for (const std::string& sub : item.sub_item_ids()) out << "    sub-item " << sub << "\n";
}

// ---- Minutes ----

absl::StatusOr<minutes::DispatchEventKind> EventKind(const std::string& text) {
  if (text == "meeting") return minutes::DISPATCH_EVENT_KIND_MEETING;
  if (text == "field-visit") return minutes::DISPATCH_EVENT_KIND_FIELD_VISIT;
  if (text == "dispatch-session") return minutes::DISPATCH_EVENT_KIND_DISPATCH_SESSION;
  return InvalidField("event_kind", "meeting, field-visit or dispatch-session");
}

// A matter id from a form-2 row number (current version), or the id itself.
absl::StatusOr<std::string> MatterId(Session& s, const std::string& token, const std::string& ref) {
  int number = 0;
  if (!absl::SimpleAtoi(ref, &number)) return ref;
  duban::registry::v1::ListMattersRequest request;
  request.set_page_size(500);
  duban::registry::v1::ListMattersResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s, s.clients().registry(),
                             &duban::registry::v1::RegistryService::Stub::ListMatters, token,
                             request, &response));
  for (const auto& matter : response.matters()) {
    if (matter.number() == number) return matter.id();
  }
  return InvalidField("matter", absl::StrCat("form 2 has no row ", number));
}

absl::Status RecordEvent(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  const std::string usage =
      "record-event --leader=NAME --held_at=YYYY-MM-DDTHH:MM --matter=ROW[,ROW] "
      "--drafting_unit=UNIT [--present=UNIT,...] [--event_kind=meeting] [--title=TEXT]";
  if (args.size() != 1 || absl::GetFlag(FLAGS_leader).empty()) return Usage(usage);
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(as));
  minutes::RecordDispatchEventRequest request;
  request.set_request_id(NewRequestId());
  DUBAN_ASSIGN_OR_RETURN(minutes::DispatchEventKind kind,
                         EventKind(absl::GetFlag(FLAGS_event_kind)));
  request.set_kind(kind);
  absl::StatusOr<std::string> leader = s.PersonId(absl::GetFlag(FLAGS_leader));
  request.set_leader_id(leader.ok() ? *leader : absl::GetFlag(FLAGS_leader));
  DUBAN_ASSIGN_OR_RETURN(absl::Time held_at,
                         ParseLocalTime(absl::GetFlag(FLAGS_held_at), s.zone()));
  *request.mutable_held_at() = ToProto(held_at);
  request.set_title(absl::GetFlag(FLAGS_title));
  for (const std::string& ref : SplitList(absl::GetFlag(FLAGS_matter))) {
    DUBAN_ASSIGN_OR_RETURN(*request.add_matter_ids(), MatterId(s, token, ref));
  }
  DUBAN_ASSIGN_OR_RETURN(*request.mutable_drafting_unit_id(),
                         UnitIdOf(s, absl::GetFlag(FLAGS_drafting_unit)));
  for (const std::string& unit : SplitList(absl::GetFlag(FLAGS_present))) {
    DUBAN_ASSIGN_OR_RETURN(*request.add_present_unit_ids(), UnitIdOf(s, unit));
  }
  minutes::RecordDispatchEventResponse response;
  DUBAN_RETURN_IF_ERROR(
      Call(s, s.clients().minutes(), &Minutes::RecordDispatchEvent, token, request, &response));
  out << "event " << response.event().id() << " recorded (registry version "
      << response.event().registry_version() << "); draft due "
      << FormatLocal(FromProto(response.event().draft_due_at()), s.zone()) << "\n";
  return absl::OkStatus();
}

absl::Status Draft(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  const std::string usage =
      "draft EVENT_ID FORM4.csv [--document_kind=minutes|sheet] [--number=NUMBER] [--title=TEXT]";
  if (args.size() != 3) return Usage(usage);
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(as));
  DUBAN_ASSIGN_OR_RETURN(std::string csv, ReadFile(args[2]));
  minutes::SaveDraftRequest request;
  request.set_request_id(NewRequestId());
  request.set_event_id(args[1]);
  const std::string kind = absl::GetFlag(FLAGS_document_kind);
  if (kind != "minutes" && kind != "sheet") {
    return InvalidField("document_kind", "minutes or sheet");
  }
  request.set_kind(kind == "minutes" ? minutes::DOCUMENT_KIND_MINUTES
                                     : minutes::DOCUMENT_KIND_ASSIGNMENT_SHEET);
  request.set_title(absl::GetFlag(FLAGS_title));
  request.set_document_number(absl::GetFlag(FLAGS_number));
  DUBAN_ASSIGN_OR_RETURN(
      std::vector<minutes::AgreedItem> items,
      ReadAssignmentSheet(csv, [&s](const std::string& name) { return UnitIdOf(s, name); }));
  for (auto& item : items) *request.add_items() = std::move(item);

  // A draft saved before is replaced at its current revision.
  minutes::GetDispatchEventRequest get;
  get.set_event_id(args[1]);
  minutes::GetDispatchEventResponse event;
  DUBAN_RETURN_IF_ERROR(
      Call(s, s.clients().minutes(), &Minutes::GetDispatchEvent, token, get, &event));
  if (!event.event().document_id().empty()) {
    minutes::GetDocumentRequest get_document;
    get_document.set_document_id(event.event().document_id());
    minutes::GetDocumentResponse document;
    DUBAN_RETURN_IF_ERROR(
        Call(s, s.clients().minutes(), &Minutes::GetDocument, token, get_document, &document));
    request.set_expected_revision(document.document().revision());
  }
  minutes::SaveDraftResponse response;
  DUBAN_RETURN_IF_ERROR(
      Call(s, s.clients().minutes(), &Minutes::SaveDraft, token, request, &response));
  out << "document " << response.document().id() << " saved with "
      << response.document().items_size() << " items (revision " << response.document().revision()
      << ")\n";
  return absl::OkStatus();
}

void PrintDocument(const minutes::Document& document, std::ostream& out) {
  out << "document " << document.id() << "  "
      << absl::StripPrefix(minutes::DocumentState_Name(document.state()), "DOCUMENT_STATE_") << "  "
      << document.document_number() << "\n";
  for (const auto& item : document.items()) {
    if (!item.item_id().empty())
      out << "    item " << item.item_id() << "  " << item.task() << "\n";
  }
}

absl::Status Route(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 2) return Usage("route DOCUMENT_ID [--units=UNIT,...]");
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(as));
  minutes::RouteForCountersignRequest request;
  request.set_request_id(NewRequestId());
  request.set_document_id(args[1]);
  for (const std::string& unit : SplitList(absl::GetFlag(FLAGS_units))) {
    DUBAN_ASSIGN_OR_RETURN(*request.add_countersigning_unit_ids(), UnitIdOf(s, unit));
  }
  minutes::RouteForCountersignResponse response;
  DUBAN_RETURN_IF_ERROR(
      Call(s, s.clients().minutes(), &Minutes::RouteForCountersign, token, request, &response));
  PrintDocument(response.document(), out);
  return absl::OkStatus();
}

absl::Status Countersign(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 2 || absl::GetFlag(FLAGS_unit).empty()) {
    return Usage("countersign DOCUMENT_ID --unit=UNIT");
  }
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(as));
  minutes::CountersignRequest request;
  request.set_request_id(NewRequestId());
  request.set_document_id(args[1]);
  DUBAN_ASSIGN_OR_RETURN(*request.mutable_unit_id(), UnitIdOf(s, absl::GetFlag(FLAGS_unit)));
  minutes::CountersignResponse response;
  DUBAN_RETURN_IF_ERROR(
      Call(s, s.clients().minutes(), &Minutes::Countersign, token, request, &response));
  PrintDocument(response.document(), out);
  return absl::OkStatus();
}

absl::Status ReturnDraft(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 3) return Usage("return-draft DOCUMENT_ID COMMENT [--unit=UNIT]");
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(as));
  minutes::ReturnDraftRequest request;
  request.set_request_id(NewRequestId());
  request.set_document_id(args[1]);
  request.set_comment(args[2]);
  if (!absl::GetFlag(FLAGS_unit).empty()) {
    DUBAN_ASSIGN_OR_RETURN(*request.mutable_unit_id(), UnitIdOf(s, absl::GetFlag(FLAGS_unit)));
  }
  minutes::ReturnDraftResponse response;
  DUBAN_RETURN_IF_ERROR(
      Call(s, s.clients().minutes(), &Minutes::ReturnDraft, token, request, &response));
  PrintDocument(response.document(), out);
  return absl::OkStatus();
}

absl::Status Issue(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 2) return Usage("issue DOCUMENT_ID   (the leader signs off and issues)");
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(as));
  minutes::SignOffAndIssueRequest request;
  request.set_request_id(NewRequestId());
  request.set_document_id(args[1]);
  minutes::SignOffAndIssueResponse response;
  DUBAN_RETURN_IF_ERROR(
      Call(s, s.clients().minutes(), &Minutes::SignOffAndIssue, token, request, &response));
  PrintDocument(response.document(), out);
  return absl::OkStatus();
}

// ---- Tasks ----

absl::Status Items(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 1) return Usage("items [--unit=UNIT]");
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(as));
  tasks::ListItemsRequest request;
  request.set_page_size(500);
  if (!absl::GetFlag(FLAGS_unit).empty()) {
    DUBAN_ASSIGN_OR_RETURN(*request.mutable_filter()->mutable_unit_id(),
                           UnitIdOf(s, absl::GetFlag(FLAGS_unit)));
  }
  int shown = 0;
  do {
    tasks::ListItemsResponse page;
    DUBAN_RETURN_IF_ERROR(Call(s, s.clients().tasks(), &Tasks::ListItems, token, request, &page));
    for (const auto& item : page.items()) PrintItem(s, item, out);
    shown += page.items_size();
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  out << shown << " items\n";
  return absl::OkStatus();
}

// Runs one change of an item and prints the item it answers with.
template <typename Request, typename Response>
absl::Status ChangeItem(Session& s, const std::string& as, Request request,
                        grpc::Status (Tasks::*method)(grpc::ClientContext*, const Request&,
                                                      Response*),
                        std::ostream& out) {
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(as));
  request.set_request_id(NewRequestId());
  Response response;
  DUBAN_RETURN_IF_ERROR(Call(s, s.clients().tasks(), method, token, request, &response));
  PrintItem(s, response.item(), out);
  return absl::OkStatus();
}

absl::Status Accept(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 2) return Usage("accept ITEM_ID [--unit=UNIT]");
  tasks::AcceptItemRequest request;
  request.set_item_id(args[1]);
  if (!absl::GetFlag(FLAGS_unit).empty()) {
    DUBAN_ASSIGN_OR_RETURN(*request.mutable_unit_id(), UnitIdOf(s, absl::GetFlag(FLAGS_unit)));
  }
  return ChangeItem(s, as, request, &Tasks::AcceptItem, out);
}

absl::Status Progress(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 3) return Usage("progress ITEM_ID TEXT");
  tasks::AddProgressNoteRequest request;
  request.set_item_id(args[1]);
  request.set_text(args[2]);
  return ChangeItem(s, as, request, &Tasks::AddProgressNote, out);
}

absl::Status Complete(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() < 2 || args.size() > 3) return Usage("complete ITEM_ID [SUMMARY]");
  tasks::ReportCompleteRequest request;
  request.set_item_id(args[1]);
  if (args.size() == 3) request.set_summary(args[2]);
  return ChangeItem(s, as, request, &Tasks::ReportComplete, out);
}

absl::Status Close(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 2) return Usage("close ITEM_ID");
  tasks::CloseOutRequest request;
  request.set_item_id(args[1]);
  return ChangeItem(s, as, request, &Tasks::CloseOut, out);
}

absl::Status Rework(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 3) return Usage("return ITEM_ID COMMENT");
  tasks::ReturnForReworkRequest request;
  request.set_item_id(args[1]);
  request.set_comment(args[2]);
  return ChangeItem(s, as, request, &Tasks::ReturnForRework, out);
}

absl::Status Extend(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 3 || absl::GetFlag(FLAGS_deadline).empty()) {
    return Usage("extend ITEM_ID REASON --deadline=YYYY-MM-DD");
  }
  tasks::RequestExtensionRequest request;
  request.set_item_id(args[1]);
  request.set_reason(args[2]);
  DUBAN_ASSIGN_OR_RETURN(absl::CivilDay day, ParseDay(absl::GetFlag(FLAGS_deadline), "deadline"));
  *request.mutable_requested_deadline()->mutable_date() = ToProto(day);
  return ChangeItem(s, as, request, &Tasks::RequestExtension, out);
}

absl::Status Decide(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() < 4 || args.size() > 5 || (args[3] != "approve" && args[3] != "refuse")) {
    return Usage("decide-extension ITEM_ID EXTENSION_ID approve|refuse [COMMENT]");
  }
  tasks::DecideExtensionRequest request;
  request.set_item_id(args[1]);
  request.set_extension_id(args[2]);
  request.set_approve(args[3] == "approve");
  if (args.size() == 5) request.set_comment(args[4]);
  return ChangeItem(s, as, request, &Tasks::DecideExtension, out);
}

absl::Status Refer(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 3) return Usage("refer ITEM_ID REASON");
  tasks::ReferItemRequest request;
  request.set_item_id(args[1]);
  request.set_reason(args[2]);
  return ChangeItem(s, as, request, &Tasks::ReferItem, out);
}

absl::Status Split(Session& s, const Args& args, const std::string& as, std::ostream& out) {
  if (args.size() != 3)
    return Usage("split ITEM_ID PARTS.csv   (form 4's columns, one row a part)");
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(as));
  DUBAN_ASSIGN_OR_RETURN(std::string csv, ReadFile(args[2]));
  DUBAN_ASSIGN_OR_RETURN(
      std::vector<minutes::AgreedItem> parts,
      ReadAssignmentSheet(csv, [&s](const std::string& name) { return UnitIdOf(s, name); }));
  tasks::SplitItemRequest request;
  request.set_request_id(NewRequestId());
  request.set_item_id(args[1]);
  for (const auto& part : parts) {
    auto& sub = *request.add_sub_items();
    sub.set_content(part.task());
    sub.set_measures(part.measures());
    *sub.mutable_responsible_unit_ids() = part.responsible_unit_ids();
    *sub.mutable_deadline() = part.deadline();
  }
  tasks::SplitItemResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s, s.clients().tasks(), &Tasks::SplitItem, token, request, &response));
  PrintItem(s, response.item(), out);
  for (const auto& sub : response.sub_items()) PrintItem(s, sub, out);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<minutes::AgreedItem>> ReadAssignmentSheet(
    const std::string& csv,
    const std::function<absl::StatusOr<std::string>(const std::string&)>& unit_id) {
  DUBAN_ASSIGN_OR_RETURN(auto rows, ReadCsv(csv));
  std::vector<minutes::AgreedItem> items;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& [line, cells] = rows[r];
    if (cells.size() != 7) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line, ": ", cells.size(), " cells, form 4 has 7"));
    }
    minutes::AgreedItem item;
    int ordinal = 0;
    if (!absl::SimpleAtoi(cells[0], &ordinal) || ordinal <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line, ": 序号 '", cells[0], "' is not a positive number"));
    }
    item.set_ordinal(ordinal);
    item.set_task(std::string(absl::StripAsciiWhitespace(cells[1])));
    item.set_blockers(std::string(absl::StripAsciiWhitespace(cells[2])));
    item.set_measures(std::string(absl::StripAsciiWhitespace(cells[3])));
    for (const std::string& unit : SplitList(cells[4])) {
      absl::StatusOr<std::string> id = unit_id(unit);
      if (!id.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line, ": 责任单位 ", unit, ": ", id.status().message()));
      }
      item.add_responsible_unit_ids(*id);
    }
    if (!absl::StripAsciiWhitespace(cells[6]).empty()) {
      absl::StatusOr<absl::CivilDay> due = ParseDay(cells[6], "完成时限");
      if (!due.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line, ": ", due.status().message()));
      }
      *item.mutable_deadline()->mutable_date() = ToProto(*due);
    }
    items.push_back(std::move(item));
  }
  return items;
}

const std::map<std::string, ClerkCommand>& ClerkCommands() {
  static const auto* commands = new std::map<std::string, ClerkCommand>{
      {"record-event", RecordEvent},
      {"draft", Draft},
      {"route", Route},
      {"countersign", Countersign},
      {"return-draft", ReturnDraft},
      {"issue", Issue},
      {"items", Items},
      {"accept", Accept},
      {"progress", Progress},
      {"complete", Complete},
      {"close", Close},
      {"return", Rework},
      {"extend", Extend},
      {"decide-extension", Decide},
      {"refer", Refer},
      {"split", Split},
  };
  return *commands;
}

std::vector<std::string> ClerkUsage() {
  return {
      "record-event --leader=NAME --held_at=TIME --matter=ROW --drafting_unit=UNIT [--present=..]",
      "draft EVENT_ID FORM4.csv [--document_kind=minutes|sheet --number=N --title=T]",
      "route DOCUMENT_ID [--units=UNIT,...]",
      "countersign DOCUMENT_ID --unit=UNIT",
      "return-draft DOCUMENT_ID COMMENT [--unit=UNIT]",
      "issue DOCUMENT_ID",
      "items [--unit=UNIT]",
      "accept ITEM_ID | progress ITEM_ID TEXT | complete ITEM_ID [SUMMARY]",
      "close ITEM_ID | return ITEM_ID COMMENT",
      "extend ITEM_ID REASON --deadline=YYYY-MM-DD",
      "decide-extension ITEM_ID EXTENSION_ID approve|refuse [COMMENT]",
      "refer ITEM_ID REASON | split ITEM_ID PARTS.csv",
  };
}

}  // namespace duban::client

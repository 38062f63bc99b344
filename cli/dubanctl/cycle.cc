#include "cli/dubanctl/cycle.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/dubanctl/october.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::client {
namespace {

namespace registry = duban::registry::v1;
namespace minutes = duban::minutes::v1;
namespace tasks = duban::tasks::v1;
namespace reporting = duban::reporting::v1;
namespace supervision = duban::supervision::v1;

absl::Time Local(absl::TimeZone zone, int y, int m, int d, int hh, int mm = 0) {
  return LocalTime(zone, y, m, d, hh, mm);
}

std::string Due(absl::Time due, absl::TimeZone zone) { return DescribeDue(due, zone); }

template <typename Stub, typename Request, typename Response>
absl::Status Call(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const std::string& token, const Request& request, Response* response) {
  return CallService(stub, method, token, request, response);
}

}  // namespace

absl::Status AddSupervisionGroupMember(Session& s) {
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  registry::CreatePersonRequest create;
  create.set_request_id(NewRequestId());
  create.set_name(kSupervisor);
  registry::CreatePersonResponse created;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().registry(), &registry::RegistryService::Stub::CreatePerson,
                             admin, create, &created));
  registry::GrantRoleRequest grant;
  grant.set_request_id(NewRequestId());
  grant.set_person_id(created.person().id());
  grant.mutable_role()->set_kind(registry::ROLE_KIND_SUPERVISION_GROUP_MEMBER);
  registry::GrantRoleResponse granted;
  return Call(s.clients().registry(), &registry::RegistryService::Stub::GrantRole, admin, grant,
              &granted);
}

absl::Time LocalTime(absl::TimeZone zone, int y, int m, int d, int hh, int mm, int ss) {
  return FromLocal(absl::CivilSecond(y, m, d, hh, mm, ss), zone);
}

std::string DescribeDue(absl::Time due, absl::TimeZone zone) {
  absl::CivilSecond local = absl::ToCivilSecond(due, zone);
  if (local == absl::CivilSecond(absl::CivilDay(local))) {
    return absl::StrCat("end of ", FormatDay(absl::CivilDay(local) - 1));
  }
  return FormatLocal(due, zone);
}

absl::StatusOr<SampleImport> ImportSampleRegistry(Session& s, const CycleInputs& in) {
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  SampleImport imported;
  registry::ImportMatterRegistryRequest matters;
  matters.set_request_id(NewRequestId());
  matters.set_csv(in.matters_csv);
  DUBAN_RETURN_IF_ERROR(Call(s.clients().registry(),
                             &registry::RegistryService::Stub::ImportMatterRegistry, admin, matters,
                             &imported.matters));

  registry::ImportLiaisonsRequest liaisons;
  liaisons.set_request_id(NewRequestId());
  liaisons.set_csv(in.liaisons_csv);
  liaisons.set_reason("sample liaisons");
  DUBAN_RETURN_IF_ERROR(Call(s.clients().registry(),
                             &registry::RegistryService::Stub::ImportLiaisons, admin, liaisons,
                             &imported.liaisons));
  DUBAN_RETURN_IF_ERROR(AddSupervisionGroupMember(s));
  return imported;
}

absl::Status ImportSample(Session& s, const CycleInputs& in, std::ostream& out) {
  DUBAN_ASSIGN_OR_RETURN(SampleImport imported, ImportSampleRegistry(s, in));
  const registry::ImportMatterRegistryResponse& response = imported.matters;
  out << "[1/8] registry: form 2 imported as version " << response.version().version() << ": "
      << response.matters() << " matters, " << response.units() << " units, " << response.leaders()
      << " leaders, " << response.supervising_leaders() << " supervising office leaders, "
      << response.office_liaisons() << " office liaisons"
      << (response.changed() ? "" : " (unchanged)") << "\n";
  out << "[2/8] registry: unit liaisons imported: " << imported.liaisons.assigned() << " assigned, "
      << imported.liaisons.unchanged() << " unchanged\n";
  return absl::OkStatus();
}

namespace {

// The second leader's first matter (row 2 of the sample: 李四).
absl::StatusOr<registry::Matter> SecondLeadersMatter(Session& s) {
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  registry::ListMattersRequest request;
  request.set_page_size(100);
  registry::ListMattersResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().registry(), &registry::RegistryService::Stub::ListMatters,
                             admin, request, &response));
  for (const auto& matter : response.matters()) {
    if (matter.number() == 2) return matter;
  }
  return absl::NotFoundError("matter: form 2 has no row 2");
}

absl::StatusOr<minutes::DispatchEvent> HoldMeeting(Session& s, const registry::Matter& matter,
                                                   std::ostream& out) {
  DUBAN_ASSIGN_OR_RETURN(std::string office, s.TokenAs("沈三"));
  DUBAN_ASSIGN_OR_RETURN(std::string drafting_unit, s.UnitId("发改局"));
  minutes::RecordDispatchEventRequest request;
  request.set_request_id(NewRequestId());
  request.set_kind(minutes::DISPATCH_EVENT_KIND_MEETING);
  request.set_leader_id(matter.leader_id());
  *request.mutable_held_at() = ToProto(Local(s.zone(), 2026, 9, 28, 10));
  request.set_title("经济运行和重点项目调度会");
  request.add_matter_ids(matter.id());
  request.set_drafting_unit_id(drafting_unit);
  for (const std::string& unit : matter.lead_unit_ids()) request.add_present_unit_ids(unit);
  minutes::RecordDispatchEventResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().minutes(),
                             &minutes::MinutesService::Stub::RecordDispatchEvent, office, request,
                             &response));
  out << "[3/8] minutes: " << matter.leader_name() << " holds a dispatch meeting on "
      << FormatLocal(FromProto(response.event().held_at()), s.zone()) << " (matter "
      << matter.number() << "); 发改局 drafts, due "
      << Due(FromProto(response.event().draft_due_at()), s.zone()) << "\n";
  return response.event();
}

minutes::AgreedItem Item(int ordinal, const std::string& task, const std::string& unit,
                         absl::CivilDay due) {
  minutes::AgreedItem item;
  item.set_ordinal(ordinal);
  item.set_task(task);
  item.add_responsible_unit_ids(unit);
  *item.mutable_deadline()->mutable_date() = ToProto(due);
  return item;
}

absl::StatusOr<minutes::Document> DraftAndIssue(Session& s, const minutes::DispatchEvent& event,
                                                const registry::Matter& matter, std::ostream& out) {
  DUBAN_ASSIGN_OR_RETURN(std::string drafter, s.TokenAs("许一"));
  DUBAN_ASSIGN_OR_RETURN(std::string leader, s.TokenAs(matter.leader_name()));
  DUBAN_ASSIGN_OR_RETURN(std::string statistics, s.UnitId("统计局"));
  DUBAN_ASSIGN_OR_RETURN(std::string emergency, s.UnitId("应急局"));

  minutes::SaveDraftRequest save;
  save.set_request_id(NewRequestId());
  save.set_event_id(event.id());
  save.set_kind(minutes::DOCUMENT_KIND_MINUTES);
  save.set_title("关于经济运行和重点项目调度会议的纪要");
  save.set_document_number("泉港政纪〔2026〕12号");
  *save.add_items() = Item(1, "报送三季度经济运行分析", statistics, absl::CivilDay(2026, 10, 12));
  *save.add_items() = Item(2, "完成安全生产隐患排查整治", emergency, absl::CivilDay(2026, 10, 14));
  minutes::SaveDraftResponse saved;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().minutes(), &minutes::MinutesService::Stub::SaveDraft,
                             drafter, save, &saved));

  minutes::RouteForCountersignRequest route;
  route.set_request_id(NewRequestId());
  route.set_document_id(saved.document().id());
  minutes::RouteForCountersignResponse routed;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().minutes(),
                             &minutes::MinutesService::Stub::RouteForCountersign, drafter, route,
                             &routed));

  minutes::SignOffAndIssueRequest issue;
  issue.set_request_id(NewRequestId());
  issue.set_document_id(saved.document().id());
  minutes::SignOffAndIssueResponse issued;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().minutes(), &minutes::MinutesService::Stub::SignOffAndIssue,
                             leader, issue, &issued));
  // Issuing again with the same request id is a retry: the same answer, no new items.
  DUBAN_RETURN_IF_ERROR(Call(s.clients().minutes(), &minutes::MinutesService::Stub::SignOffAndIssue,
                             leader, issue, &issued));
  out << "[4/8] minutes: " << issued.document().document_number() << " drafted by 发改局, routed, "
      << "signed off and issued by " << matter.leader_name() << " with "
      << issued.document().items_size() << " items (issue retried once)\n";
  return issued.document();
}

absl::StatusOr<std::vector<tasks::Item>> ItemsOf(Session& s, const std::string& document_id) {
  DUBAN_ASSIGN_OR_RETURN(std::string office, s.TokenAs("沈三"));
  tasks::ListItemsRequest request;
  request.mutable_filter()->set_document_id(document_id);
  request.set_page_size(100);
  tasks::ListItemsResponse response;
  DUBAN_RETURN_IF_ERROR(
      Call(s.clients().tasks(), &tasks::TasksService::Stub::ListItems, office, request, &response));
  return std::vector<tasks::Item>(response.items().begin(), response.items().end());
}

}  // namespace

absl::StatusOr<std::vector<tasks::Item>> IssueSampleMinutes(Session& s, std::ostream& out) {
  DUBAN_ASSIGN_OR_RETURN(registry::Matter matter, SecondLeadersMatter(s));
  DUBAN_ASSIGN_OR_RETURN(minutes::DispatchEvent event, HoldMeeting(s, matter, out));
  DUBAN_ASSIGN_OR_RETURN(minutes::Document document, DraftAndIssue(s, event, matter, out));
  DUBAN_RETURN_IF_ERROR(s.AdvanceTo(Local(s.zone(), 2026, 9, 28, 11)).status());
  DUBAN_ASSIGN_OR_RETURN(std::vector<tasks::Item> items, ItemsOf(s, document.id()));
  if (items.size() != 2) {
    return absl::InternalError(absl::StrCat("tasks holds ", items.size(), " items, not 2"));
  }
  return items;
}

namespace {

absl::Status PrintItems(Session& s, const std::vector<tasks::Item>& items, std::ostream& out) {
  out << "[5/8] tasks: " << items.size() << " items on the units' desks\n";
  for (const auto& item : items) {
    DUBAN_ASSIGN_OR_RETURN(std::string unit, s.UnitName(item.responsible_unit_ids(0)));
    out << "        " << item.id() << "  " << unit << "  due "
        << Due(FromProto(item.due_at()), s.zone()) << "  " << item.content() << "\n";
  }
  return absl::OkStatus();
}

// 发改局 reports on its items for the period ending on the 5th (no calendar
// is loaded, so the cut-off stays at 2026-10-05 18:00), and the office
// liaison submits the period's digest, both in time.
absl::Status ReportFirstPeriod(Session& s, std::ostream& out) {
  DUBAN_ASSIGN_OR_RETURN(auto report, s.AdvanceTo(Local(s.zone(), 2026, 10, 5, 10)));
  DUBAN_ASSIGN_OR_RETURN(std::string lead, s.TokenAs("许一"));
  DUBAN_ASSIGN_OR_RETURN(std::string lead_unit, s.UnitId("发改局"));
  reporting::PrefillReportRequest prefill;
  prefill.set_unit_id(lead_unit);
  prefill.set_period_id("2026-10-1");
  reporting::PrefillReportResponse prefilled;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().reporting(),
                             &reporting::ReportingService::Stub::PrefillReport, lead, prefill,
                             &prefilled));
  reporting::SubmitReportRequest submit;
  submit.set_request_id(NewRequestId());
  *submit.mutable_report() = prefilled.report();
  FillReport(*submit.mutable_report(), LocalDay(report.now, s.zone()), s.zone());
  reporting::SubmitReportResponse submitted;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().reporting(),
                             &reporting::ReportingService::Stub::SubmitReport, lead, submit,
                             &submitted));

  DUBAN_ASSIGN_OR_RETURN(std::string office, s.TokenAs("沈三"));
  reporting::PrefillDigestRequest digest;
  digest.set_period_id("2026-10-1");
  reporting::PrefillDigestResponse drafted;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().reporting(),
                             &reporting::ReportingService::Stub::PrefillDigest, office, digest,
                             &drafted));
  reporting::SubmitDigestRequest send;
  send.set_request_id(NewRequestId());
  *send.mutable_digest() = drafted.digest();
  reporting::SubmitDigestResponse sent;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().reporting(),
                             &reporting::ReportingService::Stub::SubmitDigest, office, send,
                             &sent));
  out << "        on " << FormatLocal(report.now, s.zone())
      << " 发改局 submits its report for 2026-10-1 and 沈三 the office digest\n";
  return absl::OkStatus();
}

absl::Status CompleteFirst(Session& s, const tasks::Item& item, std::ostream& out) {
  DUBAN_ASSIGN_OR_RETURN(auto report, s.AdvanceTo(Local(s.zone(), 2026, 10, 10, 15)));
  DUBAN_ASSIGN_OR_RETURN(std::string liaison, s.TokenAs("何二"));
  tasks::ReportCompleteRequest request;
  request.set_request_id(NewRequestId());
  request.set_item_id(item.id());
  request.set_summary("三季度经济运行分析已报送");
  tasks::ReportCompleteResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().tasks(), &tasks::TasksService::Stub::ReportComplete,
                             liaison, request, &response));
  out << "[6/8] tasks: on " << FormatLocal(report.now, s.zone()) << " 统计局 reports " << item.id()
      << " complete\n";
  return absl::OkStatus();
}

absl::StatusOr<std::vector<supervision::SupervisionCase>> OpenCases(Session& s) {
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  supervision::ListCasesRequest request;
  request.set_page_size(100);
  supervision::ListCasesResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().supervision(),
                             &supervision::SupervisionService::Stub::ListCases, admin, request,
                             &response));
  return std::vector<supervision::SupervisionCase>(response.cases().begin(),
                                                   response.cases().end());
}

absl::Status PassDeadlines(Session& s, std::ostream& out) {
  DUBAN_ASSIGN_OR_RETURN(auto report, s.AdvanceTo(Local(s.zone(), 2026, 10, 20, 12)));
  out << "[7/8] clock: advanced to " << FormatLocal(report.now, s.zone()) << " in " << report.rounds
      << " settle rounds (" << report.work_done << " units of work)";
  if (report.pending > 0) out << ", still pending: " << report.pending_detail;
  out << "\n";
  DUBAN_ASSIGN_OR_RETURN(auto cases, OpenCases(s));
  for (const auto& c : cases) {
    // A leader's dispatch cycle has no unit.
    std::string unit = "(no unit)";
    if (!c.unit_id().empty()) {
      DUBAN_ASSIGN_OR_RETURN(unit, s.UnitName(c.unit_id()));
    }
    std::vector<std::string> rungs;
    for (const auto& rung : c.rungs()) {
      rungs.push_back(absl::StrCat(duban::common::v1::Rung_Name(rung.rung()), "@",
                                   FormatLocal(FromProto(rung.at()), s.zone())));
    }
    out << "        case " << c.id() << "  " << unit << "  " << c.label() << "  ["
        << absl::StrJoin(rungs, ", ") << "]\n";
  }
  return absl::OkStatus();
}

absl::StatusOr<reporting::Circular> IssueCircular(Session& s, std::ostream& out) {
  DUBAN_ASSIGN_OR_RETURN(std::string group, s.TokenAs(kSupervisor));
  reporting::IssueCircularRequest request;
  request.set_request_id(NewRequestId());
  request.set_month("2026-10");
  reporting::IssueCircularResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s.clients().reporting(),
                             &reporting::ReportingService::Stub::IssueCircular, group, request,
                             &response));
  out << "[8/8] reporting: circular " << response.circular().month() << " issued, naming "
      << response.circular().entries_size() << " unit(s):\n";
  for (const auto& entry : response.circular().entries()) {
    out << "        " << entry.unit_name();
    for (int i = 0; i < entry.overdue_item_ids_size(); ++i) {
      out << "  overdue: " << entry.overdue_item_ids(i);
      if (i < entry.overdue_item_contents_size()) out << " " << entry.overdue_item_contents(i);
    }
    out << "\n";
  }
  return response.circular();
}

}  // namespace

absl::StatusOr<CycleResult> RunThinCycle(Session& s, const CycleInputs& inputs, std::ostream& out) {
  DUBAN_RETURN_IF_ERROR(s.AdvanceTo(Local(s.zone(), 2026, 9, 28, 9)).status());
  DUBAN_RETURN_IF_ERROR(ImportSample(s, inputs, out));
  DUBAN_ASSIGN_OR_RETURN(std::vector<tasks::Item> items, IssueSampleMinutes(s, out));
  DUBAN_RETURN_IF_ERROR(PrintItems(s, items, out));
  DUBAN_RETURN_IF_ERROR(ReportFirstPeriod(s, out));
  DUBAN_RETURN_IF_ERROR(CompleteFirst(s, items[0], out));
  DUBAN_RETURN_IF_ERROR(PassDeadlines(s, out));
  DUBAN_ASSIGN_OR_RETURN(reporting::Circular circular, IssueCircular(s, out));
  CycleResult result;
  result.completed_item_id = items[0].id();
  result.open_item_id = items[1].id();
  result.open_unit_id = items[1].responsible_unit_ids(0);
  result.circular = circular;
  return result;
}

}  // namespace duban::client

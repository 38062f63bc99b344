// Registry, minutes and tasks over the running services: a meeting of the
// sample registry's second leader becomes minutes, the minutes become items on
// the units' desks, and the items go through their lifecycle; bad inputs,
// registry versions, liaison history and working-day drafting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/dubanctl/clerk_commands.h"
#include "cli/dubanctl/client.h"
#include "common/status.h"
#include "common/time_util.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

ABSL_DECLARE_FLAG(std::string, leader);
ABSL_DECLARE_FLAG(std::string, held_at);
ABSL_DECLARE_FLAG(std::string, matter);
ABSL_DECLARE_FLAG(std::string, drafting_unit);
ABSL_DECLARE_FLAG(std::string, number);
ABSL_DECLARE_FLAG(std::string, unit);
ABSL_DECLARE_FLAG(std::string, units);
ABSL_DECLARE_FLAG(std::string, deadline);

namespace duban::testing {
namespace {

namespace registry = duban::registry::v1;
namespace minutes = duban::minutes::v1;
namespace tasks = duban::tasks::v1;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

using Registry = registry::RegistryService::Stub;
using Minutes = minutes::MinutesService::Stub;
using Tasks = tasks::TasksService::Stub;

constexpr char kGroupMember[] = "督导组乙";

minutes::AgreedItem Agreed(int ordinal, const std::string& task, const std::string& unit,
                           absl::CivilDay due) {
  minutes::AgreedItem item;
  item.set_ordinal(ordinal);
  item.set_task(task);
  if (!unit.empty()) item.add_responsible_unit_ids(unit);
  *item.mutable_deadline()->mutable_date() = ToProto(due);
  return item;
}

class WorkflowTest : public ::testing::Test {
 protected:
  void StartCluster(const std::string& name, int base_port, ClusterOptions options = {}) {
    options.name = name;
    options.base_port = base_port;
    auto cluster = Cluster::Start(options);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    zone_ = session().zone();
  }

  client::Session& session() { return cluster_->session(); }
  const client::Clients& clients() { return session().clients(); }

  std::string Token(const std::string& name) { return TokenOf(session(), name); }
  std::string Person(const std::string& name) { return PersonIdOf(session(), name); }
  std::string Unit(const std::string& name) { return UnitIdOf(session(), name); }
  absl::Time Local(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
    return duban::testing::Local(session(), y, m, d, hh, mm, ss);
  }
  void AdvanceTo(absl::Time t) {
    auto report = session().AdvanceTo(t);
    ASSERT_TRUE(report.ok()) << report.status();
  }

  absl::StatusOr<registry::ImportMatterRegistryResponse> ImportMatters(const std::string& csv) {
    registry::ImportMatterRegistryRequest request;
    request.set_request_id(client::NewRequestId());
    request.set_csv(csv);
    return Call(clients().registry(), &Registry::ImportMatterRegistry, Token("admin"), request);
  }

  // Form 2 and the liaisons of the examples, and a supervision group member.
  void ImportSample() {
    ASSERT_TRUE(ImportMatters(ExampleFile("dispatch_matters.csv")).ok());
    registry::ImportLiaisonsRequest liaisons;
    liaisons.set_request_id(client::NewRequestId());
    liaisons.set_csv(ExampleFile("unit_liaisons.csv"));
    liaisons.set_reason("sample liaisons");
    ASSERT_TRUE(
        Call(clients().registry(), &Registry::ImportLiaisons, Token("admin"), liaisons).ok());
    registry::CreatePersonRequest create;
    create.set_request_id(client::NewRequestId());
    create.set_name(kGroupMember);
    auto created = Call(clients().registry(), &Registry::CreatePerson, Token("admin"), create);
    ASSERT_TRUE(created.ok()) << created.status();
    registry::GrantRoleRequest grant;
    grant.set_request_id(client::NewRequestId());
    grant.set_person_id(created->person().id());
    grant.mutable_role()->set_kind(registry::ROLE_KIND_SUPERVISION_GROUP_MEMBER);
    ASSERT_TRUE(Call(clients().registry(), &Registry::GrantRole, Token("admin"), grant).ok());
  }

  // The sample's row 2: 李四's matter, led by 发改局 and five other units.
  registry::Matter SecondLeadersMatter(const registry::ListMattersRequest& request = {}) {
    registry::ListMattersRequest all = request;
    all.set_page_size(100);
    auto matters = Call(clients().registry(), &Registry::ListMatters, Token("admin"), all);
    EXPECT_TRUE(matters.ok()) << matters.status();
    if (matters.ok()) {
      for (const registry::Matter& matter : matters->matters()) {
        if (matter.number() == 2) return matter;
      }
    }
    ADD_FAILURE() << "form 2 has no row 2";
    return {};
  }

  // 沈三 (office liaison) records 李四's meeting, held at `held_at`; 发改局 drafts.
  absl::StatusOr<minutes::RecordDispatchEventResponse> RecordMeeting(absl::Time held_at) {
    const registry::Matter matter = SecondLeadersMatter();
    minutes::RecordDispatchEventRequest request;
    request.set_request_id(client::NewRequestId());
    request.set_kind(minutes::DISPATCH_EVENT_KIND_MEETING);
    request.set_leader_id(matter.leader_id());
    *request.mutable_held_at() = ToProto(held_at);
    request.set_title("经济运行和重点项目调度会");
    request.add_matter_ids(matter.id());
    request.set_drafting_unit_id(Unit("发改局"));
    for (const std::string& unit : matter.lead_unit_ids()) request.add_present_unit_ids(unit);
    return Call(clients().minutes(), &Minutes::RecordDispatchEvent, Token("沈三"), request);
  }

  absl::StatusOr<minutes::SaveDraftResponse> SaveDraft(const std::string& event_id,
                                                       const std::string& number,
                                                       std::vector<minutes::AgreedItem> items) {
    minutes::SaveDraftRequest request;
    request.set_request_id(client::NewRequestId());
    request.set_event_id(event_id);
    request.set_kind(minutes::DOCUMENT_KIND_MINUTES);
    request.set_title("关于经济运行和重点项目调度会议的纪要");
    request.set_document_number(number);
    for (auto& item : items) *request.add_items() = std::move(item);
    return Call(clients().minutes(), &Minutes::SaveDraft, Token("许一"), request);
  }

  absl::StatusOr<tasks::Item> GetItem(const std::string& token, const std::string& id) {
    tasks::GetItemRequest request;
    request.set_item_id(id);
    auto response = Call(clients().tasks(), &Tasks::GetItem, token, request);
    if (!response.ok()) return response.status();
    return response->item();
  }

  std::vector<tasks::Item> ListItems(const std::string& token, const tasks::ItemFilter& filter) {
    tasks::ListItemsRequest request;
    *request.mutable_filter() = filter;
    request.set_page_size(100);
    auto response = Call(clients().tasks(), &Tasks::ListItems, token, request);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    return {response->items().begin(), response->items().end()};
  }

  tasks::CountItemsResponse CountItems(const std::string& token,
                                       const tasks::ItemFilter& filter = {}) {
    tasks::CountItemsRequest request;
    *request.mutable_filter() = filter;
    auto response = Call(clients().tasks(), &Tasks::CountItems, token, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(tasks::CountItemsResponse());
  }

  std::vector<duban::common::v1::AuditRecord> TasksAudit(const std::string& item_id) {
    tasks::ListAuditRecordsRequest request;
    request.mutable_filter()->set_entity_type("item");
    request.mutable_filter()->set_entity_id(item_id);
    request.set_page_size(100);
    auto response = Call(clients().tasks(), &Tasks::ListAuditRecords, Token("admin"), request);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    return {response->records().begin(), response->records().end()};
  }

  // "<action> by <actor> at <local time>" of each record, in order.
  std::vector<std::string> Describe(const std::vector<duban::common::v1::AuditRecord>& records) {
    std::vector<std::string> lines;
    for (const auto& record : records) {
      lines.push_back(absl::StrCat(record.action(), " by ", record.actor(), " at ",
                                   FormatLocal(FromProto(record.at()), zone_)));
    }
    return lines;
  }

  std::unique_ptr<Cluster> cluster_;
  absl::TimeZone zone_;
};

// ---- The whole path, from the meeting to the items' close-out ----

class MeetingToItemsTest : public WorkflowTest {
 protected:
  // Minutes of 李四's meeting on 2026-09-28 10:00, drafted by 发改局 with three
  // items for two units, routed to both, countersigned, signed off and issued
  // while tasks is down (and issued again as a retry); tasks restarts.
  void IssueMinutesWhileTasksIsDown() {
    AdvanceTo(Local(2026, 9, 28, 9, 30));
    auto event = RecordMeeting(Local(2026, 9, 28, 10));
    ASSERT_TRUE(event.ok()) << event.status();
    EXPECT_EQ(FromProto(event->event().draft_due_at()), Local(2026, 10, 2));
    auto saved = SaveDraft(
        event->event().id(), "泉港政纪〔2026〕15号",
        {Agreed(1, "报送三季度经济运行分析", Unit("统计局"), absl::CivilDay(2026, 10, 12)),
         Agreed(2, "完成安全生产隐患排查整治", Unit("应急局"), absl::CivilDay(2026, 10, 14)),
         Agreed(3, "建立重点项目统计监测台账", Unit("统计局"), absl::CivilDay(2026, 12, 31))});
    ASSERT_TRUE(saved.ok()) << saved.status();
    document_id_ = saved->document().id();

    AdvanceTo(Local(2026, 9, 29, 9));
    minutes::RouteForCountersignRequest route;
    route.set_request_id(client::NewRequestId());
    route.set_document_id(document_id_);
    route.add_countersigning_unit_ids(Unit("统计局"));
    route.add_countersigning_unit_ids(Unit("应急局"));
    auto routed = Call(clients().minutes(), &Minutes::RouteForCountersign, Token("许一"), route);
    ASSERT_TRUE(routed.ok()) << routed.status();
    EXPECT_EQ(routed->document().state(), minutes::DOCUMENT_STATE_COUNTERSIGNING);

    for (const auto& [liaison, unit] : {std::pair{"何二", "统计局"}, std::pair{"吕三", "应急局"}}) {
      AdvanceTo(Local(2026, 9, 29, unit == std::string("统计局") ? 10 : 11));
      minutes::CountersignRequest countersign;
      countersign.set_request_id(client::NewRequestId());
      countersign.set_document_id(document_id_);
      countersign.set_unit_id(Unit(unit));
      auto signed_by_unit =
          Call(clients().minutes(), &Minutes::Countersign, Token(liaison), countersign);
      ASSERT_TRUE(signed_by_unit.ok()) << signed_by_unit.status();
    }

    ASSERT_TRUE(cluster_->StopService("tasks").ok());
    AdvanceTo(Local(2026, 9, 30, 9));
    minutes::SignOffAndIssueRequest issue;
    issue.set_request_id(client::NewRequestId());
    issue.set_document_id(document_id_);
    auto issued = Call(clients().minutes(), &Minutes::SignOffAndIssue, Token("李四"), issue);
    ASSERT_TRUE(issued.ok()) << issued.status();
    EXPECT_EQ(issued->document().state(), minutes::DOCUMENT_STATE_ISSUED);
    auto retried = Call(clients().minutes(), &Minutes::SignOffAndIssue, Token("李四"), issue);
    ASSERT_TRUE(retried.ok()) << retried.status();
    EXPECT_EQ(retried->SerializeAsString(), issued->SerializeAsString());
    AdvanceTo(Local(2026, 9, 30, 9, 1));

    ASSERT_TRUE(cluster_->StartService("tasks").ok());
    AdvanceTo(Local(2026, 9, 30, 9, 5));
  }

  std::string ItemId(int ordinal) { return absl::StrCat(document_id_, "-", ordinal); }

  template <typename Request>
  Request WithIds(Request request, const std::string& item_id) {
    request.set_request_id(client::NewRequestId());
    request.set_item_id(item_id);
    return request;
  }

  std::string document_id_;
};

TEST_F(MeetingToItemsTest, IssuedOnceWithTasksDownGivesExactlyThreeItemsWithTheirDeadlines) {
  StartCluster("workflow_issue", 21600);
  ImportSample();
  IssueMinutesWhileTasksIsDown();

  tasks::ItemFilter of_document;
  of_document.set_document_id(document_id_);
  const std::vector<tasks::Item> items = ListItems(Token("沈三"), of_document);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].id(), ItemId(1));
  EXPECT_EQ(items[1].id(), ItemId(2));
  EXPECT_EQ(items[2].id(), ItemId(3));
  const std::vector<std::string> units = {Unit("统计局"), Unit("应急局"), Unit("统计局")};
  const std::vector<absl::Time> dues = {Local(2026, 10, 13), Local(2026, 10, 15),
                                        Local(2027, 1, 1)};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(items[i].lead_unit_id(), Unit("发改局"));
    EXPECT_THAT(items[i].responsible_unit_ids(), ElementsAre(units[i]));
    EXPECT_EQ(FromProto(items[i].due_at()), dues[i]);
    EXPECT_EQ(items[i].status(), tasks::ITEM_STATUS_ASSIGNED);
    EXPECT_EQ(items[i].light(), tasks::LIGHT_GREEN);
    EXPECT_EQ(items[i].source().document_number(), "泉港政纪〔2026〕15号");
    EXPECT_EQ(items[i].source().leader_id(), Person("李四"));
  }
  EXPECT_EQ(items[2].deadline().date().day(), 31);

  // The document keeps its items' ids.
  minutes::GetDocumentRequest get;
  get.set_document_id(document_id_);
  auto document = Call(clients().minutes(), &Minutes::GetDocument, Token("沈三"), get);
  ASSERT_TRUE(document.ok()) << document.status();
  ASSERT_EQ(document->document().items_size(), 3);
  EXPECT_EQ(document->document().items(2).item_id(), ItemId(3));
  // The supervising office leader of 李四's matter reads it; another one does not.
  EXPECT_TRUE(Call(clients().minutes(), &Minutes::GetDocument, Token("冯乙"), get).ok());
  EXPECT_EQ(Call(clients().minutes(), &Minutes::GetDocument, Token("钱甲"), get).status().code(),
            absl::StatusCode::kPermissionDenied);

  // Issuing again (a new request, not a retry) is refused and adds nothing.
  minutes::SignOffAndIssueRequest again;
  again.set_request_id(client::NewRequestId());
  again.set_document_id(document_id_);
  auto refused = Call(clients().minutes(), &Minutes::SignOffAndIssue, Token("李四"), again);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("ISSUED"));
  AdvanceTo(Local(2026, 9, 30, 10));
  EXPECT_EQ(CountItems(Token("admin")).count(), 3);

  // The minutes' own audit: who moved the document, and when.
  minutes::ListAuditRecordsRequest audit;
  audit.mutable_filter()->set_entity_type("document");
  audit.mutable_filter()->set_entity_id(document_id_);
  auto records = Call(clients().minutes(), &Minutes::ListAuditRecords, Token("admin"), audit);
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(
      Describe({records->records().begin(), records->records().end()}),
      ElementsAre(
          absl::StrCat("minutes.SaveDraft by ", Person("许一"), " at 2026-09-28T09:30:00+08:00"),
          absl::StrCat("minutes.RouteForCountersign by ", Person("许一"),
                       " at 2026-09-29T09:00:00+08:00"),
          absl::StrCat("minutes.Countersign by ", Person("何二"), " at 2026-09-29T10:00:00+08:00"),
          absl::StrCat("minutes.Countersign by ", Person("吕三"), " at 2026-09-29T11:00:00+08:00"),
          absl::StrCat("minutes.SignOffAndIssue by ", Person("李四"),
                       " at 2026-09-30T09:00:00+08:00")));
}

TEST_F(MeetingToItemsTest, ItemsAreAcceptedExtendedReferredSplitAndClosedWithTheirAudit) {
  StartCluster("workflow_items", 21616);
  ImportSample();
  IssueMinutesWhileTasksIsDown();
  const std::string statistics = Token("何二");
  const std::string emergency = Token("吕三");
  const std::string lead = Token("许一");

  // Item 1: accepted, progressed, reported complete, closed out.
  AdvanceTo(Local(2026, 10, 8, 9));
  auto accepted = Call(clients().tasks(), &Tasks::AcceptItem, statistics,
                       WithIds(tasks::AcceptItemRequest(), ItemId(1)));
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->item().status(), tasks::ITEM_STATUS_ACCEPTED);
  tasks::AddProgressNoteRequest note;
  note.set_text("已完成数据汇总");
  auto noted =
      Call(clients().tasks(), &Tasks::AddProgressNote, statistics, WithIds(note, ItemId(1)));
  ASSERT_TRUE(noted.ok()) << noted.status();
  EXPECT_EQ(noted->item().status(), tasks::ITEM_STATUS_IN_PROGRESS);
  ASSERT_EQ(noted->item().notes_size(), 1);
  EXPECT_EQ(noted->item().notes(0).author(), Person("何二"));
  AdvanceTo(Local(2026, 10, 10, 15));
  tasks::ReportCompleteRequest complete;
  complete.set_summary("三季度经济运行分析已报送");
  auto completed =
      Call(clients().tasks(), &Tasks::ReportComplete, statistics, WithIds(complete, ItemId(1)));
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->item().light(), tasks::LIGHT_DONE);
  AdvanceTo(Local(2026, 10, 11, 9));
  auto closed =
      Call(clients().tasks(), &Tasks::CloseOut, lead, WithIds(tasks::CloseOutRequest(), ItemId(1)));
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->item().status(), tasks::ITEM_STATUS_CLOSED);
  EXPECT_EQ(FromProto(closed->item().reported_complete_at()), Local(2026, 10, 10, 15));
  EXPECT_EQ(FromProto(closed->item().closed_at()), Local(2026, 10, 11, 9));

  // Item 2: an extension requested before the deadline and approved by the lead unit.
  AdvanceTo(Local(2026, 10, 12, 9));
  tasks::RequestExtensionRequest extend;
  extend.set_reason("汛期施工受阻");
  *extend.mutable_requested_deadline() = DateDeadline(2026, 10, 31);
  auto requested =
      Call(clients().tasks(), &Tasks::RequestExtension, emergency, WithIds(extend, ItemId(2)));
  ASSERT_TRUE(requested.ok()) << requested.status();
  ASSERT_EQ(requested->item().extensions_size(), 1);
  AdvanceTo(Local(2026, 10, 12, 15));
  tasks::DecideExtensionRequest decide;
  decide.set_extension_id(requested->item().extensions(0).id());
  decide.set_approve(true);
  auto decided = Call(clients().tasks(), &Tasks::DecideExtension, lead, WithIds(decide, ItemId(2)));
  ASSERT_TRUE(decided.ok()) << decided.status();
  auto extended = GetItem(emergency, ItemId(2));
  ASSERT_TRUE(extended.ok()) << extended.status();
  EXPECT_EQ(extended->original_deadline().date().day(), 14);
  EXPECT_EQ(extended->deadline().date().day(), 31);
  EXPECT_EQ(FromProto(extended->due_at()), Local(2026, 11, 1));
  EXPECT_EQ(extended->extensions(0).state(), tasks::EXTENSION_STATE_APPROVED);
  EXPECT_EQ(extended->extensions(0).decided_by(), Person("许一"));
  EXPECT_EQ(FromProto(extended->extensions(0).decided_at()), Local(2026, 10, 12, 15));

  // Item 3: referred, split by the supervision group into two sub-items.
  AdvanceTo(Local(2026, 10, 13, 9));
  tasks::ReferItemRequest refer;
  refer.set_reason("涉及统计、应急两个部门");
  auto referred = Call(clients().tasks(), &Tasks::ReferItem, statistics, WithIds(refer, ItemId(3)));
  ASSERT_TRUE(referred.ok()) << referred.status();
  EXPECT_EQ(FromProto(referred->item().referred_at()), Local(2026, 10, 13, 9));
  AdvanceTo(Local(2026, 10, 14, 9));
  tasks::SplitItemRequest split;
  auto* first = split.add_sub_items();
  first->set_content("建立统计监测台账");
  first->add_responsible_unit_ids(Unit("统计局"));
  *first->mutable_deadline() = DateDeadline(2026, 12, 31);
  auto* second = split.add_sub_items();
  second->set_content("排查重点项目安全隐患");
  second->add_responsible_unit_ids(Unit("应急局"));
  *second->mutable_deadline() = DateDeadline(2026, 11, 30);
  auto splitted =
      Call(clients().tasks(), &Tasks::SplitItem, Token(kGroupMember), WithIds(split, ItemId(3)));
  ASSERT_TRUE(splitted.ok()) << splitted.status();
  EXPECT_EQ(splitted->item().status(), tasks::ITEM_STATUS_SPLIT);
  const std::string s1 = ItemId(3) + "-s1";
  const std::string s2 = ItemId(3) + "-s2";
  EXPECT_THAT(splitted->item().sub_item_ids(), ElementsAre(s1, s2));
  ASSERT_EQ(splitted->sub_items_size(), 2);
  EXPECT_THAT(splitted->sub_items(1).responsible_unit_ids(), ElementsAre(Unit("应急局")));
  EXPECT_EQ(FromProto(splitted->sub_items(1).due_at()), Local(2026, 12, 1));
  EXPECT_EQ(splitted->sub_items(0).parent_item_id(), ItemId(3));

  AdvanceTo(Local(2026, 11, 20, 9));
  ASSERT_TRUE(Call(clients().tasks(), &Tasks::ReportComplete, emergency,
                   WithIds(tasks::ReportCompleteRequest(), s2))
                  .ok());
  ASSERT_TRUE(
      Call(clients().tasks(), &Tasks::CloseOut, lead, WithIds(tasks::CloseOutRequest(), s2)).ok());

  // Who sees what: another unit's liaison nothing; the supervising office
  // leader and the district leader of the matter everything it produced.
  const std::string stranger = Token("金九");  // 卫健局
  for (const std::string& id : {ItemId(1), ItemId(2), ItemId(3), s1, s2}) {
    EXPECT_EQ(GetItem(stranger, id).status().code(), absl::StatusCode::kNotFound) << id;
  }
  tasks::ItemFilter of_document;
  of_document.set_document_id(document_id_);
  EXPECT_TRUE(ListItems(stranger, of_document).empty());
  EXPECT_TRUE(ListItems(stranger, {}).empty());
  EXPECT_EQ(CountItems(stranger).DebugString(), tasks::CountItemsResponse().DebugString());
  EXPECT_EQ(CountItems(stranger, of_document).count(), 0);
  EXPECT_EQ(CountItems(Token("冯乙")).count(), 5);
  EXPECT_EQ(CountItems(Token("李四")).count(), 5);
  EXPECT_EQ(CountItems(Token("张三")).count(), 0);
  EXPECT_EQ(CountItems(emergency).count(), 2);   // item 2 and s2
  EXPECT_EQ(CountItems(statistics).count(), 3);  // item 1, item 3 and s1

  // s1's light: green, yellow from 2026-12-29 00:00 local, red from 2027-01-01 00:00.
  AdvanceTo(Local(2026, 12, 28, 23, 59, 59));
  EXPECT_EQ(GetItem(statistics, s1)->light(), tasks::LIGHT_GREEN);
  AdvanceTo(Local(2026, 12, 29));
  EXPECT_EQ(GetItem(statistics, s1)->light(), tasks::LIGHT_YELLOW);
  AdvanceTo(Local(2026, 12, 31, 23, 59, 59));
  EXPECT_EQ(GetItem(statistics, s1)->light(), tasks::LIGHT_YELLOW);
  AdvanceTo(Local(2027, 1, 1));
  EXPECT_EQ(GetItem(statistics, s1)->light(), tasks::LIGHT_RED);
  tasks::ItemFilter open_red;
  open_red.add_lights(tasks::LIGHT_RED);
  open_red.set_open_only(true);
  const std::vector<tasks::Item> reds = ListItems(statistics, open_red);
  ASSERT_EQ(reds.size(), 1u);
  EXPECT_EQ(reds[0].id(), s1);

  // The last sub-item closes, and its parent with it.
  AdvanceTo(Local(2027, 1, 4, 9));
  ASSERT_TRUE(Call(clients().tasks(), &Tasks::ReportComplete, statistics,
                   WithIds(tasks::ReportCompleteRequest(), s1))
                  .ok());
  ASSERT_TRUE(
      Call(clients().tasks(), &Tasks::CloseOut, lead, WithIds(tasks::CloseOutRequest(), s1)).ok());
  auto parent = GetItem(lead, ItemId(3));
  ASSERT_TRUE(parent.ok()) << parent.status();
  EXPECT_EQ(parent->status(), tasks::ITEM_STATUS_CLOSED);
  EXPECT_EQ(FromProto(parent->closed_at()), Local(2027, 1, 4, 9));
  EXPECT_EQ(FromProto(parent->split_at()), Local(2026, 10, 14, 9));

  // Every transition in the audit, in order, with who and when.
  const std::string minutes_service = "service:minutes";
  const std::string at_issue =
      FormatLocal(FromProto(GetItem(lead, ItemId(1))->created_at()), zone_);
  EXPECT_THAT(
      Describe(TasksAudit(ItemId(1))),
      ElementsAre(
          absl::StrCat("tasks.DocumentIssued by ", minutes_service, " at ", at_issue),
          absl::StrCat("tasks.AcceptItem by ", Person("何二"), " at 2026-10-08T09:00:00+08:00"),
          absl::StrCat("tasks.AddProgressNote by ", Person("何二"),
                       " at 2026-10-08T09:00:00+08:00"),
          absl::StrCat("tasks.ReportComplete by ", Person("何二"), " at 2026-10-10T15:00:00+08:00"),
          absl::StrCat("tasks.CloseOut by ", Person("许一"), " at 2026-10-11T09:00:00+08:00")));
  EXPECT_THAT(
      Describe(TasksAudit(ItemId(2))),
      ElementsAre(absl::StrCat("tasks.DocumentIssued by ", minutes_service, " at ", at_issue),
                  absl::StrCat("tasks.RequestExtension by ", Person("吕三"),
                               " at 2026-10-12T09:00:00+08:00"),
                  absl::StrCat("tasks.DecideExtension by ", Person("许一"),
                               " at 2026-10-12T15:00:00+08:00")));
  EXPECT_THAT(
      Describe(TasksAudit(ItemId(3))),
      ElementsAre(
          absl::StrCat("tasks.DocumentIssued by ", minutes_service, " at ", at_issue),
          absl::StrCat("tasks.ReferItem by ", Person("何二"), " at 2026-10-13T09:00:00+08:00"),
          absl::StrCat("tasks.SplitItem by ", Person(kGroupMember),
                       " at 2026-10-14T09:00:00+08:00"),
          absl::StrCat("tasks.CloseOut by ", Person("许一"), " at 2027-01-04T09:00:00+08:00")));
  EXPECT_THAT(
      Describe(TasksAudit(s2)),
      ElementsAre(
          absl::StrCat("tasks.SplitItem by ", Person(kGroupMember),
                       " at 2026-10-14T09:00:00+08:00"),
          absl::StrCat("tasks.ReportComplete by ", Person("吕三"), " at 2026-11-20T09:00:00+08:00"),
          absl::StrCat("tasks.CloseOut by ", Person("许一"), " at 2026-11-20T09:00:00+08:00")));
}

// ---- Bad input: its code, a message naming the field, and nothing changed ----

TEST_F(WorkflowTest, BadInputsGetTheirCodeNameTheFieldAndChangeNothing) {
  StartCluster("workflow_bad", 21632);
  ImportSample();
  AdvanceTo(Local(2026, 9, 28, 9, 30));

  // Unknown leader.
  minutes::RecordDispatchEventRequest unknown_leader;
  unknown_leader.set_request_id(client::NewRequestId());
  unknown_leader.set_kind(minutes::DISPATCH_EVENT_KIND_MEETING);
  unknown_leader.set_leader_id("p-nobody");
  *unknown_leader.mutable_held_at() = ToProto(Local(2026, 9, 28, 10));
  unknown_leader.add_matter_ids(SecondLeadersMatter().id());
  unknown_leader.set_drafting_unit_id(Unit("发改局"));
  auto refused_leader =
      Call(clients().minutes(), &Minutes::RecordDispatchEvent, Token("沈三"), unknown_leader);
  EXPECT_EQ(refused_leader.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused_leader.status().message()), StartsWith("leader_id: "));
  minutes::ListDispatchEventsRequest list_events;
  auto events =
      Call(clients().minutes(), &Minutes::ListDispatchEvents, Token("admin"), list_events);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->events_size(), 0);

  auto event = RecordMeeting(Local(2026, 9, 28, 10));
  ASSERT_TRUE(event.ok()) << event.status();

  // Unknown unit in a draft.
  auto unknown_unit = SaveDraft(event->event().id(), "泉港政纪〔2026〕21号",
                                {Agreed(1, "报送分析", "u-nowhere", absl::CivilDay(2026, 10, 12))});
  EXPECT_EQ(unknown_unit.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown_unit.status().message()),
              StartsWith("items[0].responsible_unit_ids[0]: "));

  // Missing deadline, then missing unit: the draft saves but cannot be routed.
  minutes::AgreedItem no_deadline =
      Agreed(2, "排查隐患", Unit("应急局"), absl::CivilDay(2026, 10, 14));
  no_deadline.clear_deadline();
  auto saved =
      SaveDraft(event->event().id(), "泉港政纪〔2026〕21号",
                {Agreed(1, "报送分析", Unit("统计局"), absl::CivilDay(2026, 10, 12)), no_deadline});
  ASSERT_TRUE(saved.ok()) << saved.status();
  minutes::RouteForCountersignRequest route;
  route.set_request_id(client::NewRequestId());
  route.set_document_id(saved->document().id());
  auto unrouted = Call(clients().minutes(), &Minutes::RouteForCountersign, Token("许一"), route);
  EXPECT_EQ(unrouted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unrouted.status().message()), StartsWith("items[1].deadline: "));

  minutes::SaveDraftRequest no_unit;
  no_unit.set_request_id(client::NewRequestId());
  no_unit.set_event_id(event->event().id());
  no_unit.set_kind(minutes::DOCUMENT_KIND_MINUTES);
  no_unit.set_document_number("泉港政纪〔2026〕21号");
  *no_unit.add_items() = Agreed(1, "报送分析", "", absl::CivilDay(2026, 10, 12));
  no_unit.set_expected_revision(saved->document().revision());
  auto resaved = Call(clients().minutes(), &Minutes::SaveDraft, Token("许一"), no_unit);
  ASSERT_TRUE(resaved.ok()) << resaved.status();
  route.set_request_id(client::NewRequestId());
  unrouted = Call(clients().minutes(), &Minutes::RouteForCountersign, Token("许一"), route);
  EXPECT_EQ(unrouted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unrouted.status().message()),
              StartsWith("items[0].responsible_unit_ids: "));
  minutes::GetDocumentRequest get_document;
  get_document.set_document_id(saved->document().id());
  auto document = Call(clients().minutes(), &Minutes::GetDocument, Token("沈三"), get_document);
  ASSERT_TRUE(document.ok());
  EXPECT_EQ(document->document().state(), minutes::DOCUMENT_STATE_DRAFTING);
  EXPECT_EQ(document->document().revision(), resaved->document().revision());

  // The same document number for another event's minutes.
  auto other_event = RecordMeeting(Local(2026, 9, 28, 15));
  ASSERT_TRUE(other_event.ok()) << other_event.status();
  auto duplicate = SaveDraft(other_event->event().id(), "泉港政纪〔2026〕21号",
                             {Agreed(1, "报送分析", Unit("统计局"), absl::CivilDay(2026, 10, 12))});
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(duplicate.status().message()), HasSubstr("泉港政纪〔2026〕21号"));

  // Items made directly: unknown unit, missing deadline.
  tasks::CreateItemRequest create;
  create.set_request_id(client::NewRequestId());
  create.set_lead_unit_id(Unit("发改局"));
  create.add_responsible_unit_ids("u-nowhere");
  create.set_content("核对统计口径");
  *create.mutable_deadline() = DateDeadline(2026, 9, 30);
  auto bad_unit = Call(clients().tasks(), &Tasks::CreateItem, Token("沈三"), create);
  EXPECT_EQ(bad_unit.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_unit.status().message(),
            "responsible_unit_ids[0]: no unit u-nowhere in the registry");
  create.set_responsible_unit_ids(0, Unit("统计局"));
  create.clear_deadline();
  create.set_request_id(client::NewRequestId());
  auto no_deadline_item = Call(clients().tasks(), &Tasks::CreateItem, Token("沈三"), create);
  EXPECT_EQ(no_deadline_item.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_deadline_item.status().message()), StartsWith("deadline: "));
  EXPECT_EQ(CountItems(Token("admin")).count(), 0);

  *create.mutable_deadline() = DateDeadline(2026, 9, 30);
  create.set_request_id(client::NewRequestId());
  auto created = Call(clients().tasks(), &Tasks::CreateItem, Token("沈三"), create);
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string item_id = created->item().id();

  // Illegal transition: closing out an item not reported complete.
  tasks::CloseOutRequest close;
  close.set_request_id(client::NewRequestId());
  close.set_item_id(item_id);
  auto not_closed = Call(clients().tasks(), &Tasks::CloseOut, Token("许一"), close);
  EXPECT_EQ(not_closed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(not_closed.status().message()), HasSubstr("is ASSIGNED"));

  // A unit liaison acting for another unit.
  tasks::AcceptItemRequest accept;
  accept.set_request_id(client::NewRequestId());
  accept.set_item_id(item_id);
  auto not_theirs = Call(clients().tasks(), &Tasks::AcceptItem, Token("吕三"), accept);
  EXPECT_EQ(not_theirs.status().code(), absl::StatusCode::kPermissionDenied);
  minutes::CountersignRequest countersign;
  countersign.set_request_id(client::NewRequestId());
  countersign.set_document_id(saved->document().id());
  countersign.set_unit_id(Unit("统计局"));
  auto not_their_unit =
      Call(clients().minutes(), &Minutes::Countersign, Token("吕三"), countersign);
  EXPECT_EQ(not_their_unit.status().code(), absl::StatusCode::kPermissionDenied);

  // An extension requested after the deadline (end of 2026-09-30).
  AdvanceTo(Local(2026, 10, 1, 9));
  tasks::RequestExtensionRequest extend;
  extend.set_request_id(client::NewRequestId());
  extend.set_item_id(item_id);
  extend.set_reason("数据未齐");
  *extend.mutable_requested_deadline() = DateDeadline(2026, 10, 15);
  auto late = Call(clients().tasks(), &Tasks::RequestExtension, Token("何二"), extend);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().message(), "deadline: already passed at 2026-10-01T00:00:00+08:00");

  auto unchanged = GetItem(Token("admin"), item_id);
  ASSERT_TRUE(unchanged.ok()) << unchanged.status();
  EXPECT_EQ(unchanged->revision(), 1);
  EXPECT_EQ(unchanged->status(), tasks::ITEM_STATUS_ASSIGNED);
  EXPECT_EQ(unchanged->extensions_size(), 0);
  EXPECT_EQ(TasksAudit(item_id).size(), 1u);
}

// ---- The registry: rolling versions and the liaisons' history ----

TEST_F(WorkflowTest, ChangedImportMakesASecondVersionAndTheOldOneStaysAnswerable) {
  StartCluster("workflow_versions", 21648);
  AdvanceTo(Local(2026, 9, 28, 9, 30));
  auto first = ImportMatters(ExampleFile("dispatch_matters.csv"));
  ASSERT_TRUE(first.ok()) << first.status();
  const absl::Time between = Local(2026, 9, 28, 21);
  AdvanceTo(Local(2026, 9, 29, 9, 30));
  std::string changed = ExampleFile("dispatch_matters.csv");
  const std::string row_two_units = "新城投资公司\n大众公交公司\"";
  ASSERT_NE(changed.find(row_two_units), std::string::npos);
  changed.replace(changed.find(row_two_units), row_two_units.size(), "新城投资公司\"");
  auto second = ImportMatters(changed);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->changed());
  EXPECT_EQ(second->version().version(), first->version().version() + 1);
  EXPECT_EQ(second->version().matters_changed(), 1);
  EXPECT_EQ(second->version().matters_added(), 0);
  EXPECT_EQ(second->version().matters_retired(), 0);

  registry::ListRegistryVersionsRequest versions;
  auto listed =
      Call(clients().registry(), &Registry::ListRegistryVersions, Token("admin"), versions);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->versions_size(), 2);
  EXPECT_EQ(FromProto(listed->versions(0).created_at()), Local(2026, 9, 28, 9, 30));
  EXPECT_EQ(FromProto(listed->versions(1).created_at()), Local(2026, 9, 29, 9, 30));

  auto names = [&](const registry::Matter& matter) {
    std::vector<std::string> units;
    for (const std::string& id : matter.lead_unit_ids()) {
      units.push_back(session().UnitName(id).value_or(id));
    }
    return units;
  };
  EXPECT_THAT(names(SecondLeadersMatter()),
              ElementsAre("发改局", "统计局", "应急局", "科技局", "新城投资公司"));
  registry::ListMattersRequest then;
  *then.mutable_as_of() = ToProto(between);
  const registry::Matter old = SecondLeadersMatter(then);
  EXPECT_THAT(names(old),
              ElementsAre("发改局", "统计局", "应急局", "科技局", "新城投资公司", "大众公交公司"));
  EXPECT_EQ(old.id(), SecondLeadersMatter().id());
  EXPECT_EQ(old.version(), first->version().version());
}

TEST_F(WorkflowTest, ReplacingALiaisonNeedsAReasonKeepsHistoryAndMovesTheRightsAtOnce) {
  StartCluster("workflow_liaison", 21664);
  ImportSample();
  AdvanceTo(Local(2026, 9, 28, 10));
  const std::string unit = Unit("科技局");
  auto created = CreateItem(session(), Token("沈三"), Unit("发改局"), {unit}, "科技项目申报",
                            DateDeadline(2026, 10, 30));
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string old_liaison = Token("施四");
  EXPECT_EQ(CountItems(old_liaison).count(), 1);

  // Reports and reminders go through the liaison: the units that have none.
  registry::ListUnitsRequest without;
  without.set_without_liaison(true);
  auto lonely = Call(clients().registry(), &Registry::ListUnits, Token("admin"), without);
  ASSERT_TRUE(lonely.ok()) << lonely.status();
  std::vector<std::string> lonely_names;
  for (const auto& u : lonely->units()) lonely_names.push_back(u.name());
  EXPECT_THAT(lonely_names, UnorderedElementsAre("道安办", "高新公司"));
  AdvanceTo(Local(2026, 9, 29, 10));

  registry::AssignLiaisonRequest assign;
  assign.set_request_id(client::NewRequestId());
  assign.set_unit_id(unit);
  assign.set_person_name("新人甲");
  assign.set_phone("0595-00000099");
  auto refused = Call(clients().registry(), &Registry::AssignLiaison, Token("admin"), assign);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), StartsWith("reason: "));

  assign.set_request_id(client::NewRequestId());
  assign.set_reason("工作调动");
  auto replaced = Call(clients().registry(), &Registry::AssignLiaison, Token("admin"), assign);
  ASSERT_TRUE(replaced.ok()) << replaced.status();

  registry::ListLiaisonTermsRequest history;
  history.set_unit_id(unit);
  auto terms = Call(clients().registry(), &Registry::ListLiaisonTerms, Token("admin"), history);
  ASSERT_TRUE(terms.ok()) << terms.status();
  ASSERT_EQ(terms->terms_size(), 2);
  EXPECT_EQ(terms->terms(0).person_name(), "施四");
  EXPECT_EQ(FromProto(terms->terms(0).ended_at()), Local(2026, 9, 29, 10));
  EXPECT_EQ(terms->terms(1).person_name(), "新人甲");
  EXPECT_EQ(terms->terms(1).phone(), "0595-00000099");
  EXPECT_EQ(terms->terms(1).reason(), "工作调动");
  EXPECT_EQ(terms->terms(1).changed_by(), "admin");
  EXPECT_FALSE(terms->terms(1).has_ended_at());

  registry::GetLiaisonRequest as_of;
  as_of.set_unit_id(unit);
  *as_of.mutable_as_of() = ToProto(Local(2026, 9, 29, 9));
  auto then = Call(clients().registry(), &Registry::GetLiaison, Token("admin"), as_of);
  ASSERT_TRUE(then.ok()) << then.status();
  EXPECT_EQ(then->term().person_name(), "施四");

  // The replaced liaison, left without any role, loses the unit's items at
  // once (refused outright); the new one has them.
  {
    auto refused =
        Call(clients().tasks(), &Tasks::CountItems, old_liaison, tasks::CountItemsRequest());
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(std::string(refused.status().message()),
                ::testing::EndsWith("/CountItems requires a role in the registry; " +
                                    Person("施四") + " holds none"));
  }
  EXPECT_EQ(CountItems(Token("新人甲")).count(), 1);
}

// ---- Drafting counted in working days, and a clerk's dubanctl commands ----

class ClerkTest : public WorkflowTest {
 protected:
  // Runs a dubanctl clerk command as `as`; its output.
  std::string Run(const std::string& as, const std::vector<std::string>& args) {
    std::ostringstream out;
    const absl::Status status = client::ClerkCommands().at(args[0])(session(), args, as, out);
    EXPECT_TRUE(status.ok()) << absl::StrJoin(args, " ") << ": " << status;
    return out.str();
  }
  // The word after `label` in `text` ("document doc-1 saved" -> "doc-1").
  static std::string After(const std::string& text, const std::string& label) {
    const size_t at = text.find(label + " ");
    if (at == std::string::npos) return "";
    std::vector<std::string> words =
        absl::StrSplit(text.substr(at + label.size() + 1), absl::ByAnyChar(" \n"));
    return words.empty() ? "" : words[0];
  }
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = absl::StrCat(::testing::TempDir(), "/", name);
    std::ofstream(path) << text;
    return path;
  }
  absl::FlagSaver flags_;
};

TEST_F(ClerkTest, WorkingDayDraftIsDueAfterTheMakeUpSaturdayAndDubanctlCarriesItToClosedItems) {
  ClusterOptions options;
  options.service_flags["minutes"] = {"--draft_working_days"};
  StartCluster("workflow_workdays", 21680, options);
  ASSERT_TRUE(ImportWorkCalendar(session(), ExampleFile("work_calendar_2026.csv")).ok());
  ImportSample();
  AdvanceTo(Local(2026, 9, 30, 9));

  // 2026-09-30, then October 1 to 7 off, 8 and 9 worked, Saturday the 10th made up.
  auto event = RecordMeeting(Local(2026, 9, 30, 10));
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(FormatLocal(FromProto(event->event().draft_due_at()), zone_),
            "2026-10-11T00:00:00+08:00");

  // The same through dubanctl, for a field visit the same day.
  absl::SetFlag(&FLAGS_leader, "李四");
  absl::SetFlag(&FLAGS_held_at, "2026-09-30T15:00");
  absl::SetFlag(&FLAGS_matter, "2");
  absl::SetFlag(&FLAGS_drafting_unit, "发改局");
  const std::string recorded = Run("沈三", {"record-event"});
  EXPECT_THAT(recorded, HasSubstr("draft due 2026-10-11T00:00:00+08:00"));
  const std::string event_id = After(recorded, "event");

  const std::string sheet =
      WriteFile("form4.csv",
                "序号,事项名称,难点痛点堵点,解决措施,责任单位,完成情况,完成时限\n"
                "1,报送重点项目进度,数据分散,按周汇总,统计局,,2026-10-20\n"
                "2,整治施工安全隐患,点多面广,分片包干,\"统计局\n应急局\",,2026年11月30日\n");
  absl::SetFlag(&FLAGS_number, "泉港政纪〔2026〕31号");
  const std::string document_id = After(Run("许一", {"draft", event_id, sheet}), "document");
  absl::SetFlag(&FLAGS_units, "统计局,应急局");
  EXPECT_THAT(Run("许一", {"route", document_id}), HasSubstr("COUNTERSIGNING"));
  absl::SetFlag(&FLAGS_unit, "统计局");
  Run("何二", {"countersign", document_id});
  absl::SetFlag(&FLAGS_unit, "应急局");
  EXPECT_THAT(Run("吕三", {"countersign", document_id}), HasSubstr("AWAITING_SIGN_OFF"));
  EXPECT_THAT(Run("李四", {"issue", document_id}), HasSubstr("ISSUED"));
  AdvanceTo(Local(2026, 10, 8, 9));

  absl::SetFlag(&FLAGS_unit, "应急局");
  const std::string listed = Run("吕三", {"items"});
  EXPECT_THAT(listed, HasSubstr(absl::StrCat(document_id,
                                             "-2  GREEN  ASSIGNED  due 2026-11-30  "
                                             "统计局、应急局  整治施工安全隐患")));
  EXPECT_THAT(listed, HasSubstr("1 items"));
  const std::string first = document_id + "-1";
  const std::string second = document_id + "-2";
  absl::SetFlag(&FLAGS_unit, "");
  EXPECT_THAT(Run("何二", {"accept", first}), HasSubstr("ACCEPTED"));
  EXPECT_THAT(Run("何二", {"progress", first, "已汇总三周数据"}), HasSubstr("IN_PROGRESS"));
  EXPECT_THAT(Run("何二", {"complete", first, "已报送"}), HasSubstr("DONE  REPORTED_COMPLETE"));
  EXPECT_THAT(Run("许一", {"return", first, "缺少第四周数据"}), HasSubstr("IN_PROGRESS"));
  Run("何二", {"complete", first});
  EXPECT_THAT(Run("许一", {"close", first}), HasSubstr("DONE  CLOSED"));

  absl::SetFlag(&FLAGS_deadline, "2026-12-15");
  const std::string requested = Run("吕三", {"extend", second, "汛期停工"});
  const std::string extension_id = After(requested, "extension");
  EXPECT_THAT(Run("许一", {"decide-extension", second, extension_id, "approve"}),
              HasSubstr("due 2026-12-15 (originally 2026-11-30)"));
  Run("吕三", {"refer", second, "涉及两个部门"});
  const std::string parts =
      WriteFile("parts.csv",
                "序号,事项名称,难点痛点堵点,解决措施,责任单位,完成情况,完成时限\n"
                "1,统计施工点位,,,统计局,,2026-11-20\n"
                "2,整治施工隐患,,,应急局,,2026-12-10\n");
  const std::string split = Run(kGroupMember, {"split", second, parts});
  EXPECT_THAT(split, HasSubstr(absl::StrCat(second, "  GREEN  SPLIT")));
  EXPECT_THAT(split,
              HasSubstr(absl::StrCat(second, "-s2  GREEN  ASSIGNED  due 2026-12-10  应急局")));
  EXPECT_EQ(CountItems(Token("admin")).count(), 4);
}

// Runs the dubanctl binary against the cluster, as an operator does.
class DubanctlTest : public WorkflowTest {
 protected:
  struct Outcome {
    int exit_code = -1;
    std::string output;  // stdout and stderr
  };

  // Runs `dubanctl ARGS` with the cluster's addresses, secret and clock; `env`
  // overrides settings ("DUBAN_TASKS_ADDR=127.0.0.1:1").
  Outcome Dubanctl(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    const std::string secret = absl::StrCat(::testing::TempDir(), "/dubanctl_jwt.secret");
    std::ofstream(secret) << session().options().jwt_secret;
    std::string command = absl::StrCat("env DUBAN_JWT_SECRET_FILE='", secret,
                                       "' DUBAN_TEST_CLOCK_FILE='", cluster_->clock_file(), "'");
    for (const std::string& name : client::ServiceNames()) {
      absl::StrAppend(&command, " DUBAN_", absl::AsciiStrToUpper(name),
                      "_ADDR=", cluster_->address(name));
    }
    for (const std::string& setting : env) absl::StrAppend(&command, " '", setting, "'");
    absl::StrAppend(&command, " ", DUBAN_BUILD_DIR, "/cli/dubanctl/dubanctl");
    for (const std::string& arg : args) absl::StrAppend(&command, " '", arg, "'");
    absl::StrAppend(&command, " 2>&1");
    Outcome outcome;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return outcome;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) outcome.output.append(buffer, n);
    const int status = pclose(pipe);
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return outcome;
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = absl::StrCat(::testing::TempDir(), "/", name);
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(DubanctlTest, RefusesBadRequestsReplacesALiaisonWithAReasonAndSaysWhatItCouldNotDo) {
  StartCluster("workflow_dubanctl", 22760);
  ImportSample();

  // Bad requests fail, naming what is unknown.
  Outcome unit = Dubanctl({"items", "--unit=nosuch"});
  EXPECT_EQ(unit.exit_code, 1);
  EXPECT_THAT(unit.output, HasSubstr("NOT_FOUND: unit: no unit named or with id 'nosuch'"));
  Outcome person = Dubanctl({"items", "--as=nobody"});
  EXPECT_EQ(person.exit_code, 1);
  EXPECT_THAT(person.output, HasSubstr("NOT_FOUND: person: no one named or with id 'nobody'"));
  Outcome token = Dubanctl({"token", "nobody"});
  EXPECT_EQ(token.exit_code, 1);
  EXPECT_THAT(token.output, HasSubstr("person: no one named or with id 'nobody'"));
  Outcome service = Dubanctl({"health", "--service=nosuch"});
  EXPECT_EQ(service.exit_code, 1);
  EXPECT_THAT(service.output, HasSubstr("the services are registry, minutes, tasks, reporting, "
                                        "scheduler, supervision"));
  EXPECT_EQ(Dubanctl({"items", "--unit=应急局"}).exit_code, 0);

  // Replacing a liaison needs --reason.
  const std::string replace =
      WriteFile("replace.csv", "单位,联络员,联系电话\n应急局,新人乙,0595-99999999\n");
  Outcome refused = Dubanctl({"import-liaisons", replace});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.output, HasSubstr("reason: required to replace the liaison of 应急局"));
  Outcome replaced = Dubanctl({"import-liaisons", replace, "--reason=工作调动"});
  EXPECT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_EQ(replaced.output, "1 liaisons assigned, 0 unchanged\n");

  // A form 2 of one row retires the other seven matters, and says so.
  const std::string form2 = ExampleFile("dispatch_matters.csv");
  const size_t second_row = form2.find("\n2,");
  ASSERT_NE(second_row, std::string::npos);
  Outcome imported =
      Dubanctl({"import-matters", WriteFile("one_row.csv", form2.substr(0, second_row + 1))});
  EXPECT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_THAT(imported.output,
              StartsWith("imported as version 2: 0 matters added, 0 changed, 7 retired; "));
  EXPECT_THAT(imported.output, HasSubstr("note: 7 matters of the previous version are not in the "
                                         "file and were retired"));

  // A misspelt leader (王伍 for 王五, row 3 on line 10) is imported as a new leader, and said so.
  std::string misspelt = form2;
  misspelt.replace(misspelt.find("3,王五,"), std::string("3,王五,").size(), "3,王伍,");
  Outcome warned = Dubanctl({"import-matters", WriteFile("misspelt.csv", misspelt)});
  EXPECT_EQ(warned.exit_code, 0) << warned.output;
  // Rows 2 to 8 come back (王伍's as a new matter); 王五's stays retired.
  EXPECT_THAT(warned.output, StartsWith("imported as version 3: 7 matters added, 0 changed, 0 "
                                        "retired; "));
  EXPECT_THAT(warned.output,
              EndsWith("\nWARNING: this import made 1 new district leader; a misspelt name "
                       "becomes a new leader, so check it:\n"
                       "  new leader 王伍 (line 10): not in the registry before this import\n"));

  // An export is written under the name reporting gives it.
  const std::string out_dir = absl::StrCat(::testing::TempDir(), "/dubanctl_exports");
  Outcome exported =
      Dubanctl({"export", "circular", "--month=2026-09", "--format=csv",
                absl::StrCat("--out_dir=", out_dir), absl::StrCat("--as=", kGroupMember)});
  EXPECT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_EQ(exported.output, absl::StrCat(out_dir, "/调度工作通报-2026-09.csv\n"));
  EXPECT_THAT(
      client::ReadFile(absl::StrCat(out_dir, "/调度工作通报-2026-09.csv")).value_or(""),
      StartsWith("\xEF\xBB\xBF月份,单位,类别,编号,内容,完成时限,原定时限,月末逾期天数\r\n"));
  Outcome no_period = Dubanctl({"export", "form3", "--unit=应急局"});
  EXPECT_EQ(no_period.exit_code, 1);
  EXPECT_THAT(no_period.output, HasSubstr("period: required for a form, as 2026-10-2"));

  // An unreachable service: the call gives up, naming it and its address.
  Outcome unreachable =
      Dubanctl({"items", "--unit=应急局", "--timeout=1s"}, {"DUBAN_TASKS_ADDR=127.0.0.1:1"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_THAT(unreachable.output, HasSubstr("DEADLINE_EXCEEDED: tasks at 127.0.0.1:1"));

  // Settling with supervision down fails, saying the clock has moved.
  ASSERT_TRUE(cluster_->StopService("supervision").ok());
  Outcome advanced = Dubanctl({"clock", "advance", "26h"});
  EXPECT_EQ(advanced.exit_code, 1);
  EXPECT_THAT(advanced.output, HasSubstr("the clock has moved to 2026-09-29T11:00:00+08:00 but"));
  EXPECT_THAT(advanced.output, HasSubstr("supervision: "));
  ASSERT_TRUE(cluster_->StartService("supervision").ok());
  Outcome settled = Dubanctl({"clock", "settle"});
  EXPECT_EQ(settled.exit_code, 0) << settled.output;
  EXPECT_THAT(settled.output, StartsWith("2026-09-29T11:00:00+08:00  ("));
}

}  // namespace
}  // namespace duban::testing

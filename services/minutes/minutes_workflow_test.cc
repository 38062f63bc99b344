// The minutes workflow against a real MariaDB (DUBAN_TEST_DB_SOCKET), with a
// fake registry: events, drafts and issue, their outbox rows and audit.
#include "services/minutes/minutes_workflow.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <google/protobuf/any.pb.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/db/outbox.h"
#include "common/testing/callers.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"
#include "common/validation.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "services/minutes/migrations.h"

namespace duban::minutes {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 10, 12, 2, 0, 0), absl::UTCTimeZone());

class FakeRegistry final : public RegistryDirectory {
 public:
  FakeRegistry() {
    AddPerson("p-wang", "王五", true);
    AddPerson("p-clerk", "张三", false);
    AddMatter("m-1", "p-wang");
    AddMatter("m-2", "p-other");
    for (const char* unit : {"u-ns", "u-yj", "u-zj"}) units_[unit].set_id(unit);
  }
  absl::StatusOr<registry::v1::Person> GetPerson(const std::string& id) override {
    auto found = people_.find(id);
    if (found == people_.end()) return absl::NotFoundError("person " + id);
    return found->second;
  }
  absl::StatusOr<registry::v1::Unit> GetUnit(const std::string& id) override {
    auto found = units_.find(id);
    if (found == units_.end()) return absl::NotFoundError("unit " + id);
    return found->second;
  }
  absl::StatusOr<registry::v1::Matter> GetMatter(const std::string& id) override {
    auto found = matters_.find(id);
    if (found == matters_.end()) return absl::NotFoundError("matter " + id);
    return found->second;
  }
  // Version 2 from 2026-10-01 00:00 UTC, version 3 from kStart - 1h; none before.
  absl::StatusOr<registry::v1::ListMattersResponse> ListLeaderMatters(const std::string& leader_id,
                                                                      absl::Time as_of) override {
    registry::v1::ListMattersResponse response;
    if (as_of < absl::FromCivil(absl::CivilDay(2026, 10, 1), absl::UTCTimeZone())) {
      return response;
    }
    response.set_version(as_of < kStart - absl::Hours(1) ? 2 : 3);
    for (const auto& [id, matter] : matters_) {
      if (matter.leader_id() == leader_id) *response.add_matters() = matter;
    }
    return response;
  }

  absl::StatusOr<std::vector<std::string>> MattersSupervisedBy(const std::string& id) override {
    if (id == "p-chen") return std::vector<std::string>{"m-1"};
    return std::vector<std::string>{};
  }

 private:
  void AddPerson(const std::string& id, const std::string& name, bool leader) {
    registry::v1::Person& person = people_[id];
    person.set_id(id);
    person.set_name(name);
    if (leader) person.add_roles()->set_kind(registry::v1::ROLE_KIND_DISTRICT_LEADER);
  }
  void AddMatter(const std::string& id, const std::string& leader) {
    matters_[id].set_id(id);
    matters_[id].set_leader_id(leader);
  }
  std::map<std::string, registry::v1::Person> people_;
  std::map<std::string, registry::v1::Unit> units_;
  std::map<std::string, registry::v1::Matter> matters_;
};

Caller Service() { return testing::ServiceCaller("service:tests"); }

Caller LiaisonOf(const std::string& unit) { return testing::UnitLiaisonCaller(unit); }

class MinutesWorkflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = testing::TestDatabase::CreateMigrated("minutes", Migrations());
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = std::move(*database);
    workflow_ = std::make_unique<MinutesWorkflow>(&database_->pool(), &clock_,
                                                  *LoadZone("Asia/Shanghai"), &registry_);
  }

  std::vector<std::string> Column(const std::string& query) {
    std::vector<std::string> values;
    EXPECT_TRUE(db::WithConnection(database_->pool(), [&](sql::Connection& conn) {
                  std::unique_ptr<sql::Statement> statement(conn.createStatement());
                  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(query));
                  while (rows->next()) values.push_back(rows->getString(1));
                  return absl::OkStatus();
                }).ok());
    return values;
  }

  // The payloads enqueued for `destination`, oldest first.
  std::vector<google::protobuf::Any> Outbox(const std::string& destination) {
    std::vector<google::protobuf::Any> payloads;
    for (const std::string& bytes : Column(absl::StrCat(
             "SELECT payload FROM outbox WHERE destination = '", destination, "' ORDER BY seq"))) {
      payloads.emplace_back().ParseFromString(bytes);
    }
    return payloads;
  }

  v1::RecordDispatchEventRequest EventRequest() {
    v1::RecordDispatchEventRequest request;
    request.set_request_id("rec-1");
    request.set_kind(v1::DISPATCH_EVENT_KIND_MEETING);
    request.set_leader_id("p-wang");
    *request.mutable_held_at() = ToProto(kStart);
    request.set_title("农业水利调度会");
    request.add_matter_ids("m-1");
    request.set_drafting_unit_id("u-ns");
    return request;
  }

  v1::DispatchEvent RecordEvent() {
    v1::RecordDispatchEventResponse response;
    const absl::Status status =
        workflow_->RecordDispatchEvent(Service(), EventRequest(), &response);
    EXPECT_TRUE(status.ok()) << status;
    return response.event();
  }

  v1::SaveDraftRequest DraftRequest(const std::string& event_id) {
    v1::SaveDraftRequest request;
    request.set_request_id("save-1");
    request.set_event_id(event_id);
    request.set_kind(v1::DOCUMENT_KIND_MINUTES);
    request.set_title("会议纪要");
    request.set_document_number("泉港政纪〔2026〕12号");
    for (const char* unit : {"u-yj", "u-zj"}) {
      v1::AgreedItem* item = request.add_items();
      item->set_task(absl::StrCat("task for ", unit));
      item->add_responsible_unit_ids(unit);
      *item->mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 10, 23));
    }
    return request;
  }

  FakeClock clock_{kStart + absl::Hours(1)};
  FakeRegistry registry_;
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<MinutesWorkflow> workflow_;
};

TEST_F(MinutesWorkflowTest, RecordingAnEventRegistersTheDraftDeadline) {
  const v1::DispatchEvent event = RecordEvent();

  EXPECT_THAT(event.id(), StartsWith("ev-"));
  EXPECT_EQ(event.registry_version(), 3);
  EXPECT_EQ(event.held_on().day(), 12);
  EXPECT_EQ(FormatLocal(FromProto(event.draft_due_at()), *LoadZone("Asia/Shanghai")),
            "2026-10-16T00:00:00+08:00");

  const auto payloads = Outbox("scheduler");
  ASSERT_EQ(payloads.size(), 2u);
  scheduler::v1::DeadlineRegistered registered;
  ASSERT_TRUE(payloads[0].UnpackTo(&registered));
  EXPECT_EQ(registered.subject().kind(), common::v1::SUBJECT_KIND_DRAFT);
  EXPECT_EQ(registered.subject().id(), event.id());
  EXPECT_EQ(registered.owner_unit_id(), "u-ns");
  EXPECT_EQ(registered.deadline().date().day(), 15);
  EXPECT_EQ(registered.rule(), "draft.calendar_days");
  // The leader held a dispatch event in October (local): the month's cycle is met.
  scheduler::v1::DeadlineMet cycle;
  ASSERT_TRUE(payloads[1].UnpackTo(&cycle));
  EXPECT_EQ(cycle.subject().kind(), common::v1::SUBJECT_KIND_DISPATCH_CYCLE);
  EXPECT_EQ(cycle.subject().id(), "p-wang@2026-10");
  EXPECT_EQ(FromProto(cycle.met_at()), kStart);
  EXPECT_EQ(Column("SELECT ordering_key FROM outbox ORDER BY seq"),
            (std::vector<std::string>{"DRAFT/" + event.id(), "DISPATCH_CYCLE/p-wang@2026-10"}));
  EXPECT_EQ(Column("SELECT action FROM audit_log"),
            std::vector<std::string>{"minutes.RecordDispatchEvent"});
}

TEST_F(MinutesWorkflowTest, BadEventsAreRefusedNamingTheFieldAndWriteNothing) {
  struct Case {
    std::function<void(v1::RecordDispatchEventRequest&)> spoil;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.set_leader_id("p-nobody"); }, "leader_id: no district leader p-nobody"},
      {[](auto& r) { r.set_leader_id("p-clerk"); }, "leader_id: no district leader p-clerk"},
      {[](auto& r) { r.set_matter_ids(0, "m-2"); }, "matter_ids[0]: matter m-2 belongs to"},
      {[](auto& r) { r.set_matter_ids(0, "m-9"); }, "matter_ids[0]: no matter m-9"},
      {[](auto& r) { r.set_drafting_unit_id("u-none"); }, "drafting_unit_id: no unit u-none"},
      {[](auto& r) { r.clear_held_at(); }, "held_at:"},
      {[](auto& r) { r.set_kind(v1::DISPATCH_EVENT_KIND_UNSPECIFIED); }, "kind:"},
      {[](auto& r) { r.set_title(std::string(1'000'000, 'x')); },
       "title: at most 200 characters (got 1000000)"},
      {[](auto& r) { r.set_title("调度\n会"); }, "title: contains control character U+000A"},
      {[](auto& r) { r.mutable_held_at()->set_seconds(253402221600); },  // 9999-12-31T02:00Z
       "held_at: must fall in the years 2000 to 2199"},
  };
  for (const Case& c : cases) {
    v1::RecordDispatchEventRequest request = EventRequest();
    c.spoil(request);
    v1::RecordDispatchEventResponse response;
    const absl::Status status = workflow_->RecordDispatchEvent(Service(), request, &response);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message));
  }
  EXPECT_TRUE(Column("SELECT id FROM dispatch_events").empty());
  EXPECT_TRUE(Column("SELECT seq FROM outbox").empty());
}

TEST_F(MinutesWorkflowTest, DirectPathIssuesOnceEvenWhenRetried) {
  const v1::DispatchEvent event = RecordEvent();
  v1::SaveDraftResponse saved;
  ASSERT_TRUE(workflow_->SaveDraft(LiaisonOf("u-ns"), DraftRequest(event.id()), &saved).ok());
  EXPECT_EQ(saved.document().state(), v1::DOCUMENT_STATE_DRAFTING);
  const std::string document_id = saved.document().id();

  v1::RouteForCountersignRequest route;
  route.set_request_id("route-1");
  route.set_document_id(document_id);
  v1::RouteForCountersignResponse routed;
  ASSERT_TRUE(workflow_->RouteForCountersign(LiaisonOf("u-ns"), route, &routed).ok());
  EXPECT_EQ(routed.document().state(), v1::DOCUMENT_STATE_AWAITING_SIGN_OFF);

  v1::SignOffAndIssueRequest issue;
  issue.set_request_id("issue-1");
  issue.set_document_id(document_id);
  v1::SignOffAndIssueResponse first;
  v1::SignOffAndIssueResponse retried;
  ASSERT_TRUE(workflow_->SignOffAndIssue(Service(), issue, &first).ok());
  clock_.Advance(absl::Minutes(5));
  ASSERT_TRUE(workflow_->SignOffAndIssue(Service(), issue, &retried).ok());
  EXPECT_EQ(first.SerializeAsString(), retried.SerializeAsString());
  EXPECT_EQ(first.document().state(), v1::DOCUMENT_STATE_ISSUED);
  EXPECT_EQ(first.document().items(1).item_id(), document_id + "-2");

  issue.set_request_id("issue-2");
  v1::SignOffAndIssueResponse again;
  const absl::Status status = workflow_->SignOffAndIssue(Service(), issue, &again);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("is ISSUED"));

  const auto to_tasks = Outbox("tasks");
  ASSERT_EQ(to_tasks.size(), 1u);
  v1::DocumentIssued issued;
  ASSERT_TRUE(to_tasks[0].UnpackTo(&issued));
  EXPECT_EQ(issued.document().items_size(), 2);
  EXPECT_EQ(issued.event().id(), event.id());

  const auto to_scheduler = Outbox("scheduler");
  ASSERT_EQ(to_scheduler.size(), 3u);
  scheduler::v1::DeadlineMet met;
  ASSERT_TRUE(to_scheduler[2].UnpackTo(&met));
  EXPECT_EQ(met.subject().id(), event.id());
  EXPECT_EQ(FromProto(met.met_at()), kStart + absl::Hours(1));
}

TEST_F(MinutesWorkflowTest, RoutingAnIncompleteDraftNamesTheItem) {
  const v1::DispatchEvent event = RecordEvent();
  v1::SaveDraftRequest draft = DraftRequest(event.id());
  draft.mutable_items(1)->clear_deadline();
  v1::SaveDraftResponse saved;
  ASSERT_TRUE(workflow_->SaveDraft(Service(), draft, &saved).ok());

  v1::RouteForCountersignRequest route;
  route.set_request_id("route-1");
  route.set_document_id(saved.document().id());
  v1::RouteForCountersignResponse routed;
  const absl::Status status = workflow_->RouteForCountersign(Service(), route, &routed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("items[1].deadline:"));
  EXPECT_EQ(Outbox("scheduler").size(), 2u) << "the draft deadline is not met";
}

TEST_F(MinutesWorkflowTest, DocumentNumberIsUniquePerPrefixAndYear) {
  const v1::DispatchEvent first = RecordEvent();
  v1::RecordDispatchEventRequest second_request = EventRequest();
  second_request.set_request_id("rec-2");
  v1::RecordDispatchEventResponse second;
  ASSERT_TRUE(workflow_->RecordDispatchEvent(Service(), second_request, &second).ok());

  v1::SaveDraftResponse saved;
  ASSERT_TRUE(workflow_->SaveDraft(Service(), DraftRequest(first.id()), &saved).ok());
  v1::SaveDraftRequest clash = DraftRequest(second.event().id());
  clash.set_request_id("save-2");
  clash.set_document_number("泉港政纪[2026]12号");
  const absl::Status status = workflow_->SaveDraft(Service(), clash, &saved);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(status.message()), StartsWith("document_number:"));

  clash.set_request_id("save-3");
  clash.set_document_number("泉港政纪〔2027〕12号");
  EXPECT_TRUE(workflow_->SaveDraft(Service(), clash, &saved).ok());
}

TEST_F(MinutesWorkflowTest, AnIssuedDocumentKeepsItsNumber) {
  const v1::DispatchEvent first = RecordEvent();
  v1::SaveDraftResponse saved;
  ASSERT_TRUE(workflow_->SaveDraft(Service(), DraftRequest(first.id()), &saved).ok());
  v1::RouteForCountersignRequest route;
  route.set_request_id("route-1");
  route.set_document_id(saved.document().id());
  v1::RouteForCountersignResponse routed;
  ASSERT_TRUE(workflow_->RouteForCountersign(Service(), route, &routed).ok());
  v1::SignOffAndIssueRequest issue;
  issue.set_request_id("issue-1");
  issue.set_document_id(saved.document().id());
  v1::SignOffAndIssueResponse issued;
  ASSERT_TRUE(workflow_->SignOffAndIssue(Service(), issue, &issued).ok());

  v1::RecordDispatchEventRequest second_request = EventRequest();
  second_request.set_request_id("rec-2");
  v1::RecordDispatchEventResponse second;
  ASSERT_TRUE(workflow_->RecordDispatchEvent(Service(), second_request, &second).ok());
  v1::SaveDraftRequest clash = DraftRequest(second.event().id());
  clash.set_request_id("save-2");
  const absl::Status status = workflow_->SaveDraft(Service(), clash, &saved);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(status.message()), StartsWith("document_number:"));
}

TEST_F(MinutesWorkflowTest, AnotherUnitsLiaisonMayNotDraft) {
  const v1::DispatchEvent event = RecordEvent();
  v1::SaveDraftResponse saved;
  const absl::Status status =
      workflow_->SaveDraft(LiaisonOf("u-yj"), DraftRequest(event.id()), &saved);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
}

Caller SupervisingOfficeLeader(const std::string& person_id) {
  registry::v1::Principal principal;
  principal.set_subject(person_id);
  principal.set_person_id(person_id);
  principal.add_roles()->set_kind(registry::v1::ROLE_KIND_SUPERVISING_OFFICE_LEADER);
  return Caller(principal);
}

TEST_F(MinutesWorkflowTest, SupervisingOfficeLeaderReadsOnlyWhatTheirMattersProduced) {
  const v1::DispatchEvent event = RecordEvent();  // matter m-1
  v1::SaveDraftResponse saved;
  ASSERT_TRUE(workflow_->SaveDraft(LiaisonOf("u-ns"), DraftRequest(event.id()), &saved).ok());

  EXPECT_TRUE(workflow_->GetDispatchEvent(SupervisingOfficeLeader("p-chen"), event.id()).ok());
  EXPECT_TRUE(
      workflow_->GetDocument(SupervisingOfficeLeader("p-chen"), saved.document().id()).ok());
  v1::ListDocumentsResponse documents;
  ASSERT_TRUE(workflow_->ListDocuments(SupervisingOfficeLeader("p-chen"), {}, &documents).ok());
  EXPECT_EQ(documents.documents_size(), 1);

  const Caller other = SupervisingOfficeLeader("p-feng");
  EXPECT_EQ(workflow_->GetDispatchEvent(other, event.id()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(workflow_->GetDocument(other, saved.document().id()).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListDispatchEventsResponse events;
  ASSERT_TRUE(workflow_->ListDispatchEvents(other, {}, &events).ok());
  EXPECT_EQ(events.events_size(), 0);
}

TEST_F(MinutesWorkflowTest, AnEventRefersToTheRegistryVersionItWasHeldUnder) {
  v1::RecordDispatchEventRequest request = EventRequest();
  *request.mutable_held_at() = ToProto(kStart - absl::Hours(2));
  v1::RecordDispatchEventResponse response;
  ASSERT_TRUE(workflow_->RecordDispatchEvent(Service(), request, &response).ok());
  EXPECT_EQ(response.event().registry_version(), 2);

  // Held before the registry had any version: the current one.
  request.set_request_id("rec-2");
  *request.mutable_held_at() = ToProto(kStart - absl::Hours(24 * 30));
  ASSERT_TRUE(workflow_->RecordDispatchEvent(Service(), request, &response).ok());
  EXPECT_EQ(response.event().registry_version(), 3);

  // Held long before the registry had any version: refused, nothing written.
  request.set_request_id("rec-3");
  *request.mutable_held_at() =
      ToProto(absl::FromCivil(absl::CivilSecond(2020, 1, 1, 2, 0, 0), absl::UTCTimeZone()));
  const absl::Status refused = workflow_->RecordDispatchEvent(Service(), request, &response);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message(),
            "held_at: 2020-01-01T10:00:00+08:00 is before the matter registry's first version");
  EXPECT_EQ(Column("SELECT id FROM dispatch_events").size(), 2u);
}

TEST_F(MinutesWorkflowTest, AListPageOfDocumentsStopsBeforeOutgrowingAMessage) {
  // Two drafts of about 1.8 MB each (100 rows of full-length text in 3-byte
  // characters): within the record limit each, too much for one page together.
  std::string text;
  for (size_t i = 0; i < kMaxContentChars; ++i) text += "水";
  std::vector<std::string> ids;
  for (const char* suffix : {"1", "2"}) {
    v1::RecordDispatchEventRequest record = EventRequest();
    record.set_request_id(absl::StrCat("rec-", suffix));
    v1::RecordDispatchEventResponse recorded;
    ASSERT_TRUE(workflow_->RecordDispatchEvent(Service(), record, &recorded).ok());
    v1::SaveDraftRequest draft = DraftRequest(recorded.event().id());
    draft.set_request_id(absl::StrCat("save-", suffix));
    draft.set_document_number(absl::StrCat("泉港政纪〔2026〕", suffix, "号"));
    draft.mutable_items()->DeleteSubrange(1, 1);
    v1::AgreedItem* row = draft.mutable_items(0);
    row->set_task(text), row->set_blockers(text), row->set_measures(text);
    for (int i = 1; i < 100; ++i) *draft.add_items() = draft.items(0);
    v1::SaveDraftResponse saved;
    const absl::Status status = workflow_->SaveDraft(LiaisonOf("u-ns"), draft, &saved);
    ASSERT_TRUE(status.ok()) << status;
    ids.push_back(saved.document().id());
  }

  v1::ListDocumentsRequest list;
  v1::ListDocumentsResponse first;
  ASSERT_TRUE(workflow_->ListDocuments(Service(), list, &first).ok());
  ASSERT_EQ(first.documents_size(), 1);
  ASSERT_FALSE(first.next_page_token().empty());
  list.set_page_token(first.next_page_token());
  v1::ListDocumentsResponse second;
  ASSERT_TRUE(workflow_->ListDocuments(Service(), list, &second).ok());
  ASSERT_EQ(second.documents_size(), 1);
  EXPECT_NE(second.documents(0).id(), first.documents(0).id());
  EXPECT_THAT(ids,
              ::testing::UnorderedElementsAre(first.documents(0).id(), second.documents(0).id()));
}

TEST_F(MinutesWorkflowTest, DraftRowsDueBeforeTheEventOrTooLongAreRefusedAndWriteNothing) {
  const v1::DispatchEvent event = RecordEvent();  // Held on 2026-10-12 (local).
  v1::SaveDraftResponse saved;

  v1::SaveDraftRequest early = DraftRequest(event.id());
  *early.mutable_items(1)->mutable_deadline()->mutable_date() =
      ToProto(absl::CivilDay(2026, 10, 11));
  absl::Status status = workflow_->SaveDraft(LiaisonOf("u-ns"), early, &saved);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "items[1].deadline: 2026-10-11 is before the dispatch event's date 2026-10-12");

  v1::SaveDraftRequest wordy = DraftRequest(event.id());
  wordy.mutable_items(0)->set_measures(std::string(2001, 'x'));
  status = workflow_->SaveDraft(LiaisonOf("u-ns"), wordy, &saved);
  EXPECT_EQ(status.message(), "items[0].measures: at most 2000 characters (got 2001)");

  v1::SaveDraftRequest crowded = DraftRequest(event.id());
  for (size_t i = 2; i <= kMaxRowsPerList; ++i) *crowded.add_items() = crowded.items(0);
  status = workflow_->SaveDraft(LiaisonOf("u-ns"), crowded, &saved);
  EXPECT_EQ(status.message(), "items: at most 500 entries (got 501)");

  EXPECT_TRUE(Column("SELECT id FROM documents").empty());

  // Due on the day the event was held is fine.
  v1::SaveDraftRequest same_day = DraftRequest(event.id());
  *same_day.mutable_items(1)->mutable_deadline()->mutable_date() =
      ToProto(absl::CivilDay(2026, 10, 12));
  status = workflow_->SaveDraft(LiaisonOf("u-ns"), same_day, &saved);
  EXPECT_TRUE(status.ok()) << status;
}

TEST_F(MinutesWorkflowTest, WorkingDayDraftingCountsTheRegistrysCalendar) {
  calendar::WorkCalendar calendar;
  for (int day = 1; day <= 7; ++day) calendar.AddHoliday(absl::CivilDay(2026, 10, day), "国庆节");
  calendar.AddMakeUpWorkday(absl::CivilDay(2026, 10, 10), "国庆节调休上班");
  auto shared = std::make_shared<const calendar::WorkCalendar>(calendar);
  DraftDeadlineOptions options;
  options.working_days = true;
  MinutesWorkflow workflow(
      &database_->pool(), &clock_, *LoadZone("Asia/Shanghai"), &registry_, options,
      [shared]() -> absl::StatusOr<std::shared_ptr<const calendar::WorkCalendar>> {
        return shared;
      });

  v1::RecordDispatchEventRequest request = EventRequest();
  // 2026-09-30 16:00 local.
  *request.mutable_held_at() =
      ToProto(absl::FromCivil(absl::CivilSecond(2026, 9, 30, 8, 0, 0), absl::UTCTimeZone()));
  v1::RecordDispatchEventResponse response;
  ASSERT_TRUE(workflow.RecordDispatchEvent(Service(), request, &response).ok());
  EXPECT_EQ(FormatLocal(FromProto(response.event().draft_due_at()), *LoadZone("Asia/Shanghai")),
            "2026-10-11T00:00:00+08:00");

  const auto payloads = Outbox("scheduler");
  ASSERT_EQ(payloads.size(), 2u);
  scheduler::v1::DeadlineRegistered registered;
  ASSERT_TRUE(payloads[0].UnpackTo(&registered));
  EXPECT_EQ(registered.rule(), "draft.working_days");
  EXPECT_EQ(registered.deadline().date().month(), 10);
  EXPECT_EQ(registered.deadline().date().day(), 10);
  scheduler::v1::DeadlineMet cycle;
  ASSERT_TRUE(payloads[1].UnpackTo(&cycle));
  EXPECT_EQ(cycle.subject().id(), "p-wang@2026-09");
}

// Applies `moved` as the scheduler's event `event_id` would be delivered.
absl::Status DeliverMove(db::ConnectionPool& pool, const Clock& clock, MinutesWorkflow& workflow,
                         const std::string& event_id, const scheduler::v1::DeadlineMoved& moved) {
  google::protobuf::RepeatedPtrField<events::v1::Event> events;
  events::v1::Event& event = *events.Add();
  event.set_event_id(event_id);
  event.set_source("scheduler");
  event.mutable_payload()->PackFrom(moved);
  absl::StatusOr<int> applied =
      db::ApplyEvents(pool, clock, events, [&](sql::Connection& conn, const events::v1::Event& e) {
        return workflow.ApplyEvent(conn, e);
      });
  if (!applied.ok()) return applied.status();
  if (*applied != 1) return absl::InternalError(absl::StrCat("applied ", *applied));
  return absl::OkStatus();
}

scheduler::v1::DeadlineMoved DraftMoved(const std::string& event_id, absl::CivilDay due_on,
                                        int64_t revision) {
  scheduler::v1::DeadlineMoved moved;
  moved.mutable_subject()->set_kind(common::v1::SUBJECT_KIND_DRAFT);
  moved.mutable_subject()->set_id(event_id);
  *moved.mutable_deadline()->mutable_date() = ToProto(due_on);
  *moved.mutable_due_at() = ToProto(EndOfLocalDay(due_on, *LoadZone("Asia/Shanghai")));
  moved.set_revision(revision);
  moved.set_reason("the work calendar changed");
  return moved;
}

TEST_F(MinutesWorkflowTest, TheSchedulersMoveOfTheDraftDeadlineIsShownOnceAndNeverTakenBack) {
  const absl::TimeZone zone = *LoadZone("Asia/Shanghai");
  const v1::DispatchEvent recorded = RecordEvent();
  v1::SaveDraftResponse saved;
  ASSERT_TRUE(workflow_->SaveDraft(LiaisonOf("u-ns"), DraftRequest(recorded.id()), &saved).ok());
  auto shown = [&]() -> std::pair<std::string, std::string> {
    absl::StatusOr<v1::DispatchEvent> event = workflow_->GetDispatchEvent(Service(), recorded.id());
    absl::StatusOr<v1::Document> document =
        workflow_->GetDocument(Service(), saved.document().id());
    if (!event.ok() || !document.ok()) return {"unreadable", "unreadable"};
    return {FormatLocal(FromProto(event->draft_due_at()), zone),
            FormatLocal(FromProto(document->draft_due_at()), zone)};
  };
  ASSERT_EQ(shown().first, "2026-10-16T00:00:00+08:00");

  // Revision 3 arrives first; revision 2, sent before it, arrives late.
  ASSERT_TRUE(DeliverMove(database_->pool(), clock_, *workflow_, "scheduler:7",
                          DraftMoved(recorded.id(), absl::CivilDay(2026, 10, 19), 3))
                  .ok());
  EXPECT_EQ(shown(), std::make_pair(std::string("2026-10-20T00:00:00+08:00"),
                                    std::string("2026-10-20T00:00:00+08:00")));
  ASSERT_TRUE(DeliverMove(database_->pool(), clock_, *workflow_, "scheduler:5",
                          DraftMoved(recorded.id(), absl::CivilDay(2026, 10, 17), 2))
                  .ok());
  ASSERT_TRUE(DeliverMove(database_->pool(), clock_, *workflow_, "scheduler:7",
                          DraftMoved(recorded.id(), absl::CivilDay(2026, 10, 19), 3))
                  .ok());
  // A move of an event minutes does not hold is acknowledged and changes nothing.
  ASSERT_TRUE(DeliverMove(database_->pool(), clock_, *workflow_, "scheduler:8",
                          DraftMoved("ev-elsewhere", absl::CivilDay(2026, 10, 19), 4))
                  .ok());
  EXPECT_EQ(shown(), std::make_pair(std::string("2026-10-20T00:00:00+08:00"),
                                    std::string("2026-10-20T00:00:00+08:00")));

  EXPECT_EQ(Column("SELECT CONCAT(actor, ' ', action, ' ', entity_type, ' ', request_id) FROM "
                   "audit_log WHERE action = 'minutes.DraftDeadlineMoved' ORDER BY id"),
            (std::vector<std::string>{
                "service:scheduler minutes.DraftDeadlineMoved dispatch_event scheduler:7",
                "service:scheduler minutes.DraftDeadlineMoved document scheduler:7"}));
  EXPECT_EQ(Column(absl::StrCat("SELECT draft_due_revision FROM dispatch_events WHERE id = '",
                                recorded.id(), "'")),
            std::vector<std::string>{"3"});
  // Minutes sends nothing back: the scheduler already holds the new instant.
  EXPECT_EQ(Outbox("scheduler").size(), 2u);
}

TEST_F(MinutesWorkflowTest, AMoveBeforeTheDraftExistsIsCarriedIntoTheNewDocument) {
  const v1::DispatchEvent recorded = RecordEvent();
  ASSERT_TRUE(DeliverMove(database_->pool(), clock_, *workflow_, "scheduler:3",
                          DraftMoved(recorded.id(), absl::CivilDay(2026, 10, 19), 2))
                  .ok());
  v1::SaveDraftResponse saved;
  ASSERT_TRUE(workflow_->SaveDraft(LiaisonOf("u-ns"), DraftRequest(recorded.id()), &saved).ok());
  EXPECT_EQ(FormatLocal(FromProto(saved.document().draft_due_at()), *LoadZone("Asia/Shanghai")),
            "2026-10-20T00:00:00+08:00");
}

TEST_F(MinutesWorkflowTest, WorkingDayDraftingWithoutTheCalendarIsUnavailableAndWritesNothing) {
  DraftDeadlineOptions options;
  options.working_days = true;
  MinutesWorkflow workflow(&database_->pool(), &clock_, *LoadZone("Asia/Shanghai"), &registry_,
                           options,
                           []() -> absl::StatusOr<std::shared_ptr<const calendar::WorkCalendar>> {
                             return absl::UnavailableError("connection refused");
                           });
  v1::RecordDispatchEventResponse response;
  const absl::Status status = workflow.RecordDispatchEvent(Service(), EventRequest(), &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "registry: connection refused");
  EXPECT_TRUE(Column("SELECT id FROM dispatch_events").empty());
}

}  // namespace
}  // namespace duban::minutes

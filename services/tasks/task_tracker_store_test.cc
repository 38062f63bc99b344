// TaskTracker against a real MariaDB (DUBAN_TEST_DB_SOCKET).
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/db/outbox.h"
#include "common/status.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"
#include "common/validation.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "duban/supervision/v1/supervision.pb.h"
#include "services/tasks/mysql_item_store.h"
#include "services/tasks/schema.h"
#include "services/tasks/task_tracker.h"

namespace duban::tasks {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}

absl::Time Local(absl::CivilSecond t) { return absl::FromCivil(t, Shanghai()); }

Actor LiaisonOf(const std::string& unit) {
  Actor actor;
  actor.subject = "p-" + unit;
  actor.person_id = "p-" + unit;
  actor.liaison_units = {unit};
  return actor;
}

// The registry as tasks sees it: units "lead", "a", "b", "c" and "z"; leader
// "p-sup" supervises matter "m-3".
class FakeRegistry final : public RegistryLookup {
 public:
  absl::StatusOr<bool> HasUnit(const std::string& unit_id) override {
    if (down) return absl::UnavailableError("registry: down");
    return unit_id == "lead" || unit_id == "a" || unit_id == "b" || unit_id == "c" ||
           unit_id == "z";
  }
  absl::StatusOr<std::vector<std::string>> MattersSupervisedBy(
      const std::string& person_id) override {
    if (person_id == "p-sup") return std::vector<std::string>{"m-3"};
    return std::vector<std::string>{};
  }
  bool down = false;
};

Actor SupervisingLeader(const std::string& person_id) {
  Actor actor;
  actor.subject = person_id;
  actor.person_id = person_id;
  actor.is_supervising_office_leader = true;
  return actor;
}

Actor Office() {
  Actor actor;
  actor.subject = "p-office";
  actor.is_office_liaison = true;
  return actor;
}

// Minutes "doc-7" of leader-2 drafted by unit "lead", with two items:
// ordinal 1 for unit "a" due 2026-12-31, ordinal 2 for unit "b" due 2026-06-30.
duban::events::v1::Event DocumentIssuedEvent(const std::string& event_id) {
  duban::minutes::v1::DocumentIssued issued;
  auto& document = *issued.mutable_document();
  document.set_id("doc-7");
  document.set_event_id("ev-1");
  document.set_kind(duban::minutes::v1::DOCUMENT_KIND_MINUTES);
  document.set_title("Minutes of the March dispatch meeting");
  document.set_document_number("泉港政纪〔2026〕12号");
  document.set_drafting_unit_id("lead");
  document.set_leader_id("leader-2");
  document.add_matter_ids("m-3");
  auto* first = document.add_items();
  first->set_ordinal(1);
  first->set_task("Open the new bus line");
  first->add_responsible_unit_ids("a");
  *first->mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 12, 31));
  auto* second = document.add_items();
  second->set_ordinal(2);
  second->set_task("Repair the bridge");
  second->add_responsible_unit_ids("b");
  *second->mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 6, 30));

  duban::events::v1::Event event;
  event.set_event_id(event_id);
  event.set_source("minutes");
  event.set_ordering_key("DRAFT/ev-1");
  event.mutable_payload()->PackFrom(issued);
  return event;
}

class TaskTrackerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::CreateMigrated("tasks", Migrations());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    tracker_ = std::make_unique<TaskTracker>(&db_->pool(), &store_, &registry_, &clock_, Shanghai(),
                                             TasksOptions{});
  }

  absl::StatusOr<int> Deliver(const duban::events::v1::Event& event) {
    google::protobuf::RepeatedPtrField<duban::events::v1::Event> events;
    *events.Add() = event;
    return db::ApplyEvents(db_->pool(), clock_, events,
                           [&](sql::Connection& conn, const duban::events::v1::Event& e) {
                             return tracker_->ApplyEvent(conn, e);
                           });
  }

  // The type names of the events waiting in the outbox for `destination`, in order.
  std::vector<std::string> Outbox(const std::string& destination) {
    std::vector<std::string> types;
    absl::Status status = db::WithConnection(db_->pool(), [&](sql::Connection& conn) {
      std::unique_ptr<sql::PreparedStatement> statement(
          conn.prepareStatement("SELECT payload FROM outbox WHERE destination = ? ORDER BY seq"));
      statement->setString(1, destination);
      std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
      while (rows->next()) {
        google::protobuf::Any any;
        any.ParseFromString(rows->getString(1));
        types.push_back(std::string(any.type_url().substr(any.type_url().rfind('/') + 1)));
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return types;
  }

  // Unit "a" accepts item `item_id`, so that it may add progress notes.
  void Accept(const std::string& item_id) {
    v1::AcceptItemRequest accept;
    accept.set_request_id("accept-" + item_id);
    accept.set_item_id(item_id);
    auto accepted = tracker_->AcceptItem(LiaisonOf("a"), accept);
    ASSERT_TRUE(accepted.ok()) << accepted.status();
  }

  FakeClock clock_{Local(absl::CivilDay(2026, 3, 10))};
  std::unique_ptr<testing::TestDatabase> db_;
  MysqlItemStore store_;
  FakeRegistry registry_;
  std::unique_ptr<TaskTracker> tracker_;
};

TEST_F(TaskTrackerStoreTest, DocumentIssuedTwiceCreatesTheItemsOnce) {
  ASSERT_EQ(Deliver(DocumentIssuedEvent("minutes:1")).value_or(-1), 1);
  ASSERT_EQ(Deliver(DocumentIssuedEvent("minutes:1")).value_or(-1), 1);
  // The same document again under a new event id (issue retried) adds nothing either.
  ASSERT_EQ(Deliver(DocumentIssuedEvent("minutes:2")).value_or(-1), 1);

  auto page = tracker_->ListItems(Office(), {}, 0, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 2u);
  // By deadline in force: the bridge (June) before the bus line (December).
  EXPECT_EQ(page->items[0].id(), "doc-7-2");
  EXPECT_EQ(page->items[1].id(), "doc-7-1");
  const auto& item = page->items[1];
  EXPECT_EQ(item.lead_unit_id(), "lead");
  EXPECT_THAT(item.responsible_unit_ids(), ElementsAre("a"));
  EXPECT_EQ(item.source().document_number(), "泉港政纪〔2026〕12号");
  EXPECT_EQ(item.source().leader_id(), "leader-2");
  EXPECT_EQ(item.status(), v1::ITEM_STATUS_ASSIGNED);
  EXPECT_EQ(FromProto(item.due_at()), Local(absl::CivilDay(2027, 1, 1)));
  EXPECT_EQ(item.light(), v1::LIGHT_GREEN);

  EXPECT_THAT(Outbox("scheduler"), ElementsAre("duban.scheduler.v1.DeadlineRegistered",
                                               "duban.scheduler.v1.DeadlineRegistered"));
  EXPECT_THAT(Outbox("supervision"),
              ElementsAre("duban.tasks.v1.ItemChanged", "duban.tasks.v1.ItemChanged"));
}

TEST_F(TaskTrackerStoreTest, ReportCompleteEnqueuesDeadlineMetAndARetryAnswersTheSame) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  v1::ReportCompleteRequest request;
  request.set_request_id("req-1");
  request.set_item_id("doc-7-1");
  request.set_summary("Line 12 runs since Monday");

  auto first = tracker_->ReportComplete(LiaisonOf("a"), request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->item().status(), v1::ITEM_STATUS_REPORTED_COMPLETE);
  EXPECT_EQ(first->item().light(), v1::LIGHT_DONE);
  clock_.Advance(absl::Minutes(5));
  auto again = tracker_->ReportComplete(LiaisonOf("a"), request);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->item().revision(), first->item().revision());

  EXPECT_THAT(Outbox("scheduler"), ElementsAre("duban.scheduler.v1.DeadlineRegistered",
                                               "duban.scheduler.v1.DeadlineRegistered",
                                               "duban.scheduler.v1.DeadlineMet"));
}

TEST_F(TaskTrackerStoreTest, AnotherUnitLearnsNothingAndMayNotAct) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  const Actor stranger = LiaisonOf("z");

  EXPECT_EQ(tracker_->GetItem(stranger, "doc-7-1").status().code(), absl::StatusCode::kNotFound);
  auto page = tracker_->ListItems(stranger, {}, 0, "");
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  auto counts = tracker_->CountItems(stranger, {});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->count(), 0);

  v1::AcceptItemRequest accept;
  accept.set_request_id("req-x");
  accept.set_item_id("doc-7-1");
  EXPECT_EQ(tracker_->AcceptItem(stranger, accept).status().code(),
            absl::StatusCode::kPermissionDenied);

  // Unit "a" sees its own item only; the lead unit sees both.
  auto mine = tracker_->ListItems(LiaisonOf("a"), {}, 0, "");
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->items.size(), 1u);
  EXPECT_EQ(mine->items[0].id(), "doc-7-1");
  EXPECT_EQ(tracker_->CountItems(LiaisonOf("lead"), {})->count(), 2);

  // Naming another unit in a filter is refused, not answered with "none".
  v1::ItemFilter theirs;
  theirs.set_unit_id("a");
  const absl::Status listed = tracker_->ListItems(stranger, theirs, 0, "").status();
  EXPECT_EQ(listed.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(listed.message(),
            "filter.unit_id: a is not a unit you are the liaison of; you read only your own");
  v1::ItemFilter led;
  led.set_lead_unit_id("lead");
  EXPECT_EQ(tracker_->CountItems(LiaisonOf("a"), led).status().message(),
            "filter.lead_unit_id: lead is not a unit you are the liaison of; you read only your "
            "own");
  led.set_lead_unit_id("a");
  led.set_responsible_unit_id("a");
  EXPECT_EQ(tracker_->CountItems(LiaisonOf("a"), led)->count(), 0);
}

TEST_F(TaskTrackerStoreTest, LightsAndCountsFollowTheClock) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  clock_.Set(Local(absl::CivilDay(2026, 12, 29)));
  auto counts = tracker_->CountItems(Office(), {});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->count(), 2);
  EXPECT_EQ(counts->yellow(), 1);  // the bus line, due on 2026-12-31
  EXPECT_EQ(counts->red(), 1);     // the bridge, due on 2026-06-30

  v1::ItemFilter yellow;
  yellow.add_lights(v1::LIGHT_YELLOW);
  auto page = tracker_->ListItems(Office(), yellow, 0, "");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].light(), v1::LIGHT_YELLOW);

  clock_.Set(Local(absl::CivilDay(2027, 1, 1)));
  EXPECT_EQ(tracker_->GetItem(Office(), "doc-7-1")->light(), v1::LIGHT_RED);
}

TEST_F(TaskTrackerStoreTest, DueOnADayAndPagesInStableOrder) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  v1::ItemFilter filter;
  *filter.mutable_due_from() = ToProto(absl::CivilDay(2026, 12, 31));
  *filter.mutable_due_to() = ToProto(absl::CivilDay(2026, 12, 31));
  auto due = tracker_->ListItems(Office(), filter, 0, "");
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->items.size(), 1u);
  EXPECT_EQ(due->items[0].id(), "doc-7-1");

  auto first = tracker_->ListItems(Office(), {}, 1, "");
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 1u);
  ASSERT_FALSE(first->next_page_token.empty());
  auto second = tracker_->ListItems(Office(), {}, 1, first->next_page_token);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(first->items[0].id(), "doc-7-2");
  EXPECT_EQ(second->items[0].id(), "doc-7-1");
  EXPECT_TRUE(second->next_page_token.empty());
}

TEST_F(TaskTrackerStoreTest, ExtensionAfterTheDeadlineIsRefusedBeforeItMovesTheDeadline) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  v1::RequestExtensionRequest late;
  late.set_request_id("req-late");
  late.set_item_id("doc-7-2");  // due on 2026-06-30
  late.set_reason("the contractor went bankrupt");
  *late.mutable_requested_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 9, 30));
  clock_.Set(Local(absl::CivilDay(2026, 7, 2)));
  absl::Status refused = tracker_->RequestExtension(LiaisonOf("b"), late).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.message()),
              HasSubstr("deadline: already passed at 2026-07-01T00:00:00+08:00"));

  v1::RequestExtensionRequest early = late;
  early.set_request_id("req-early");
  early.set_item_id("doc-7-1");
  *early.mutable_requested_deadline()->mutable_date() = ToProto(absl::CivilDay(2027, 3, 31));
  auto requested = tracker_->RequestExtension(LiaisonOf("a"), early);
  ASSERT_TRUE(requested.ok()) << requested.status();
  v1::DecideExtensionRequest decide;
  decide.set_request_id("req-decide");
  decide.set_item_id("doc-7-1");
  decide.set_extension_id(requested->item().extensions(0).id());
  decide.set_approve(true);
  auto decided = tracker_->DecideExtension(LiaisonOf("lead"), decide);
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->item().original_deadline().date().month(), 12);
  EXPECT_EQ(decided->item().deadline().date().month(), 3);
  EXPECT_EQ(FromProto(decided->item().due_at()), Local(absl::CivilDay(2027, 4, 1)));
}

TEST_F(TaskTrackerStoreTest, IllegalTransitionNamesTheStatusAndChangesNothing) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  v1::CloseOutRequest close;
  close.set_request_id("req-close");
  close.set_item_id("doc-7-1");
  absl::Status status = tracker_->CloseOut(LiaisonOf("lead"), close).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("is ASSIGNED"));
  EXPECT_EQ(tracker_->GetItem(Office(), "doc-7-1")->revision(), 1);
}

TEST_F(TaskTrackerStoreTest, SplitSubItemsCloseTheirParent) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  v1::ReferItemRequest refer;
  refer.set_request_id("req-refer");
  refer.set_item_id("doc-7-1");
  refer.set_reason("needs three departments");
  ASSERT_TRUE(tracker_->ReferItem(LiaisonOf("lead"), refer).ok());

  Actor group;
  group.subject = "p-group";
  group.is_supervision_group = true;
  v1::SplitItemRequest split;
  split.set_request_id("req-split");
  split.set_item_id("doc-7-1");
  for (const char* unit : {"a", "c"}) {
    auto* sub = split.add_sub_items();
    sub->set_content(std::string("part for ") + unit);
    sub->add_responsible_unit_ids(unit);
    *sub->mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 11, 30));
  }
  auto result = tracker_->SplitItem(group, split);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->item().status(), v1::ITEM_STATUS_SPLIT);
  ASSERT_EQ(result->sub_items_size(), 2);
  EXPECT_EQ(result->sub_items(1).id(), "doc-7-1-s2");

  for (const auto& [unit, id] : {std::pair{"a", "doc-7-1-s1"}, std::pair{"c", "doc-7-1-s2"}}) {
    v1::ReportCompleteRequest done;
    done.set_request_id(std::string("req-done-") + id);
    done.set_item_id(id);
    ASSERT_TRUE(tracker_->ReportComplete(LiaisonOf(unit), done).ok());
    v1::CloseOutRequest close;
    close.set_request_id(std::string("req-close-") + id);
    close.set_item_id(id);
    ASSERT_TRUE(tracker_->CloseOut(LiaisonOf("lead"), close).ok());
  }
  EXPECT_EQ(tracker_->GetItem(Office(), "doc-7-1")->status(), v1::ITEM_STATUS_CLOSED);
}

TEST_F(TaskTrackerStoreTest, UnknownUnitsAreRefusedNamingTheFieldAndNothingIsCreated) {
  v1::CreateItemRequest create;
  create.set_request_id("req-create");
  create.set_lead_unit_id("lead");
  create.add_responsible_unit_ids("a");
  create.add_responsible_unit_ids("nowhere");
  create.set_content("Open the night market");
  *create.mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 5, 31));
  absl::Status status = tracker_->CreateItem(Office(), create).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "responsible_unit_ids[1]: no unit nowhere in the registry");

  create.set_lead_unit_id("ghost");
  create.set_request_id("req-create-2");
  status = tracker_->CreateItem(Office(), create).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "lead_unit_id: no unit ghost in the registry");
  EXPECT_EQ(tracker_->CountItems(Office(), {})->count(), 0);

  registry_.down = true;
  create.set_lead_unit_id("lead");
  create.set_request_id("req-create-3");
  EXPECT_EQ(tracker_->CreateItem(Office(), create).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(TaskTrackerStoreTest, SupervisingLeaderSeesTheItemsOfTheMattersTheySupervise) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());  // matter m-3
  const Actor supervising = SupervisingLeader("p-sup");
  EXPECT_EQ(tracker_->GetItem(supervising, "doc-7-1")->id(), "doc-7-1");
  EXPECT_EQ(tracker_->ListItems(supervising, {}, 0, "")->items.size(), 2u);
  EXPECT_EQ(tracker_->CountItems(supervising, {})->count(), 2);

  const Actor other = SupervisingLeader("p-other");
  EXPECT_EQ(tracker_->GetItem(other, "doc-7-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(tracker_->ListItems(other, {}, 0, "")->items.empty());
  EXPECT_EQ(tracker_->CountItems(other, {})->count(), 0);

  Actor leader;
  leader.subject = "leader-2";
  leader.person_id = "leader-2";
  leader.is_district_leader = true;
  EXPECT_EQ(tracker_->CountItems(leader, {})->count(), 2);
  leader.person_id = leader.subject = "leader-9";
  EXPECT_EQ(tracker_->CountItems(leader, {})->count(), 0);
}

duban::events::v1::Event SplitRequestedEvent(const std::string& event_id,
                                             const std::string& unit_b) {
  duban::supervision::v1::SplitRequested requested;
  requested.set_item_id("doc-7-1");
  requested.set_requested_by("p-group");
  for (const std::string& unit : {std::string("a"), unit_b}) {
    auto* part = requested.add_parts();
    part->set_content("part for " + unit);
    part->add_responsible_unit_ids(unit);
    *part->mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 11, 30));
  }
  duban::events::v1::Event event;
  event.set_event_id(event_id);
  event.set_source("supervision");
  event.set_ordering_key("ITEM/doc-7-1");
  event.mutable_payload()->PackFrom(requested);
  return event;
}

TEST_F(TaskTrackerStoreTest, SplitRequestedFromSupervisionSplitsOnceWithDeadlinesRegistered) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  v1::ReferItemRequest refer;
  refer.set_request_id("req-refer");
  refer.set_item_id("doc-7-1");
  refer.set_reason("needs two departments");
  ASSERT_TRUE(tracker_->ReferItem(LiaisonOf("lead"), refer).ok());
  clock_.Advance(absl::Hours(1));

  ASSERT_EQ(Deliver(SplitRequestedEvent("supervision:4", "c")).value_or(-1), 1);
  ASSERT_EQ(Deliver(SplitRequestedEvent("supervision:4", "c")).value_or(-1), 1);
  // A second request for an item already split is refused and changes nothing.
  ASSERT_EQ(Deliver(SplitRequestedEvent("supervision:5", "b")).value_or(-1), 1);

  auto parent = tracker_->GetItem(Office(), "doc-7-1");
  ASSERT_TRUE(parent.ok()) << parent.status();
  EXPECT_EQ(parent->status(), v1::ITEM_STATUS_SPLIT);
  EXPECT_THAT(parent->sub_item_ids(), ElementsAre("doc-7-1-s1", "doc-7-1-s2"));
  EXPECT_EQ(FromProto(parent->split_at()), Local(absl::CivilDay(2026, 3, 10)) + absl::Hours(1));
  v1::ItemFilter children;
  children.set_parent_item_id("doc-7-1");
  auto subs = tracker_->ListItems(Office(), children, 0, "");
  ASSERT_TRUE(subs.ok());
  ASSERT_EQ(subs->items.size(), 2u);
  EXPECT_EQ(subs->items[1].id(), "doc-7-1-s2");
  EXPECT_THAT(subs->items[1].responsible_unit_ids(), ElementsAre("c"));
  EXPECT_EQ(subs->items[1].lead_unit_id(), "lead");
  EXPECT_EQ(FromProto(subs->items[1].due_at()), Local(absl::CivilDay(2026, 12, 1)));
  EXPECT_EQ(subs->items[1].source().kind(), v1::SOURCE_KIND_SPLIT);

  // Issued: two registrations; refer: none; split: two registrations and one cancellation.
  EXPECT_THAT(
      Outbox("scheduler"),
      ElementsAre("duban.scheduler.v1.DeadlineRegistered", "duban.scheduler.v1.DeadlineRegistered",
                  "duban.scheduler.v1.DeadlineRegistered", "duban.scheduler.v1.DeadlineRegistered",
                  "duban.scheduler.v1.DeadlineCancelled"));
}

TEST_F(TaskTrackerStoreTest, SplitRequestedWithAnUnknownUnitIsRefusedAndAcknowledged) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  v1::ReferItemRequest refer;
  refer.set_request_id("req-refer");
  refer.set_item_id("doc-7-1");
  refer.set_reason("needs two departments");
  ASSERT_TRUE(tracker_->ReferItem(LiaisonOf("lead"), refer).ok());
  ASSERT_EQ(Deliver(SplitRequestedEvent("supervision:4", "nowhere")).value_or(-1), 1);
  EXPECT_EQ(tracker_->GetItem(Office(), "doc-7-1")->status(), v1::ITEM_STATUS_ASSIGNED);
  EXPECT_EQ(tracker_->CountItems(Office(), {})->count(), 2);

  // With the registry down the event is not applied, so it comes again.
  registry_.down = true;
  EXPECT_EQ(Deliver(SplitRequestedEvent("supervision:6", "c")).status().code(),
            absl::StatusCode::kUnavailable);
  registry_.down = false;
  ASSERT_EQ(Deliver(SplitRequestedEvent("supervision:6", "c")).value_or(-1), 1);
  EXPECT_EQ(tracker_->GetItem(Office(), "doc-7-1")->status(), v1::ITEM_STATUS_SPLIT);
}

TEST_F(TaskTrackerStoreTest, OpenDuringFindsTheItemsOpenAtSomeMomentOfThePeriod) {
  // Created 2026-03-10 00:00 local.
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  clock_.Set(Local(absl::CivilDay(2026, 3, 20)));
  v1::ReportCompleteRequest done;
  done.set_request_id("req-done");
  done.set_item_id("doc-7-2");
  ASSERT_TRUE(tracker_->ReportComplete(LiaisonOf("b"), done).ok());

  auto open_during = [&](absl::CivilDay from, absl::CivilDay to) {
    v1::ItemFilter filter;
    filter.set_lead_unit_id("lead");
    *filter.mutable_open_during_from() = ToProto(Local(absl::CivilSecond(from)));
    *filter.mutable_open_during_to() = ToProto(Local(absl::CivilSecond(to)));
    std::vector<std::string> ids;
    auto page = tracker_->ListItems(Office(), filter, 0, "");
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const auto& item : page->items) ids.push_back(item.id());
    }
    return ids;
  };
  EXPECT_THAT(open_during(absl::CivilDay(2026, 2, 20), absl::CivilDay(2026, 3, 5)), ElementsAre());
  EXPECT_THAT(open_during(absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 20)),
              ElementsAre("doc-7-2", "doc-7-1"));
  // Reported complete at 2026-03-20 00:00: not open in (03-20, 04-05].
  EXPECT_THAT(open_during(absl::CivilDay(2026, 3, 20), absl::CivilDay(2026, 4, 5)),
              ElementsAre("doc-7-1"));

  v1::ItemFilter backwards;
  *backwards.mutable_open_during_from() = ToProto(Local(absl::CivilSecond(2026, 4, 5, 0, 0, 0)));
  *backwards.mutable_open_during_to() = ToProto(Local(absl::CivilSecond(2026, 3, 5, 0, 0, 0)));
  absl::Status status = tracker_->ListItems(Office(), backwards, 0, "").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("filter.open_during_to"));
}

TEST_F(TaskTrackerStoreTest, OversizedProgressNoteIsRefusedAndWritesNothing) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  Accept("doc-7-1");
  v1::AddProgressNoteRequest request;
  request.set_request_id("note-1");
  request.set_item_id("doc-7-1");
  request.set_text(std::string(1'000'000, 'x'));

  auto refused = tracker_->AddProgressNote(LiaisonOf("a"), request);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "text: at most 4000 characters (got 1000000)");

  auto item = tracker_->GetItem(Office(), "doc-7-1");
  ASSERT_TRUE(item.ok()) << item.status();
  EXPECT_EQ(item->notes_size(), 0);
  EXPECT_EQ(item->revision(), 2);  // Accepted, nothing since.
}

TEST_F(TaskTrackerStoreTest, AnItemKeepsAtMostTheProgressNoteLimit) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  Accept("doc-7-1");
  v1::AddProgressNoteRequest request;
  request.set_item_id("doc-7-1");
  request.set_text("Tendering under way");
  for (size_t i = 0; i < kMaxProgressNotesPerItem; ++i) {
    request.set_request_id(absl::StrCat("note-", i));
    ASSERT_TRUE(tracker_->AddProgressNote(LiaisonOf("a"), request).ok());
  }
  request.set_request_id("note-one-too-many");
  auto refused = tracker_->AddProgressNote(LiaisonOf("a"), request);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "item doc-7-1 already has 200 progress notes, the most an item keeps");
}

TEST_F(TaskTrackerStoreTest, OversizedTextOfOtherChangesIsRefusedNamingTheField) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  v1::ReportCompleteRequest complete;
  complete.set_request_id("done-1");
  complete.set_item_id("doc-7-1");
  complete.set_summary(std::string(4001, 'x'));
  EXPECT_EQ(tracker_->ReportComplete(LiaisonOf("a"), complete).status().message(),
            "summary: at most 4000 characters (got 4001)");

  v1::ReferItemRequest refer;
  refer.set_request_id("refer-1");
  refer.set_item_id("doc-7-1");
  refer.set_reason(std::string(2001, 'x'));
  EXPECT_EQ(tracker_->ReferItem(Office(), refer).status().message(),
            "reason: at most 2000 characters (got 2001)");

  v1::CreateItemRequest create;
  create.set_request_id("create-1");
  create.set_lead_unit_id("lead");
  create.add_responsible_unit_ids("a");
  create.set_content("Pave the market road");
  create.set_blockers(std::string(2001, 'x'));
  *create.mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(tracker_->CreateItem(Office(), create).status().message(),
            "blockers: at most 2000 characters (got 2001)");
}

TEST_F(TaskTrackerStoreTest, DeadlinesFarInTheFutureAreRefusedNamingTheField) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  v1::RequestExtensionRequest extension;
  extension.set_request_id("ext-1");
  extension.set_item_id("doc-7-1");
  extension.set_reason("Waiting for the land survey");
  extension.mutable_requested_deadline()->mutable_instant()->set_seconds(253402221600);
  auto refused = tracker_->RequestExtension(LiaisonOf("a"), extension);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "requested_deadline: must fall in the years 2000 to 2199");

  v1::ItemFilter filter;
  filter.mutable_open_during_from()->set_seconds(253402221600);
  EXPECT_EQ(tracker_->ListItems(Office(), filter, 0, "").status().message(),
            "filter.open_during_from: must fall in the years 2000 to 2199");
}

TEST_F(TaskTrackerStoreTest, PlannedCompletionDateInThePastIsRefusedAtSetTime) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  v1::SetPlannedCompletionDateRequest request;
  request.set_request_id("plan-1");
  request.set_item_id("doc-7-1");
  *request.mutable_planned_completion_date() = ToProto(absl::CivilDay(2020, 1, 1));
  auto refused = tracker_->SetPlannedCompletionDate(LiaisonOf("a"), request);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "planned_completion_date: 2020-01-01 is in the past");

  // Today (the clock stands at 2026-03-10 00:00 local) is still allowed.
  request.set_request_id("plan-2");
  *request.mutable_planned_completion_date() = ToProto(absl::CivilDay(2026, 3, 10));
  auto accepted = tracker_->SetPlannedCompletionDate(LiaisonOf("a"), request);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->item().planned_completion_date().day(), 10);
}

TEST_F(TaskTrackerStoreTest, AListPageStopsBeforeOutgrowingAMessage) {
  ASSERT_TRUE(Deliver(DocumentIssuedEvent("minutes:1")).ok());
  // Each item is given about 1.7 MB of notes (3-byte characters), each within the
  // record limit, but two do not fit one page.
  std::string note;
  for (size_t i = 0; i < kMaxNoteChars; ++i) note += "进";
  absl::Status grown = db::WithConnection(db_->pool(), [&](sql::Connection& conn) -> absl::Status {
    for (const std::string item_id : {"doc-7-1", "doc-7-2"}) {
      DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Item> item,
                             store_.Load(conn, item_id, /*for_update=*/true));
      for (int i = 0; i < 140; ++i) item->add_notes()->set_text(note);
      DUBAN_RETURN_IF_ERROR(store_.Update(conn, *item));
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(grown.ok()) << grown;
  auto first = tracker_->ListItems(Office(), {}, 0, "");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->items.size(), 1u);
  EXPECT_EQ(first->items[0].id(), "doc-7-2");
  auto second = tracker_->ListItems(Office(), {}, 0, first->next_page_token);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].id(), "doc-7-1");
  EXPECT_EQ(second->next_page_token, "");
}

}  // namespace
}  // namespace duban::tasks

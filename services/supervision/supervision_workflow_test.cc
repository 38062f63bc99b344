// The supervision workflow against a real MariaDB (DUBAN_TEST_DB_SOCKET):
// events applied once through db::ApplyEvents, cases, notices, circulars and
// figures.
#include "services/supervision/supervision_workflow.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/db/audit.h"
#include "common/db/outbox.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/testing/callers.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "duban/tasks/v1/tasks.pb.h"
#include "services/supervision/migrations.h"
#include "services/supervision/watch_feed.h"

namespace duban::supervision {
namespace {

using ::testing::ElementsAre;

const absl::Time kDue =
    absl::FromCivil(absl::CivilSecond(2026, 10, 23, 16, 0, 0), absl::UTCTimeZone());

class FakeLiaisons final : public LiaisonDirectory {
 public:
  absl::StatusOr<std::string> CurrentLiaison(const std::string& unit_id) override {
    return unit_id == "u-yj" ? "p-liaison-yj" : "";
  }
  absl::StatusOr<bool> UnitExists(const std::string& unit_id) override {
    if (registry_down) return absl::UnavailableError("registry: connection refused");
    return unit_id == "u-yj" || unit_id == "u-zj";
  }
  bool registry_down = false;
};

Caller Service() { return testing::ServiceCaller("service:reporting"); }

Caller LiaisonOf(const std::string& unit) { return testing::UnitLiaisonCaller(unit); }

Caller GroupMember() {
  registry::v1::Principal principal;
  principal.set_subject("p-group");
  principal.set_person_id("p-group");
  principal.add_roles()->set_kind(registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER);
  return Caller(principal);
}

// An urging (or other) rung of the report deadline "<unit>@2026-10-1".
events::v1::Event ReportRungEvent(const std::string& event_id, common::v1::Rung rung,
                                  const std::string& unit, absl::Time cutoff,
                                  absl::Time digest_cutoff) {
  scheduler::v1::RungFired fired;
  fired.mutable_firing()->set_rung(rung);
  *fired.mutable_firing()->mutable_fired_at() = ToProto(cutoff);
  scheduler::v1::Deadline& deadline = *fired.mutable_deadline();
  deadline.set_id("dl-" + unit);
  deadline.mutable_subject()->set_kind(common::v1::SUBJECT_KIND_REPORT);
  deadline.mutable_subject()->set_id(unit + "@2026-10-1");
  deadline.set_owner_unit_id(unit);
  deadline.set_rule("report.cutoff");
  (*deadline.mutable_inputs())["period_id"] = "2026-10-1";
  (*deadline.mutable_inputs())["digest_cutoff"] =
      FormatLocal(digest_cutoff, *LoadZone("Asia/Shanghai"));
  *deadline.mutable_due_at() = ToProto(cutoff);
  events::v1::Event event;
  event.set_event_id(event_id);
  event.set_source("scheduler");
  *event.mutable_occurred_at() = ToProto(cutoff);
  event.mutable_payload()->PackFrom(fired);
  return event;
}

events::v1::Event MetEvent(const std::string& event_id, const std::string& subject_id,
                           common::v1::SubjectKind kind, absl::Time met_at) {
  scheduler::v1::DeadlineMet met;
  met.mutable_subject()->set_kind(kind);
  met.mutable_subject()->set_id(subject_id);
  *met.mutable_met_at() = ToProto(met_at);
  events::v1::Event event;
  event.set_event_id(event_id);
  event.set_source("scheduler");
  *event.mutable_occurred_at() = ToProto(met_at);
  event.mutable_payload()->PackFrom(met);
  return event;
}

events::v1::Event CancelledEvent(const std::string& event_id, const std::string& item_id,
                                 absl::Time at = kDue) {
  scheduler::v1::DeadlineCancelled cancelled;
  cancelled.mutable_subject()->set_kind(common::v1::SUBJECT_KIND_ITEM);
  cancelled.mutable_subject()->set_id(item_id);
  events::v1::Event event;
  event.set_event_id(event_id);
  event.set_source("scheduler");
  *event.mutable_occurred_at() = ToProto(at);
  event.mutable_payload()->PackFrom(cancelled);
  return event;
}

tasks::v1::ItemChanged ItemNow(const std::string& item_id, const std::string& lead,
                               const std::vector<std::string>& responsible,
                               tasks::v1::ItemStatus status) {
  tasks::v1::ItemChanged changed;
  tasks::v1::Item& item = *changed.mutable_item();
  item.set_id(item_id);
  item.set_lead_unit_id(lead);
  for (const std::string& unit : responsible) item.add_responsible_unit_ids(unit);
  item.set_content("事项 " + item_id);
  item.set_status(status);
  return changed;
}

// A feed event in a short form for comparison: "<kind>:<unit>:<detail>".
std::string Describe(const v1::WatchEvent& event) {
  switch (event.change_case()) {
    case v1::WatchEvent::kNotice:
      return absl::StrCat("notice:", event.unit_id(), ":",
                          v1::NoticeKind_Name(event.notice().kind()));
    case v1::WatchEvent::kCaseChanged:
      return absl::StrCat("case:", event.unit_id(), ":",
                          v1::CaseState_Name(event.case_changed().state()));
    case v1::WatchEvent::kNewItem:
      return absl::StrCat("item:", event.unit_id(), ":", event.new_item().item_id());
    default:
      return "?";
  }
}

events::v1::Event RungEvent(const std::string& event_id, common::v1::Rung rung,
                            const std::string& item_id, absl::Time at) {
  scheduler::v1::RungFired fired;
  fired.mutable_firing()->set_rung(rung);
  *fired.mutable_firing()->mutable_fired_at() = ToProto(at);
  fired.mutable_deadline()->set_id("dl-" + item_id);
  fired.mutable_deadline()->mutable_subject()->set_kind(common::v1::SUBJECT_KIND_ITEM);
  fired.mutable_deadline()->mutable_subject()->set_id(item_id);
  fired.mutable_deadline()->set_owner_unit_id("u-yj");
  fired.mutable_deadline()->set_label("清理河道");
  *fired.mutable_deadline()->mutable_due_at() = ToProto(kDue);
  events::v1::Event event;
  event.set_event_id(event_id);
  event.set_source("scheduler");
  *event.mutable_occurred_at() = ToProto(at);
  event.mutable_payload()->PackFrom(fired);
  return event;
}

events::v1::Event ItemEvent(const std::string& event_id, const google::protobuf::Message& payload,
                            absl::Time at) {
  events::v1::Event event;
  event.set_event_id(event_id);
  event.set_source("tasks");
  *event.mutable_occurred_at() = ToProto(at);
  event.mutable_payload()->PackFrom(payload);
  return event;
}

class SupervisionWorkflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = testing::TestDatabase::CreateMigrated("supervision", Migrations());
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = std::move(*database);
    WatchOptions watch;
    watch.poll_interval = absl::Milliseconds(5);
    watch.batch_size = 3;
    workflow_ = std::make_unique<SupervisionWorkflow>(
        &database_->pool(), &clock_, *LoadZone("Asia/Shanghai"), &liaisons_, watch);
  }

  // Delivers `events` as one Deliver call would; returns how many are applied.
  int Deliver(const std::vector<events::v1::Event>& events) {
    google::protobuf::RepeatedPtrField<events::v1::Event> batch(events.begin(), events.end());
    absl::StatusOr<int> applied =
        db::ApplyEvents(database_->pool(), clock_, batch,
                        [this](sql::Connection& conn, const events::v1::Event& event) {
                          return workflow_->ApplyEvent(conn, event);
                        });
    EXPECT_TRUE(applied.ok()) << applied.status();
    return applied.value_or(-1);
  }

  std::vector<v1::SupervisionCase> Cases(const Caller& caller = Service()) {
    v1::ListCasesResponse response;
    EXPECT_TRUE(workflow_->ListCases(caller, v1::ListCasesRequest(), &response).ok());
    return {response.cases().begin(), response.cases().end()};
  }

  std::vector<v1::Notice> Notices() {
    v1::ListNoticesResponse response;
    EXPECT_TRUE(workflow_->ListNotices(Service(), v1::ListNoticesRequest(), &response).ok());
    return {response.notices().begin(), response.notices().end()};
  }

  // Everything the Watch feed holds for `caller` after `request`'s token: the
  // stream is read until one pass finds nothing new, then cancelled.
  absl::StatusOr<std::vector<v1::WatchEvent>> WatchAll(const Caller& caller,
                                                       const v1::WatchRequest& request) {
    std::vector<v1::WatchEvent> received;
    size_t seen_at_last_check = 0;
    bool first_check = true;
    auto send = [&received](const v1::WatchEvent& event) {
      received.push_back(event);
      return true;
    };
    auto cancelled = [&] {
      const bool idle = !first_check && received.size() == seen_at_last_check;
      first_check = false;
      seen_at_last_check = received.size();
      return idle;
    };
    DUBAN_RETURN_IF_ERROR(workflow_->Watch(caller, request, send, cancelled));
    return received;
  }

  std::vector<std::string> Described(const std::vector<v1::WatchEvent>& events) {
    std::vector<std::string> described;
    for (const v1::WatchEvent& event : events) described.push_back(Describe(event));
    return described;
  }

  v1::WatchRequest FromToken(const std::string& token, const std::string& unit_id = "") {
    v1::WatchRequest request;
    request.set_resume_token(token);
    request.set_unit_id(unit_id);
    return request;
  }

  int64_t CountRows(const std::string& sql) {
    int64_t count = -1;
    EXPECT_TRUE(db::WithConnection(database_->pool(), [&](sql::Connection& conn) {
                  auto rows = db::Query(conn, sql);
                  if (rows->next()) count = rows->getInt64(1);
                  return absl::OkStatus();
                }).ok());
    return count;
  }

  // The SplitRequested events waiting in the outbox for tasks, with their ordering keys.
  std::vector<std::pair<std::string, v1::SplitRequested>> SplitsForTasks() {
    std::vector<std::pair<std::string, v1::SplitRequested>> splits;
    EXPECT_TRUE(db::WithConnection(database_->pool(), [&](sql::Connection& conn) {
                  auto rows = db::Query(conn,
                                        "SELECT ordering_key, payload FROM outbox WHERE "
                                        "destination = 'tasks' ORDER BY seq");
                  while (rows->next()) {
                    google::protobuf::Any any;
                    any.ParseFromString(rows->getString("payload"));
                    v1::SplitRequested split;
                    EXPECT_TRUE(any.UnpackTo(&split));
                    splits.emplace_back(rows->getString("ordering_key"), split);
                  }
                  return absl::OkStatus();
                }).ok());
    return splits;
  }

  FakeClock clock_{kDue};
  FakeLiaisons liaisons_;
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<SupervisionWorkflow> workflow_;
};

TEST_F(SupervisionWorkflowTest, UrgingDeliveredTwiceOpensOneCaseWithOneNotice) {
  const events::v1::Event urging = RungEvent("scheduler:7", common::v1::RUNG_URGING, "i-1", kDue);
  EXPECT_EQ(Deliver({urging}), 1);
  EXPECT_EQ(Deliver({urging}), 1);
  // The same rung under another event id is still recorded once.
  EXPECT_EQ(Deliver({RungEvent("scheduler:8", common::v1::RUNG_URGING, "i-1", kDue)}), 1);

  const auto cases = Cases();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].state(), v1::CASE_STATE_OPEN);
  EXPECT_EQ(cases[0].unit_id(), "u-yj");
  EXPECT_EQ(cases[0].subject().id(), "i-1");
  ASSERT_EQ(cases[0].rungs_size(), 1);
  EXPECT_EQ(cases[0].rungs(0).source_event_id(), "scheduler:7");

  const auto notices = Notices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind(), v1::NOTICE_KIND_URGING);
  EXPECT_EQ(notices[0].liaison_person_id(), "p-liaison-yj");
  EXPECT_EQ(notices[0].case_id(), cases[0].id());
}

TEST_F(SupervisionWorkflowTest, TheLadderRunsReminderUrgingSupervisionThenCloses) {
  Deliver({RungEvent("scheduler:1", common::v1::RUNG_REMINDER, "i-1", kDue - absl::Hours(72))});
  EXPECT_TRUE(Cases().empty());
  Deliver({RungEvent("scheduler:2", common::v1::RUNG_URGING, "i-1", kDue),
           RungEvent("scheduler:3", common::v1::RUNG_SUPERVISION, "i-1", kDue + absl::Hours(96))});

  auto cases = Cases();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].state(), v1::CASE_STATE_RAISED);
  ASSERT_EQ(cases[0].rungs_size(), 3);
  EXPECT_EQ(cases[0].rungs(0).rung(), common::v1::RUNG_REMINDER);
  EXPECT_EQ(cases[0].rungs(2).rung(), common::v1::RUNG_SUPERVISION);
  EXPECT_EQ(Notices().size(), 3u);

  tasks::v1::ItemChanged changed;
  changed.mutable_item()->set_id("i-1");
  changed.mutable_item()->set_status(tasks::v1::ITEM_STATUS_REPORTED_COMPLETE);
  *changed.mutable_item()->mutable_reported_complete_at() = ToProto(kDue + absl::Hours(100));
  Deliver({ItemEvent("tasks:5", changed, kDue + absl::Hours(100))});
  cases = Cases();
  EXPECT_EQ(cases[0].state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(FromProto(cases[0].closed_at()), kDue + absl::Hours(100));
  EXPECT_EQ(cases[0].rungs_size(), 3);
}

TEST_F(SupervisionWorkflowTest, ReferralOpensARaisedReferredCase) {
  tasks::v1::ItemReferred referred;
  referred.mutable_item()->set_id("i-2");
  referred.mutable_item()->set_lead_unit_id("u-zj");
  referred.mutable_item()->add_responsible_unit_ids("u-yj");
  referred.mutable_item()->set_content("跨部门事项");
  Deliver({ItemEvent("tasks:9", referred, kDue - absl::Hours(240))});

  const auto cases = Cases();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_TRUE(cases[0].referred());
  EXPECT_EQ(cases[0].state(), v1::CASE_STATE_RAISED);
  EXPECT_EQ(cases[0].unit_id(), "u-yj");
  EXPECT_EQ(cases[0].rungs(0).rung(), common::v1::RUNG_SUPERVISION);
}

TEST_F(SupervisionWorkflowTest, ACancelledUrgedDeadlineClosesItsCaseAtTheEventsTime) {
  Deliver({RungEvent("scheduler:1", common::v1::RUNG_URGING, "i-1", kDue)});
  ASSERT_EQ(Cases().size(), 1u);
  const std::string case_id = Cases()[0].id();

  const absl::Time cancelled_at = kDue + absl::Hours(5);
  EXPECT_EQ(Deliver({CancelledEvent("scheduler:2", "i-1", cancelled_at)}), 1);
  EXPECT_EQ(Deliver({CancelledEvent("scheduler:2", "i-1", cancelled_at)}), 1);  // acknowledged

  const auto cases = Cases();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(FromProto(cases[0].closed_at()), cancelled_at);

  common::v1::AuditFilter filter;
  filter.set_entity_type("supervision_case");
  filter.set_entity_id(case_id);
  absl::StatusOr<db::AuditPage> audit = db::ListAudit(database_->pool(), filter, 10, "");
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_EQ(audit->records.size(), 2u);
  EXPECT_EQ(audit->records[1].action(), "supervision.DeadlineCancelled");
  EXPECT_EQ(audit->records[1].actor(), "service:scheduler");
  EXPECT_EQ(audit->records[1].request_id(), "scheduler:2");

  auto seen = WatchAll(LiaisonOf("u-yj"), FromToken("wf-0"));
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_THAT(Described(*seen),
              ElementsAre("case:u-yj:CASE_STATE_OPEN", "notice:u-yj:NOTICE_KIND_URGING",
                          "case:u-yj:CASE_STATE_CLOSED"));
}

TEST_F(SupervisionWorkflowTest, AReportCaseShowsTheSchedulersLabel) {
  events::v1::Event urging =
      ReportRungEvent("scheduler:1", common::v1::RUNG_URGING, "u-zj", kDue, kDue + absl::Hours(48));
  scheduler::v1::RungFired fired;
  ASSERT_TRUE(urging.payload().UnpackTo(&fired));
  fired.mutable_deadline()->set_label("住建局 2026-10-1期调度情况报告");
  urging.mutable_payload()->PackFrom(fired);
  Deliver({urging});
  const auto cases = Cases();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].label(), "住建局 2026-10-1期调度情况报告");
  ASSERT_EQ(Notices().size(), 1u);
  EXPECT_EQ(Notices()[0].text(),
            "催办：住建局 2026-10-1期调度情况报告 已于 2026-10-24T00:00:00+08:00 到期未办结");
}

TEST_F(SupervisionWorkflowTest, CircularIsRecordedOnceAndUnknownCasesAreNamed) {
  Deliver({RungEvent("scheduler:2", common::v1::RUNG_URGING, "i-1", kDue)});
  const std::string case_id = Cases()[0].id();

  v1::RecordCircularRequest request;
  request.set_request_id("circular-2026-10/rungs");
  request.set_circular_id("circular-2026-10");
  request.add_case_ids(case_id);
  v1::RecordCircularResponse first;
  v1::RecordCircularResponse second;
  ASSERT_TRUE(workflow_->RecordCircular(Service(), request, &first).ok());
  request.set_request_id("another");
  ASSERT_TRUE(workflow_->RecordCircular(Service(), request, &second).ok());
  ASSERT_EQ(second.cases_size(), 1);
  EXPECT_EQ(second.cases(0).rungs_size(), 2);
  EXPECT_EQ(second.cases(0).rungs(1).circular_id(), "circular-2026-10");

  request.set_request_id("third");
  request.add_case_ids("case-nope");
  const absl::Status status = workflow_->RecordCircular(Service(), request, &second);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().substr(0, 12), "case_ids[1]:");
}

TEST_F(SupervisionWorkflowTest, FiguresAndCasesAreNarrowedForUnitLiaisons) {
  Deliver({RungEvent("scheduler:2", common::v1::RUNG_URGING, "i-1", kDue)});
  EXPECT_EQ(Cases(LiaisonOf("u-yj")).size(), 1u);
  EXPECT_TRUE(Cases(LiaisonOf("u-zj")).empty());

  v1::ListCasesRequest other;
  other.set_unit_id("u-yj");
  v1::ListCasesResponse denied;
  EXPECT_EQ(workflow_->ListCases(LiaisonOf("u-zj"), other, &denied).code(),
            absl::StatusCode::kPermissionDenied);

  v1::GetFiguresRequest figures_request;
  *figures_request.mutable_from() = ToProto(kDue - absl::Hours(24 * 20));
  *figures_request.mutable_to() = ToProto(kDue + absl::Hours(24 * 8));
  v1::GetFiguresResponse figures;
  ASSERT_TRUE(workflow_->GetFigures(Service(), figures_request, &figures).ok());
  ASSERT_EQ(figures.units_size(), 1);
  EXPECT_EQ(figures.units(0).unit_id(), "u-yj");
  EXPECT_EQ(figures.units(0).urging_notices(), 1);
  EXPECT_EQ(figures.units(0).items_overdue(), 1);
  EXPECT_EQ(figures.units(0).cases_open(), 1);

  v1::GetFiguresResponse none;
  ASSERT_TRUE(workflow_->GetFigures(LiaisonOf("u-zj"), figures_request, &none).ok());
  EXPECT_EQ(none.units_size(), 0);
}

TEST_F(SupervisionWorkflowTest, AnEventDeliveredTwiceIsAppliedOnceIncludingTheWatchFeed) {
  const events::v1::Event urging = RungEvent("scheduler:7", common::v1::RUNG_URGING, "i-1", kDue);
  const events::v1::Event created = ItemEvent(
      "tasks:1", ItemNow("i-1", "u-yj", {"u-yj", "u-zj"}, tasks::v1::ITEM_STATUS_ASSIGNED), kDue);
  EXPECT_EQ(Deliver({created, urging}), 2);
  EXPECT_EQ(Deliver({created, urging}), 2);

  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM applied_events"), 2);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM cases"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM notices"), 1);
  // Two new-item rows (lead and second responsible unit), the case, the notice.
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM watch_feed"), 4);
  auto all = WatchAll(Service(), FromToken("wf-0"));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Described(*all),
              ElementsAre("item:u-yj:i-1", "item:u-zj:i-1", "case:u-yj:CASE_STATE_OPEN",
                          "notice:u-yj:NOTICE_KIND_URGING"));
}

TEST_F(SupervisionWorkflowTest, ANewItemIsAnnouncedOnceEvenWhenItChangesAgain) {
  Deliver({ItemEvent("tasks:1", ItemNow("i-7", "u-zj", {"u-zj"}, tasks::v1::ITEM_STATUS_ASSIGNED),
                     kDue),
           ItemEvent("tasks:2", ItemNow("i-7", "u-zj", {"u-zj"}, tasks::v1::ITEM_STATUS_ACCEPTED),
                     kDue)});
  auto all = WatchAll(Service(), FromToken("wf-0"));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Described(*all), ElementsAre("item:u-zj:i-7"));
  EXPECT_EQ((*all)[0].new_item().content(), "事项 i-7");
}

class WatchResumeTest : public SupervisionWorkflowTest {
 protected:
  // Two units' items and ladders interleaved: 8 feed rows, 4 per unit.
  void SetUp() override {
    SupervisionWorkflowTest::SetUp();
    if (HasFatalFailure()) return;
    Deliver({ItemEvent("tasks:1", ItemNow("i-a", "u-yj", {"u-yj"}, tasks::v1::ITEM_STATUS_ASSIGNED),
                       kDue - absl::Hours(240)),
             ItemEvent("tasks:2", ItemNow("i-b", "u-zj", {"u-zj"}, tasks::v1::ITEM_STATUS_ASSIGNED),
                       kDue - absl::Hours(240)),
             RungEvent("scheduler:1", common::v1::RUNG_REMINDER, "i-a", kDue - absl::Hours(72)),
             OtherUnit(RungEvent("scheduler:2", common::v1::RUNG_REMINDER, "i-b",
                                 kDue - absl::Hours(72))),
             RungEvent("scheduler:3", common::v1::RUNG_URGING, "i-a", kDue),
             OtherUnit(RungEvent("scheduler:4", common::v1::RUNG_URGING, "i-b", kDue))});
  }

  static events::v1::Event OtherUnit(events::v1::Event event) {
    scheduler::v1::RungFired fired;
    event.payload().UnpackTo(&fired);
    fired.mutable_deadline()->set_owner_unit_id("u-zj");
    event.mutable_payload()->PackFrom(fired);
    return event;
  }
};

TEST_F(WatchResumeTest, ResumingFromEveryTokenDeliversExactlyTheRest) {
  auto all = WatchAll(GroupMember(), FromToken("wf-0"));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Described(*all),
              ElementsAre("item:u-yj:i-a", "item:u-zj:i-b", "notice:u-yj:NOTICE_KIND_REMINDER",
                          "notice:u-zj:NOTICE_KIND_REMINDER", "case:u-yj:CASE_STATE_OPEN",
                          "notice:u-yj:NOTICE_KIND_URGING", "case:u-zj:CASE_STATE_OPEN",
                          "notice:u-zj:NOTICE_KIND_URGING"));
  for (size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].resume_token(), absl::StrCat("wf-", i + 1));
    auto rest = WatchAll(GroupMember(), FromToken((*all)[i].resume_token()));
    ASSERT_TRUE(rest.ok()) << rest.status();
    const std::vector<v1::WatchEvent> expected(all->begin() + i + 1, all->end());
    EXPECT_EQ(Described(*rest), Described(expected)) << "after " << (*all)[i].resume_token();
  }
}

TEST_F(WatchResumeTest, AUnitLiaisonSeesOnlyTheirUnitAndResumesAcrossNewEvents) {
  auto first = WatchAll(LiaisonOf("u-yj"), FromToken("wf-0"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Described(*first),
              ElementsAre("item:u-yj:i-a", "notice:u-yj:NOTICE_KIND_REMINDER",
                          "case:u-yj:CASE_STATE_OPEN", "notice:u-yj:NOTICE_KIND_URGING"));

  // While disconnected: the other unit's case is raised, then this unit's.
  Deliver({OtherUnit(RungEvent("scheduler:5", common::v1::RUNG_SUPERVISION, "i-b",
                               kDue + absl::Hours(96))),
           RungEvent("scheduler:6", common::v1::RUNG_SUPERVISION, "i-a", kDue + absl::Hours(96))});
  auto resumed = WatchAll(LiaisonOf("u-yj"), FromToken(first->back().resume_token()));
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_THAT(Described(*resumed),
              ElementsAre("case:u-yj:CASE_STATE_RAISED", "notice:u-yj:NOTICE_KIND_SUPERVISION"));

  v1::WatchRequest other = FromToken("wf-0", "u-zj");
  EXPECT_EQ(WatchAll(LiaisonOf("u-yj"), other).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto filtered = WatchAll(GroupMember(), other);
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ(filtered->size(), 6u);
}

TEST_F(WatchResumeTest, AnEmptyTokenStartsAfterTheLastRow) {
  std::vector<v1::WatchEvent> received;
  int checks = 0;
  absl::Status status = workflow_->Watch(
      GroupMember(), v1::WatchRequest(),
      [&](const v1::WatchEvent& event) {
        received.push_back(event);
        return false;
      },
      [&] {
        // Between the first and second pass, something new happens.
        if (++checks == 2) {
          Deliver({RungEvent("scheduler:9", common::v1::RUNG_SUPERVISION, "i-a", kDue)});
        }
        return checks > 50;
      });
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(Describe(received[0]), "case:u-yj:CASE_STATE_RAISED");
  EXPECT_EQ(received[0].resume_token(), "wf-9");
}

TEST_F(WatchResumeTest, ABadOrFutureTokenIsRefusedNamingResumeToken) {
  for (const std::string token : {"nonsense", "wf-", "wf--1", "wf-9"}) {
    const absl::Status status = WatchAll(GroupMember(), FromToken(token)).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_EQ(status.message().substr(0, 13), "resume_token:") << token;
  }
}

TEST_F(WatchResumeTest, ShuttingTheHubDownEndsAWaitingStream) {
  absl::Status status = absl::UnknownError("not ended");
  std::thread watcher([&] {
    status = workflow_->Watch(
        GroupMember(), v1::WatchRequest(), [](const v1::WatchEvent&) { return true; },
        [] { return false; });
  });
  workflow_->watch_hub().Shutdown();
  watcher.join();
  EXPECT_TRUE(status.ok()) << status;
}

TEST_F(SupervisionWorkflowTest, ReportFiguresCountLateAndMissingOncePerUnit) {
  // The report cut-off of 2026-10-1 (2026-10-08 18:00 local); the digest two days later.
  const absl::Time cutoff =
      absl::FromCivil(absl::CivilSecond(2026, 10, 8, 10, 0, 0), absl::UTCTimeZone());
  const absl::Time digest = cutoff + absl::Hours(48);
  Deliver({ReportRungEvent("scheduler:1", common::v1::RUNG_URGING, "u-yj", cutoff, digest),
           ReportRungEvent("scheduler:2", common::v1::RUNG_URGING, "u-zj", cutoff, digest),
           MetEvent("scheduler:3", "u-yj@2026-10-1", common::v1::SUBJECT_KIND_REPORT,
                    digest - absl::Seconds(1))});
  clock_.Set(digest);
  Deliver({ReportRungEvent("scheduler:4", common::v1::RUNG_SUPERVISION, "u-zj", cutoff, digest)});

  v1::GetFiguresRequest request;
  *request.mutable_from() =
      ToProto(absl::FromCivil(absl::CivilDay(2026, 10, 1), absl::UTCTimeZone()));
  *request.mutable_to() =
      ToProto(absl::FromCivil(absl::CivilDay(2026, 11, 1), absl::UTCTimeZone()));
  v1::GetFiguresResponse figures;
  ASSERT_TRUE(workflow_->GetFigures(GroupMember(), request, &figures).ok());
  ASSERT_EQ(figures.units_size(), 2);
  EXPECT_EQ(figures.units(0).unit_id(), "u-yj");
  EXPECT_EQ(figures.units(0).late_reports(), 1);
  EXPECT_EQ(figures.units(0).missing_reports(), 0);
  EXPECT_EQ(figures.units(0).cases_closed(), 1);
  EXPECT_EQ(figures.units(0).urging_notices(), 1);
  EXPECT_EQ(figures.units(1).unit_id(), "u-zj");
  EXPECT_EQ(figures.units(1).late_reports(), 0);
  EXPECT_EQ(figures.units(1).missing_reports(), 1);
  EXPECT_EQ(figures.units(1).cases_raised(), 1);
  EXPECT_EQ(figures.units(1).cases_open(), 1);
  EXPECT_EQ(figures.units(1).items_overdue(), 0);

  v1::GetFiguresResponse own;
  ASSERT_TRUE(workflow_->GetFigures(LiaisonOf("u-zj"), request, &own).ok());
  ASSERT_EQ(own.units_size(), 1);
  EXPECT_EQ(own.units(0).unit_id(), "u-zj");
  EXPECT_EQ(own.units(0).missing_reports(), 1);
}

class SplitTest : public SupervisionWorkflowTest {
 protected:
  void SetUp() override {
    SupervisionWorkflowTest::SetUp();
    if (HasFatalFailure()) return;
    tasks::v1::ItemReferred referred;
    referred.mutable_item()->set_id("d-1-3");
    referred.mutable_item()->set_lead_unit_id("u-zj");
    referred.mutable_item()->add_responsible_unit_ids("u-zj");
    referred.mutable_item()->set_content("老旧小区改造");
    Deliver({ItemEvent("tasks:9", referred, kDue - absl::Hours(240))});
  }

  static v1::SplitReferredItemRequest Request(const std::string& request_id) {
    v1::SplitReferredItemRequest request;
    request.set_request_id(request_id);
    request.set_item_id("d-1-3");
    for (const std::string unit : {"u-yj", "u-zj"}) {
      v1::SplitPart* part = request.add_parts();
      part->set_content("改造 " + unit);
      part->add_responsible_unit_ids(unit);
      part->mutable_deadline()->mutable_date()->set_year(2026);
      part->mutable_deadline()->mutable_date()->set_month(12);
      part->mutable_deadline()->mutable_date()->set_day(31);
    }
    return request;
  }
};

TEST_F(SplitTest, SplittingRecordsThePartsAndAsksTasksOnce) {
  v1::SplitReferredItemResponse first;
  ASSERT_TRUE(workflow_->SplitReferredItem(GroupMember(), Request("split-1"), &first).ok());
  EXPECT_THAT(first.sub_item_ids(), ElementsAre("d-1-3-s1", "d-1-3-s2"));
  EXPECT_THAT(first.case_().sub_item_ids(), ElementsAre("d-1-3-s1", "d-1-3-s2"));
  EXPECT_EQ(first.case_().split_parts_size(), 2);
  EXPECT_EQ(first.case_().split_by(), "p-group");
  EXPECT_EQ(FromProto(first.case_().split_at()), kDue);

  v1::SplitReferredItemResponse retried;
  ASSERT_TRUE(workflow_->SplitReferredItem(GroupMember(), Request("split-1"), &retried).ok());
  EXPECT_EQ(retried.SerializeAsString(), first.SerializeAsString());

  const auto splits = SplitsForTasks();
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_EQ(splits[0].first, "ITEM/d-1-3");
  EXPECT_EQ(splits[0].second.item_id(), "d-1-3");
  EXPECT_EQ(splits[0].second.parts_size(), 2);
  EXPECT_EQ(splits[0].second.requested_by(), "p-group");

  v1::SplitReferredItemResponse again;
  const absl::Status twice =
      workflow_->SplitReferredItem(GroupMember(), Request("split-2"), &again);
  EXPECT_EQ(twice.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(twice.message(), "item d-1-3 was already split into d-1-3-s1, d-1-3-s2");
}

TEST_F(SplitTest, TheCaseClosesWhenTheParentCloses) {
  v1::SplitReferredItemResponse split;
  ASSERT_TRUE(workflow_->SplitReferredItem(GroupMember(), Request("split-1"), &split).ok());
  Deliver({ItemEvent("tasks:10",
                     ItemNow("d-1-3-s1", "u-yj", {"u-yj"}, tasks::v1::ITEM_STATUS_CLOSED), kDue),
           ItemEvent("tasks:11", ItemNow("d-1-3", "u-zj", {"u-zj"}, tasks::v1::ITEM_STATUS_SPLIT),
                     kDue),
           // The parent's deadline ends at the split; the scheduler forwards that.
           CancelledEvent("scheduler:12", "d-1-3")});
  EXPECT_EQ(Cases()[0].state(), v1::CASE_STATE_RAISED);
  // The sub-item's unit hears of its new item, and of nothing about the parent's case.
  auto seen = WatchAll(LiaisonOf("u-yj"), FromToken("wf-0"));
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_THAT(Described(*seen), ElementsAre("item:u-yj:d-1-3-s1"));

  Deliver({ItemEvent("tasks:12", ItemNow("d-1-3", "u-zj", {"u-zj"}, tasks::v1::ITEM_STATUS_CLOSED),
                     kDue + absl::Hours(1))});
  const auto cases = Cases();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(FromProto(cases[0].closed_at()), kDue + absl::Hours(1));
}

TEST_F(SplitTest, BadPartsAreRefusedNamingTheField) {
  struct Case {
    std::function<void(v1::SplitReferredItemRequest&)> spoil;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.clear_item_id(); }, "item_id: required"},
      {[](auto& r) { r.clear_parts(); }, "parts: at least one part is required"},
      {[](auto& r) { r.mutable_parts(1)->clear_deadline(); }, "parts[1].deadline: missing"},
      {[](auto& r) { r.mutable_parts(0)->clear_content(); }, "parts[0].content: missing"},
      {[](auto& r) { r.mutable_parts(1)->clear_responsible_unit_ids(); },
       "parts[1].responsible_unit_ids: at least one unit is required"},
      {[](auto& r) { r.mutable_parts(0)->set_content(std::string(1'000'000, 'x')); },
       "parts[0].content: at most 2000 characters (got 1000000)"},
      {[](auto& r) { r.mutable_parts(1)->set_measures(std::string(2001, 'x')); },
       "parts[1].measures: at most 2000 characters (got 2001)"},
      {[](auto& r) {
         r.mutable_parts(1)->mutable_deadline()->mutable_instant()->set_seconds(253402221600);
       },
       "parts[1].deadline: must fall in the years 2000 to 2199"},
  };
  for (const Case& c : cases) {
    v1::SplitReferredItemRequest request = Request("split-bad");
    c.spoil(request);
    v1::SplitReferredItemResponse response;
    const absl::Status status = workflow_->SplitReferredItem(GroupMember(), request, &response);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(status.message(), c.message);
  }

  v1::SplitReferredItemRequest bad_date = Request("split-bad");
  bad_date.mutable_parts(0)->mutable_deadline()->mutable_date()->set_month(13);
  v1::SplitReferredItemResponse response;
  const absl::Status status = workflow_->SplitReferredItem(GroupMember(), bad_date, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().substr(0, 19), "parts[0].deadline: ");
  EXPECT_TRUE(SplitsForTasks().empty());
}

TEST_F(SplitTest, AUnitTheRegistryDoesNotKnowIsRefusedBeforeAnythingIsRecorded) {
  v1::SplitReferredItemRequest request = Request("split-unknown");
  request.mutable_parts(1)->add_responsible_unit_ids("u-404");
  v1::SplitReferredItemResponse response;
  const absl::Status status = workflow_->SplitReferredItem(GroupMember(), request, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "parts[1].responsible_unit_ids[1]: no unit u-404 in the registry");

  liaisons_.registry_down = true;
  EXPECT_EQ(workflow_->SplitReferredItem(GroupMember(), Request("split-down"), &response).code(),
            absl::StatusCode::kUnavailable);
  liaisons_.registry_down = false;

  const auto cases = Cases();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_TRUE(cases[0].sub_item_ids().empty());
  EXPECT_TRUE(cases[0].split_parts().empty());
  EXPECT_TRUE(SplitsForTasks().empty());
  // The same request with known units goes through afterwards.
  ASSERT_TRUE(workflow_->SplitReferredItem(GroupMember(), Request("split-down"), &response).ok());
  EXPECT_THAT(response.sub_item_ids(), ElementsAre("d-1-3-s1", "d-1-3-s2"));
}

TEST_F(SplitTest, OnlyAReferredOpenItemMayBeSplit) {
  Deliver({RungEvent("scheduler:2", common::v1::RUNG_URGING, "i-1", kDue)});
  v1::SplitReferredItemRequest not_referred = Request("split-3");
  not_referred.set_item_id("i-1");
  v1::SplitReferredItemResponse response;
  EXPECT_EQ(workflow_->SplitReferredItem(GroupMember(), not_referred, &response).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::SplitReferredItemRequest unknown = Request("split-4");
  unknown.set_item_id("i-404");
  const absl::Status status = workflow_->SplitReferredItem(GroupMember(), unknown, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "item i-404 has no supervision case");
  EXPECT_TRUE(SplitsForTasks().empty());
}
}  // namespace
}  // namespace duban::supervision

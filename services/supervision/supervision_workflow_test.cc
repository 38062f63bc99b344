// The supervision workflow against a real MariaDB (DUBAN_TEST_DB_SOCKET):
// events applied once through db::ApplyEvents, cases, notices, circulars and
// figures.
#include "services/supervision/supervision_workflow.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/db/outbox.h"
#include "common/testing/callers.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "duban/tasks/v1/tasks.pb.h"
#include "services/supervision/migrations.h"

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
};

Caller Service() { return testing::ServiceCaller("service:reporting"); }

Caller LiaisonOf(const std::string& unit) { return testing::UnitLiaisonCaller(unit); }

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
    workflow_ = std::make_unique<SupervisionWorkflow>(&database_->pool(), &clock_,
                                                      *LoadZone("Asia/Shanghai"), &liaisons_);
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

}  // namespace
}  // namespace duban::supervision

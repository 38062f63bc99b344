// CutoffGenerator and the keeper's generated deadlines against a real MariaDB
// (DUBAN_TEST_DB_SOCKET), with the 2026 calendar.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/calendar/calendar_testing.h"
#include "common/clock.h"
#include "common/db/outbox.h"
#include "common/db/statement.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"
#include "services/scheduler/calendar_follower.h"
#include "services/scheduler/cutoff_generator.h"
#include "services/scheduler/deadline_keeper.h"
#include "services/scheduler/mysql_deadline_store.h"
#include "services/scheduler/schema.h"

namespace duban::scheduler {
namespace {

using calendar::testing::Calendar2026;
using calendar::testing::Shanghai;
using ::testing::ElementsAre;

absl::Time Local(absl::CivilSecond t) { return FromLocal(t, Shanghai()); }

common::v1::Subject Subject(common::v1::SubjectKind kind, const std::string& id) {
  common::v1::Subject subject;
  subject.set_kind(kind);
  subject.set_id(id);
  return subject;
}

// A calendar the test replaces, as a registry re-import would.
class SwitchableCalendar final : public calendar::CalendarSource {
 public:
  explicit SwitchableCalendar(calendar::WorkCalendar calendar) { Set(std::move(calendar)); }
  std::shared_ptr<const calendar::WorkCalendar> Current() const override {
    absl::MutexLock lock(&mu_);
    return current_;
  }
  void Set(calendar::WorkCalendar calendar) {
    absl::MutexLock lock(&mu_);
    current_ = std::make_shared<const calendar::WorkCalendar>(std::move(calendar));
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const calendar::WorkCalendar> current_ ABSL_GUARDED_BY(mu_);
};

// The registry's district leaders and units, as the test sets them.
class FakeDirectory final : public RegistryDirectory {
 public:
  absl::StatusOr<std::vector<Named>> DistrictLeaders() override {
    absl::MutexLock lock(&mu_);
    return leaders_;
  }
  absl::StatusOr<std::vector<Named>> Units() override {
    absl::MutexLock lock(&mu_);
    return units_;
  }
  void SetLeaders(std::vector<Named> leaders) {
    absl::MutexLock lock(&mu_);
    leaders_ = std::move(leaders);
  }
  void SetUnits(std::vector<Named> units) {
    absl::MutexLock lock(&mu_);
    units_ = std::move(units);
  }

 private:
  absl::Mutex mu_;
  std::vector<Named> leaders_ ABSL_GUARDED_BY(mu_) = {{"p-leader-1", ""}, {"p-leader-2", ""}};
  std::vector<Named> units_ ABSL_GUARDED_BY(mu_);
};

class CutoffGeneratorStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::CreateMigrated("scheduler", Migrations());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    keeper_ = NewKeeper();
    generator_ = std::make_unique<CutoffGenerator>(&db_->pool(), &store_, keeper_.get(), &names_);
  }

  std::unique_ptr<DeadlineKeeper> NewKeeper() {
    return std::make_unique<DeadlineKeeper>(&db_->pool(), &store_, &clock_, Shanghai(), &calendar_,
                                            LadderOptions{}, calendar::PeriodRules{}, nullptr,
                                            &names_);
  }

  void Deliver(const google::protobuf::Message& payload, absl::Time occurred_at) {
    google::protobuf::RepeatedPtrField<events::v1::Event> events;
    auto& event = *events.Add();
    event.set_event_id(absl::StrCat("tasks:", ++sequence_));
    event.set_source("tasks");
    *event.mutable_occurred_at() = ToProto(occurred_at);
    event.mutable_payload()->PackFrom(payload);
    auto applied = db::ApplyEvents(db_->pool(), clock_, events,
                                   [&](sql::Connection& conn, const events::v1::Event& e) {
                                     return keeper_->ApplyEvent(conn, e);
                                   });
    ASSERT_TRUE(applied.ok()) << applied.status();
  }

  // Tasks registers an item led by `unit` at the clock's time.
  void RegisterItem(const std::string& item_id, const std::string& unit, absl::CivilDay due) {
    v1::DeadlineRegistered registered;
    *registered.mutable_subject() = Subject(common::v1::SUBJECT_KIND_ITEM, item_id);
    registered.set_owner_unit_id(unit);
    registered.set_rule("item.date");
    (*registered.mutable_inputs())["lead_unit_id"] = unit;
    *registered.mutable_deadline()->mutable_date() = ToProto(due);
    Deliver(registered, clock_.Now());
  }

  void Met(common::v1::SubjectKind kind, const std::string& id) {
    v1::DeadlineMet met;
    *met.mutable_subject() = Subject(kind, id);
    *met.mutable_met_at() = ToProto(clock_.Now());
    Deliver(met, clock_.Now());
  }

  // "<subject id>: <label>" of every deadline of `kind`, by due time.
  std::vector<std::string> Labels(common::v1::SubjectKind kind) {
    v1::ListDeadlinesRequest request;
    request.set_subject_kind(kind);
    request.set_page_size(500);
    auto list = keeper_->ListDeadlines(Reader{true, {}}, request);
    EXPECT_TRUE(list.ok()) << list.status();
    std::vector<std::string> result;
    for (const auto& d : list->deadlines()) {
      result.push_back(absl::StrCat(d.subject().id(), ": ", d.label()));
    }
    return result;
  }

  // "<subject id> <local due>" of every deadline of `kind`, by due time.
  std::vector<std::string> Deadlines(common::v1::SubjectKind kind) {
    v1::ListDeadlinesRequest request;
    request.set_subject_kind(kind);
    request.set_page_size(500);
    auto list = keeper_->ListDeadlines(Reader{true, {}}, request);
    EXPECT_TRUE(list.ok()) << list.status();
    std::vector<std::string> result;
    for (const auto& d : list->deadlines()) {
      result.push_back(
          absl::StrCat(d.subject().id(), " ", FormatLocal(FromProto(d.due_at()), Shanghai())));
    }
    return result;
  }

  int64_t Count(const std::string& sql) {
    int64_t count = -1;
    absl::Status status = db::WithConnection(db_->pool(), [&](sql::Connection& conn) {
      auto rows = db::Query(conn, sql);
      rows->next();
      count = rows->getInt64(1);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return count;
  }

  // "<ordering key> <payload>" of every event for minutes, in the order sent.
  std::vector<std::string> SentToMinutes() {
    std::vector<std::string> sent;
    absl::Status status = db::WithConnection(db_->pool(), [&](sql::Connection& conn) {
      auto rows = db::Query(conn,
                            "SELECT ordering_key, payload FROM outbox WHERE destination = "
                            "'minutes' ORDER BY seq");
      while (rows->next()) {
        google::protobuf::Any any;
        v1::DeadlineMoved moved;
        if (!any.ParseFromString(rows->getString(2)) || !any.UnpackTo(&moved)) {
          sent.push_back(absl::StrCat(rows->getString(1).asStdString(), " ", any.type_url()));
          continue;
        }
        sent.push_back(absl::StrCat(
            rows->getString(1).asStdString(), " ",
            common::v1::SubjectKind_Name(moved.subject().kind()), " ", moved.subject().id(),
            " date=", FormatDay(*FromProto(moved.deadline().date(), "")),
            " due=", FormatLocal(FromProto(moved.due_at()), Shanghai()),
            " was=", FormatLocal(FromProto(moved.previous_due_at()), Shanghai()),
            " revision=", moved.revision(), " reason=", moved.reason()));
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return sent;
  }

  FakeClock clock_{Local(absl::CivilSecond(2026, 9, 25, 9, 0, 0))};
  std::unique_ptr<testing::TestDatabase> db_;
  MysqlDeadlineStore store_;
  SwitchableCalendar calendar_{Calendar2026()};
  FakeDirectory directory_;
  RegistryNames names_{&directory_};
  std::unique_ptr<DeadlineKeeper> keeper_;
  std::unique_ptr<CutoffGenerator> generator_;
  int sequence_ = 0;
};

TEST_F(CutoffGeneratorStoreTest, AFreshStartGeneratesThePeriodAndMonthItIsIn) {
  RegisterItem("it-1", "unit-a", absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(generator_->GenerateDue(clock_.Now()).value_or(-1), 3);  // digest, 2 cycles
  EXPECT_THAT(Deadlines(common::v1::SUBJECT_KIND_DIGEST),
              ElementsAre("2026-10-1 2026-10-08T18:00:00+08:00"));
  // The report was owed as soon as the item was registered.
  EXPECT_THAT(Deadlines(common::v1::SUBJECT_KIND_REPORT),
              ElementsAre("unit-a@2026-10-1 2026-10-08T18:00:00+08:00"));
  EXPECT_THAT(Deadlines(common::v1::SUBJECT_KIND_DISPATCH_CYCLE),
              ::testing::UnorderedElementsAre("p-leader-1@2026-09 2026-10-01T00:00:00+08:00",
                                              "p-leader-2@2026-09 2026-10-01T00:00:00+08:00"));
  EXPECT_EQ(generator_->GenerateDue(clock_.Now()).value_or(-1), 0);
  EXPECT_EQ(generator_->NextBoundary(clock_.Now()).value_or(absl::InfinitePast()),
            Local(absl::CivilSecond(2026, 10, 1, 0, 0, 0)));  // the next month
}

TEST_F(CutoffGeneratorStoreTest, ALeaderAppointedAfterTheMonthWasGeneratedOwesFromTheNextMonth) {
  EXPECT_EQ(generator_->GenerateDue(clock_.Now()).value_or(-1), 3);  // digest, 2 cycles
  clock_.Set(Local(absl::CivilSecond(2026, 9, 26, 9, 0, 0)));
  directory_.SetLeaders({{"p-leader-1", ""}, {"p-leader-2", ""}, {"p-leader-3", "郑十"}});
  ASSERT_TRUE(names_.Refresh().ok());  // with the calendar
  EXPECT_EQ(generator_->GenerateDue(clock_.Now()).value_or(-1), 0);
  EXPECT_THAT(Deadlines(common::v1::SUBJECT_KIND_DISPATCH_CYCLE),
              ::testing::UnorderedElementsAre("p-leader-1@2026-09 2026-10-01T00:00:00+08:00",
                                              "p-leader-2@2026-09 2026-10-01T00:00:00+08:00"));

  // The next month gets all three, once, whichever replica generates it.
  clock_.Set(Local(absl::CivilSecond(2026, 10, 1, 0, 0, 0)));
  EXPECT_EQ(generator_->GenerateDue(clock_.Now()).value_or(-1), 3);
  CutoffGenerator other(&db_->pool(), &store_, keeper_.get(), &names_);
  EXPECT_EQ(other.GenerateDue(clock_.Now()).value_or(-1), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deadlines WHERE subject_kind = 5"), 5);
}

TEST_F(CutoffGeneratorStoreTest, GeneratedDeadlinesAreLabelledWithTheRegistrysNames) {
  directory_.SetLeaders({{"p-leader-1", "郑十"}, {"p-leader-2", ""}});
  directory_.SetUnits({{"unit-a", "住建局"}});
  ASSERT_TRUE(names_.Refresh().ok());
  RegisterItem("it-1", "unit-a", absl::CivilDay(2027, 6, 30));
  RegisterItem("it-2", "unit-b", absl::CivilDay(2027, 6, 30));  // not in the registry
  ASSERT_TRUE(generator_->GenerateDue(clock_.Now()).ok());
  clock_.Set(Local(absl::CivilSecond(2026, 10, 10, 0, 0, 0)));
  ASSERT_TRUE(generator_->GenerateDue(clock_.Now()).ok());
  EXPECT_THAT(Labels(common::v1::SUBJECT_KIND_REPORT),
              ::testing::UnorderedElementsAre("unit-a@2026-10-1: 住建局 2026-10-1期调度情况报告",
                                              "unit-b@2026-10-1: unit-b 2026-10-1期调度情况报告",
                                              "unit-a@2026-10-2: 住建局 2026-10-2期调度情况报告",
                                              "unit-b@2026-10-2: unit-b 2026-10-2期调度情况报告"));
  EXPECT_THAT(Labels(common::v1::SUBJECT_KIND_DISPATCH_CYCLE),
              ::testing::UnorderedElementsAre("p-leader-1@2026-09: 郑十 2026-09调度周期",
                                              "p-leader-2@2026-09: p-leader-2 2026-09调度周期",
                                              "p-leader-1@2026-10: 郑十 2026-10调度周期",
                                              "p-leader-2@2026-10: p-leader-2 2026-10调度周期"));
  EXPECT_THAT(
      Labels(common::v1::SUBJECT_KIND_DIGEST),
      ElementsAre("2026-10-1: 2026-10-1期调度情况汇总", "2026-10-2: 2026-10-2期调度情况汇总"));
}

TEST_F(CutoffGeneratorStoreTest, ADraftCountedInWorkingDaysMovesWithTheCalendarUntilUrged) {
  calendar_.Set(calendar::WorkCalendar());  // before the holidays were imported
  // As minutes registers it: 3 working days after 09-28 with weekends only.
  auto register_draft = [&](const std::string& event_id, absl::CivilDay held_on,
                            absl::CivilDay due_on) {
    v1::DeadlineRegistered registered;
    *registered.mutable_subject() = Subject(common::v1::SUBJECT_KIND_DRAFT, event_id);
    registered.set_owner_unit_id("unit-office");
    registered.set_rule("draft.working_days");
    (*registered.mutable_inputs())["held_on"] = FormatDay(held_on);
    (*registered.mutable_inputs())["days"] = "3";
    (*registered.mutable_inputs())["zone"] = "Asia/Shanghai";
    (*registered.mutable_inputs())["non_working_days_passed"] = "0";
    *registered.mutable_deadline()->mutable_date() = ToProto(due_on);
    registered.set_label("draft of " + event_id);
    Deliver(registered, clock_.Now());
  };
  register_draft("ev-late", absl::CivilDay(2026, 9, 28), absl::CivilDay(2026, 10, 1));
  // A calendar-days draft keeps its instant; only its ladder follows.
  v1::DeadlineRegistered calendar_days;
  *calendar_days.mutable_subject() = Subject(common::v1::SUBJECT_KIND_DRAFT, "ev-days");
  calendar_days.set_rule("draft.calendar_days");
  (*calendar_days.mutable_inputs())["held_on"] = "2026-09-28";
  (*calendar_days.mutable_inputs())["days"] = "3";
  *calendar_days.mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 10, 1));
  Deliver(calendar_days, clock_.Now());

  calendar_.Set(Calendar2026());
  ASSERT_TRUE(keeper_->FollowCalendar().ok());
  EXPECT_THAT(
      Deadlines(common::v1::SUBJECT_KIND_DRAFT),
      ElementsAre("ev-days 2026-10-02T00:00:00+08:00", "ev-late 2026-10-09T00:00:00+08:00"));
  v1::GetDeadlineRequest get;
  *get.mutable_subject() = Subject(common::v1::SUBJECT_KIND_DRAFT, "ev-late");
  auto draft = keeper_->GetDeadline(Reader{true, {}}, get);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->inputs().at("non_working_days_passed"), "7");
  // Minutes hears of the move; the calendar-days draft kept its instant.
  const std::string moved =
      "DRAFT/ev-late SUBJECT_KIND_DRAFT ev-late date=2026-10-08 due=2026-10-09T00:00:00+08:00 "
      "was=2026-10-02T00:00:00+08:00 revision=2 reason=the work calendar changed: due on "
      "2026-10-08 (was 2026-10-01)";
  EXPECT_THAT(SentToMinutes(), ElementsAre(moved));
  EXPECT_EQ(keeper_->FollowCalendar().value_or(-1), 0);
  EXPECT_THAT(SentToMinutes(), ElementsAre(moved));

  // Once its urging fired, a calendar change leaves it where it is.
  clock_.Set(Local(absl::CivilSecond(2026, 10, 9, 0, 0, 0)));
  ASSERT_TRUE(keeper_->FireDue(clock_.Now(), 100).ok());
  calendar_.Set(calendar::WorkCalendar());
  ASSERT_TRUE(keeper_->FollowCalendar().ok());
  EXPECT_THAT(
      Deadlines(common::v1::SUBJECT_KIND_DRAFT),
      ElementsAre("ev-days 2026-10-02T00:00:00+08:00", "ev-late 2026-10-09T00:00:00+08:00"));
  EXPECT_THAT(SentToMinutes(), ElementsAre(moved));
}

TEST_F(CutoffGeneratorStoreTest, CatchesUpPeriodByPeriodAfterDowntime) {
  RegisterItem("it-1", "unit-a", absl::CivilDay(2027, 6, 30));
  ASSERT_TRUE(generator_->GenerateDue(clock_.Now()).ok());
  clock_.Set(Local(absl::CivilSecond(2026, 11, 10, 0, 0, 0)));
  ASSERT_TRUE(generator_->GenerateDue(clock_.Now()).ok());
  EXPECT_THAT(
      Deadlines(common::v1::SUBJECT_KIND_DIGEST),
      ElementsAre("2026-10-1 2026-10-08T18:00:00+08:00", "2026-10-2 2026-10-22T18:00:00+08:00",
                  "2026-11-1 2026-11-09T18:00:00+08:00", "2026-11-2 2026-11-23T18:00:00+08:00"));
  EXPECT_THAT(Deadlines(common::v1::SUBJECT_KIND_REPORT),
              ElementsAre("unit-a@2026-10-1 2026-10-08T18:00:00+08:00",
                          "unit-a@2026-10-2 2026-10-20T18:00:00+08:00",
                          "unit-a@2026-11-1 2026-11-05T18:00:00+08:00",
                          "unit-a@2026-11-2 2026-11-20T18:00:00+08:00"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deadlines WHERE subject_kind = 5"), 6);  // 3 months x 2
  // The next boundary is the start of 2026-12-1, just after the 11-20 cut-off.
  EXPECT_EQ(generator_->NextBoundary(clock_.Now()).value_or(absl::InfinitePast()),
            Local(absl::CivilSecond(2026, 11, 20, 18, 0, 0)));
}

TEST_F(CutoffGeneratorStoreTest, AUnitOwesOnlyForPeriodsItsItemWasOpenIn) {
  RegisterItem("it-1", "unit-a", absl::CivilDay(2026, 10, 15));
  ASSERT_TRUE(generator_->GenerateDue(clock_.Now()).ok());
  clock_.Set(Local(absl::CivilSecond(2026, 10, 12, 10, 0, 0)));  // in 2026-10-2
  Met(common::v1::SUBJECT_KIND_ITEM, "it-1");  // completed before the 10-20 cut-off
  clock_.Set(Local(absl::CivilSecond(2026, 11, 10, 0, 0, 0)));
  ASSERT_TRUE(generator_->GenerateDue(clock_.Now()).ok());
  EXPECT_THAT(Deadlines(common::v1::SUBJECT_KIND_REPORT),
              ElementsAre("unit-a@2026-10-1 2026-10-08T18:00:00+08:00",
                          "unit-a@2026-10-2 2026-10-20T18:00:00+08:00"));

  // Registered mid-period: owed at once, for that period.
  RegisterItem("it-2", "unit-b", absl::CivilDay(2026, 12, 15));
  EXPECT_THAT(Deadlines(common::v1::SUBJECT_KIND_REPORT),
              ElementsAre("unit-a@2026-10-1 2026-10-08T18:00:00+08:00",
                          "unit-a@2026-10-2 2026-10-20T18:00:00+08:00",
                          "unit-b@2026-11-2 2026-11-20T18:00:00+08:00"));
}

TEST_F(CutoffGeneratorStoreTest, TwoKeepersGeneratingTheSamePeriodsGiveOneSet) {
  for (int u = 0; u < 20; ++u) {
    RegisterItem(absl::StrCat("it-", u), absl::StrCat("unit-", u), absl::CivilDay(2027, 6, 30));
  }
  ASSERT_EQ(generator_->GenerateDue(clock_.Now()).value_or(-1), 3);
  clock_.Set(Local(absl::CivilSecond(2027, 3, 1, 0, 0, 0)));
  auto other_keeper = NewKeeper();
  MysqlDeadlineStore other_store;
  CutoffGenerator other(&db_->pool(), &other_store, other_keeper.get(), &names_);
  absl::StatusOr<int> there = -1;
  std::thread thread([&] { there = other.GenerateDue(clock_.Now()); });
  absl::StatusOr<int> here = generator_->GenerateDue(clock_.Now());
  thread.join();
  ASSERT_TRUE(here.ok()) << here.status();
  ASSERT_TRUE(there.ok()) << there.status();

  // 2026-10-2 .. 2027-03-1: 10 periods; months 2026-10 .. 2027-03.
  EXPECT_EQ(*here + *there, 10 + 20 * 10 + 2 * 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deadlines WHERE subject_kind = 4"), 11);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deadlines WHERE subject_kind = 3"), 20 * 11);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deadlines WHERE subject_kind = 5"), 2 * 7);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM ladder_rungs"), 3 * (20 + 11 + 20 * 11 + 2 * 7));
}

TEST_F(CutoffGeneratorStoreTest, ACalendarChangeMovesCutoffsWhoseRungsHaveNotFired) {
  calendar_.Set(calendar::WorkCalendar());  // before the holidays were imported
  RegisterItem("it-1", "unit-a", absl::CivilDay(2026, 12, 31));
  ASSERT_TRUE(generator_->GenerateDue(clock_.Now()).ok());
  EXPECT_THAT(Deadlines(common::v1::SUBJECT_KIND_REPORT),
              ElementsAre("unit-a@2026-10-1 2026-10-05T18:00:00+08:00"));

  calendar_.Set(Calendar2026());
  // The report and the digest; the dispatch cycles' supervision rungs (3
  // working days after 09-30 now pass over the National Day holidays).
  EXPECT_EQ(keeper_->FollowCalendar().value_or(-1), 4);
  EXPECT_THAT(Deadlines(common::v1::SUBJECT_KIND_REPORT),
              ElementsAre("unit-a@2026-10-1 2026-10-08T18:00:00+08:00"));
  EXPECT_EQ(keeper_->FollowCalendar().value_or(-1), 0);

  clock_.Set(Local(absl::CivilSecond(2026, 10, 8, 18, 0, 0)));
  // Reminders and urgings of the report, the digest and the two cycles.
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 100).value_or(-1), 8);

  v1::GetDeadlineRequest get;
  *get.mutable_subject() = Subject(common::v1::SUBJECT_KIND_REPORT, "unit-a@2026-10-1");
  auto report = keeper_->GetDeadline(Reader{true, {}}, get);
  ASSERT_TRUE(report.ok());
  auto explanation = keeper_->ExplainDeadline(Reader{true, {}}, report->id());
  ASSERT_TRUE(explanation.ok()) << explanation.status();
  EXPECT_EQ(explanation->local_due(), "2026-10-08T18:00:00+08:00");
  EXPECT_EQ(explanation->steps(1), "2026-10-05 is a holiday (国庆节): moved to 2026-10-08");
}

TEST_F(CutoffGeneratorStoreTest, TheFollowerMovesDeadlinesOnceAfterAReloadThatChanged) {
  calendar_.Set(calendar::WorkCalendar());
  RegisterItem("it-1", "unit-a", absl::CivilDay(2026, 12, 31));
  absl::StatusOr<bool> next_reload = false;
  CalendarFollower follower([&] { return next_reload; }, keeper_.get());
  EXPECT_FALSE(follower.loaded());

  next_reload = absl::UnavailableError("registry down");
  EXPECT_EQ(follower.Sync().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(follower.loaded());

  calendar_.Set(Calendar2026());  // the reload brought the holidays
  next_reload = true;
  EXPECT_EQ(follower.Sync().value_or(-1), 1);  // the report cut-off of 2026-10-1
  EXPECT_TRUE(follower.loaded());
  next_reload = false;
  EXPECT_EQ(follower.Sync().value_or(-1), 0);
  EXPECT_THAT(Deadlines(common::v1::SUBJECT_KIND_REPORT),
              ElementsAre("unit-a@2026-10-1 2026-10-08T18:00:00+08:00"));
}

TEST_F(CutoffGeneratorStoreTest, AMetUrgedSubjectIsForwardedToSupervision) {
  RegisterItem("it-1", "unit-a", absl::CivilDay(2026, 12, 31));
  ASSERT_TRUE(generator_->GenerateDue(clock_.Now()).ok());
  clock_.Set(Local(absl::CivilSecond(2026, 10, 8, 18, 0, 0)));
  ASSERT_TRUE(keeper_->FireDue(clock_.Now(), 100).ok());
  const int64_t before = Count("SELECT COUNT(*) FROM outbox WHERE destination = 'supervision'");
  clock_.Set(Local(absl::CivilSecond(2026, 10, 8, 19, 0, 0)));
  Met(common::v1::SUBJECT_KIND_REPORT, "unit-a@2026-10-1");  // late
  Met(common::v1::SUBJECT_KIND_ITEM, "it-1");                // never urged
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE destination = 'supervision'"), before + 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE destination = 'supervision' AND "
                  "ordering_key = 'REPORT/unit-a@2026-10-1'"),
            3);  // reminder, urging, met
  std::string payload;
  ASSERT_TRUE(db::WithConnection(db_->pool(), [&](sql::Connection& conn) {
                auto rows =
                    db::Query(conn,
                              "SELECT payload FROM outbox WHERE destination = 'supervision' "
                              "ORDER BY seq DESC LIMIT 1");
                rows->next();
                payload = rows->getString(1);
                return absl::OkStatus();
              }).ok());
  google::protobuf::Any any;
  ASSERT_TRUE(any.ParseFromString(payload));
  v1::DeadlineMet forwarded;
  ASSERT_TRUE(any.UnpackTo(&forwarded)) << any.type_url();
  EXPECT_EQ(forwarded.subject().id(), "unit-a@2026-10-1");
  EXPECT_EQ(FromProto(forwarded.met_at()), Local(absl::CivilSecond(2026, 10, 8, 19, 0, 0)));
}

TEST_F(CutoffGeneratorStoreTest, ASubjectMetBeforeItIsGeneratedIsNotGenerated) {
  Met(common::v1::SUBJECT_KIND_DIGEST, "2026-10-1");  // compiled early
  ASSERT_TRUE(generator_->GenerateDue(clock_.Now()).ok());
  v1::ListDeadlinesRequest request;
  request.set_subject_kind(common::v1::SUBJECT_KIND_DIGEST);
  auto list = keeper_->ListDeadlines(Reader{true, {}}, request);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->deadlines_size(), 1);
  EXPECT_EQ(list->deadlines(0).state(), v1::DEADLINE_STATE_MET);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM ladder_rungs r JOIN deadlines d ON d.id = r.deadline_id "
                  "WHERE d.subject_kind = 4"),
            0);
}

}  // namespace
}  // namespace duban::scheduler

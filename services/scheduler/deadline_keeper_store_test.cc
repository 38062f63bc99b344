// DeadlineKeeper against a real MariaDB (DUBAN_TEST_DB_SOCKET).
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/db/outbox.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"
#include "services/scheduler/deadline_keeper.h"
#include "services/scheduler/mysql_deadline_store.h"
#include "services/scheduler/schema.h"

namespace duban::scheduler {
namespace {

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}

absl::Time Local(absl::CivilSecond t) { return absl::FromCivil(t, Shanghai()); }

common::v1::Subject Item(const std::string& id) {
  common::v1::Subject subject;
  subject.set_kind(common::v1::SUBJECT_KIND_ITEM);
  subject.set_id(id);
  return subject;
}

class DeadlineKeeperStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::CreateMigrated("scheduler", Migrations());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    keeper_ = NewKeeper();
  }

  std::unique_ptr<DeadlineKeeper> NewKeeper() {
    return std::make_unique<DeadlineKeeper>(&db_->pool(), &store_, &clock_, Shanghai(), &calendar_,
                                            LadderOptions{}, calendar::PeriodRules{}, nullptr);
  }

  // Delivers one event from tasks, applied once by event id.
  void Deliver(const google::protobuf::Message& payload) {
    google::protobuf::RepeatedPtrField<events::v1::Event> events;
    auto& event = *events.Add();
    event.set_event_id(absl::StrCat("tasks:", ++sequence_));
    event.set_source("tasks");
    event.mutable_payload()->PackFrom(payload);
    auto applied = db::ApplyEvents(db_->pool(), clock_, events,
                                   [&](sql::Connection& conn, const events::v1::Event& e) {
                                     return keeper_->ApplyEvent(conn, e);
                                   });
    ASSERT_TRUE(applied.ok()) << applied.status();
    ASSERT_EQ(*applied, 1);
  }

  void Register(const std::string& item_id, absl::CivilDay day) {
    v1::DeadlineRegistered registered;
    *registered.mutable_subject() = Item(item_id);
    registered.set_owner_unit_id("unit-a");
    registered.set_rule("item.date");
    *registered.mutable_deadline()->mutable_date() = ToProto(day);
    Deliver(registered);
  }

  int64_t CountOutbox() {
    int64_t count = -1;
    absl::Status status = db::WithConnection(db_->pool(), [&](sql::Connection& conn) {
      std::unique_ptr<sql::PreparedStatement> statement(
          conn.prepareStatement("SELECT COUNT(*) FROM outbox WHERE destination = 'supervision'"));
      std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
      rows->next();
      count = rows->getInt64(1);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return count;
  }

  std::vector<std::pair<common::v1::Rung, absl::Time>> Firings(const std::string& item_id) {
    v1::ListRungFiringsRequest request;
    *request.mutable_subject() = Item(item_id);
    auto firings = keeper_->ListRungFirings(Reader{true, {}}, request);
    EXPECT_TRUE(firings.ok()) << firings.status();
    std::vector<std::pair<common::v1::Rung, absl::Time>> result;
    for (const auto& firing : firings->firings()) {
      result.emplace_back(firing.rung(), FromProto(firing.due_at()));
    }
    return result;
  }

  FakeClock clock_{Local(absl::CivilDay(2026, 3, 1))};
  std::unique_ptr<testing::TestDatabase> db_;
  MysqlDeadlineStore store_;
  calendar::FixedCalendarSource calendar_;
  std::unique_ptr<DeadlineKeeper> keeper_;
  int sequence_ = 0;
};

using Firing = std::pair<common::v1::Rung, absl::Time>;

TEST_F(DeadlineKeeperStoreTest, RungsFireInOrderOnceEach) {
  Register("it-1", absl::CivilDay(2026, 3, 20));  // a Friday
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 100).value_or(-1), 0);

  clock_.Set(Local(absl::CivilDay(2026, 3, 30)));  // after downtime, all three are due
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 100).value_or(-1), 3);
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 100).value_or(-1), 0);
  EXPECT_THAT(Firings("it-1"),
              ::testing::ElementsAre(
                  Firing{common::v1::RUNG_REMINDER, Local(absl::CivilDay(2026, 3, 18))},
                  Firing{common::v1::RUNG_URGING, Local(absl::CivilDay(2026, 3, 21))},
                  Firing{common::v1::RUNG_SUPERVISION, Local(absl::CivilDay(2026, 3, 26))}));
  EXPECT_EQ(CountOutbox(), 3);
}

TEST_F(DeadlineKeeperStoreTest, TwoConcurrentFirersFireEachRungOnce) {
  constexpr int kDeadlines = 30;
  for (int i = 0; i < kDeadlines; ++i) {
    Register(absl::StrCat("it-", i), absl::CivilDay(2026, 3, 10 + i % 10));
  }
  clock_.Set(Local(absl::CivilDay(2026, 5, 1)));
  auto other = NewKeeper();
  int fired_here = 0;
  int fired_there = 0;
  std::thread there([&] { fired_there = other->FireDue(clock_.Now(), 1000).value_or(-1000); });
  fired_here = keeper_->FireDue(clock_.Now(), 1000).value_or(-1000);
  there.join();

  ASSERT_GE(fired_here, 0);
  ASSERT_GE(fired_there, 0);
  // A firer stops when every due rung left is locked by the other one, so a
  // pass may leave rungs for the next; together they fire each rung once.
  const int fired_after = keeper_->FireDue(clock_.Now(), 1000).value_or(-1000);
  EXPECT_EQ(fired_here + fired_there + fired_after, 3 * kDeadlines);
  EXPECT_EQ(CountOutbox(), 3 * kDeadlines);
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 1000).value_or(-1), 0);
}

TEST_F(DeadlineKeeperStoreTest, AMetDeadlineFiresNothingMore) {
  Register("it-1", absl::CivilDay(2026, 3, 20));
  clock_.Set(Local(absl::CivilDay(2026, 3, 19)));
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 100).value_or(-1), 1);  // the reminder

  v1::DeadlineMet met;
  *met.mutable_subject() = Item("it-1");
  *met.mutable_met_at() = ToProto(clock_.Now());
  Deliver(met);
  clock_.Set(Local(absl::CivilDay(2026, 4, 30)));
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 100).value_or(-1), 0);

  v1::GetDeadlineRequest get;
  *get.mutable_subject() = Item("it-1");
  auto deadline = keeper_->GetDeadline(Reader{true, {}}, get);
  ASSERT_TRUE(deadline.ok()) << deadline.status();
  EXPECT_EQ(deadline->state(), v1::DEADLINE_STATE_MET);
  ASSERT_EQ(deadline->ladder_size(), 1);  // the fired reminder stays on record
  EXPECT_TRUE(deadline->ladder(0).has_fired_at());
}

TEST_F(DeadlineKeeperStoreTest, AMovedDeadlineFiresOnItsNewScheduleOnly) {
  Register("it-1", absl::CivilDay(2026, 3, 20));
  Register("it-1", absl::CivilDay(2026, 4, 30));   // extension approved
  clock_.Set(Local(absl::CivilDay(2026, 3, 31)));  // past every rung of the old schedule
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 100).value_or(-1), 0);

  clock_.Set(Local(absl::CivilDay(2026, 5, 1)));
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 100).value_or(-1), 2);
  EXPECT_THAT(
      Firings("it-1"),
      ::testing::ElementsAre(Firing{common::v1::RUNG_REMINDER, Local(absl::CivilDay(2026, 4, 28))},
                             Firing{common::v1::RUNG_URGING, Local(absl::CivilDay(2026, 5, 1))}));
}

TEST_F(DeadlineKeeperStoreTest, ReturnedForReworkDoesNotRepeatFiredRungs) {
  Register("it-1", absl::CivilDay(2026, 3, 20));
  clock_.Set(Local(absl::CivilDay(2026, 3, 22)));
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 100).value_or(-1), 2);  // reminder, urging
  v1::DeadlineMet met;
  *met.mutable_subject() = Item("it-1");
  Deliver(met);
  Register("it-1", absl::CivilDay(2026, 3, 20));  // returned for rework: unmet again
  clock_.Set(Local(absl::CivilDay(2026, 3, 27)));
  EXPECT_EQ(keeper_->FireDue(clock_.Now(), 100).value_or(-1), 1);  // only supervision
}

TEST_F(DeadlineKeeperStoreTest, ALongChineseLabelIsShortenedToWholeCharacters) {
  v1::DeadlineRegistered registered;
  *registered.mutable_subject() = Item("it-long");
  registered.set_owner_unit_id("unit-a");
  registered.set_rule("item.date");
  *registered.mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 3, 20));
  std::string label;
  for (int i = 0; i < 300; ++i) label += "长";
  registered.set_label(label);
  Deliver(registered);

  v1::GetDeadlineRequest get;
  *get.mutable_subject() = Item("it-long");
  auto deadline = keeper_->GetDeadline(Reader{true, {}}, get);
  ASSERT_TRUE(deadline.ok()) << deadline.status();
  EXPECT_EQ(deadline->label(), label.substr(0, 200 * std::string("长").size()));
}

TEST_F(DeadlineKeeperStoreTest, UnitLiaisonReadsOnlyTheirUnitsDeadlines) {
  Register("it-1", absl::CivilDay(2026, 3, 20));
  v1::GetDeadlineRequest get;
  *get.mutable_subject() = Item("it-1");
  EXPECT_TRUE(keeper_->GetDeadline(Reader{false, {"unit-a"}}, get).ok());
  EXPECT_EQ(keeper_->GetDeadline(Reader{false, {"unit-b"}}, get).status().code(),
            absl::StatusCode::kNotFound);
  auto list = keeper_->ListDeadlines(Reader{false, {"unit-b"}}, {});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->deadlines_size(), 0);
}

}  // namespace
}  // namespace duban::scheduler

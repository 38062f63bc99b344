// Retention of delivered outbox rows, request ids and applied event ids,
// against a real MariaDB server, with rows written at known times.
#include "common/db/retention.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "common/testing/test_db.h"

namespace duban::db {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 10, 8, 2, 0, 0), absl::UTCTimeZone());
constexpr absl::Duration kDay = absl::Hours(24);
constexpr absl::Duration kRetention = absl::Hours(30 * 24);
const absl::Time kCutoff = kNow - kRetention;

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::CreateMigrated("retention", {});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  ConnectionPool& pool() { return db_->pool(); }

  // An outbox row; `delivered` nullopt leaves it undelivered.
  void Outbox(int64_t seq, const std::string& destination, absl::Time created,
              std::optional<absl::Time> delivered) {
    Insert(
        "INSERT INTO outbox (seq, destination, ordering_key, payload, created_at, delivered_at) "
        "VALUES (?, ?, 'key', '', ?, ?)",
        [&](sql::PreparedStatement& stmt) {
          stmt.setInt64(1, seq);
          stmt.setString(2, destination);
          stmt.setString(3, ToSqlTime(created));
          if (delivered.has_value()) {
            stmt.setString(4, ToSqlTime(*delivered));
          } else {
            stmt.setNull(4, 0);
          }
        });
  }

  void Request(const std::string& request_id, absl::Time created) {
    Insert(
        "INSERT INTO request_log (request_id, method, request, response, created_at) "
        "VALUES (?, 'm', '', '', ?)",
        [&](sql::PreparedStatement& stmt) {
          stmt.setString(1, request_id);
          stmt.setString(2, ToSqlTime(created));
        });
  }

  void Applied(const std::string& event_id, absl::Time applied) {
    Insert("INSERT INTO applied_events (event_id, applied_at) VALUES (?, ?)",
           [&](sql::PreparedStatement& stmt) {
             stmt.setString(1, event_id);
             stmt.setString(2, ToSqlTime(applied));
           });
  }

  std::vector<std::string> Column(const std::string& query) { return db_->Column(query); }

  std::vector<std::string> OutboxLeft() { return Column("SELECT seq FROM outbox ORDER BY seq"); }
  std::vector<std::string> RequestsLeft() {
    return Column("SELECT request_id FROM request_log ORDER BY request_id");
  }
  std::vector<std::string> AppliedLeft() {
    return Column("SELECT event_id FROM applied_events ORDER BY event_id");
  }

 private:
  void Insert(const std::string& statement,
              const std::function<void(sql::PreparedStatement&)>& bind) {
    absl::Status status = WithConnection(pool(), [&](sql::Connection& conn) {
      std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(statement));
      bind(*stmt);
      stmt->executeUpdate();
      return absl::OkStatus();
    });
    ASSERT_TRUE(status.ok()) << status;
  }

  std::unique_ptr<testing::TestDatabase> db_;
};

TEST_F(RetentionTest, DeletesOutboxRowsDeliveredBeforeTheCutoffAndNeverUndeliveredOnes) {
  Outbox(1, "tasks", kNow - 41 * kDay, kNow - 40 * kDay);
  Outbox(2, "tasks", kNow - 100 * kDay, std::nullopt);
  Outbox(3, "tasks", kNow - 31 * kDay, kCutoff - absl::Microseconds(1));
  Outbox(4, "tasks", kNow - 31 * kDay, kCutoff);
  Outbox(5, "tasks", kNow - 2 * kDay, kNow - kDay);
  Outbox(6, "scheduler", kNow - 45 * kDay, kNow - 45 * kDay);
  Outbox(7, "scheduler", kNow - 60 * kDay, std::nullopt);

  absl::StatusOr<RetentionPass> pass = PruneOlderThan(pool(), kCutoff, 500);
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->cutoff, kCutoff);
  EXPECT_EQ(pass->outbox, 3);
  EXPECT_EQ(pass->request_log, 0);
  EXPECT_EQ(pass->applied_events, 0);
  EXPECT_THAT(OutboxLeft(), ElementsAre("2", "4", "5", "7"));
}

TEST_F(RetentionTest, DeletesRequestIdsRecordedBeforeTheCutoff) {
  Request("old", kNow - 90 * kDay);
  Request("just-old", kCutoff - absl::Microseconds(1));
  Request("at-cutoff", kCutoff);
  Request("recent", kNow - kDay);

  absl::StatusOr<RetentionPass> pass = PruneOlderThan(pool(), kCutoff, 500);
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->request_log, 2);
  EXPECT_EQ(pass->outbox, 0);
  EXPECT_EQ(pass->applied_events, 0);
  EXPECT_THAT(RequestsLeft(), ElementsAre("at-cutoff", "recent"));
}

TEST_F(RetentionTest, DeletesAppliedEventIdsAppliedBeforeTheCutoff) {
  Applied("tasks:1", kNow - 90 * kDay);
  Applied("tasks:2", kCutoff - absl::Microseconds(1));
  Applied("tasks:3", kCutoff);
  Applied("tasks:4", kNow);

  absl::StatusOr<RetentionPass> pass = PruneOlderThan(pool(), kCutoff, 500);
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->applied_events, 2);
  EXPECT_EQ(pass->total(), 2);
  EXPECT_THAT(AppliedLeft(), ElementsAre("tasks:3", "tasks:4"));
}

TEST_F(RetentionTest, BatchesRemoveExactlyTheOldRowsWhenThereAreMoreThanOneBatch) {
  // Batches of 3: 8 old delivered rows take three batches, 9 old ids of
  // applied events fill three exactly (a fourth finds none).
  for (int seq = 1; seq <= 8; ++seq) {
    Outbox(seq, "tasks", kNow - 50 * kDay, kNow - (40 + seq) * kDay);
  }
  Outbox(9, "tasks", kNow - 50 * kDay, std::nullopt);
  Outbox(10, "tasks", kNow - 49 * kDay, std::nullopt);
  Outbox(11, "tasks", kNow - 2 * kDay, kNow - kDay);
  for (int i = 1; i <= 7; ++i) Request(absl::StrCat("old-", i), kNow - (30 + i) * kDay);
  Request("new-1", kNow - kDay);
  Request("new-2", kNow);
  for (int i = 1; i <= 9; ++i) Applied(absl::StrCat("old:", i), kNow - (60 - i) * kDay);
  Applied("new:1", kNow - 29 * kDay);

  absl::StatusOr<RetentionPass> pass = PruneOlderThan(pool(), kCutoff, 3);
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->outbox, 8);
  EXPECT_EQ(pass->request_log, 7);
  EXPECT_EQ(pass->applied_events, 9);
  EXPECT_THAT(OutboxLeft(), ElementsAre("9", "10", "11"));
  EXPECT_THAT(RequestsLeft(), ElementsAre("new-1", "new-2"));
  EXPECT_THAT(AppliedLeft(), ElementsAre("new:1"));
}

TEST_F(RetentionTest, AStopRequestLeavesTheRowsForTheNextPass) {
  Outbox(1, "tasks", kNow - 41 * kDay, kNow - 40 * kDay);
  Request("old", kNow - 90 * kDay);
  Applied("tasks:1", kNow - 90 * kDay);

  absl::StatusOr<RetentionPass> pass = PruneOlderThan(pool(), kCutoff, 500, [] { return true; });
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->total(), 0);
  EXPECT_THAT(OutboxLeft(), ElementsAre("1"));
  EXPECT_THAT(RequestsLeft(), ElementsAre("old"));
  EXPECT_THAT(AppliedLeft(), ElementsAre("tasks:1"));
}

TEST_F(RetentionTest, ABatchSizeBelowOneIsInvalidArgument) {
  absl::StatusOr<RetentionPass> pass = PruneOlderThan(pool(), kCutoff, 0);
  EXPECT_EQ(pass.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(pass.status().message(), "retention: batch_size must be at least 1, got 0");
}

TEST(RetentionOptionsTest, DefaultsAreThirtyDaysCheckedHourlyInBatchesOf500) {
  const RetentionOptions options;
  EXPECT_EQ(options.retention, absl::Hours(720));
  EXPECT_EQ(options.interval, absl::Hours(1));
  EXPECT_EQ(options.batch_size, 500);
}

TEST_F(RetentionTest, ThePrunerRunsAtOnceThenOncePerIntervalOfTheClock) {
  FakeClock clock(kNow);
  RetentionPruner pruner(&pool(), &clock, RetentionOptions{});
  Applied("a", kNow - 40 * kDay);
  Applied("b", kNow - 30 * kDay + absl::Minutes(30));

  absl::StatusOr<std::optional<RetentionPass>> first = pruner.RunIfDue();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->cutoff, kCutoff);
  EXPECT_EQ((*first)->applied_events, 1);
  EXPECT_THAT(AppliedLeft(), ElementsAre("b"));

  // "b" is older than the retention from here on, but the next pass is not due.
  clock.Advance(absl::Minutes(59));
  absl::StatusOr<std::optional<RetentionPass>> early = pruner.RunIfDue();
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_FALSE(early->has_value());
  EXPECT_THAT(AppliedLeft(), ElementsAre("b"));

  clock.Advance(absl::Minutes(1));
  absl::StatusOr<std::optional<RetentionPass>> due = pruner.RunIfDue();
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_TRUE(due->has_value());
  EXPECT_EQ((*due)->cutoff, kCutoff + absl::Hours(1));
  EXPECT_EQ((*due)->applied_events, 1);
  EXPECT_THAT(AppliedLeft(), IsEmpty());
}

TEST_F(RetentionTest, ZeroRetentionDisablesPruning) {
  FakeClock clock(kNow);
  RetentionOptions options;
  options.retention = absl::ZeroDuration();
  RetentionPruner pruner(&pool(), &clock, options);
  Outbox(1, "tasks", kNow - 400 * kDay, kNow - 400 * kDay);
  Request("old", kNow - 400 * kDay);
  Applied("tasks:1", kNow - 400 * kDay);

  for (int pass = 0; pass < 2; ++pass) {
    absl::StatusOr<std::optional<RetentionPass>> ran = pruner.RunIfDue();
    ASSERT_TRUE(ran.ok()) << ran.status();
    EXPECT_FALSE(ran->has_value());
    clock.Advance(absl::Hours(24 * 365));
  }
  EXPECT_THAT(OutboxLeft(), ElementsAre("1"));
  EXPECT_THAT(RequestsLeft(), ElementsAre("old"));
  EXPECT_THAT(AppliedLeft(), ElementsAre("tasks:1"));
}

}  // namespace
}  // namespace duban::db

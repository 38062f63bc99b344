// Versioned migrations against a real MariaDB server.
#include "common/db/migrate.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/test_db.h"

namespace duban::db {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Migration kCreateNotes{1, "0001_notes",
                             "-- notes of a unit\n"
                             "CREATE TABLE notes (\n"
                             "  body VARCHAR(100) NOT NULL\n"
                             ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
                             "INSERT INTO notes (body) VALUES ('seeded');\n"};
const Migration kAddAuthor{2, "0002_author",
                           "ALTER TABLE notes ADD COLUMN author VARCHAR(50) NULL;\n"};

class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  std::vector<std::string> Column(const std::string& query) {
    std::vector<std::string> values;
    absl::Status status = WithConnection(db_->pool(), [&](sql::Connection& conn) {
      std::unique_ptr<sql::Statement> stmt(conn.createStatement());
      std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(query));
      while (rs->next()) values.push_back(rs->getString(1));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return values;
  }

  std::unique_ptr<testing::TestDatabase> db_;
};

TEST_F(MigrateTest, CreatesTheCommonTablesAndRecordsEachMigration) {
  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes, kAddAuthor}).ok());

  EXPECT_THAT(Column("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                     "DATABASE() ORDER BY table_name"),
              ElementsAre("applied_events", "audit_log", "notes", "outbox", "request_log",
                          "schema_migrations"));
  EXPECT_THAT(Column("SELECT CONCAT(version, ' ', name) FROM schema_migrations ORDER BY version"),
              ElementsAre("1 0001_notes", "2 0002_author"));
  EXPECT_THAT(Column("SELECT COUNT(*) FROM notes WHERE author IS NULL"), ElementsAre("1"));
}

TEST_F(MigrateTest, RunningAgainChangesNothing) {
  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes}).ok());
  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes}).ok());
  EXPECT_THAT(Column("SELECT body FROM notes"), ElementsAre("seeded"));
  EXPECT_THAT(Column("SELECT version FROM schema_migrations"), ElementsAre("1"));
}

TEST_F(MigrateTest, AppliesOnlyTheMigrationsNewerThanTheDatabase) {
  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes}).ok());
  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes, kAddAuthor}).ok());
  EXPECT_THAT(Column("SELECT COUNT(*) FROM notes"), ElementsAre("1"));
  EXPECT_THAT(Column("SELECT version FROM schema_migrations ORDER BY version"),
              ElementsAre("1", "2"));
}

TEST_F(MigrateTest, ADatabaseNewerThanTheBinaryIsFailedPrecondition) {
  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes, kAddAuthor}).ok());
  absl::Status status = Migrate(db_->pool(), "tasks", {kCreateNotes});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("at version 2, newer than this binary knows (1)"));
}

TEST_F(MigrateTest, MigrationsOutOfOrderAreRefused) {
  absl::Status status = Migrate(db_->pool(), "tasks", {kAddAuthor, kCreateNotes});
  EXPECT_EQ(status, absl::InvalidArgumentError(
                        "migrations: version 1 (0001_notes) is not after version 2"));
}

TEST_F(MigrateTest, AFailingMigrationIsNotRecorded) {
  const Migration broken{2, "0002_broken", "ALTER TABLE nowhere ADD COLUMN x INT;\n"};
  absl::Status status = Migrate(db_->pool(), "tasks", {kCreateNotes, broken});
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), HasSubstr("nowhere"));
  EXPECT_THAT(Column("SELECT version FROM schema_migrations"), ElementsAre("1"));
}

TEST_F(MigrateTest, TwoReplicasMigratingAtOnceApplyEachMigrationOnce) {
  ConnectionPool replica_a(db_->options());
  ConnectionPool replica_b(db_->options());
  absl::Status a, b;
  std::thread t([&] { a = Migrate(replica_a, "tasks", {kCreateNotes, kAddAuthor}); });
  b = Migrate(replica_b, "tasks", {kCreateNotes, kAddAuthor});
  t.join();

  EXPECT_TRUE(a.ok()) << a;
  EXPECT_TRUE(b.ok()) << b;
  EXPECT_THAT(Column("SELECT body FROM notes"), ElementsAre("seeded"));
  EXPECT_THAT(Column("SELECT version FROM schema_migrations ORDER BY version"),
              ElementsAre("1", "2"));
}

TEST_F(MigrateTest, ADatabaseWithoutTheRetentionIndexesGetsThem) {
  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes}).ok());
  const std::string indexes =
      "SELECT CONCAT(table_name, '.', index_name) FROM information_schema.statistics "
      "WHERE table_schema = DATABASE() AND table_name IN ('request_log', 'applied_events') "
      "AND index_name <> 'PRIMARY' ORDER BY table_name";
  EXPECT_THAT(Column(indexes), ElementsAre("applied_events.applied_events_applied",
                                           "request_log.request_log_created"));
  // As a database made before them.
  ASSERT_TRUE(WithConnection(db_->pool(), [](sql::Connection& conn) {
                std::unique_ptr<sql::Statement> stmt(conn.createStatement());
                stmt->execute("ALTER TABLE request_log DROP INDEX request_log_created");
                stmt->execute("ALTER TABLE applied_events DROP INDEX applied_events_applied");
                return absl::OkStatus();
              }).ok());
  ASSERT_THAT(Column(indexes), ::testing::IsEmpty());

  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes}).ok());
  EXPECT_THAT(Column(indexes), ElementsAre("applied_events.applied_events_applied",
                                           "request_log.request_log_created"));
}

TEST_F(MigrateTest, AReplicaWaitsForTheLockLongerThanItsReadTimeout) {
  const std::string lock = "duban_migrate_" + db_->name();
  ConnectionPool holder(db_->options());
  auto held = holder.Acquire();
  ASSERT_TRUE(held.ok()) << held.status();
  auto lock_statement = [&](const std::string& query) {
    std::unique_ptr<sql::Statement> stmt((*held)->createStatement());
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(query));
    return rs->next() ? rs->getInt(1) : -1;
  };
  ASSERT_EQ(lock_statement("SELECT GET_LOCK('" + lock + "', 0)"), 1);

  DbOptions short_reads = db_->options();
  short_reads.read_timeout = absl::Seconds(2);
  ConnectionPool replica(short_reads);
  absl::Status migrated;
  std::thread waiting([&] { migrated = Migrate(replica, "tasks", {kCreateNotes}); });
  // The replica asks for the lock again and again, one second at a time; by
  // its third request it has waited as long as its read timeout.
  std::set<std::string> requests;
  const std::string asking =
      absl::StrCat("SELECT query_id FROM information_schema.processlist WHERE db = '", db_->name(),
                   "' AND info LIKE 'SELECT GET_LOCK%'");
  for (int poll = 0; poll < 1200 && requests.size() < 3; ++poll) {
    for (const std::string& id : Column(asking)) requests.insert(id);
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(requests.size(), 3u);
  ASSERT_EQ(lock_statement("SELECT RELEASE_LOCK('" + lock + "')"), 1);
  waiting.join();

  EXPECT_TRUE(migrated.ok()) << migrated;
  EXPECT_THAT(Column("SELECT body FROM notes"), ElementsAre("seeded"));
}

}  // namespace
}  // namespace duban::db

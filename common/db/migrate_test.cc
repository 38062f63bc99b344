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

  std::vector<std::string> Column(const std::string& query) { return db_->Column(query); }

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

TEST_F(MigrateTest, ARequestLogKeyedByRequestIdAloneIsRekeyedByCallerWithItsRows) {
  // As a database made before the request log was keyed by caller: each
  // request starts with its caller and a NUL byte, except in a row written
  // before requests were bound to callers ('r-0').
  ASSERT_TRUE(WithConnection(db_->pool(), [](sql::Connection& conn) {
                std::unique_ptr<sql::Statement> stmt(conn.createStatement());
                stmt->execute(testing::kRequestLogKeyedByIdAlone);
                stmt->execute(
                    "INSERT INTO request_log VALUES "
                    "('r-0', 'm0', X'0a01', 'a0', '2026-09-01 00:00:00'), "
                    "('r-1', 'm1', CONCAT('p-a', X'00', X'0a01'), 'a1', '2026-09-02 00:00:00'), "
                    "('r-2', 'm2', CONCAT('p-b', X'00', X'0a00'), 'a2', '2026-09-03 00:00:00')");
                return absl::OkStatus();
              }).ok());
  const std::string key =
      "SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM information_schema.statistics "
      "WHERE table_schema = DATABASE() AND table_name = 'request_log' AND index_name = 'PRIMARY'";
  const std::string rows =
      "SELECT CONCAT_WS(' ', caller, request_id, method, HEX(request), response, created_at) "
      "FROM request_log ORDER BY request_id, caller";
  const std::vector<std::string> kept = {" r-0 m0 0A01 a0 2026-09-01 00:00:00.000000",
                                         "p-a r-1 m1 702D61000A01 a1 2026-09-02 00:00:00.000000",
                                         "p-b r-2 m2 702D62000A00 a2 2026-09-03 00:00:00.000000"};

  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes}).ok());
  EXPECT_THAT(Column(key), ElementsAre("caller,request_id"));
  EXPECT_EQ(Column(rows), kept);
  EXPECT_THAT(Column("SELECT index_name FROM information_schema.statistics WHERE table_schema = "
                     "DATABASE() AND table_name = 'request_log' AND index_name <> 'PRIMARY'"),
              ElementsAre("request_log_created"));

  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes}).ok());
  EXPECT_THAT(Column(key), ElementsAre("caller,request_id"));
  EXPECT_EQ(Column(rows), kept);
}

TEST_F(MigrateTest, RequestLogRowsWrittenWithoutACallerGetItAtTheNextStart) {
  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes}).ok());
  // As a replica of an older binary writes them during a rolling upgrade; the
  // second is an id p-a recorded through a newer replica as well.
  ASSERT_TRUE(WithConnection(db_->pool(), [](sql::Connection& conn) {
                std::unique_ptr<sql::Statement> stmt(conn.createStatement());
                stmt->execute(
                    "INSERT INTO request_log (caller, request_id, method, request, response, "
                    "created_at) VALUES "
                    "('p-a', 'r-1', 'm', CONCAT('p-a', X'00', 'new'), '', '2026-09-02 00:00:00')");
                stmt->execute(
                    "INSERT INTO request_log (request_id, method, request, response, created_at) "
                    "VALUES ('r-1', 'm', CONCAT('p-a', X'00', 'old'), '', '2026-09-02 00:00:00'), "
                    "('r-2', 'm', CONCAT('p-c', X'00', 'old'), '', '2026-09-03 00:00:00')");
                return absl::OkStatus();
              }).ok());

  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCreateNotes}).ok());
  EXPECT_THAT(Column("SELECT CONCAT_WS(' ', caller, request_id, SUBSTRING(request, 5)) "
                     "FROM request_log ORDER BY request_id, caller"),
              ElementsAre(" r-1 old", "p-a r-1 new", "p-c r-2 old"));
}

TEST_F(MigrateTest, AReplicaWaitsForTheLockLongerThanItsReadTimeout) {
  // As Migrate names it: named locks are limited to 64 characters.
  const std::string lock = ("duban_migrate_" + db_->name()).substr(0, 64);
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

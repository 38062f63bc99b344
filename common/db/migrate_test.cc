// Versioned migrations against a real MariaDB server.
#include "common/db/migrate.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

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

}  // namespace
}  // namespace duban::db

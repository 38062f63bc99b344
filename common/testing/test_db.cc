#include "common/testing/test_db.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace duban::testing {
namespace {

constexpr size_t kMaxTestNameLength = 40;

absl::StatusOr<db::DbOptions> ServerOptions() {
  const char* socket = std::getenv(kTestDbSocketVariable);
  if (socket == nullptr || *socket == '\0') {
    return absl::FailedPreconditionError(
        absl::StrCat(kTestDbSocketVariable,
                     " is not set: integration tests need a MariaDB server. Start one with "
                     "`scripts/mariadb.sh start DIR PORT` and export ",
                     kTestDbSocketVariable, "=DIR/mysqld.sock"));
  }
  db::DbOptions options;
  options.socket = socket;
  options.user = "root";
  return options;
}

// Runs one statement on a short-lived connection to the server (no schema).
absl::Status OnServer(const db::DbOptions& options, const std::string& statement) {
  db::DbOptions server = options;
  server.database.clear();
  server.pool_size = 1;
  db::ConnectionPool pool(server);
  return db::WithConnection(pool, [&](sql::Connection& conn) {
    std::unique_ptr<sql::Statement> stmt(conn.createStatement());
    stmt->execute(statement);
    return absl::OkStatus();
  });
}

}  // namespace

std::string SanitizedTestName() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "";
  std::string name;
  for (char c : absl::StrCat(info->test_suite_name(), "_", info->name())) {
    const unsigned char u = static_cast<unsigned char>(c);
    name.push_back(std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_');
  }
  return name.substr(0, kMaxTestNameLength);
}

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create(int pool_size) {
  static std::atomic<int> counter{0};
  DUBAN_ASSIGN_OR_RETURN(db::DbOptions options, ServerOptions());
  options.database =
      absl::StrCat("t_", SanitizedTestName(), "_", getpid(), "_", counter.fetch_add(1));
  options.pool_size = pool_size;
  options.acquire_timeout = absl::Seconds(10);

  DUBAN_RETURN_IF_ERROR(OnServer(options, absl::StrCat("CREATE DATABASE `", options.database,
                                                       "` CHARACTER SET utf8mb4 "
                                                       "COLLATE utf8mb4_unicode_ci")));
  return std::unique_ptr<TestDatabase>(new TestDatabase(std::move(options)));
}

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::CreateMigrated(
    const std::string& service, const std::vector<db::Migration>& migrations, int pool_size) {
  DUBAN_ASSIGN_OR_RETURN(std::unique_ptr<TestDatabase> database, Create(pool_size));
  DUBAN_RETURN_IF_ERROR(db::Migrate(database->pool(), service, migrations));
  return database;
}

TestDatabase::TestDatabase(db::DbOptions options)
    : options_(std::move(options)), pool_(std::make_unique<db::ConnectionPool>(options_)) {}

TestDatabase::~TestDatabase() {
  pool_.reset();
  absl::Status dropped = OnServer(options_, absl::StrCat("DROP DATABASE IF EXISTS `", name(), "`"));
  if (!dropped.ok()) ADD_FAILURE() << "dropping test database " << name() << ": " << dropped;
}

std::vector<std::string> TestDatabase::Column(const std::string& query) {
  std::vector<std::string> values;
  const absl::Status status = db::WithConnection(*pool_, [&](sql::Connection& conn) {
    std::unique_ptr<sql::Statement> stmt(conn.createStatement());
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(query));
    while (rs->next()) values.push_back(rs->getString(1));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << query << ": " << status;
  return values;
}

}  // namespace duban::testing

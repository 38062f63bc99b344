// A throwaway database for integration tests, on the MariaDB server whose
// socket DUBAN_TEST_DB_SOCKET names (user root, no password).
//
//   auto db = duban::testing::TestDatabase::Create();
//   ASSERT_TRUE(db.ok()) << db.status();
//   duban::db::ConnectionPool& pool = (*db)->pool();
#ifndef DUBAN_COMMON_TESTING_TEST_DB_H_
#define DUBAN_COMMON_TESTING_TEST_DB_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/migrate.h"
#include "common/db/pool.h"

namespace duban::testing {

// The name of the environment variable holding the test server's socket.
inline constexpr char kTestDbSocketVariable[] = "DUBAN_TEST_DB_SOCKET";

// Owns a database named "t_<test name>_<pid>_<n>", created empty, and dropped
// with everything in it when destroyed. Not thread-safe to create and destroy
// concurrently with itself; the pool is thread-safe.
class TestDatabase {
 public:
  // Creates the database and a pool of `pool_size` connections to it.
  // FAILED_PRECONDITION with instructions when DUBAN_TEST_DB_SOCKET is unset;
  // UNAVAILABLE when the server does not answer.
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create(int pool_size = 8);

  // As Create, then applies common/'s tables and `migrations` (db::Migrate).
  static absl::StatusOr<std::unique_ptr<TestDatabase>> CreateMigrated(
      const std::string& service, const std::vector<db::Migration>& migrations, int pool_size = 8);

  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return options_.database; }
  // Options reaching this database (e.g. for a second pool or a service).
  const db::DbOptions& options() const { return options_; }
  db::ConnectionPool& pool() { return *pool_; }

  // The first column of each row `query` returns, as text; a failure is a
  // test failure (and no rows).
  std::vector<std::string> Column(const std::string& query);

 private:
  explicit TestDatabase(db::DbOptions options);

  db::DbOptions options_;
  std::unique_ptr<db::ConnectionPool> pool_;
};

// The request log as databases made before it was keyed by caller hold it,
// for tests of the migration that rekeys it.
inline constexpr char kRequestLogKeyedByIdAlone[] = R"sql(CREATE TABLE request_log (
  request_id VARBINARY(128) NOT NULL,
  method VARCHAR(200) NOT NULL,
  request MEDIUMBLOB NOT NULL,
  response MEDIUMBLOB NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (request_id),
  KEY request_log_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql";

// The current test's name as a database identifier: lower case letters,
// digits and "_", at most 40 characters ("" outside a test).
std::string SanitizedTestName();

}  // namespace duban::testing

#endif  // DUBAN_COMMON_TESTING_TEST_DB_H_

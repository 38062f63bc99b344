// Request ids: a retry returns the first answer, against a real MariaDB server.
#include "common/db/idempotency.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/db/migrate.h"
#include "common/testing/test_db.h"

namespace duban::db {
namespace {

using google::protobuf::Int64Value;
using google::protobuf::StringValue;

constexpr char kMethod[] = "/duban.tasks.v1.TasksService/AddNote";

const Migration kCounterTable{1, "0001_counter",
                              "CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL);\n"
                              "INSERT INTO counter VALUES (1, 0);\n"};

StringValue Request(const std::string& text) {
  StringValue request;
  request.set_value(text);
  return request;
}

class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::CreateMigrated("tasks", {kCounterTable});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  // Adds one to the counter and answers its new value.
  absl::Status Increment(const std::string& method, const std::string& request_id,
                         const StringValue& request, Int64Value* response,
                         const std::string& caller = "p-clerk") {
    return RunOnce(db_->pool(), method, request_id, caller, request, response,
                   [&](sql::Connection& conn) {
                     ++executions_;
                     std::unique_ptr<sql::Statement> stmt(conn.createStatement());
                     stmt->executeUpdate("UPDATE counter SET n = n + 1 WHERE id = 1");
                     std::unique_ptr<sql::ResultSet> rs(
                         stmt->executeQuery("SELECT n FROM counter WHERE id = 1"));
                     rs->next();
                     response->set_value(rs->getInt64(1));
                     return absl::OkStatus();
                   });
  }

  int64_t Counter() {
    int64_t n = -1;
    EXPECT_TRUE(WithConnection(db_->pool(), [&](sql::Connection& conn) {
                  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
                  std::unique_ptr<sql::ResultSet> rs(
                      stmt->executeQuery("SELECT n FROM counter WHERE id = 1"));
                  rs->next();
                  n = rs->getInt64(1);
                  return absl::OkStatus();
                }).ok());
    return n;
  }

  void Execute(const std::string& statement) {
    EXPECT_TRUE(WithConnection(db_->pool(),
                               [&](sql::Connection& conn) {
                                 std::unique_ptr<sql::Statement> stmt(conn.createStatement());
                                 stmt->execute(statement);
                                 return absl::OkStatus();
                               })
                    .ok())
        << statement;
  }

  std::vector<std::string> Column(const std::string& query) {
    std::vector<std::string> values;
    EXPECT_TRUE(WithConnection(db_->pool(), [&](sql::Connection& conn) {
                  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
                  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(query));
                  while (rs->next()) values.push_back(rs->getString(1));
                  return absl::OkStatus();
                }).ok());
    return values;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::atomic<int> executions_{0};
};

TEST_F(IdempotencyTest, ARetryReturnsTheFirstAnswerWithoutRunningAgain) {
  Int64Value first, second;
  ASSERT_TRUE(Increment(kMethod, "req-1", Request("note"), &first).ok());
  ASSERT_TRUE(Increment(kMethod, "req-1", Request("note"), &second).ok());

  EXPECT_EQ(first.value(), 1);
  EXPECT_EQ(second.value(), 1);
  EXPECT_EQ(executions_, 1);
  EXPECT_EQ(Counter(), 1);
}

TEST_F(IdempotencyTest, DistinctIdsRunEachTimeAndIdsAreCaseSensitive) {
  Int64Value a, b;
  ASSERT_TRUE(Increment(kMethod, "req-1", Request("note"), &a).ok());
  ASSERT_TRUE(Increment(kMethod, "REQ-1", Request("note"), &b).ok());
  EXPECT_EQ(a.value(), 1);
  EXPECT_EQ(b.value(), 2);
  EXPECT_EQ(Counter(), 2);
}

TEST_F(IdempotencyTest, TheSameCallersIdWithADifferentRequestOrMethodIsInvalidArgument) {
  Int64Value response;
  ASSERT_TRUE(Increment(kMethod, "req-1", Request("note"), &response).ok());

  const absl::Status expected =
      absl::InvalidArgumentError("request_id: 'req-1' was already used for a different request");
  EXPECT_EQ(Increment(kMethod, "req-1", Request("other note"), &response), expected);
  EXPECT_EQ(Increment("/duban.tasks.v1.TasksService/Close", "req-1", Request("note"), &response),
            expected);
  EXPECT_EQ(Counter(), 1);
}

TEST_F(IdempotencyTest, TwoCallersSameIdAreIndependentRequests) {
  Int64Value owner, other;
  ASSERT_TRUE(Increment(kMethod, "r-1", Request("note"), &owner, "p-owner").ok());
  ASSERT_TRUE(Increment(kMethod, "r-1", Request("note"), &other, "p-other").ok());
  EXPECT_EQ(owner.value(), 1);
  EXPECT_EQ(other.value(), 2);

  // Each caller's retry returns that caller's own first answer.
  Int64Value owner_retry, other_retry;
  ASSERT_TRUE(Increment(kMethod, "r-1", Request("note"), &owner_retry, "p-owner").ok());
  ASSERT_TRUE(Increment(kMethod, "r-1", Request("note"), &other_retry, "p-other").ok());
  EXPECT_EQ(owner_retry.value(), 1);
  EXPECT_EQ(other_retry.value(), 2);
  EXPECT_EQ(executions_, 2);
  EXPECT_EQ(Counter(), 2);
}

TEST_F(IdempotencyTest, AnotherCallersDifferentRequestUnderTheSameIdRunsAsItsOwn) {
  Int64Value owner, other;
  ASSERT_TRUE(Increment(kMethod, "r-x1", Request("note"), &owner, "p-owner").ok());
  ASSERT_TRUE(Increment("/duban.tasks.v1.TasksService/Close", "r-x1", Request("other note"), &other,
                        "p-other")
                  .ok());
  EXPECT_EQ(owner.value(), 1);
  EXPECT_EQ(other.value(), 2);
  EXPECT_EQ(
      Increment(kMethod, "r-x1", Request("other note"), &owner, "p-owner"),
      absl::InvalidArgumentError("request_id: 'r-x1' was already used for a different request"));
  EXPECT_EQ(Counter(), 2);
}

TEST_F(IdempotencyTest, TheRequestIsStampedWithThePoolsClock) {
  FakeClock clock(absl::FromUnixMicros(1790816400123456));  // 2026-10-01 01:00:00.123456 UTC.
  ConnectionPool pool(db_->options(), &clock);
  Int64Value response;
  ASSERT_TRUE(
      RunOnce(pool, kMethod, "r-1", "p-clerk", Request("note"), &response, [](sql::Connection&) {
        return absl::OkStatus();
      }).ok());
  EXPECT_EQ(Column("SELECT created_at FROM request_log"),
            std::vector<std::string>{"2026-10-01 01:00:00.123456"});
}

TEST_F(IdempotencyTest, ADatabaseKeyedByRequestIdAloneIsRekeyedAndItsRetriesReplay) {
  // As an older binary left it: p-owner's "r-1" was answered 41.
  Execute("DROP TABLE request_log");
  Execute(testing::kRequestLogKeyedByIdAlone);
  Int64Value recorded;
  recorded.set_value(41);
  ASSERT_TRUE(WithConnection(db_->pool(), [&](sql::Connection& conn) {
                std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
                    "INSERT INTO request_log VALUES ('r-1', ?, ?, ?, '2026-09-30 08:00:00')"));
                stmt->setString(1, kMethod);
                stmt->setString(2,
                                std::string("p-owner\0", 8) + Request("note").SerializeAsString());
                stmt->setString(3, recorded.SerializeAsString());
                stmt->executeUpdate();
                return absl::OkStatus();
              }).ok());

  ASSERT_TRUE(Migrate(db_->pool(), "tasks", {kCounterTable}).ok());
  EXPECT_EQ(Column("SELECT CONCAT(caller, ' ', request_id, ' ', created_at) FROM request_log"),
            std::vector<std::string>{"p-owner r-1 2026-09-30 08:00:00.000000"});

  Int64Value retried;
  ASSERT_TRUE(Increment(kMethod, "r-1", Request("note"), &retried, "p-owner").ok());
  EXPECT_EQ(retried.value(), 41);
  EXPECT_EQ(executions_, 0);
  Int64Value other;
  ASSERT_TRUE(Increment(kMethod, "r-1", Request("note"), &other, "p-other").ok());
  EXPECT_EQ(other.value(), 1);
  EXPECT_EQ(
      Increment(kMethod, "r-1", Request("other note"), &retried, "p-owner"),
      absl::InvalidArgumentError("request_id: 'r-1' was already used for a different request"));
  EXPECT_EQ(executions_, 1);
  EXPECT_EQ(Counter(), 1);
}

TEST_F(IdempotencyTest, AFailedBodyRecordsNothingSoARetryRunsIt) {
  Int64Value response;
  absl::Status failed = RunOnce(db_->pool(), kMethod, "req-1", "p-clerk", Request("note"),
                                &response, [](sql::Connection& conn) {
                                  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
                                  stmt->executeUpdate("UPDATE counter SET n = n + 1");
                                  return absl::FailedPreconditionError("item is closed");
                                });
  EXPECT_EQ(failed, absl::FailedPreconditionError("item is closed"));
  EXPECT_EQ(Counter(), 0);

  ASSERT_TRUE(Increment(kMethod, "req-1", Request("note"), &response).ok());
  EXPECT_EQ(response.value(), 1);
  EXPECT_EQ(Counter(), 1);
}

TEST_F(IdempotencyTest, MissingOrOverlongIdsAreInvalidArgument) {
  Int64Value response;
  EXPECT_EQ(Increment(kMethod, "", Request("note"), &response),
            absl::InvalidArgumentError("request_id: must be set"));
  EXPECT_EQ(Increment(kMethod, std::string(129, 'x'), Request("note"), &response),
            absl::InvalidArgumentError("request_id: longer than 128 bytes"));
  EXPECT_TRUE(Increment(kMethod, std::string(128, 'x'), Request("note"), &response).ok());
  EXPECT_EQ(executions_, 1);
}

TEST_F(IdempotencyTest, ACallerLongerThanTheRequestLogHoldsIsInvalidArgument) {
  Int64Value response;
  EXPECT_EQ(Increment(kMethod, "r-1", Request("note"), &response, std::string(256, 'p')),
            absl::InvalidArgumentError("caller: the token's subject is longer than 255 bytes"));
  EXPECT_TRUE(Increment(kMethod, "r-1", Request("note"), &response, std::string(255, 'p')).ok());
  EXPECT_EQ(executions_, 1);
}

TEST_F(IdempotencyTest, ConcurrentDuplicatesRunTheBodyOnce) {
  constexpr int kCallers = 6;
  std::vector<Int64Value> responses(kCallers);
  std::vector<absl::Status> statuses(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back(
        [&, i] { statuses[i] = Increment(kMethod, "req-dup", Request("note"), &responses[i]); });
  }
  for (std::thread& caller : callers) caller.join();

  for (int i = 0; i < kCallers; ++i) {
    EXPECT_TRUE(statuses[i].ok()) << statuses[i];
    EXPECT_EQ(responses[i].value(), 1);
  }
  EXPECT_EQ(executions_, 1);
  EXPECT_EQ(Counter(), 1);
}

}  // namespace
}  // namespace duban::db

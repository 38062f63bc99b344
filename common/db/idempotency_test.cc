// Request ids: a retry returns the first answer, against a real MariaDB server.
#include "common/db/idempotency.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/db/migrate.h"
#include "common/testing/test_db.h"

namespace duban::db {
namespace {

using google::protobuf::Int64Value;
using google::protobuf::StringValue;

constexpr char kMethod[] = "/duban.tasks.v1.TasksService/AddNote";

StringValue Request(const std::string& text) {
  StringValue request;
  request.set_value(text);
  return request;
}

class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::CreateMigrated(
        "tasks", {{1, "0001_counter",
                   "CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL);\n"
                   "INSERT INTO counter VALUES (1, 0);\n"}});
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

TEST_F(IdempotencyTest, TheSameIdWithADifferentRequestIsInvalidArgument) {
  Int64Value response;
  ASSERT_TRUE(Increment(kMethod, "req-1", Request("note"), &response).ok());

  const absl::Status expected =
      absl::InvalidArgumentError("request_id: 'req-1' was already used for a different request");
  EXPECT_EQ(Increment(kMethod, "req-1", Request("other note"), &response), expected);
  EXPECT_EQ(Increment("/duban.tasks.v1.TasksService/Close", "req-1", Request("note"), &response),
            expected);
  EXPECT_EQ(Counter(), 1);
}

TEST_F(IdempotencyTest, AnotherCallersRequestIdIsRefusedNotReplayed) {
  Int64Value response;
  ASSERT_TRUE(Increment(kMethod, "req-1", Request("note"), &response, "p-owner").ok());
  Int64Value replayed;
  EXPECT_EQ(
      Increment(kMethod, "req-1", Request("note"), &replayed, "p-other"),
      absl::InvalidArgumentError("request_id: 'req-1' was already used for a different request"));
  EXPECT_EQ(replayed.value(), 0) << "nothing of the first answer is handed out";
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

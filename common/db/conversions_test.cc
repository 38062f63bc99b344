// The database layer's pure conversions: errors, times, migration text.
#include <cppconn/exception.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "absl/time/civil_time.h"
#include "common/db/migrate.h"
#include "common/db/pool.h"

namespace duban::db {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::Status FromCode(int code) {
  return SqlError(sql::SQLException("boom", "HY000", code), "insert item");
}

TEST(SqlErrorTest, DeadlockAndLockWaitTimeoutAreAborted) {
  EXPECT_EQ(FromCode(1213).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(FromCode(1205).code(), absl::StatusCode::kAborted);
}

TEST(SqlErrorTest, DuplicateKeyIsAlreadyExists) {
  EXPECT_EQ(FromCode(1062).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE(IsConnectionError(FromCode(1062)));
}

TEST(SqlErrorTest, ValuesTooLongOrNotTextForTheirColumnAreInvalidArgument) {
  EXPECT_EQ(FromCode(1406), absl::InvalidArgumentError("insert item: boom (1406)"));
  EXPECT_EQ(FromCode(1366), absl::InvalidArgumentError("insert item: boom (1366)"));
}

TEST(SqlErrorTest, LostConnectionsAreUnavailableAndMarked) {
  for (int code : {2002, 2003, 2006, 2013, 4031, 1053, 1927}) {
    absl::Status status = FromCode(code);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << code;
    EXPECT_TRUE(IsConnectionError(status)) << code;
    EXPECT_THAT(std::string(status.message()),
                HasSubstr("database unavailable: insert item: boom"));
  }
}

TEST(SqlErrorTest, OtherErrorsAreInternalAndNameWhatFailed) {
  absl::Status status = FromCode(1146);
  EXPECT_EQ(status, absl::InternalError("insert item: boom (1146)"));
  EXPECT_FALSE(IsConnectionError(status));
  EXPECT_EQ(SqlError(std::runtime_error("bad"), "read"), absl::InternalError("read: bad"));
}

TEST(SqlErrorTest, AnUnavailableStatusFromElsewhereIsNotAConnectionError) {
  EXPECT_FALSE(IsConnectionError(absl::UnavailableError("peer down")));
}

TEST(SqlTimeTest, FormatsUtcWithMicroseconds) {
  const absl::Time t =
      absl::FromCivil(absl::CivilSecond(2026, 10, 8, 10, 0, 5), absl::UTCTimeZone()) +
      absl::Microseconds(123456) + absl::Nanoseconds(789);
  EXPECT_EQ(ToSqlTime(t), "2026-10-08 10:00:05.123456");
  EXPECT_EQ(FromSqlTime("2026-10-08 10:00:05.123456"), t - absl::Nanoseconds(789));
}

TEST(SqlTimeTest, ReadsTimesWithoutFraction) {
  EXPECT_EQ(FromSqlTime("2026-02-24 10:00:00"),
            absl::FromCivil(absl::CivilSecond(2026, 2, 24, 10, 0, 0), absl::UTCTimeZone()));
}

TEST(SqlTimeTest, ClampsToTheColumnRange) {
  EXPECT_EQ(ToSqlTime(absl::InfinitePast()), "1000-01-01 00:00:00.000000");
  EXPECT_EQ(ToSqlTime(absl::InfiniteFuture()), "9999-12-31 23:59:59.999999");
}

TEST(SqlTimeTest, GarbageReadsAsInfinitePast) {
  EXPECT_EQ(FromSqlTime("yesterday"), absl::InfinitePast());
}

TEST(SplitSqlStatementsTest, SplitsOnSemicolonsEndingALine) {
  EXPECT_THAT(SplitSqlStatements("-- items\n"
                                 "CREATE TABLE a (\n"
                                 "  x VARCHAR(10) DEFAULT 'a;b'\n"
                                 ");  \n"
                                 "\n"
                                 "CREATE INDEX i ON a (x);\n"
                                 "INSERT INTO a VALUES ('tail')\n"),
              ElementsAre("CREATE TABLE a (\n  x VARCHAR(10) DEFAULT 'a;b'\n)",
                          "CREATE INDEX i ON a (x)", "INSERT INTO a VALUES ('tail')"));
}

TEST(SplitSqlStatementsTest, CommentsAndBlankTextGiveNoStatements) {
  EXPECT_TRUE(SplitSqlStatements("-- nothing yet\n\n   \n").empty());
}

}  // namespace
}  // namespace duban::db

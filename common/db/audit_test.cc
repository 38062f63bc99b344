// The audit trail against a real MariaDB server.
#include "common/db/audit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/db/migrate.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"

namespace duban::db {
namespace {

using duban::common::v1::AuditFilter;
using duban::common::v1::AuditRecord;
using ::testing::ElementsAre;

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 10, 8, 2, 0, 0), absl::UTCTimeZone());

// The entity's state in these tests: any message will do.
AuditFilter Entity(const std::string& entity_type) {
  AuditFilter entity;
  entity.set_entity_type(entity_type);
  return entity;
}

std::vector<std::string> Actions(const AuditPage& page) {
  std::vector<std::string> actions;
  for (const AuditRecord& record : page.records) actions.push_back(record.action());
  return actions;
}

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::CreateMigrated("tasks", {});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  void Write(const std::string& action, absl::Time at, const std::string& entity_id = "item-1",
             const std::string& actor = "p-zhang") {
    const AuditFilter before = Entity("old");
    const AuditFilter after = Entity("new");
    AuditEntry entry{.actor = actor,
                     .at = at,
                     .action = action,
                     .entity_type = "item",
                     .entity_id = entity_id,
                     .before = &before,
                     .after = &after,
                     .request_id = "req-" + action};
    ASSERT_TRUE(InTransaction(db_->pool(), [&](sql::Connection& conn) {
                  return WriteAudit(conn, entry);
                }).ok());
  }

  AuditPage List(const AuditFilter& filter, int page_size = 0, const std::string& token = "") {
    absl::StatusOr<AuditPage> page = ListAudit(db_->pool(), filter, page_size, token);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *std::move(page) : AuditPage{};
  }

  std::unique_ptr<testing::TestDatabase> db_;
};

TEST_F(AuditTest, RecordsReadBackWithEveryFieldAndJsonInProtoFieldNames) {
  const AuditFilter after = Entity("item");
  AuditEntry entry{.actor = "p-zhang",
                   .at = kStart + absl::Microseconds(250),
                   .action = "tasks.CreateItem",
                   .entity_type = "item",
                   .entity_id = "doc-1-1",
                   .before = nullptr,
                   .after = &after,
                   .request_id = "req-7"};
  ASSERT_TRUE(InTransaction(db_->pool(), [&](sql::Connection& conn) {
                return WriteAudit(conn, entry);
              }).ok());

  AuditPage page = List(AuditFilter());
  ASSERT_EQ(page.records.size(), 1u);
  const AuditRecord& record = page.records[0];
  EXPECT_EQ(record.id(), "1");
  EXPECT_EQ(record.actor(), "p-zhang");
  EXPECT_EQ(FromProto(record.at()), kStart + absl::Microseconds(250));
  EXPECT_EQ(record.action(), "tasks.CreateItem");
  EXPECT_EQ(record.entity_type(), "item");
  EXPECT_EQ(record.entity_id(), "doc-1-1");
  EXPECT_EQ(record.before_json(), "");
  EXPECT_EQ(record.after_json(), R"({"entity_type":"item"})");
  EXPECT_EQ(record.request_id(), "req-7");
  EXPECT_EQ(page.next_page_token, "");
}

TEST_F(AuditTest, OldestFirstByTimeThenInsertionOrder) {
  Write("second", kStart + absl::Seconds(1));
  Write("first", kStart);
  Write("third", kStart + absl::Seconds(1));
  EXPECT_THAT(Actions(List(AuditFilter())), ElementsAre("first", "second", "third"));
}

TEST_F(AuditTest, FiltersByEntityActorAndTimeRange) {
  Write("a", kStart, "item-1", "p-zhang");
  Write("b", kStart + absl::Hours(1), "item-2", "p-li");
  Write("c", kStart + absl::Hours(2), "item-1", "p-li");

  AuditFilter by_entity;
  by_entity.set_entity_type("item");
  by_entity.set_entity_id("item-1");
  EXPECT_THAT(Actions(List(by_entity)), ElementsAre("a", "c"));

  AuditFilter by_actor;
  by_actor.set_actor("p-li");
  EXPECT_THAT(Actions(List(by_actor)), ElementsAre("b", "c"));

  AuditFilter by_time;
  *by_time.mutable_from() = ToProto(kStart + absl::Hours(1));
  *by_time.mutable_to() = ToProto(kStart + absl::Hours(2));
  EXPECT_THAT(Actions(List(by_time)), ElementsAre("b"));

  AuditFilter other_type;
  other_type.set_entity_type("report");
  EXPECT_TRUE(List(other_type).records.empty());
}

TEST_F(AuditTest, PagesFollowEachOtherWithoutGapsOrRepeats) {
  for (int i = 1; i <= 5; ++i) Write(absl::StrCat("r", i), kStart + absl::Seconds(i / 2));

  AuditPage first = List(AuditFilter(), 2);
  EXPECT_THAT(Actions(first), ElementsAre("r1", "r2"));
  ASSERT_NE(first.next_page_token, "");
  AuditPage second = List(AuditFilter(), 2, first.next_page_token);
  EXPECT_THAT(Actions(second), ElementsAre("r3", "r4"));
  AuditPage last = List(AuditFilter(), 2, second.next_page_token);
  EXPECT_THAT(Actions(last), ElementsAre("r5"));
  EXPECT_EQ(last.next_page_token, "");
}

TEST_F(AuditTest, APageOfLargeRecordsEndsEarlyWithATokenForTheRest) {
  // Each record holds 1.5 MiB of state (0.75 MiB before, 0.75 MiB after): two
  // would outgrow the 3 MiB a page may take, so each page holds one.
  const AuditFilter before = Entity(std::string(768 * 1024, 'b'));
  const AuditFilter after = Entity(std::string(768 * 1024, 'a'));
  for (int i = 1; i <= 3; ++i) {
    AuditEntry entry{.actor = "p-zhang",
                     .at = kStart + absl::Seconds(i),
                     .action = absl::StrCat("r", i),
                     .entity_type = "item",
                     .entity_id = "item-1",
                     .before = &before,
                     .after = &after,
                     .request_id = absl::StrCat("req-", i)};
    ASSERT_TRUE(InTransaction(db_->pool(), [&](sql::Connection& conn) {
                  return WriteAudit(conn, entry);
                }).ok());
  }
  Write("r4", kStart + absl::Seconds(4));
  Write("r5", kStart + absl::Seconds(5));

  AuditPage first = List(AuditFilter(), 10);
  EXPECT_THAT(Actions(first), ElementsAre("r1"));
  ASSERT_NE(first.next_page_token, "");
  AuditPage second = List(AuditFilter(), 10, first.next_page_token);
  EXPECT_THAT(Actions(second), ElementsAre("r2"));
  ASSERT_NE(second.next_page_token, "");
  // The last large record and the small ones behind it fit in one page.
  AuditPage last = List(AuditFilter(), 10, second.next_page_token);
  EXPECT_THAT(Actions(last), ElementsAre("r3", "r4", "r5"));
  EXPECT_EQ(last.next_page_token, "");
}

TEST_F(AuditTest, PageSizeDefaultsToFifty) {
  for (int i = 0; i < 51; ++i) Write(absl::StrCat("r", i), kStart);
  AuditPage page = List(AuditFilter());
  EXPECT_EQ(page.records.size(), 50u);
  EXPECT_THAT(Actions(List(AuditFilter(), 0, page.next_page_token)), ElementsAre("r50"));
}

TEST_F(AuditTest, AForeignPageTokenIsInvalidArgument) {
  const absl::Status expected =
      absl::InvalidArgumentError("page_token: not a token returned by a previous call");
  EXPECT_EQ(ListAudit(db_->pool(), AuditFilter(), 10, "garbage!").status(), expected);
  EXPECT_EQ(ListAudit(db_->pool(), AuditFilter(), 10, "MTIz").status(), expected);  // "123"
}

TEST_F(AuditTest, ANegativePageSizeIsInvalidArgument) {
  EXPECT_EQ(ListAudit(db_->pool(), AuditFilter(), -1, "").status(),
            absl::InvalidArgumentError("page_size: must not be negative"));
}

}  // namespace
}  // namespace duban::db

// The outbox, its relay and the applying sink, against a real MariaDB server
// and an in-process EventSinkService on 127.0.0.1.
#include "common/db/outbox.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "common/db/migrate.h"
#include "common/status.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"

namespace duban::db {
namespace {

using duban::events::v1::DeliverRequest;
using duban::events::v1::DeliverResponse;
using duban::events::v1::Event;
using google::protobuf::StringValue;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 10, 8, 2, 0, 0), absl::UTCTimeZone());

const Migration kReceived{1, "0001_received",
                          "CREATE TABLE received (\n"
                          "  event_id VARCHAR(100) NOT NULL PRIMARY KEY,\n"
                          "  value MEDIUMTEXT NOT NULL\n"
                          ");\n"};

StringValue Text(const std::string& value) {
  StringValue text;
  text.set_value(value);
  return text;
}

std::vector<std::string> Column(ConnectionPool& pool, const std::string& query) {
  std::vector<std::string> values;
  absl::Status status = WithConnection(pool, [&](sql::Connection& conn) {
    std::unique_ptr<sql::Statement> stmt(conn.createStatement());
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(query));
    while (rs->next()) values.push_back(rs->isNull(1) ? "NULL" : rs->getString(1));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  return values;
}

// The receiving side: applies each delivered event once into `received`,
// refusing the payload "poison". Can be switched off, or held mid-call.
class FakeSink final : public duban::events::v1::EventSinkService::Service {
 public:
  FakeSink(ConnectionPool* pool, const Clock* clock) : pool_(pool), clock_(clock) {}

  grpc::Status Deliver(grpc::ServerContext* context, const DeliverRequest* request,
                       DeliverResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      auto auth = context->client_metadata().find("authorization");
      authorization_ = auth == context->client_metadata().end()
                           ? ""
                           : std::string(auth->second.data(), auth->second.size());
      std::vector<std::string> ids;
      for (const Event& event : request->events()) ids.push_back(event.event_id());
      calls_.push_back(ids);
      last_request_ = *request;
      if (down_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "sink is down");
    }
    if (entered_ != nullptr && !entered_->HasBeenNotified()) entered_->Notify();
    if (hold_ != nullptr) hold_->WaitForNotification();

    absl::StatusOr<int> applied = ApplyEvents(*pool_, *clock_, request->events(), &Apply);
    if (!applied.ok()) return ToGrpc(applied.status());
    response->set_applied_count(*applied);
    return grpc::Status::OK;
  }

  void SetDown(bool down) {
    absl::MutexLock lock(&mu_);
    down_ = down;
  }
  void HoldCalls(absl::Notification* entered, absl::Notification* hold) {
    entered_ = entered;
    hold_ = hold;
  }
  std::vector<std::vector<std::string>> calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::string authorization() {
    absl::MutexLock lock(&mu_);
    return authorization_;
  }
  DeliverRequest last_request() {
    absl::MutexLock lock(&mu_);
    return last_request_;
  }

  static absl::Status Apply(sql::Connection& conn, const Event& event) {
    StringValue text;
    if (!event.payload().UnpackTo(&text)) return absl::InvalidArgumentError("payload: not text");
    if (text.value() == "poison") return absl::FailedPreconditionError("poison refused");
    std::unique_ptr<sql::PreparedStatement> stmt(
        conn.prepareStatement("INSERT INTO received (event_id, value) VALUES (?, ?)"));
    stmt->setString(1, event.event_id());
    stmt->setString(2, text.value());
    stmt->executeUpdate();
    return absl::OkStatus();
  }

 private:
  ConnectionPool* pool_;
  const Clock* clock_;
  absl::Notification* entered_ = nullptr;
  absl::Notification* hold_ = nullptr;
  absl::Mutex mu_;
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  std::string authorization_ ABSL_GUARDED_BY(mu_);
  std::vector<std::vector<std::string>> calls_ ABSL_GUARDED_BY(mu_);
  DeliverRequest last_request_ ABSL_GUARDED_BY(mu_);
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { SetUpWithBatchSize(100); }

  void SetUpWithBatchSize(int batch_size) {
    auto sender = testing::TestDatabase::CreateMigrated("tasks", {});
    ASSERT_TRUE(sender.ok()) << sender.status();
    sender_ = *std::move(sender);
    auto receiver = testing::TestDatabase::CreateMigrated("supervision", {kReceived});
    ASSERT_TRUE(receiver.ok()) << receiver.status();
    receiver_ = *std::move(receiver);

    sink_ = std::make_unique<FakeSink>(&receiver_->pool(), &clock_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(sink_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = duban::events::v1::EventSinkService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));

    OutboxOptions options;
    options.source = "tasks";
    options.poll_interval = absl::Milliseconds(20);
    options.initial_backoff = absl::Seconds(30);
    options.batch_size = batch_size;
    relay_ = std::make_unique<OutboxRelay>(
        &sender_->pool(), &clock_, options,
        std::map<std::string, std::shared_ptr<OutboxRelay::Stub>>{{"supervision", stub_}},
        [] { return std::string("service-token"); });
  }

  void TearDown() override {
    relay_.reset();
    if (server_ != nullptr) server_->Shutdown();
  }

  void Enqueue(const std::string& key, const std::string& value) {
    absl::Status status = InTransaction(sender_->pool(), [&](sql::Connection& conn) {
      return EnqueueEvent(conn, "supervision", key, Text(value), clock_.Now());
    });
    ASSERT_TRUE(status.ok()) << status;
  }

  DeliveryCounts Deliver(bool ignore_backoff = true) {
    absl::StatusOr<DeliveryCounts> counts = relay_->DeliverPending(ignore_backoff);
    EXPECT_TRUE(counts.ok()) << counts.status();
    return counts.ok() ? *counts : DeliveryCounts{};
  }

  std::vector<std::string> Received() {
    return Column(receiver_->pool(),
                  "SELECT CONCAT(event_id, '=', value) FROM received "
                  "ORDER BY CAST(SUBSTRING(event_id, 7) AS UNSIGNED)");
  }

  FakeClock clock_{kStart};
  std::unique_ptr<testing::TestDatabase> sender_;
  std::unique_ptr<testing::TestDatabase> receiver_;
  std::unique_ptr<FakeSink> sink_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<OutboxRelay::Stub> stub_;
  std::unique_ptr<OutboxRelay> relay_;
};

TEST_F(OutboxTest, DeliversEventsInOrderWithTheirIdsTimesAndToken) {
  Enqueue("item-1", "a");
  clock_.Advance(absl::Seconds(1));
  Enqueue("item-2", "b");
  Enqueue("item-1", "c");
  clock_.Advance(absl::Minutes(1));

  DeliveryCounts counts = Deliver();
  EXPECT_EQ(counts.delivered, 3);
  EXPECT_EQ(counts.pending, 0);
  EXPECT_THAT(sink_->calls(), ElementsAre(ElementsAre("tasks:1", "tasks:2", "tasks:3")));
  EXPECT_EQ(sink_->authorization(), "Bearer service-token");

  const DeliverRequest request = sink_->last_request();
  ASSERT_EQ(request.events_size(), 3);
  const Event& second = request.events(1);
  EXPECT_EQ(second.source(), "tasks");
  EXPECT_EQ(second.ordering_key(), "item-2");
  EXPECT_EQ(second.sequence(), 2);
  EXPECT_EQ(FromProto(second.occurred_at()), kStart + absl::Seconds(1));
  StringValue payload;
  ASSERT_TRUE(second.payload().UnpackTo(&payload));
  EXPECT_EQ(payload.value(), "b");

  EXPECT_THAT(Received(), ElementsAre("tasks:1=a", "tasks:2=b", "tasks:3=c"));
  EXPECT_THAT(Column(sender_->pool(), "SELECT CONCAT(delivered_at, ' ', attempts) FROM outbox"),
              ElementsAre("2026-10-08 02:01:01.000000 1", "2026-10-08 02:01:01.000000 1",
                          "2026-10-08 02:01:01.000000 1"));
  EXPECT_EQ(Deliver().delivered, 0);
  EXPECT_EQ(sink_->calls().size(), 1u);
}

TEST_F(OutboxTest, LargeEventsGoOverSeveralRequestsInOrder) {
  // Together 4.5 MiB, over gRPC's 4 MiB message limit; two take just over the
  // 3 MiB a request may carry, so each goes alone.
  Enqueue("item-1", std::string(1536 * 1024, 'a'));
  Enqueue("item-1", std::string(1536 * 1024, 'b'));
  Enqueue("item-1", std::string(1536 * 1024, 'c'));

  DeliveryCounts counts = Deliver();
  EXPECT_EQ(counts.delivered, 3);
  EXPECT_EQ(counts.pending, 0);
  EXPECT_THAT(sink_->calls(),
              ElementsAre(ElementsAre("tasks:1"), ElementsAre("tasks:2"), ElementsAre("tasks:3")));
  EXPECT_THAT(Column(receiver_->pool(),
                     "SELECT CONCAT(event_id, '=', LEFT(value, 1), ' ', LENGTH(value)) "
                     "FROM received ORDER BY event_id"),
              ElementsAre("tasks:1=a 1572864", "tasks:2=b 1572864", "tasks:3=c 1572864"));
}

TEST_F(OutboxTest, SmallEventsAfterALargeOneShareARequest) {
  Enqueue("item-1", std::string(1536 * 1024, 'a'));
  Enqueue("item-2", "b");
  Enqueue("item-1", "c");

  EXPECT_EQ(Deliver().delivered, 3);
  EXPECT_THAT(sink_->calls(), ElementsAre(ElementsAre("tasks:1", "tasks:2", "tasks:3")));
}

TEST_F(OutboxTest, AReceiverThatIsDownGetsTheEventsOnceItIsBack) {
  Enqueue("item-1", "a");
  Enqueue("item-1", "b");
  sink_->SetDown(true);

  DeliveryCounts counts = Deliver(/*ignore_backoff=*/false);
  EXPECT_EQ(counts.delivered, 0);
  EXPECT_EQ(counts.pending, 2);
  EXPECT_EQ(counts.detail, "supervision: 2 pending");
  EXPECT_THAT(Column(sender_->pool(),
                     "SELECT CONCAT(attempts, ' ', COALESCE(last_error, '-')) "
                     "FROM outbox "
                     "ORDER BY seq"),
              ElementsAre("1 UNAVAILABLE: sink is down", "0 -"));

  sink_->SetDown(false);
  EXPECT_EQ(Deliver(/*ignore_backoff=*/false).delivered, 0);  // Still backing off.
  EXPECT_EQ(sink_->calls().size(), 1u);

  counts = Deliver(/*ignore_backoff=*/true);
  EXPECT_EQ(counts.delivered, 2);
  EXPECT_EQ(counts.pending, 0);
  EXPECT_THAT(Received(), ElementsAre("tasks:1=a", "tasks:2=b"));
  EXPECT_EQ(Deliver(/*ignore_backoff=*/false).delivered, 0);  // Backoff cleared; nothing left.
}

TEST_F(OutboxTest, ARedeliveredEventIsAppliedOnce) {
  Enqueue("item-1", "a");
  Enqueue("item-2", "b");
  ASSERT_EQ(Deliver().delivered, 2);
  // The acknowledgement was lost: the sender delivers both again.
  ASSERT_TRUE(WithConnection(sender_->pool(), [](sql::Connection& conn) {
                std::unique_ptr<sql::Statement> stmt(conn.createStatement());
                stmt->executeUpdate("UPDATE outbox SET delivered_at = NULL");
                return absl::OkStatus();
              }).ok());

  EXPECT_EQ(Deliver().delivered, 2);
  EXPECT_EQ(sink_->calls().size(), 2u);
  EXPECT_THAT(Received(), ElementsAre("tasks:1=a", "tasks:2=b"));
  EXPECT_THAT(Column(receiver_->pool(), "SELECT COUNT(*) FROM applied_events"), ElementsAre("2"));
}

TEST_F(OutboxTest, ARefusedEventHoldsBackOnlyItsOwnKey) {
  Enqueue("item-1", "a");
  Enqueue("item-2", "poison");
  Enqueue("item-3", "c");

  DeliveryCounts counts = Deliver();
  EXPECT_EQ(counts.delivered, 2);
  EXPECT_EQ(counts.pending, 1);
  EXPECT_THAT(Received(), ElementsAre("tasks:1=a", "tasks:3=c"));
  EXPECT_THAT(Column(sender_->pool(),
                     "SELECT CONCAT(seq, ' ', delivered_at IS NOT NULL, ' ', "
                     "attempts, ' ', COALESCE(last_error, '-')) FROM outbox "
                     "ORDER BY seq"),
              ElementsAre("1 1 1 -", "2 0 1 applied 1 of 3 events; refused tasks:2", "3 1 1 -"));
}

TEST_F(OutboxTest, ARefusedFirstEventKeepsItsKeyInOrderAndLetsOtherKeysThrough) {
  Enqueue("item-1", "poison");
  Enqueue("item-2", "b");
  Enqueue("item-1", "after");

  DeliveryCounts counts = Deliver();
  EXPECT_EQ(counts.delivered, 1);
  EXPECT_EQ(counts.pending, 2);
  EXPECT_THAT(Received(), ElementsAre("tasks:2=b"));
}

TEST_F(OutboxTest, AnEventWaitsWhileAnOlderOneOfItsKeyIsHeldElsewhere) {
  Enqueue("item-1", "a");
  Enqueue("item-2", "b");
  Enqueue("item-1", "c");

  // Another replica's pass holds the first event of item-1.
  auto other = sender_->pool().Acquire();
  ASSERT_TRUE(other.ok());
  (*other)->setAutoCommit(false);
  {
    std::unique_ptr<sql::Statement> stmt((*other)->createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        stmt->executeQuery("SELECT seq FROM outbox WHERE seq = 1 FOR UPDATE"));
  }

  DeliveryCounts counts = Deliver();
  EXPECT_EQ(counts.delivered, 1);
  EXPECT_EQ(counts.pending, 2);
  EXPECT_THAT(Received(), ElementsAre("tasks:2=b"));

  (*other)->rollback();
  (*other)->setAutoCommit(true);
  EXPECT_EQ(Deliver().delivered, 2);
  EXPECT_THAT(sink_->calls(),
              ElementsAre(ElementsAre("tasks:2"), ElementsAre("tasks:1", "tasks:3")));
}

// Batches of 3, so that a key can fill more than a batch at the head.
class SmallBatchOutboxTest : public OutboxTest {
 protected:
  void SetUp() override { SetUpWithBatchSize(3); }
};

TEST_F(SmallBatchOutboxTest, AKeyRefusedWithMoreThanABatchQueuedDoesNotDelayALaterKey) {
  Enqueue("item-a", "poison");
  for (int i = 2; i <= 6; ++i) Enqueue("item-a", absl::StrCat("a", i));
  Enqueue("item-b", "b");

  DeliveryCounts counts = Deliver(/*ignore_backoff=*/false);
  EXPECT_EQ(counts.delivered, 1);
  EXPECT_EQ(counts.pending, 6);
  EXPECT_THAT(Received(), ElementsAre("tasks:7=b"));
  EXPECT_THAT(sink_->calls(),
              ElementsAre(ElementsAre("tasks:1", "tasks:2", "tasks:3"), ElementsAre("tasks:7")));

  // While item-a backs off, a later event of another key goes at once and
  // item-a is not offered again.
  Enqueue("item-c", "c");
  counts = Deliver(/*ignore_backoff=*/false);
  EXPECT_EQ(counts.delivered, 1);
  EXPECT_EQ(counts.pending, 6);
  EXPECT_THAT(Received(), ElementsAre("tasks:7=b", "tasks:8=c"));
  EXPECT_EQ(sink_->calls().size(), 3u);
  EXPECT_THAT(sink_->calls().back(), ElementsAre("tasks:8"));
  EXPECT_THAT(Column(sender_->pool(),
                     "SELECT CONCAT(seq, ' ', delivered_at IS NOT NULL, ' ', attempts) "
                     "FROM outbox ORDER BY seq"),
              ElementsAre("1 0 1", "2 0 0", "3 0 0", "4 0 0", "5 0 0", "6 0 0", "7 1 1", "8 1 1"));
}

TEST_F(SmallBatchOutboxTest, AKeyHeldByAnotherPassWithMoreThanABatchDoesNotDelayALaterKey) {
  for (int i = 1; i <= 6; ++i) Enqueue("item-a", absl::StrCat("a", i));
  Enqueue("item-b", "b");

  // Another replica's pass holds the first event of item-a.
  auto other = sender_->pool().Acquire();
  ASSERT_TRUE(other.ok());
  (*other)->setAutoCommit(false);
  {
    std::unique_ptr<sql::Statement> stmt((*other)->createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        stmt->executeQuery("SELECT seq FROM outbox WHERE seq = 1 FOR UPDATE"));
  }

  DeliveryCounts counts = Deliver(/*ignore_backoff=*/false);
  EXPECT_EQ(counts.delivered, 1);
  EXPECT_EQ(counts.pending, 6);
  EXPECT_THAT(Received(), ElementsAre("tasks:7=b"));
  EXPECT_THAT(sink_->calls(), ElementsAre(ElementsAre("tasks:7")));

  (*other)->rollback();
  (*other)->setAutoCommit(true);
  EXPECT_EQ(Deliver(/*ignore_backoff=*/false).delivered, 6);
  EXPECT_THAT(sink_->calls(),
              ElementsAre(ElementsAre("tasks:7"), ElementsAre("tasks:1", "tasks:2", "tasks:3"),
                          ElementsAre("tasks:4", "tasks:5", "tasks:6")));
  EXPECT_THAT(Received(), ElementsAre("tasks:1=a1", "tasks:2=a2", "tasks:3=a3", "tasks:4=a4",
                                      "tasks:5=a5", "tasks:6=a6", "tasks:7=b"));
}

TEST_F(OutboxTest, WritersAreNotBlockedWhileADeliveryIsInFlight) {
  Enqueue("item-1", "a");
  absl::Notification entered, hold;
  sink_->HoldCalls(&entered, &hold);
  std::thread pass([&] { Deliver(); });
  ASSERT_TRUE(entered.WaitForNotificationWithTimeout(absl::Seconds(5)));

  absl::Notification written;
  std::thread writer([&] {
    Enqueue("item-1", "b");
    written.Notify();
  });
  EXPECT_TRUE(written.WaitForNotificationWithTimeout(absl::Seconds(3)));
  hold.Notify();
  writer.join();
  pass.join();
  EXPECT_EQ(Deliver().delivered, 1);
  EXPECT_THAT(Received(), ElementsAre("tasks:1=a", "tasks:2=b"));
}

TEST_F(OutboxTest, TheBackgroundRelayDeliversAndStopsPromptly) {
  relay_->Start();
  Enqueue("item-1", "a");
  for (int i = 0; i < 250 && Received().empty(); ++i) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_THAT(Received(), ElementsAre("tasks:1=a"));
  relay_->Stop();
  EXPECT_THAT(Column(sender_->pool(), "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL"),
              ElementsAre("0"));
}

TEST_F(OutboxTest, BacklogCountsUndeliveredEventsAndTheAgeOfTheOldest) {
  Enqueue("item-1", "a");
  clock_.Advance(absl::Minutes(2));
  Enqueue("item-2", "b");
  clock_.Advance(absl::Minutes(3));

  auto backlog = relay_->Backlog();
  ASSERT_TRUE(backlog.ok()) << backlog.status();
  EXPECT_EQ(backlog->first, 2);
  EXPECT_EQ(backlog->second, absl::Minutes(5));

  Deliver();
  backlog = relay_->Backlog();
  ASSERT_TRUE(backlog.ok());
  EXPECT_EQ(backlog->first, 0);
  EXPECT_EQ(backlog->second, absl::ZeroDuration());
}

class ApplyEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::CreateMigrated("supervision", {kReceived});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  void Add(const std::string& id, const std::string& value) {
    Event* event = events_.Add();
    event->set_event_id(id);
    event->mutable_payload()->PackFrom(Text(value));
  }

  std::vector<std::string> Received() {
    return Column(db_->pool(),
                  "SELECT CONCAT(event_id, '=', value) FROM received "
                  "ORDER BY event_id");
  }

  FakeClock clock_{kStart};
  std::unique_ptr<testing::TestDatabase> db_;
  google::protobuf::RepeatedPtrField<Event> events_;
};

TEST_F(ApplyEventsTest, AppliesEachEventOnceAndAcknowledgesRepeats) {
  Add("tasks:1", "a");
  Add("tasks:2", "b");
  EXPECT_EQ(ApplyEvents(db_->pool(), clock_, events_, &FakeSink::Apply).value_or(-1), 2);
  EXPECT_EQ(ApplyEvents(db_->pool(), clock_, events_, &FakeSink::Apply).value_or(-1), 2);
  EXPECT_THAT(Received(), ElementsAre("tasks:1=a", "tasks:2=b"));
  EXPECT_THAT(
      Column(db_->pool(),
             "SELECT CONCAT(event_id, ' ', applied_at) FROM applied_events "
             "ORDER BY event_id"),
      ElementsAre("tasks:1 2026-10-08 02:00:00.000000", "tasks:2 2026-10-08 02:00:00.000000"));
}

TEST_F(ApplyEventsTest, StopsAtTheFirstFailureKeepingWhatWasApplied) {
  Add("tasks:1", "a");
  Add("tasks:2", "poison");
  Add("tasks:3", "c");
  EXPECT_EQ(ApplyEvents(db_->pool(), clock_, events_, &FakeSink::Apply).value_or(-1), 1);
  EXPECT_THAT(Received(), ElementsAre("tasks:1=a"));
  EXPECT_THAT(Column(db_->pool(), "SELECT event_id FROM applied_events"), ElementsAre("tasks:1"));
}

TEST_F(ApplyEventsTest, AFailingFirstEventReturnsItsError) {
  Add("tasks:1", "poison");
  EXPECT_EQ(ApplyEvents(db_->pool(), clock_, events_, &FakeSink::Apply).status(),
            absl::FailedPreconditionError("poison refused"));
  EXPECT_THAT(Received(), IsEmpty());
}

TEST_F(ApplyEventsTest, ConcurrentDuplicateDeliveriesApplyOnce) {
  Add("tasks:1", "a");
  Add("tasks:2", "b");
  std::vector<absl::StatusOr<int>> results(4, 0);
  std::vector<std::thread> senders;
  for (size_t i = 0; i < results.size(); ++i) {
    senders.emplace_back(
        [&, i] { results[i] = ApplyEvents(db_->pool(), clock_, events_, &FakeSink::Apply); });
  }
  for (std::thread& sender : senders) sender.join();
  for (const auto& result : results) EXPECT_EQ(result.value_or(-1), 2) << result.status();
  EXPECT_THAT(Received(), ElementsAre("tasks:1=a", "tasks:2=b"));
}

}  // namespace
}  // namespace duban::db

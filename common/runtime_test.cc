// Runtime end to end with a tiny fake service, on a real MariaDB
// (DUBAN_TEST_DB_SOCKET): health, reflection, metrics, the test clock's
// Settle, and graceful shutdown.
#include "common/runtime.h"

#include <arpa/inet.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/sync_stream.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/testing/test_db.h"
#include "duban/events/v1/events.grpc.pb.h"
#include "duban/testclock/v1/testclock.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace duban {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Each test has its own ports (slots 0..7, 9 and 10: 20151..20158, 20160 and
// 20161, metrics 9151..9158, 9160 and 9161), so tests run in parallel (ctest -j)
// do not collide.
constexpr int kFirstPort = 20151;
constexpr int kFirstMetricsPort = 9151;
// Peers nobody listens on, inside this test's port range (slot 8).
constexpr char kNowhere[] = "127.0.0.1:20159";

// A Watch of the server's overall health, open from construction (for at
// most a minute) until Close or destruction.
class HealthWatch {
 public:
  explicit HealthWatch(const std::shared_ptr<grpc::Channel>& channel)
      : stub_(grpc::health::v1::Health::NewStub(channel)) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    reader_ = stub_->Watch(&context_, HealthCheckRequest());
  }
  ~HealthWatch() { Close(); }

  // The next status sent; "ENDED" once the stream has ended.
  std::string Next() {
    HealthCheckResponse update;
    if (reader_ == nullptr || !reader_->Read(&update)) return "ENDED";
    return HealthCheckResponse::ServingStatus_Name(update.status());
  }

  void Close() {
    if (reader_ == nullptr) return;
    context_.TryCancel();
    reader_->Finish().IgnoreError();
    reader_.reset();
  }

 private:
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader_;
};

// Applies events without a database; an event "slow" takes a second, so a
// call can be in flight during shutdown.
class FakeSink final : public duban::events::v1::EventSinkService::Service {
 public:
  grpc::Status Deliver(grpc::ServerContext*, const duban::events::v1::DeliverRequest* request,
                       duban::events::v1::DeliverResponse* response) override {
    for (const auto& event : request->events()) {
      if (event.event_id() == "slow") {
        slow_started.Notify();
        absl::SleepFor(absl::Seconds(1));
      }
    }
    response->set_applied_count(request->events_size());
    return grpc::Status::OK;
  }
  absl::Notification slow_started;
};

// GET http://127.0.0.1:<port><path>; the whole response, headers included.
std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return "";
  }
  const std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return "";
  }
  std::string response;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) response.append(buffer, n);
  close(fd);
  return response;
}

// The test server as a database that can go away: forwards connections from
// a loopback TCP port (kernel-picked) to the server's socket. Cut() drops the
// connections it forwards and closes new ones at once; Restore() forwards
// again. Thread-safe.
class DatabaseProxy {
 public:
  explicit DatabaseProxy(std::string server_socket) : server_socket_(std::move(server_socket)) {}

  ~DatabaseProxy() {
    if (listener_ >= 0) shutdown(listener_, SHUT_RDWR);  // Ends the accept loop.
    if (acceptor_.joinable()) acceptor_.join();
    Cut();  // Ends every pump.
    std::vector<std::thread> pumps;
    {
      absl::MutexLock lock(&mu_);
      pumps.swap(pumps_);
    }
    for (std::thread& pump : pumps) pump.join();
    if (listener_ >= 0) close(listener_);
  }

  // Listens on 127.0.0.1 and starts forwarding. False when it cannot listen.
  bool Start() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return false;
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
    return true;
  }

  int port() const { return port_; }

  void Cut() {
    absl::MutexLock lock(&mu_);
    cut_ = true;
    for (const int fd : forwarded_) shutdown(fd, SHUT_RDWR);
  }

  void Restore() {
    absl::MutexLock lock(&mu_);
    cut_ = false;
  }

 private:
  void Accept() {
    while (true) {
      const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // The listener was shut down.
      }
      const int server = ConnectToServer();
      absl::MutexLock lock(&mu_);
      if (cut_ || server < 0) {
        close(client);
        if (server >= 0) close(server);
        continue;
      }
      forwarded_.insert(forwarded_.end(), {client, server});
      pumps_.emplace_back([this, client, server] { Pump(client, server); });
    }
  }

  int ConnectToServer() const {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    server_socket_.copy(address.sun_path, sizeof address.sun_path - 1);
    if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      return fd;
    }
    if (fd >= 0) close(fd);
    return -1;
  }

  // Copies bytes both ways until either side closes or Cut shuts them down.
  void Pump(int client, int server) {
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    char buffer[16384];
    bool open = true;
    while (open && poll(fds, 2, -1) > 0) {
      for (int i = 0; i < 2 && open; ++i) {
        if (fds[i].revents == 0) continue;
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        open = n > 0 && WriteAll(fds[1 - i].fd, buffer, static_cast<size_t>(n));
      }
    }
    absl::MutexLock lock(&mu_);
    forwarded_.erase(std::remove_if(forwarded_.begin(), forwarded_.end(),
                                    [&](int fd) { return fd == client || fd == server; }),
                     forwarded_.end());
    close(client);
    close(server);
  }

  static bool WriteAll(int fd, const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = write(fd, data, size);
      if (n <= 0) return false;
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  const std::string server_socket_;
  int listener_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  // Started by the accept loop, joined by the destructor once it has ended.
  std::vector<std::thread> pumps_ ABSL_GUARDED_BY(mu_);
  absl::Mutex mu_;
  bool cut_ ABSL_GUARDED_BY(mu_) = false;
  // Both ends of every connection being forwarded.
  std::vector<int> forwarded_ ABSL_GUARDED_BY(mu_);
};

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::TestDatabase>> db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    char dir[] = "/tmp/duban-runtime-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }

  void TearDown() override {
    if (serve_thread_.joinable()) {
      runtime_->RequestShutdown();
      serve_thread_.join();
    }
    runtime_.reset();
    unlink((dir_ + "/clock").c_str());
    rmdir(dir_.c_str());
  }

  // Starts the runtime with the fake sink on the ports numbered `slot` (0..7, 9)
  // and serves it on another thread.
  void StartServing(int slot, const std::vector<std::string>& extra_flags = {}) {
    port_ = kFirstPort + slot;
    metrics_port_ = kFirstMetricsPort + slot;
    std::vector<std::string> args = {"duban-fake",
                                     absl::StrCat("--port=", port_),
                                     absl::StrCat("--metrics_port=", metrics_port_),
                                     "--db_socket=" + db_->options().socket,
                                     "--db_name=" + db_->name(),
                                     "--dev_insecure_secrets",
                                     "--shutdown_grace=5s",
                                     "--db_wait=10s",
                                     "--test_clock_file=" + dir_ + "/clock",
                                     "--test_clock_start=2026-10-01T09:00:00+08:00",
                                     absl::StrCat("--registry_addr=", kNowhere),
                                     absl::StrCat("--tasks_addr=", kNowhere)};
    args.insert(args.end(), extra_flags.begin(), extra_flags.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    absl::StatusOr<std::unique_ptr<Runtime>> runtime =
        Runtime::Start(static_cast<int>(args.size()), argv.data(), "fake", {});
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = *std::move(runtime);
    runtime_->AddService(&sink_);
    runtime_->Outbox({"tasks"});
    runtime_->AddSettleWork([] { return SettleCounts{2, 1, "one rung waits"}; });
    runtime_->AddBackground([this] { background_started_ = true; },
                            [this] { background_stopped_ = true; });
    if (record_shutdown_begin_) {
      // What the server looks like from inside the hooks.
      runtime_->OnShutdownBegin([this] {
        const grpc::Status call = Deliver("in-hook");
        shutdown_seen_.push_back(
            absl::StrCat("first: health ", HealthCheckResponse::ServingStatus_Name(Health("")),
                         ", call ", call.ok() ? "accepted" : call.error_message()));
      });
      runtime_->OnShutdownBegin([this] { shutdown_seen_.push_back("second"); });
    }
    serve_thread_ = std::thread([this] { exit_code_ = runtime_->Serve(); });
    for (int i = 0; i < 500 && runtime_->serving_port() == 0; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_EQ(runtime_->serving_port(), port_);
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials());
  }

  HealthCheckResponse::ServingStatus Health(const std::string& service) {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }

  grpc::Status Deliver(const std::string& event_id) {
    auto stub = duban::events::v1::EventSinkService::NewStub(channel_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    duban::events::v1::DeliverRequest request;
    request.add_events()->set_event_id(event_id);
    duban::events::v1::DeliverResponse response;
    return stub->Deliver(&context, request, &response);
  }

  absl::FlagSaver flag_saver_;
  int port_ = 0;
  int metrics_port_ = 0;
  std::unique_ptr<testing::TestDatabase> db_;
  // Set by tests whose database goes away; outlives the runtime.
  std::unique_ptr<DatabaseProxy> proxy_;
  std::string dir_;
  FakeSink sink_;
  std::unique_ptr<Runtime> runtime_;
  std::thread serve_thread_;
  std::atomic<int> exit_code_{-1};
  std::atomic<bool> background_started_{false};
  std::atomic<bool> background_stopped_{false};
  // Set before StartServing to record what the OnShutdownBegin hooks see.
  bool record_shutdown_begin_ = false;
  // Written by the hooks on the serving thread; read once it has ended.
  std::vector<std::string> shutdown_seen_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(RuntimeTest, HealthIsServingForTheServerAndEachService) {
  ASSERT_NO_FATAL_FAILURE(StartServing(0));
  EXPECT_EQ(Health(""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health("duban.events.v1.EventSinkService"), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health("duban.testclock.v1.TestClockService"), HealthCheckResponse::SERVING);
  EXPECT_TRUE(background_started_);
}

TEST_F(RuntimeTest, MetricsShowHandledCallsProcessAndOutbox) {
  ASSERT_NO_FATAL_FAILURE(StartServing(1));
  ASSERT_TRUE(Deliver("fast").ok());
  const std::string metrics = HttpGet(metrics_port_, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("200 OK"));
  EXPECT_THAT(metrics, HasSubstr("duban_grpc_server_handled_total{grpc_code=\"OK\","
                                 "grpc_method=\"Deliver\","
                                 "grpc_service=\"duban.events.v1.EventSinkService\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("duban_grpc_server_handling_seconds_bucket{"));
  EXPECT_THAT(metrics, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(metrics, HasSubstr("duban_outbox_backlog_events 0"));
  EXPECT_THAT(metrics, HasSubstr("duban_outbox_oldest_age_seconds 0"));
  EXPECT_THAT(metrics, HasSubstr("\n# TYPE duban_database_up gauge\nduban_database_up 1\n"));
  EXPECT_THAT(metrics, HasSubstr("\n# TYPE duban_serving gauge\nduban_serving 1\n"));
}

TEST_F(RuntimeTest, SettleRunsTheWorkAndReportsTheTestClock) {
  ASSERT_NO_FATAL_FAILURE(StartServing(2));
  EXPECT_EQ(runtime_->clock().Now(), absl::FromUnixSeconds(1790816400));
  auto stub = duban::testclock::v1::TestClockService::NewStub(channel_);
  grpc::ClientContext context;
  duban::testclock::v1::SettleResponse response;
  grpc::Status status = stub->Settle(&context, duban::testclock::v1::SettleRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.now().seconds(), 1790816400);
  EXPECT_EQ(response.work_done(), 2);
  EXPECT_EQ(response.pending(), 1);
  EXPECT_EQ(response.pending_detail(), "one rung waits");
}

// Runs `statement` on the runtime's database.
void Execute(testing::TestDatabase& db, const std::string& statement) {
  absl::Status status = db::WithConnection(db.pool(), [&](sql::Connection& conn) {
    std::unique_ptr<sql::Statement> stmt(conn.createStatement());
    stmt->execute(statement);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
}

std::vector<std::string> Column(testing::TestDatabase& db, const std::string& query) {
  std::vector<std::string> values;
  absl::Status status = db::WithConnection(db.pool(), [&](sql::Connection& conn) {
    std::unique_ptr<sql::Statement> stmt(conn.createStatement());
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(query));
    while (rs->next()) values.push_back(rs->getString(1));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  return values;
}

TEST_F(RuntimeTest, SettlePrunesRowsOlderThanTheRetentionAndCountsThemByTable) {
  ASSERT_NO_FATAL_FAILURE(StartServing(9));
  // The test clock starts at 2026-10-01 01:00 UTC: the cutoff is 30 days before.
  // Outbox rows for a destination the relay does not serve, so it leaves them be.
  ASSERT_NO_FATAL_FAILURE(Execute(
      *db_,
      "INSERT INTO outbox (seq, destination, ordering_key, payload, created_at, delivered_at) "
      "VALUES (901, 'minutes', 'k', '', '2026-08-01 00:00:00', '2026-08-01 00:00:01'), "
      "(902, 'minutes', 'k', '', '2026-08-01 00:00:00', NULL), "
      "(903, 'minutes', 'k', '', '2026-09-20 00:00:00', '2026-09-20 00:00:01')"));
  ASSERT_NO_FATAL_FAILURE(Execute(
      *db_,
      "INSERT INTO request_log (caller, request_id, method, request, response, created_at) VALUES "
      "('p-1', 'old', 'm', '', '', '2026-08-01 00:00:00'), "
      "('p-1', 'new', 'm', '', '', '2026-09-20 00:00:00')"));
  ASSERT_NO_FATAL_FAILURE(Execute(*db_,
                                  "INSERT INTO applied_events VALUES "
                                  "('x:1', '2026-08-01 00:00:00'), ('x:2', '2026-08-02 00:00:00'), "
                                  "('x:3', '2026-09-20 00:00:00')"));
  // A pass is due an hour after the one at start-up.
  auto clock = SharedTestClock::Open(dir_ + "/clock", absl::InfinitePast());
  ASSERT_TRUE(clock.ok()) << clock.status();
  ASSERT_TRUE((*clock)->AdvanceTo((*clock)->Now() + absl::Hours(1)).ok());

  auto stub = duban::testclock::v1::TestClockService::NewStub(channel_);
  grpc::ClientContext context;
  duban::testclock::v1::SettleResponse response;
  grpc::Status status = stub->Settle(&context, duban::testclock::v1::SettleRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.work_done(), 2);  // The registered work's; pruning counts none.

  EXPECT_THAT(Column(*db_, "SELECT seq FROM outbox ORDER BY seq"), ElementsAre("902", "903"));
  EXPECT_THAT(Column(*db_, "SELECT request_id FROM request_log"), ElementsAre("new"));
  EXPECT_THAT(Column(*db_, "SELECT event_id FROM applied_events"), ElementsAre("x:3"));
  const std::string metrics = HttpGet(metrics_port_, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("duban_retention_pruned_rows_total{table=\"outbox\"} 1\n"));
  EXPECT_THAT(metrics, HasSubstr("duban_retention_pruned_rows_total{table=\"request_log\"} 1\n"));
  EXPECT_THAT(metrics,
              HasSubstr("duban_retention_pruned_rows_total{table=\"applied_events\"} 2\n"));
}

TEST_F(RuntimeTest, ReflectionListsTheServices) {
  ASSERT_NO_FATAL_FAILURE(StartServing(3));
  const google::protobuf::Descriptor* request_type =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          "grpc.reflection.v1alpha.ServerReflectionRequest");
  const google::protobuf::Descriptor* response_type =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          "grpc.reflection.v1alpha.ServerReflectionResponse");
  if (request_type == nullptr || response_type == nullptr) {
    GTEST_SKIP() << "the reflection messages are not linked into this binary";
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(factory->GetPrototype(request_type)->New());
  std::unique_ptr<google::protobuf::Message> response(factory->GetPrototype(response_type)->New());

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  const grpc::internal::RpcMethod method(
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      grpc::internal::RpcMethod::BIDI_STREAMING, channel_);
  std::unique_ptr<grpc::ClientReaderWriter<google::protobuf::Message, google::protobuf::Message>>
      stream(grpc::internal::ClientReaderWriterFactory<
             google::protobuf::Message, google::protobuf::Message>::Create(channel_.get(), method,
                                                                           &context));
  request->GetReflection()->SetString(request.get(), request_type->FindFieldByName("list_services"),
                                      "");
  ASSERT_TRUE(stream->Write(*request));
  ASSERT_TRUE(stream->Read(response.get()));
  const std::string services = response->DebugString();
  EXPECT_THAT(services, HasSubstr("\"grpc.health.v1.Health\""));
  EXPECT_THAT(services, HasSubstr("\"duban.events.v1.EventSinkService\""));

  request->GetReflection()->SetString(request.get(),
                                      request_type->FindFieldByName("file_containing_symbol"),
                                      "grpc.health.v1.Health");
  ASSERT_TRUE(stream->Write(*request));
  ASSERT_TRUE(stream->Read(response.get()));
  EXPECT_THAT(response->DebugString(), HasSubstr("file_descriptor_response"));
  EXPECT_THAT(response->DebugString(), ::testing::Not(HasSubstr("error_response")));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(RuntimeTest, SigtermTurnsHealthNotServingAndLetsInFlightCallsFinish) {
  ASSERT_NO_FATAL_FAILURE(StartServing(4));

  // Watch health from before the signal.
  HealthWatch watch(channel_);
  EXPECT_EQ(watch.Next(), "SERVING");

  grpc::Status slow_status(grpc::StatusCode::UNKNOWN, "not finished");
  std::thread slow([&] { slow_status = Deliver("slow"); });
  ASSERT_TRUE(sink_.slow_started.WaitForNotificationWithTimeout(absl::Seconds(5)));

  ASSERT_EQ(kill(getpid(), SIGTERM), 0);

  EXPECT_EQ(watch.Next(), "NOT_SERVING");
  watch.Close();

  slow.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_message();
  serve_thread_.join();
  EXPECT_EQ(exit_code_, 0);
  EXPECT_TRUE(background_stopped_);
  EXPECT_FALSE(Deliver("after").ok());
}

TEST_F(RuntimeTest, DuringTheDrainHealthIsNotServingWhileCallsAreStillAccepted) {
  ASSERT_NO_FATAL_FAILURE(StartServing(5, {"--shutdown_drain=3s"}));
  HealthWatch watch(channel_);
  EXPECT_EQ(watch.Next(), "SERVING");

  runtime_->RequestShutdown();
  EXPECT_EQ(watch.Next(), "NOT_SERVING");
  watch.Close();

  grpc::Status during_drain = Deliver("during-drain");
  EXPECT_TRUE(during_drain.ok()) << during_drain.error_message();
  serve_thread_.join();
  EXPECT_EQ(exit_code_, 0);
  EXPECT_FALSE(Deliver("after").ok());
}

TEST_F(RuntimeTest, ShutdownHooksRunInOrderWhenHealthIsNotServingAndCallsAreStillAccepted) {
  record_shutdown_begin_ = true;
  ASSERT_NO_FATAL_FAILURE(StartServing(6));
  ASSERT_TRUE(Deliver("before").ok());

  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  serve_thread_.join();
  EXPECT_EQ(exit_code_, 0);
  EXPECT_THAT(shutdown_seen_,
              ::testing::ElementsAre("first: health NOT_SERVING, call accepted", "second"));
  EXPECT_TRUE(background_stopped_);
  EXPECT_FALSE(Deliver("after").ok());
}

TEST_F(RuntimeTest, TheDatabaseCheckKeepsHealthServingAndLeavesShutdownNotServing) {
  ASSERT_NO_FATAL_FAILURE(StartServing(7, {"--health_db_check=20ms", "--shutdown_drain=1s"}));
  HealthWatch watch(channel_);
  EXPECT_EQ(watch.Next(), "SERVING");
  ASSERT_TRUE(Deliver("while-checked").ok());
  EXPECT_EQ(Health("duban.events.v1.EventSinkService"), HealthCheckResponse::SERVING);

  runtime_->RequestShutdown();
  EXPECT_EQ(watch.Next(), "NOT_SERVING");
  // Through the drain and the stop, the check (every 20 ms) never turns it back.
  std::vector<std::string> later;
  for (std::string status = watch.Next(); status != "ENDED"; status = watch.Next()) {
    later.push_back(status);
  }
  EXPECT_THAT(later, ::testing::Each("NOT_SERVING"));
  serve_thread_.join();
  EXPECT_EQ(exit_code_, 0);
}

TEST_F(RuntimeTest, DatabaseUpAndServingGaugesFollowTheDatabaseCheck) {
  proxy_ = std::make_unique<DatabaseProxy>(db_->options().socket);
  ASSERT_TRUE(proxy_->Start());
  ASSERT_NO_FATAL_FAILURE(
      StartServing(10, {"--health_db_check=20ms", "--db_socket=", "--db_host=127.0.0.1",
                        absl::StrCat("--db_port=", proxy_->port())}));
  HealthWatch watch(channel_);
  ASSERT_EQ(watch.Next(), "SERVING");
  std::string metrics = HttpGet(metrics_port_, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("\nduban_database_up 1\n"));
  EXPECT_THAT(metrics, HasSubstr("\nduban_serving 1\n"));

  proxy_->Cut();
  ASSERT_EQ(watch.Next(), "NOT_SERVING");
  metrics = HttpGet(metrics_port_, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("\nduban_database_up 0\n"));
  EXPECT_THAT(metrics, HasSubstr("\nduban_serving 0\n"));
  // What is read from the database at scrape time is left out, so these are
  // what tells the outage apart.
  EXPECT_THAT(metrics, ::testing::Not(HasSubstr("duban_outbox_backlog_events")));

  proxy_->Restore();
  ASSERT_EQ(watch.Next(), "SERVING");
  metrics = HttpGet(metrics_port_, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("\nduban_database_up 1\n"));
  EXPECT_THAT(metrics, HasSubstr("\nduban_serving 1\n"));
  watch.Close();

  runtime_->RequestShutdown();
  serve_thread_.join();
  metrics = HttpGet(metrics_port_, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("\nduban_serving 0\n"));
}

TEST_F(RuntimeTest, TheDatabaseCheckIntervalComesFromTheEnvironmentAndMustNotBeNegative) {
  std::vector<std::string> args = {"duban-fake", "--port=20158", "--metrics_port=-1",
                                   "--dev_insecure_secrets"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  absl::StatusOr<ServiceConfig> config =
      LoadServiceConfig(static_cast<int>(args.size()), argv.data(), "fake");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->health_db_check, absl::Seconds(2));

  setenv("DUBAN_HEALTH_DB_CHECK", "-1s", 1);
  config = LoadServiceConfig(static_cast<int>(args.size()), argv.data(), "fake");
  unsetenv("DUBAN_HEALTH_DB_CHECK");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("DUBAN_HEALTH_DB_CHECK"));
}

}  // namespace
}  // namespace duban

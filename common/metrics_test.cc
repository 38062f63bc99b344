#include "common/metrics.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "duban/testclock/v1/testclock.grpc.pb.h"

namespace duban {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

// The metric names announced by "# TYPE <name> <type>" lines.
std::set<std::string> TypedNames(const std::string& exposition) {
  std::set<std::string> names;
  for (absl::string_view line : absl::StrSplit(exposition, '\n')) {
    if (!absl::ConsumePrefix(&line, "# TYPE ")) continue;
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    names.insert(parts[0]);
  }
  return names;
}

// Answers Settle OK, or NOT_FOUND when asked to fail.
class SettleService final : public duban::testclock::v1::TestClockService::Service {
 public:
  grpc::Status Settle(grpc::ServerContext*, const duban::testclock::v1::SettleRequest*,
                      duban::testclock::v1::SettleResponse*) override {
    if (fail) return grpc::Status(grpc::StatusCode::NOT_FOUND, "nothing");
    return grpc::Status::OK;
  }
  bool fail = false;
};

TEST(SplitMethodNameTest, SplitsServiceAndMethod) {
  EXPECT_EQ(SplitMethodName("/duban.tasks.v1.TasksService/GetItem"),
            std::make_pair(std::string("duban.tasks.v1.TasksService"), std::string("GetItem")));
  EXPECT_EQ(SplitMethodName("odd"), std::make_pair(std::string(""), std::string("odd")));
}

TEST(GrpcCodeNameTest, UsesCanonicalNames) {
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(99)), "UNKNOWN");
}

class GrpcServerMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::make_shared<prometheus::Registry>();
    metrics_ = std::make_unique<GrpcServerMetrics>(*registry_);
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(metrics_->InterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(creators));
    server_ = builder.BuildAndStart();
    stub_ = duban::testclock::v1::TestClockService::NewStub(
        server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override { server_->Shutdown(); }

  grpc::Status Settle() {
    grpc::ClientContext context;
    duban::testclock::v1::SettleResponse response;
    return stub_->Settle(&context, duban::testclock::v1::SettleRequest(), &response);
  }

  std::string Exposition() {
    ProcessCollector process;
    return SerializeMetrics({registry_.get(), &process});
  }

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<GrpcServerMetrics> metrics_;
  SettleService service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<duban::testclock::v1::TestClockService::Stub> stub_;
};

TEST_F(GrpcServerMetricsTest, CountsEachCallByMethodAndCode) {
  ASSERT_TRUE(Settle().ok());
  ASSERT_TRUE(Settle().ok());
  service_.fail = true;
  ASSERT_EQ(Settle().error_code(), grpc::StatusCode::NOT_FOUND);

  const std::string text = Exposition();
  EXPECT_THAT(text, HasSubstr("duban_grpc_server_started_total{grpc_method=\"Settle\","
                              "grpc_service=\"duban.testclock.v1.TestClockService\"} 3"));
  EXPECT_THAT(text, HasSubstr("duban_grpc_server_handled_total{grpc_code=\"OK\","
                              "grpc_method=\"Settle\","
                              "grpc_service=\"duban.testclock.v1.TestClockService\"} 2"));
  EXPECT_THAT(text, HasSubstr("duban_grpc_server_handled_total{grpc_code=\"NOT_FOUND\","
                              "grpc_method=\"Settle\","
                              "grpc_service=\"duban.testclock.v1.TestClockService\"} 1"));
  EXPECT_THAT(text, HasSubstr("duban_grpc_server_handling_seconds_count{grpc_code=\"OK\","
                              "grpc_method=\"Settle\","
                              "grpc_service=\"duban.testclock.v1.TestClockService\"} 2"));
  EXPECT_THAT(text, HasSubstr("le=\"0.0005\""));
  EXPECT_THAT(text, HasSubstr("le=\"10\""));
}

TEST_F(GrpcServerMetricsTest, ExposesExactlyTheDeclaredNames) {
  ASSERT_TRUE(Settle().ok());
  EXPECT_EQ(TypedNames(Exposition()),
            (std::set<std::string>{
                "duban_grpc_server_started_total", "duban_grpc_server_handled_total",
                "duban_grpc_server_handling_seconds", "process_cpu_seconds_total",
                "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds",
                "process_max_fds", "process_start_time_seconds", "process_threads"}));
}

TEST_F(GrpcServerMetricsTest, ExpositionPassesPromtool) {
  ASSERT_TRUE(Settle().ok());
  ScrapeGauges gauges;
  gauges.Add("duban_outbox_backlog_events", "Undelivered outbox events.", [] {
    return std::vector<ScrapeGauges::Sample>{{{{"destination", "tasks"}}, 3}};
  });
  DeclareGauge(*registry_, "duban_open_items", "Items not yet closed.").Add({}).Set(7);
  ProcessCollector process;
  const std::string text = SerializeMetrics({registry_.get(), &process, &gauges});

  if (access("/usr/bin/promtool", X_OK) != 0) GTEST_SKIP() << "promtool is not installed";
  char path[] = "/tmp/duban-metrics-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  const std::string command = absl::StrCat("/usr/bin/promtool check metrics < ", path, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  unlink(path);
  EXPECT_EQ(status, 0) << output << "\n" << text;
  EXPECT_EQ(output, "");
}

TEST(ProcessCollectorTest, ReadsPlausibleValues) {
  ProcessCollector collector;
  std::map<std::string, double> values;
  for (const prometheus::MetricFamily& family : collector.Collect()) {
    ASSERT_EQ(family.metric.size(), 1u);
    values[family.name] = family.type == prometheus::MetricType::Counter
                              ? family.metric[0].counter.value
                              : family.metric[0].gauge.value;
  }
  EXPECT_EQ(values.size(), 7u);
  EXPECT_GT(values["process_resident_memory_bytes"], 1024 * 1024);
  EXPECT_GE(values["process_virtual_memory_bytes"], values["process_resident_memory_bytes"]);
  EXPECT_GE(values["process_open_fds"], 3);
  EXPECT_GE(values["process_max_fds"], values["process_open_fds"]);
  EXPECT_GE(values["process_threads"], 1);
  EXPECT_GT(values["process_start_time_seconds"], 1.7e9);
}

TEST(ScrapeGaugesTest, ReadsAtScrapeTimeAndSkipsEmpty) {
  ScrapeGauges gauges;
  double backlog = 1;
  gauges.Add("duban_outbox_backlog_events", "Undelivered outbox events.", [&] {
    return std::vector<ScrapeGauges::Sample>{{{{"destination", "scheduler"}}, backlog}};
  });
  gauges.Add("duban_never", "Never read.", [] { return std::vector<ScrapeGauges::Sample>{}; });
  backlog = 5;
  std::vector<prometheus::MetricFamily> families = gauges.Collect();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "duban_outbox_backlog_events");
  EXPECT_EQ(families[0].metric[0].gauge.value, 5);
}

}  // namespace
}  // namespace duban

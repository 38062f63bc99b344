// The real binaries at shutdown and in their metrics: supervision ends its
// open Watch streams as soon as SIGTERM arrives, and every service with an
// outbox exports its backlog gauges.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/dubanctl/client.h"
#include "common/clock.h"
#include "tests/e2e/cluster.h"

namespace duban::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

namespace supervision = duban::supervision::v1;

// Each test runs in its own process under CTest, on its own ports.
class WatchShutdownTest : public ::testing::Test {
 protected:
  void StartCluster(const std::string& name, int base_port,
                    std::map<std::string, std::vector<std::string>> service_flags = {}) {
    auto cluster = Cluster::Start(
        {.name = name, .base_port = base_port, .service_flags = std::move(service_flags)});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
  }

  // How many Watch calls supervision has started, from its /metrics.
  double WatchCallsStarted() {
    absl::StatusOr<std::string> metrics = cluster_->ScrapeMetrics("supervision");
    if (!metrics.ok()) return -1;
    return MetricSum(*metrics, "duban_grpc_server_started_total", {"grpc_method=\"Watch\""});
  }

  std::unique_ptr<Cluster> cluster_;
};

TEST_F(WatchShutdownTest, SigtermEndsTwoOpenWatchStreamsWithOkAndSupervisionExitsCleanly) {
  // A grace far beyond what StopService waits for (15 s): streams that held
  // the shutdown would make it fail and end with an error, not OK.
  ASSERT_NO_FATAL_FAILURE(
      StartCluster("watchstop", 22400, {{"supervision", {"--shutdown_grace=60s"}}}));
  absl::StatusOr<std::string> admin = cluster_->session().AdminToken();
  ASSERT_TRUE(admin.ok()) << admin.status();

  struct Stream {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReader<supervision::WatchResponse>> reader;
  };
  std::vector<Stream> streams(2);
  for (Stream& stream : streams) {
    stream.context = client::Context(*admin, absl::Minutes(5));
    supervision::WatchRequest request;
    request.set_resume_token("wf-0");
    stream.reader =
        cluster_->session().clients().supervision().Watch(stream.context.get(), request);
  }
  // Both calls have reached the server.
  for (int i = 0; i < 500 && WatchCallsStarted() < 2; ++i) absl::SleepFor(absl::Milliseconds(20));
  ASSERT_EQ(WatchCallsStarted(), 2);

  const absl::Status stopped = cluster_->StopService("supervision");
  EXPECT_TRUE(stopped.ok()) << stopped;
  for (Stream& stream : streams) {
    supervision::WatchResponse response;
    EXPECT_FALSE(stream.reader->Read(&response));
    const grpc::Status status = stream.reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::OK) << status.error_message();
  }
}

TEST_F(WatchShutdownTest, EveryServiceWithAnOutboxExportsItsBacklogAndOldestAge) {
  ASSERT_NO_FATAL_FAILURE(StartCluster("outboxgauges", 22440));
  for (const char* service : {"minutes", "tasks", "reporting", "scheduler", "supervision"}) {
    absl::StatusOr<std::string> metrics = cluster_->ScrapeMetrics(service);
    ASSERT_TRUE(metrics.ok()) << service << ": " << metrics.status();
    EXPECT_THAT(*metrics, HasSubstr("\n# TYPE duban_outbox_backlog_events gauge\n"
                                    "duban_outbox_backlog_events 0\n"))
        << service;
    EXPECT_THAT(*metrics, HasSubstr("\n# TYPE duban_outbox_oldest_age_seconds gauge\n"
                                    "duban_outbox_oldest_age_seconds 0\n"))
        << service;
  }
  // The registry sends no events and has no outbox.
  absl::StatusOr<std::string> registry = cluster_->ScrapeMetrics("registry");
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_THAT(*registry, Not(HasSubstr("duban_outbox_")));
}

}  // namespace
}  // namespace duban::testing

// What operations and independent clients see: health and reflection through
// buf curl (another gRPC implementation), and the Prometheus endpoint checked
// by promtool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "tests/e2e/cluster.h"

namespace duban::testing {
namespace {

using ::testing::HasSubstr;

struct Output {
  int exit_code;
  std::string text;
};

Output Shell(const std::string& command) {
  Output output{-1, ""};
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.text.append(buffer, n);
  int status = pclose(pipe);
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

std::string Buf() { return absl::StrCat(DUBAN_SOURCE_DIR, "/var/node/node_modules/.bin/buf"); }

std::string BufCurl(const Cluster& cluster, const std::string& service, const std::string& args) {
  return absl::StrCat(Buf(), " curl --protocol grpc --http2-prior-knowledge ",
                      "--reflect-protocol grpc-v1alpha ", args, " http://",
                      cluster.address(service));
}

// Each test runs in its own process under CTest, so each starts its own
// services on its own ports.
class OperabilityTest : public ::testing::Test {
 protected:
  void StartCluster(const std::string& name, int base_port) {
    auto cluster = Cluster::Start({.name = name, .base_port = base_port});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
  }
  std::unique_ptr<Cluster> cluster_;
};

TEST_F(OperabilityTest, BufCurlListsEveryServicesMethodsThroughReflection) {
  StartCluster("reflect", 21200);
  const std::map<std::string, std::string> contracts = {
      {"registry", "duban.registry.v1.RegistryService/ImportMatterRegistry"},
      {"minutes", "duban.minutes.v1.MinutesService/SignOffAndIssue"},
      {"tasks", "duban.tasks.v1.TasksService/ReportComplete"},
      {"reporting", "duban.reporting.v1.ReportingService/IssueCircular"},
      {"scheduler", "duban.scheduler.v1.SchedulerService/ExplainDeadline"},
      {"supervision", "duban.supervision.v1.SupervisionService/ListCases"}};
  for (const auto& [service, method] : contracts) {
    Output listed = Shell(BufCurl(*cluster_, service, "--list-methods"));
    EXPECT_EQ(listed.exit_code, 0) << service << ": " << listed.text;
    EXPECT_THAT(listed.text, HasSubstr(method)) << service;
    EXPECT_THAT(listed.text, HasSubstr("grpc.health.v1.Health/Check")) << service;
  }
}

TEST_F(OperabilityTest, BufCurlHealthCheckIsServingForEveryService) {
  StartCluster("health", 21220);
  for (const std::string& service : client::ServiceNames()) {
    std::string url_suffix = "/grpc.health.v1.Health/Check";
    Output checked = Shell(absl::StrCat(Buf(), " curl --protocol grpc --http2-prior-knowledge ",
                                        "--reflect-protocol grpc-v1alpha -d '{}' http://",
                                        cluster_->address(service), url_suffix));
    EXPECT_EQ(checked.exit_code, 0) << service << ": " << checked.text;
    EXPECT_THAT(checked.text, HasSubstr("\"SERVING\"")) << service;
  }
}

TEST_F(OperabilityTest, MetricsEndpointPassesPromtoolAndCountsCallsByMethodAndCode) {
  StartCluster("metrics", 21240);
  Shell(absl::StrCat(Buf(), " curl --protocol grpc --http2-prior-knowledge ",
                     "--reflect-protocol grpc-v1alpha -d '{}' http://", cluster_->address("tasks"),
                     "/duban.tasks.v1.TasksService/ListItems"));
  std::string url = absl::StrCat("http://127.0.0.1:", cluster_->metrics_port("tasks"), "/metrics");
  Output scraped = Shell(absl::StrCat("curl -sf ", url));
  ASSERT_EQ(scraped.exit_code, 0) << scraped.text;
  EXPECT_THAT(
      scraped.text,
      HasSubstr("duban_grpc_server_handled_total{grpc_code=\"UNAUTHENTICATED\","
                "grpc_method=\"ListItems\",grpc_service=\"duban.tasks.v1.TasksService\"} 1"));
  EXPECT_THAT(scraped.text, HasSubstr("duban_grpc_server_handling_seconds_bucket{"));
  EXPECT_THAT(scraped.text, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(scraped.text, HasSubstr("duban_tasks_open_items{light=\"red\"} 0\n"));
  EXPECT_THAT(scraped.text, HasSubstr("duban_outbox_backlog_events 0\n"));
  Output checked = Shell(absl::StrCat("curl -sf ", url, " | promtool check metrics"));
  EXPECT_EQ(checked.exit_code, 0) << checked.text;
}

}  // namespace
}  // namespace duban::testing

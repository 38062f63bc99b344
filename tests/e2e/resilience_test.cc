// Outages: a receiving service down while its events fall due, and the
// database server restarting under running services.
#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/dubanctl/cycle.h"
#include "common/clock.h"
#include "common/status.h"
#include "common/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

namespace duban::testing {
namespace {

namespace registry = duban::registry::v1;
namespace supervision = duban::supervision::v1;
using ::testing::SizeIs;

TEST(ResilienceTest, SupervisionDownWhileADeadlinePassesGetsTheCaseOnceWhenBack) {
  auto cluster = Cluster::Start({.name = "supdown", .base_port = 21100});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  client::Session& s = (*cluster)->session();
  std::ostringstream out;
  ASSERT_TRUE(client::ImportSample(s, SampleCycleInputs(), out).ok()) << out.str();
  auto items = client::IssueSampleMinutes(s, out);
  ASSERT_TRUE(items.ok()) << items.status() << "\n" << out.str();

  ASSERT_TRUE((*cluster)->StopService("supervision").ok());
  auto during = s.AdvanceTo(Local(s, 2026, 10, 16, 12));
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_GT(during->pending, 0) << "the scheduler's rungs wait for supervision";

  ASSERT_TRUE((*cluster)->StartService("supervision").ok());
  ASSERT_TRUE(s.AdvanceTo(Local(s, 2026, 10, 16, 13)).ok());
  ASSERT_TRUE(s.AdvanceTo(Local(s, 2026, 10, 16, 14)).ok());

  // The item cases: the scheduler's own report, digest and dispatch-cycle
  // deadlines fall due in the same days and open cases of their own.
  supervision::ListCasesRequest item_cases;
  item_cases.set_subject_kind(duban::common::v1::SUBJECT_KIND_ITEM);
  auto cases = ListAllCases(s, item_cases);
  ASSERT_TRUE(cases.ok()) << cases.status();
  ASSERT_THAT(*cases, SizeIs(2)) << "both items were left open: one case each";
  for (const auto& c : *cases) {
    int urgings = 0;
    for (const auto& rung : c.rungs()) urgings += rung.rung() == duban::common::v1::RUNG_URGING;
    EXPECT_EQ(urgings, 1) << c.DebugString();
  }
}

// Runs scripts/mariadb.sh with `args`; true on success.
bool MariaDb(const std::string& args) {
  return std::system(
             absl::StrCat(DUBAN_SOURCE_DIR, "/scripts/mariadb.sh ", args, " >/dev/null 2>&1")
                 .c_str()) == 0;
}

using HealthStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

// The health of a service's process as `dubanctl health` reads it; UNKNOWN
// when the check itself fails.
HealthStatus Health(Cluster& cluster, const std::string& service) {
  auto channel = grpc::CreateChannel(cluster.address(service), grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + absl::Seconds(2)));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  if (!stub->Check(&context, request, &response).ok()) {
    return grpc::health::v1::HealthCheckResponse::UNKNOWN;
  }
  return response.status();
}

// Polls the service's health until it is `wanted` (or a minute has passed,
// which only a broken check takes); the last status seen.
HealthStatus AwaitHealth(Cluster& cluster, const std::string& service, HealthStatus wanted) {
  const absl::Time give_up = SystemClock::Get()->Now() + absl::Minutes(1);
  HealthStatus seen = Health(cluster, service);
  while (seen != wanted && SystemClock::Get()->Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
    seen = Health(cluster, service);
  }
  return seen;
}

constexpr const char* kAllServices[] = {"registry",  "minutes",   "tasks",
                                        "reporting", "scheduler", "supervision"};

TEST(ResilienceTest, DatabaseRestartGivesUnavailableThenRecoversWithoutRestartingServices) {
  std::string dir = absl::StrCat("/tmp/duban-e2e-mariadb-", getpid());
  ASSERT_TRUE(MariaDb(absl::StrCat("start ", dir, " 3319")));
  {
    auto cluster = Cluster::Start({.name = "dbrestart",
                                   .base_port = 21120,
                                   .db_socket = dir + "/mysqld.sock",
                                   .flags = {"--health_db_check=200ms"}});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    client::Session& s = (*cluster)->session();
    std::string admin = *s.AdminToken();
    registry::ListUnitsRequest list;
    registry::ListUnitsResponse units;

    std::map<std::string, pid_t> pids;
    for (const char* service : kAllServices) pids[service] = (*cluster)->pid(service);

    ASSERT_TRUE(MariaDb(absl::StrCat("stop ", dir)));
    auto down = client::Context(admin);
    EXPECT_EQ(s.clients().registry().ListUnits(down.get(), list, &units).error_code(),
              grpc::StatusCode::UNAVAILABLE);
    registry::CreateUnitRequest create;
    create.set_request_id("unit-during-outage");
    create.set_name("试点单位");
    registry::CreateUnitResponse created;
    auto write_down = client::Context(admin);
    EXPECT_EQ(s.clients().registry().CreateUnit(write_down.get(), create, &created).error_code(),
              grpc::StatusCode::UNAVAILABLE);
    // Health says so, so that operators and load balancers see the outage.
    for (const char* service : kAllServices) {
      EXPECT_EQ(AwaitHealth(**cluster, service, grpc::health::v1::HealthCheckResponse::NOT_SERVING),
                grpc::health::v1::HealthCheckResponse::NOT_SERVING)
          << service;
    }

    ASSERT_TRUE(MariaDb(absl::StrCat("start ", dir, " 3319")));
    for (const char* service : kAllServices) {
      EXPECT_EQ(AwaitHealth(**cluster, service, grpc::health::v1::HealthCheckResponse::SERVING),
                grpc::health::v1::HealthCheckResponse::SERVING)
          << service;
      EXPECT_EQ((*cluster)->pid(service), pids[service]) << service << " was not restarted";
    }
    auto up = client::Context(admin);
    grpc::Status read = s.clients().registry().ListUnits(up.get(), list, &units);
    EXPECT_TRUE(read.ok()) << read.error_message();
    auto write_up = client::Context(admin);
    grpc::Status write = s.clients().registry().CreateUnit(write_up.get(), create, &created);
    EXPECT_TRUE(write.ok()) << write.error_message();
    EXPECT_EQ(created.unit().name(), "试点单位");
  }
  MariaDb(absl::StrCat("stop ", dir));
  std::system(absl::StrCat("rm -rf ", dir).c_str());
}

}  // namespace
}  // namespace duban::testing

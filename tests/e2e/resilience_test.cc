// Outages: a receiving service down while its events fall due, and the
// database server restarting under running services.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "cli/dubanctl/cycle.h"
#include "common/status.h"
#include "common/time_util.h"
#include "tests/e2e/cluster.h"

namespace duban::testing {
namespace {

namespace registry = duban::registry::v1;
namespace supervision = duban::supervision::v1;
using ::testing::SizeIs;

client::CycleInputs SampleInputs() {
  auto matters = client::ReadFile(absl::StrCat(DUBAN_SOURCE_DIR, "/examples/dispatch_matters.csv"));
  auto liaisons = client::ReadFile(absl::StrCat(DUBAN_SOURCE_DIR, "/examples/unit_liaisons.csv"));
  EXPECT_TRUE(matters.ok() && liaisons.ok());
  return {matters.value_or(""), liaisons.value_or("")};
}

// The item cases: the scheduler's own report, digest and dispatch-cycle
// deadlines fall due in the same days and open cases of their own.
std::vector<supervision::SupervisionCase> ItemCases(client::Session& s) {
  supervision::ListCasesRequest request;
  request.set_page_size(100);
  request.set_subject_kind(duban::common::v1::SUBJECT_KIND_ITEM);
  supervision::ListCasesResponse response;
  auto context = client::Context(*s.AdminToken());
  grpc::Status status = s.clients().supervision().ListCases(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.cases().begin(), response.cases().end()};
}

absl::Time Local(client::Session& s, int y, int m, int d, int hh) {
  return FromLocal(absl::CivilSecond(y, m, d, hh, 0, 0), s.zone());
}

TEST(ResilienceTest, SupervisionDownWhileADeadlinePassesGetsTheCaseOnceWhenBack) {
  auto cluster = Cluster::Start({.name = "supdown", .base_port = 51100});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  client::Session& s = (*cluster)->session();
  std::ostringstream out;
  ASSERT_TRUE(client::ImportSample(s, SampleInputs(), out).ok()) << out.str();
  auto items = client::IssueSampleMinutes(s, out);
  ASSERT_TRUE(items.ok()) << items.status() << "\n" << out.str();

  ASSERT_TRUE((*cluster)->StopService("supervision").ok());
  auto during = s.AdvanceTo(Local(s, 2026, 10, 16, 12));
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_GT(during->pending, 0) << "the scheduler's rungs wait for supervision";

  ASSERT_TRUE((*cluster)->StartService("supervision").ok());
  ASSERT_TRUE(s.AdvanceTo(Local(s, 2026, 10, 16, 13)).ok());
  ASSERT_TRUE(s.AdvanceTo(Local(s, 2026, 10, 16, 14)).ok());

  auto cases = ItemCases(s);
  ASSERT_THAT(cases, SizeIs(2)) << "both items were left open: one case each";
  for (const auto& c : cases) {
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

TEST(ResilienceTest, DatabaseRestartGivesUnavailableThenRecoversWithoutRestartingServices) {
  std::string dir = absl::StrCat("/tmp/duban-e2e-mariadb-", getpid());
  ASSERT_TRUE(MariaDb(absl::StrCat("start ", dir, " 3319")));
  {
    auto cluster = Cluster::Start(
        {.name = "dbrestart", .base_port = 51120, .db_socket = dir + "/mysqld.sock"});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    client::Session& s = (*cluster)->session();
    std::string admin = *s.AdminToken();
    registry::ListUnitsRequest list;
    registry::ListUnitsResponse units;

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

    ASSERT_TRUE(MariaDb(absl::StrCat("start ", dir, " 3319")));
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

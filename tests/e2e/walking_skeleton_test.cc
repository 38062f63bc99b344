// The walking skeleton over the six running services: the sample registry,
// the thin dispatch cycle, authentication, and bad imports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <iconv.h>

#include <sstream>

#include "absl/strings/str_cat.h"
#include "cli/dubanctl/cycle.h"
#include "common/status.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

namespace duban::testing {
namespace {

namespace registry = duban::registry::v1;
namespace supervision = duban::supervision::v1;
using ::testing::ElementsAre;
using ::testing::SizeIs;

// The file as a spreadsheet would export it in GBK (glibc's iconv).
std::string ToGbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return "";
  std::string in = utf8, out(utf8.size() * 2, '\0');
  char* in_ptr = in.data();
  char* out_ptr = out.data();
  size_t in_left = in.size(), out_left = out.size();
  size_t done = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (done == static_cast<size_t>(-1)) return "";
  out.resize(out.size() - out_left);
  return out;
}

absl::StatusOr<registry::ImportMatterRegistryResponse> Import(client::Session& s,
                                                              const std::string& csv,
                                                              const std::string& token) {
  registry::ImportMatterRegistryRequest request;
  request.set_request_id(client::NewRequestId());
  request.set_csv(csv);
  registry::ImportMatterRegistryResponse response;
  auto context = client::Context(token);
  DUBAN_RETURN_IF_ERROR(
      FromGrpc(s.clients().registry().ImportMatterRegistry(context.get(), request, &response)));
  return response;
}

registry::ListMattersResponse Matters(client::Session& s) {
  registry::ListMattersRequest request;
  request.set_page_size(100);
  registry::ListMattersResponse response;
  auto context = client::Context(*s.AdminToken());
  EXPECT_TRUE(s.clients().registry().ListMatters(context.get(), request, &response).ok());
  return response;
}

int CountPeopleWithRole(client::Session& s, registry::RoleKind role) {
  registry::ListPeopleRequest request;
  request.set_role(role);
  request.set_page_size(500);
  registry::ListPeopleResponse response;
  auto context = client::Context(*s.AdminToken());
  EXPECT_TRUE(s.clients().registry().ListPeople(context.get(), request, &response).ok());
  return response.people_size();
}

class WalkingSkeletonTest : public ::testing::Test {
 protected:
  void StartCluster(const std::string& name, int base_port) {
    auto cluster = Cluster::Start({.name = name, .base_port = base_port});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
  }
  client::Session& session() { return cluster_->session(); }
  std::unique_ptr<Cluster> cluster_;
};

TEST_F(WalkingSkeletonTest, CycleOpensOneCaseAndTheCircularNamesExactlyThatUnitAndItem) {
  StartCluster("cycle", 21000);
  std::ostringstream out;
  auto result = client::RunThinCycle(session(), SampleCycleInputs(), out);
  ASSERT_TRUE(result.ok()) << result.status() << "\n" << out.str();

  supervision::ListCasesRequest request;
  request.set_page_size(100);
  supervision::ListCasesResponse cases;
  auto context = client::Context(*session().AdminToken());
  ASSERT_TRUE(session().clients().supervision().ListCases(context.get(), request, &cases).ok());
  ASSERT_THAT(cases.cases(), SizeIs(1));
  EXPECT_EQ(cases.cases(0).subject().kind(), duban::common::v1::SUBJECT_KIND_ITEM);
  EXPECT_EQ(cases.cases(0).subject().id(), result->open_item_id);
  EXPECT_EQ(cases.cases(0).unit_id(), result->open_unit_id);

  const auto& circular = result->circular;
  ASSERT_THAT(circular.entries(), SizeIs(1));
  EXPECT_EQ(circular.entries(0).unit_id(), result->open_unit_id);
  EXPECT_EQ(circular.entries(0).unit_name(), "应急局");
  EXPECT_THAT(circular.entries(0).overdue_item_ids(), ElementsAre(result->open_item_id));
}

TEST_F(WalkingSkeletonTest, SampleRegistryImportsWithTheRightCountsAndAgainWithoutChange) {
  StartCluster("registry", 21020);
  std::string admin = *session().AdminToken();
  auto first = Import(session(), ExampleFile("dispatch_matters.csv"), admin);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->changed());
  EXPECT_EQ(first->matters(), 8);
  EXPECT_EQ(first->units(), 24);
  EXPECT_EQ(first->leaders(), 8);
  EXPECT_EQ(first->supervising_leaders(), 4);
  EXPECT_EQ(first->office_liaisons(), 8);
  EXPECT_EQ(CountPeopleWithRole(session(), registry::ROLE_KIND_DISTRICT_LEADER), 8);
  EXPECT_EQ(CountPeopleWithRole(session(), registry::ROLE_KIND_SUPERVISING_OFFICE_LEADER), 4);
  EXPECT_EQ(CountPeopleWithRole(session(), registry::ROLE_KIND_OFFICE_LIAISON), 8);
  auto matters = Matters(session());
  ASSERT_THAT(matters.matters(), SizeIs(8));
  EXPECT_TRUE(matters.matters(0).all_units());
  EXPECT_EQ(matters.matters(7).leader_name(), "郑十");

  auto second = Import(session(), ExampleFile("dispatch_matters.csv"), admin);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->changed());
  EXPECT_EQ(second->version().version(), first->version().version());
  EXPECT_EQ(Matters(session()).DebugString(), matters.DebugString());
}

TEST_F(WalkingSkeletonTest, MalformedImportsAreRefusedNamingTheProblemAndChangeNothing) {
  StartCluster("badimport", 21040);
  std::string admin = *session().AdminToken();
  ASSERT_TRUE(Import(session(), ExampleFile("dispatch_matters.csv"), admin).ok());
  auto before = Matters(session());

  std::string gbk = ToGbk(ExampleFile("dispatch_matters.csv"));
  ASSERT_FALSE(gbk.empty());
  auto refused_gbk = Import(session(), gbk, admin);
  EXPECT_EQ(refused_gbk.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused_gbk.status().message()), ::testing::HasSubstr("GBK"));

  std::string unclosed =
      "序号,牵头区领导,调度内容,调度周期,牵头单位,办公室挂钩督导领导,办公室调度联络员\n"
      "1,张三,\"全面工作,每月,发改局,钱甲,卫一\n";
  auto refused_quote = Import(session(), unclosed, admin);
  EXPECT_EQ(refused_quote.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused_quote.status().message()), ::testing::HasSubstr("line 2"));

  std::string missing =
      "序号,牵头区领导,调度内容,调度周期,办公室挂钩督导领导,办公室调度联络员\n"
      "1,张三,全面工作,每月,钱甲,卫一\n";
  auto refused_column = Import(session(), missing, admin);
  EXPECT_EQ(refused_column.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused_column.status().message()), ::testing::HasSubstr("牵头单位"));

  EXPECT_EQ(Matters(session()).DebugString(), before.DebugString());
}

TEST_F(WalkingSkeletonTest, CallsWithoutTokenAreUnauthenticatedAndLiaisonsCannotChangeTheRegistry) {
  StartCluster("auth", 21060);
  registry::ListUnitsRequest list;
  registry::ListUnitsResponse units;
  auto anonymous = client::Context("");
  EXPECT_EQ(session().clients().registry().ListUnits(anonymous.get(), list, &units).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  std::string admin = *session().AdminToken();
  ASSERT_TRUE(Import(session(), ExampleFile("dispatch_matters.csv"), admin).ok());
  registry::ImportLiaisonsRequest liaisons;
  liaisons.set_request_id(client::NewRequestId());
  liaisons.set_csv(ExampleFile("unit_liaisons.csv"));
  registry::ImportLiaisonsResponse imported;
  auto as_admin = client::Context(admin);
  ASSERT_TRUE(
      session().clients().registry().ImportLiaisons(as_admin.get(), liaisons, &imported).ok());

  auto liaison = session().TokenAs("何二");
  ASSERT_TRUE(liaison.ok()) << liaison.status();
  registry::CreateUnitRequest create;
  create.set_request_id(client::NewRequestId());
  create.set_name("新单位");
  registry::CreateUnitResponse created;
  auto as_liaison = client::Context(*liaison);
  EXPECT_EQ(
      session().clients().registry().CreateUnit(as_liaison.get(), create, &created).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  auto reading = client::Context(*liaison);
  EXPECT_TRUE(session().clients().registry().ListUnits(reading.get(), list, &units).ok());
  EXPECT_EQ(units.units_size(), 24);
}

}  // namespace
}  // namespace duban::testing

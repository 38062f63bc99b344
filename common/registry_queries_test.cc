#include "common/registry_queries.h"

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace duban {
namespace {

namespace rv1 = registry::v1;

// Serves three matters one per page, and one unit; counts the calls that
// arrive with the header the test's preparing function adds.
class FakeRegistry final : public rv1::RegistryService::Service {
 public:
  FakeRegistry() {
    AddMatter("m-1", "leader-a", "office-x", false);
    AddMatter("m-2", "leader-b", "office-y", false);
    AddMatter("m-3", "leader-a", "office-x", true);
    unit_.set_id("u-1");
    unit_.set_name("统计局");
  }

  grpc::Status ListMatters(grpc::ServerContext* context, const rv1::ListMattersRequest* request,
                           rv1::ListMattersResponse* response) override {
    CountPrepared(*context);
    int next = 0;
    if (!request->page_token().empty() && !absl::SimpleAtoi(request->page_token(), &next)) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_token: unknown");
    }
    for (; next < static_cast<int>(matters_.size()); ++next) {
      const rv1::Matter& matter = matters_[next];
      if (matter.retired() && !request->include_retired()) continue;
      if (!request->leader_id().empty() && matter.leader_id() != request->leader_id()) continue;
      *response->add_matters() = matter;
      ++next;
      break;
    }
    if (next < static_cast<int>(matters_.size())) response->set_next_page_token(absl::StrCat(next));
    response->set_version(7);
    return grpc::Status::OK;
  }

  grpc::Status GetUnit(grpc::ServerContext* context, const rv1::GetUnitRequest* request,
                       rv1::GetUnitResponse* response) override {
    CountPrepared(*context);
    if (request->unit_id() != unit_.id()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "unit " + request->unit_id());
    }
    *response->mutable_unit() = unit_;
    return grpc::Status::OK;
  }

  int prepared_calls() {
    absl::MutexLock lock(&mu_);
    return prepared_calls_;
  }

 private:
  void AddMatter(const std::string& id, const std::string& leader, const std::string& supervisor,
                 bool retired) {
    rv1::Matter& matter = matters_.emplace_back();
    matter.set_id(id);
    matter.set_leader_id(leader);
    matter.set_supervising_leader_id(supervisor);
    matter.set_retired(retired);
  }

  void CountPrepared(const grpc::ServerContext& context) {
    if (context.client_metadata().count("x-prepared") == 0) return;
    absl::MutexLock lock(&mu_);
    ++prepared_calls_;
  }

  std::vector<rv1::Matter> matters_;
  rv1::Unit unit_;
  absl::Mutex mu_;
  int prepared_calls_ ABSL_GUARDED_BY(mu_) = 0;
};

class RegistryQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&registry_);
    server_ = builder.BuildAndStart();
    stub_ = rv1::RegistryService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override { server_->Shutdown(); }

  static void Prepare(grpc::ClientContext& context) { context.AddMetadata("x-prepared", "1"); }

  FakeRegistry registry_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<rv1::RegistryService::Stub> stub_;
};

TEST_F(RegistryQueriesTest, ListAllMattersFollowsEveryPageAndPreparesEachCall) {
  rv1::ListMattersRequest request;
  request.set_leader_id("leader-a");
  request.set_include_retired(true);
  absl::StatusOr<rv1::ListMattersResponse> all = ListAllMatters(*stub_, request, Prepare);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->matters_size(), 2);
  EXPECT_EQ(all->matters(0).id(), "m-1");
  EXPECT_EQ(all->matters(1).id(), "m-3");
  EXPECT_EQ(all->version(), 7);
  EXPECT_EQ(all->next_page_token(), "");
  EXPECT_EQ(registry_.prepared_calls(), 2);
}

TEST_F(RegistryQueriesTest, MattersSupervisedByIncludesRetiredMatters) {
  absl::StatusOr<std::vector<std::string>> ids = MattersSupervisedBy(*stub_, "office-x", Prepare);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::vector<std::string>{"m-1", "m-3"}));
}

TEST_F(RegistryQueriesTest, GetRegistryUnitReturnsTheUnitOrNotFound) {
  absl::StatusOr<rv1::Unit> unit = GetRegistryUnit(*stub_, "u-1", Prepare);
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->name(), "统计局");

  absl::StatusOr<rv1::Unit> unknown = GetRegistryUnit(*stub_, "u-9", Prepare);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "unit u-9");
  EXPECT_EQ(registry_.prepared_calls(), 2);
}

}  // namespace
}  // namespace duban

#include "services/minutes/registry_directory.h"

#include <grpcpp/client_context.h>

#include <chrono>
#include <utility>

#include "common/clock.h"
#include "common/registry_queries.h"
#include "common/runtime.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::minutes {
namespace {

namespace rv1 = registry::v1;

// Network timeouts run on real time, whatever the test clock says.
constexpr absl::Duration kCallTimeout = absl::Seconds(5);

// Gives each call a deadline and, when `token` returns one, a bearer token.
PrepareRegistryCall CallPreparer(std::function<std::string()> token) {
  return [token = std::move(token)](grpc::ClientContext& context) {
    context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
    if (!token) return;
    const std::string bearer = token();
    if (!bearer.empty()) AttachToken(context, bearer);
  };
}

class GrpcRegistryDirectory final : public RegistryDirectory {
 public:
  GrpcRegistryDirectory(std::shared_ptr<rv1::RegistryService::StubInterface> stub,
                        std::function<std::string()> token)
      : stub_(std::move(stub)), prepare_(CallPreparer(std::move(token))) {}

  absl::StatusOr<rv1::Person> GetPerson(const std::string& person_id) override {
    rv1::GetPersonRequest request;
    request.set_person_id(person_id);
    rv1::GetPersonResponse response;
    grpc::ClientContext context;
    prepare_(context);
    DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->GetPerson(&context, request, &response)));
    return response.person();
  }

  absl::StatusOr<rv1::Unit> GetUnit(const std::string& unit_id) override {
    return GetRegistryUnit(*stub_, unit_id, prepare_);
  }

  absl::StatusOr<rv1::Matter> GetMatter(const std::string& matter_id) override {
    rv1::GetMatterRequest request;
    request.set_matter_id(matter_id);
    rv1::GetMatterResponse response;
    grpc::ClientContext context;
    prepare_(context);
    DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->GetMatter(&context, request, &response)));
    return response.matter();
  }

  absl::StatusOr<rv1::ListMattersResponse> ListLeaderMatters(const std::string& leader_id,
                                                             absl::Time as_of) override {
    rv1::ListMattersRequest request;
    request.set_leader_id(leader_id);
    if (as_of != absl::InfiniteFuture()) *request.mutable_as_of() = ToProto(as_of);
    return ListAllMatters(*stub_, std::move(request), prepare_);
  }

  absl::StatusOr<std::vector<std::string>> MattersSupervisedBy(
      const std::string& person_id) override {
    return duban::MattersSupervisedBy(*stub_, person_id, prepare_);
  }

 private:
  std::shared_ptr<rv1::RegistryService::StubInterface> stub_;
  const PrepareRegistryCall prepare_;
};

}  // namespace

std::unique_ptr<RegistryDirectory> NewGrpcRegistryDirectory(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub,
    std::function<std::string()> token) {
  return std::make_unique<GrpcRegistryDirectory>(std::move(stub), std::move(token));
}

}  // namespace duban::minutes

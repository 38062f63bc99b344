#include "services/minutes/registry_directory.h"

#include <grpcpp/client_context.h>

#include <chrono>

#include "common/clock.h"
#include "common/runtime.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::minutes {
namespace {

namespace rv1 = registry::v1;

// Network timeouts run on real time, whatever the test clock says.
constexpr absl::Duration kCallTimeout = absl::Seconds(5);

class GrpcRegistryDirectory final : public RegistryDirectory {
 public:
  GrpcRegistryDirectory(std::shared_ptr<rv1::RegistryService::StubInterface> stub,
                        std::function<std::string()> token)
      : stub_(std::move(stub)), token_(std::move(token)) {}

  absl::StatusOr<rv1::Person> GetPerson(const std::string& person_id) override {
    rv1::GetPersonRequest request;
    request.set_person_id(person_id);
    rv1::GetPersonResponse response;
    grpc::ClientContext context;
    Prepare(context);
    DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->GetPerson(&context, request, &response)));
    return response.person();
  }

  absl::StatusOr<rv1::Unit> GetUnit(const std::string& unit_id) override {
    rv1::GetUnitRequest request;
    request.set_unit_id(unit_id);
    rv1::GetUnitResponse response;
    grpc::ClientContext context;
    Prepare(context);
    DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->GetUnit(&context, request, &response)));
    return response.unit();
  }

  absl::StatusOr<rv1::Matter> GetMatter(const std::string& matter_id) override {
    rv1::GetMatterRequest request;
    request.set_matter_id(matter_id);
    rv1::GetMatterResponse response;
    grpc::ClientContext context;
    Prepare(context);
    DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->GetMatter(&context, request, &response)));
    return response.matter();
  }

  absl::StatusOr<rv1::ListMattersResponse> ListLeaderMatters(const std::string& leader_id,
                                                             absl::Time as_of) override {
    rv1::ListMattersResponse all;
    rv1::ListMattersRequest request;
    request.set_leader_id(leader_id);
    if (as_of != absl::InfiniteFuture()) *request.mutable_as_of() = ToProto(as_of);
    request.set_page_size(100);
    do {
      rv1::ListMattersResponse page;
      grpc::ClientContext context;
      Prepare(context);
      DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->ListMatters(&context, request, &page)));
      for (auto& matter : *page.mutable_matters()) *all.add_matters() = std::move(matter);
      all.set_version(page.version());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  absl::StatusOr<std::vector<std::string>> MattersSupervisedBy(
      const std::string& person_id) override {
    std::vector<std::string> ids;
    rv1::ListMattersRequest request;
    request.set_include_retired(true);
    request.set_page_size(100);
    do {
      rv1::ListMattersResponse page;
      grpc::ClientContext context;
      Prepare(context);
      DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->ListMatters(&context, request, &page)));
      for (const rv1::Matter& matter : page.matters()) {
        if (matter.supervising_leader_id() == person_id) ids.push_back(matter.id());
      }
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return ids;
  }

 private:
  void Prepare(grpc::ClientContext& context) {
    context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
    if (token_) {
      const std::string token = token_();
      if (!token.empty()) AttachToken(context, token);
    }
  }

  std::shared_ptr<rv1::RegistryService::StubInterface> stub_;
  std::function<std::string()> token_;
};

}  // namespace

std::unique_ptr<RegistryDirectory> NewGrpcRegistryDirectory(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub,
    std::function<std::string()> token) {
  return std::make_unique<GrpcRegistryDirectory>(std::move(stub), std::move(token));
}

}  // namespace duban::minutes

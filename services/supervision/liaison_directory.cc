#include "services/supervision/liaison_directory.h"

#include <grpcpp/client_context.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/runtime.h"
#include "common/status.h"

namespace duban::supervision {
namespace {

// Network timeouts run on real time, whatever the test clock says.
constexpr absl::Duration kCallTimeout = absl::Seconds(5);

class GrpcLiaisonDirectory final : public LiaisonDirectory {
 public:
  GrpcLiaisonDirectory(std::shared_ptr<registry::v1::RegistryService::StubInterface> stub,
                       std::function<std::string()> token)
      : stub_(std::move(stub)), token_(std::move(token)) {}

  absl::StatusOr<std::string> CurrentLiaison(const std::string& unit_id) override {
    if (unit_id.empty()) return std::string();
    registry::v1::GetLiaisonRequest request;
    request.set_unit_id(unit_id);
    registry::v1::GetLiaisonResponse response;
    grpc::ClientContext context;
    Prepare(context);
    const absl::Status status = FromGrpc(stub_->GetLiaison(&context, request, &response));
    // A unit the registry does not know has no liaison to name.
    if (absl::IsNotFound(status)) return std::string();
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("registry: ", status.message()));
    }
    return response.term().person_id();
  }

  absl::StatusOr<bool> UnitExists(const std::string& unit_id) override {
    if (unit_id.empty()) return false;
    registry::v1::GetUnitRequest request;
    request.set_unit_id(unit_id);
    registry::v1::GetUnitResponse response;
    grpc::ClientContext context;
    Prepare(context);
    const absl::Status status = FromGrpc(stub_->GetUnit(&context, request, &response));
    if (absl::IsNotFound(status)) return false;
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("registry: ", status.message()));
    }
    return true;
  }

 private:
  // A deadline in real time and the token, when there is one.
  void Prepare(grpc::ClientContext& context) {
    context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
    if (token_) {
      const std::string token = token_();
      if (!token.empty()) AttachToken(context, token);
    }
  }

  std::shared_ptr<registry::v1::RegistryService::StubInterface> stub_;
  std::function<std::string()> token_;
};

}  // namespace

std::unique_ptr<LiaisonDirectory> NewGrpcLiaisonDirectory(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub,
    std::function<std::string()> token) {
  return std::make_unique<GrpcLiaisonDirectory>(std::move(stub), std::move(token));
}

}  // namespace duban::supervision

#include "services/tasks/registry_lookup.h"

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/status.h"

namespace duban::tasks {
namespace {

namespace rv1 = registry::v1;

// Network timeouts run on real time, whatever the test clock says.
constexpr absl::Duration kCallTimeout = absl::Seconds(5);

absl::Status FromRegistry(const grpc::Status& status) {
  absl::Status converted = FromGrpc(status);
  if (converted.ok()) return converted;
  return absl::Status(converted.code(), absl::StrCat("registry: ", converted.message()));
}

class GrpcRegistryLookup final : public RegistryLookup {
 public:
  explicit GrpcRegistryLookup(std::shared_ptr<rv1::RegistryService::StubInterface> stub)
      : stub_(std::move(stub)) {}

  absl::StatusOr<bool> HasUnit(const std::string& unit_id) override {
    rv1::GetUnitRequest request;
    request.set_unit_id(unit_id);
    rv1::GetUnitResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::Status status = stub_->GetUnit(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) return false;
    DUBAN_RETURN_IF_ERROR(FromRegistry(status));
    return true;
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
      SetDeadline(context);
      DUBAN_RETURN_IF_ERROR(FromRegistry(stub_->ListMatters(&context, request, &page)));
      for (const rv1::Matter& matter : page.matters()) {
        if (matter.supervising_leader_id() == person_id) ids.push_back(matter.id());
      }
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return ids;
  }

 private:
  static void SetDeadline(grpc::ClientContext& context) {
    context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
  }

  std::shared_ptr<rv1::RegistryService::StubInterface> stub_;
};

}  // namespace

std::unique_ptr<RegistryLookup> NewGrpcRegistryLookup(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub) {
  return std::make_unique<GrpcRegistryLookup>(std::move(stub));
}

}  // namespace duban::tasks

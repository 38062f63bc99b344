#include "services/tasks/registry_lookup.h"

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/registry_queries.h"
#include "common/status.h"

namespace duban::tasks {
namespace {

namespace rv1 = registry::v1;

// Network timeouts run on real time, whatever the test clock says.
constexpr absl::Duration kCallTimeout = absl::Seconds(5);

absl::Status FromRegistry(const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat("registry: ", status.message()));
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
}

class GrpcRegistryLookup final : public RegistryLookup {
 public:
  explicit GrpcRegistryLookup(std::shared_ptr<rv1::RegistryService::StubInterface> stub)
      : stub_(std::move(stub)) {}

  absl::StatusOr<bool> HasUnit(const std::string& unit_id) override {
    absl::StatusOr<rv1::Unit> unit = GetRegistryUnit(*stub_, unit_id, SetDeadline);
    if (absl::IsNotFound(unit.status())) return false;
    DUBAN_RETURN_IF_ERROR(FromRegistry(unit.status()));
    return true;
  }

  absl::StatusOr<std::vector<std::string>> MattersSupervisedBy(
      const std::string& person_id) override {
    absl::StatusOr<std::vector<std::string>> ids =
        duban::MattersSupervisedBy(*stub_, person_id, SetDeadline);
    DUBAN_RETURN_IF_ERROR(FromRegistry(ids.status()));
    return ids;
  }

 private:
  std::shared_ptr<rv1::RegistryService::StubInterface> stub_;
};

}  // namespace

std::unique_ptr<RegistryLookup> NewGrpcRegistryLookup(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub) {
  return std::make_unique<GrpcRegistryLookup>(std::move(stub));
}

}  // namespace duban::tasks

// What minutes needs to know from the registry, behind an interface so that
// domain tests can use a fake.
#ifndef DUBAN_SERVICES_MINUTES_REGISTRY_DIRECTORY_H_
#define DUBAN_SERVICES_MINUTES_REGISTRY_DIRECTORY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "duban/registry/v1/registry.grpc.pb.h"

namespace duban::minutes {

// Thread-safe. Errors of the registry come back as they are (NOT_FOUND for an
// unknown id, UNAVAILABLE when the registry is down).
class RegistryDirectory {
 public:
  virtual ~RegistryDirectory() = default;
  virtual absl::StatusOr<registry::v1::Person> GetPerson(const std::string& person_id) = 0;
  virtual absl::StatusOr<registry::v1::Unit> GetUnit(const std::string& unit_id) = 0;
  virtual absl::StatusOr<registry::v1::Matter> GetMatter(const std::string& matter_id) = 0;
  // The leader's matters and the registry version as of `as_of` (the current
  // ones for absl::InfiniteFuture()); version 0 when the registry had none then.
  virtual absl::StatusOr<registry::v1::ListMattersResponse> ListLeaderMatters(
      const std::string& leader_id, absl::Time as_of) = 0;
  // The ids of the matters, current or retired, whose supervising office
  // leader is `person_id` in the current version.
  virtual absl::StatusOr<std::vector<std::string>> MattersSupervisedBy(
      const std::string& person_id) = 0;
};

// Calls the registry service over gRPC. `token` returns the bearer token to
// attach to each call (empty: attach nothing, the channel authenticates).
std::unique_ptr<RegistryDirectory> NewGrpcRegistryDirectory(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub,
    std::function<std::string()> token);

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_REGISTRY_DIRECTORY_H_

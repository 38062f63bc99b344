// What minutes needs to know from the registry, behind an interface so that
// domain tests can use a fake.
#ifndef DUBAN_SERVICES_MINUTES_REGISTRY_DIRECTORY_H_
#define DUBAN_SERVICES_MINUTES_REGISTRY_DIRECTORY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
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
  // The leader's current matters and the current registry version.
  virtual absl::StatusOr<registry::v1::ListMattersResponse> ListLeaderMatters(
      const std::string& leader_id) = 0;
};

// Calls the registry service over gRPC. `token` returns the bearer token to
// attach to each call (empty: attach nothing, the channel authenticates).
std::unique_ptr<RegistryDirectory> NewGrpcRegistryDirectory(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub,
    std::function<std::string()> token);

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_REGISTRY_DIRECTORY_H_

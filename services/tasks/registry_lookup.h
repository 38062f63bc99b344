// What tasks needs to know from the registry, behind an interface so that
// domain tests can use a fake: whether a unit exists, and which matters a
// supervising office leader supervises.
#ifndef DUBAN_SERVICES_TASKS_REGISTRY_LOOKUP_H_
#define DUBAN_SERVICES_TASKS_REGISTRY_LOOKUP_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "duban/registry/v1/registry.grpc.pb.h"

namespace duban::tasks {

// Implementations are thread-safe. Failures of the registry come back as they
// are (UNAVAILABLE when it is down), prefixed with "registry: ".
class RegistryLookup {
 public:
  virtual ~RegistryLookup() = default;
  // Whether the registry knows the unit (false for an unknown id).
  virtual absl::StatusOr<bool> HasUnit(const std::string& unit_id) = 0;
  // The ids of the matters, current or retired, whose supervising office
  // leader is `person_id` in the current registry version.
  virtual absl::StatusOr<std::vector<std::string>> MattersSupervisedBy(
      const std::string& person_id) = 0;
};

// Asks the registry service over `stub`, whose channel authenticates as the
// tasks service.
std::unique_ptr<RegistryLookup> NewGrpcRegistryLookup(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub);

}  // namespace duban::tasks

#endif  // DUBAN_SERVICES_TASKS_REGISTRY_LOOKUP_H_

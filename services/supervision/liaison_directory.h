// Who a unit's liaison is, from the registry, behind an interface so that
// domain tests can use a fake.
#ifndef DUBAN_SERVICES_SUPERVISION_LIAISON_DIRECTORY_H_
#define DUBAN_SERVICES_SUPERVISION_LIAISON_DIRECTORY_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "duban/registry/v1/registry.grpc.pb.h"

namespace duban::supervision {

// Thread-safe.
class LiaisonDirectory {
 public:
  virtual ~LiaisonDirectory() = default;
  // The person id of the unit's current liaison, "" when it has none.
  // UNAVAILABLE when the registry cannot be asked (the event is retried).
  virtual absl::StatusOr<std::string> CurrentLiaison(const std::string& unit_id) = 0;
  // Whether the registry knows the unit (active or not). UNAVAILABLE (or the
  // registry's other code) when it cannot be asked.
  virtual absl::StatusOr<bool> UnitExists(const std::string& unit_id) = 0;
};

// Asks the registry's GetLiaison and GetUnit. An unknown unit (NOT_FOUND) gives "";
// other failures come back with the registry's code. `token` returns the bearer
// token to attach (null or empty: the channel authenticates).
std::unique_ptr<LiaisonDirectory> NewGrpcLiaisonDirectory(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub,
    std::function<std::string()> token);

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_LIAISON_DIRECTORY_H_

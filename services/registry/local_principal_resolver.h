// Resolves principals from the registry's own tables (the other services ask
// the registry over gRPC instead).
#ifndef DUBAN_SERVICES_REGISTRY_LOCAL_PRINCIPAL_RESOLVER_H_
#define DUBAN_SERVICES_REGISTRY_LOCAL_PRINCIPAL_RESOLVER_H_

#include <string>

#include "common/auth.h"
#include "services/registry/registry.h"

namespace duban::registry {

// Thread-safe; does not own `registry`, which must outlive it.
class LocalPrincipalResolver final : public PrincipalResolver {
 public:
  explicit LocalPrincipalResolver(Registry* registry) : registry_(registry) {}

  // The subject's current roles; an unknown subject has none.
  absl::StatusOr<v1::Principal> Resolve(const std::string& subject) override {
    return registry_->PrincipalOf(subject);
  }

 private:
  Registry* registry_;
};

}  // namespace duban::registry

#endif  // DUBAN_SERVICES_REGISTRY_LOCAL_PRINCIPAL_RESOLVER_H_

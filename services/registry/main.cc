// The registry service binary.
#include <memory>

#include "common/auth.h"
#include "common/runtime.h"
#include "services/registry/local_principal_resolver.h"
#include "services/registry/mysql_registry_store.h"
#include "services/registry/registry.h"
#include "services/registry/registry_policies.h"
#include "services/registry/registry_service.h"

int main(int argc, char** argv) {
  auto runtime = duban::Runtime::Start(argc, argv, "registry", duban::registry::Migrations());
  if (!runtime.ok()) return 1;
  duban::Runtime& rt = **runtime;

  duban::registry::MySqlRegistryStore store(&rt.pool());
  duban::registry::Registry registry(&store, &rt.clock());
  rt.SetPrincipalResolver(std::make_unique<duban::registry::LocalPrincipalResolver>(&registry));
  duban::Authorizer authorizer(&rt.verifier(), &rt.principals(),
                               duban::registry::RegistryPolicies());
  duban::registry::RegistryServiceImpl service(&registry, &authorizer);
  rt.AddService(&service);
  return rt.Serve();
}

// duban-minutes: dispatch events and their minutes or assignment sheets.
#include "common/auth.h"
#include "common/log.h"
#include "common/runtime.h"
#include "duban/registry/v1/registry.grpc.pb.h"
#include "services/minutes/migrations.h"
#include "services/minutes/minutes_policies.h"
#include "services/minutes/minutes_service.h"
#include "services/minutes/minutes_workflow.h"
#include "services/minutes/registry_directory.h"

int main(int argc, char** argv) {
  using namespace duban;
  auto started = Runtime::Start(argc, argv, "minutes", minutes::Migrations());
  if (!started.ok()) return 1;
  Runtime& runtime = **started;

  runtime.Outbox({"scheduler", "tasks"});
  std::unique_ptr<minutes::RegistryDirectory> registry = minutes::NewGrpcRegistryDirectory(
      registry::v1::RegistryService::NewStub(runtime.Channel("registry")), nullptr);
  minutes::MinutesWorkflow workflow(&runtime.pool(), &runtime.clock(), runtime.zone(),
                                    registry.get());
  Authorizer authorizer(&runtime.verifier(), &runtime.principals(), minutes::MinutesPolicies());
  minutes::MinutesServiceImpl service(&authorizer, &workflow, &runtime.pool());
  runtime.AddService(&service);
  return runtime.Serve();
}

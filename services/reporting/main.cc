// duban-reporting: periods, the circular and (later) reports, digest and analysis.
#include "common/auth.h"
#include "common/runtime.h"
#include "services/reporting/circular_sources.h"
#include "services/reporting/migrations.h"
#include "services/reporting/reporting_policies.h"
#include "services/reporting/reporting_service.h"
#include "services/reporting/reporting_workflow.h"

int main(int argc, char** argv) {
  using namespace duban;
  auto started = Runtime::Start(argc, argv, "reporting", reporting::Migrations());
  if (!started.ok()) return 1;
  Runtime& runtime = **started;

  // TODO(#5): an outbox to "scheduler" for report and digest deadlines.
  reporting::CircularPeers peers;
  peers.supervision = supervision::v1::SupervisionService::NewStub(runtime.Channel("supervision"));
  peers.tasks = tasks::v1::TasksService::NewStub(runtime.Channel("tasks"));
  peers.registry = registry::v1::RegistryService::NewStub(runtime.Channel("registry"));
  std::unique_ptr<reporting::CircularSources> sources =
      reporting::NewGrpcCircularSources(std::move(peers));
  reporting::ReportingWorkflow workflow(&runtime.pool(), &runtime.clock(), runtime.zone(),
                                        sources.get());
  Authorizer authorizer(&runtime.verifier(), &runtime.principals(), reporting::ReportingPolicies());
  reporting::ReportingServiceImpl service(&authorizer, &workflow, &runtime.pool());
  runtime.AddService(&service);
  return runtime.Serve();
}

// duban-supervision: supervision cases, their ladder, and the circular's figures.
#include "absl/strings/str_cat.h"
#include "common/auth.h"
#include "common/event_sink.h"
#include "common/log.h"
#include "common/runtime.h"
#include "duban/registry/v1/registry.grpc.pb.h"
#include "services/supervision/liaison_directory.h"
#include "services/supervision/migrations.h"
#include "services/supervision/supervision_policies.h"
#include "services/supervision/supervision_service.h"
#include "services/supervision/supervision_workflow.h"

int main(int argc, char** argv) {
  using namespace duban;
  auto started = Runtime::Start(argc, argv, "supervision", supervision::Migrations());
  if (!started.ok()) return 1;
  Runtime& runtime = **started;

  // Special supervision sends SplitRequested to tasks.
  runtime.Outbox({"tasks"});
  std::unique_ptr<supervision::LiaisonDirectory> liaisons = supervision::NewGrpcLiaisonDirectory(
      registry::v1::RegistryService::NewStub(runtime.Channel("registry")), nullptr);
  supervision::SupervisionWorkflow workflow(&runtime.pool(), &runtime.clock(), runtime.zone(),
                                            liaisons.get());
  Authorizer authorizer(&runtime.verifier(), &runtime.principals(),
                        supervision::SupervisionPolicies());
  supervision::SupervisionServiceImpl service(&authorizer, &workflow, &runtime.pool());
  duban::EventSink sink(&authorizer, &runtime.pool(), &runtime.clock(),
                        [&workflow](sql::Connection& conn, const duban::events::v1::Event& event) {
                          return workflow.ApplyEvent(conn, event);
                        });
  runtime.AddService(&service);
  runtime.AddService(&sink);
  // Watch streams end as soon as shutdown begins, so they never hold it up,
  // not even one writing to a client that stopped reading.
  runtime.OnShutdownBegin([&service] {
    const supervision::SupervisionServiceImpl::WatchesEnded ended = service.EndWatches();
    Log(LogLevel::kInfo, "watch_streams_ended",
        {{"open", absl::StrCat(ended.open)},
         {"cancelled_writing", absl::StrCat(ended.cancelled_writing)}});
  });
  return runtime.Serve();
}

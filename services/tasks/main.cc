// duban-tasks: items on the units' desks, their lights, and their deadlines.
#include <memory>

#include "common/auth.h"
#include "common/event_sink.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/runtime.h"
#include "duban/registry/v1/registry.grpc.pb.h"
#include "services/tasks/mysql_item_store.h"
#include "services/tasks/registry_lookup.h"
#include "services/tasks/schema.h"
#include "services/tasks/task_tracker.h"
#include "services/tasks/tasks_config.h"
#include "services/tasks/tasks_policies.h"
#include "services/tasks/tasks_service.h"

int main(int argc, char** argv) {
  auto runtime = duban::Runtime::Start(argc, argv, "tasks", duban::tasks::Migrations());
  if (!runtime.ok()) return 1;
  duban::Runtime& rt = **runtime;

  auto options = duban::tasks::LoadTasksOptions();
  if (!options.ok()) {
    duban::Log(duban::LogLevel::kError, "config_invalid",
               {{"error", std::string(options.status().message())}});
    return 1;
  }

  duban::Authorizer authorizer(&rt.verifier(), &rt.principals(), duban::tasks::TasksPolicies());
  duban::tasks::MysqlItemStore store;
  std::unique_ptr<duban::tasks::RegistryLookup> registry = duban::tasks::NewGrpcRegistryLookup(
      duban::registry::v1::RegistryService::NewStub(rt.Channel("registry")));
  duban::tasks::TaskTracker tracker(&rt.pool(), &store, registry.get(), &rt.clock(), rt.zone(),
                                    *options);
  duban::tasks::TasksServiceImpl service(&authorizer, &tracker, &rt.pool());
  duban::EventSink sink(&authorizer, &rt.pool(), &rt.clock(),
                        [&tracker](sql::Connection& conn, const duban::events::v1::Event& event) {
                          return tracker.ApplyEvent(conn, event);
                        });

  rt.scrape_gauges().Add("duban_tasks_open_items", "Items not yet reported complete, by light.",
                         [&tracker]() -> std::vector<duban::ScrapeGauges::Sample> {
                           duban::tasks::Actor metrics_reader{.subject = "service:metrics",
                                                              .is_service = true};
                           duban::tasks::v1::ItemFilter open;
                           open.set_open_only(true);
                           absl::StatusOr<duban::tasks::v1::CountItemsResponse> counts =
                               tracker.CountItems(metrics_reader, open);
                           if (!counts.ok()) return {};
                           return {{{{"light", "green"}}, static_cast<double>(counts->green())},
                                   {{{"light", "yellow"}}, static_cast<double>(counts->yellow())},
                                   {{{"light", "red"}}, static_cast<double>(counts->red())}};
                         });
  rt.Outbox({"scheduler", "supervision"});
  rt.AddService(&service);
  rt.AddService(&sink);
  return rt.Serve();
}

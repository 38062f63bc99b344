// duban-scheduler: every deadline as data; fires each rung of each ladder once.
#include <string>

#include "common/auth.h"
#include "common/event_sink.h"
#include "common/log.h"
#include "common/runtime.h"
#include "common/status.h"
#include "services/scheduler/deadline_keeper.h"
#include "services/scheduler/firing_loop.h"
#include "services/scheduler/mysql_deadline_store.h"
#include "services/scheduler/scheduler_config.h"
#include "services/scheduler/scheduler_metrics.h"
#include "services/scheduler/scheduler_policies.h"
#include "services/scheduler/scheduler_service.h"
#include "services/scheduler/schema.h"
#include "services/scheduler/work_calendar.h"

int main(int argc, char** argv) {
  using namespace duban::scheduler;
  auto runtime = duban::Runtime::Start(argc, argv, "scheduler", Migrations());
  if (!runtime.ok()) return 1;
  duban::Runtime& rt = **runtime;

  auto options = LoadSchedulerOptions();
  if (!options.ok()) {
    duban::Log(duban::LogLevel::kError, "config_invalid",
               {{"error", std::string(options.status().message())}});
    return 1;
  }

  duban::Authorizer authorizer(&rt.verifier(), &rt.principals(), SchedulerPolicies());
  MysqlDeadlineStore store;
  WeekdayCalendar calendar;
  SchedulerMetrics metrics(rt.metrics());
  DeadlineKeeper keeper(&rt.pool(), &store, &rt.clock(), rt.zone(), &calendar, options->ladder,
                        &metrics);
  FiringLoop loop(&keeper, &rt.clock(), &metrics, options->poll_interval, options->fire_batch);
  SchedulerServiceImpl service(&authorizer, &keeper, &rt.pool());
  duban::EventSink sink(&authorizer, &rt.pool(), &rt.clock(),
                        [&keeper](sql::Connection& conn, const duban::events::v1::Event& event) {
                          return keeper.ApplyEvent(conn, event);
                        });

  rt.Outbox({"supervision"});
  rt.AddService(&service);
  rt.AddService(&sink);
  rt.AddSettleWork([&]() -> absl::StatusOr<duban::SettleCounts> {
    DUBAN_ASSIGN_OR_RETURN(int fired, loop.FireAllDue());
    DUBAN_ASSIGN_OR_RETURN(absl::Time next, keeper.NextDue(rt.clock().Now()));
    return duban::SettleCounts{.work_done = fired, .next_due = next};
  });
  rt.scrape_gauges().Add(
      "duban_scheduler_oldest_due_unfired_seconds",
      "How long the oldest rung that fell due has waited to be fired (0: none waiting).",
      [&]() -> std::vector<duban::ScrapeGauges::Sample> {
        absl::StatusOr<absl::Duration> lag = keeper.FiringLag(rt.clock().Now());
        if (!lag.ok()) return {};
        return {{{}, absl::ToDoubleSeconds(*lag)}};
      });
  rt.AddBackground([&loop] { loop.Start(); }, [&loop] { loop.Stop(); });
  return rt.Serve();
}

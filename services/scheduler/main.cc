// duban-scheduler: every deadline as data; fires each rung of each ladder once.
#include <string>

#include "common/auth.h"
#include "common/calendar/registry_calendar.h"
#include "common/event_sink.h"
#include "common/log.h"
#include "common/runtime.h"
#include "common/status.h"
#include "duban/registry/v1/registry.grpc.pb.h"
#include "services/scheduler/calendar_follower.h"
#include "services/scheduler/cutoff_generator.h"
#include "services/scheduler/deadline_keeper.h"
#include "services/scheduler/firing_loop.h"
#include "services/scheduler/mysql_deadline_store.h"
#include "services/scheduler/registry_names.h"
#include "services/scheduler/scheduler_config.h"
#include "services/scheduler/scheduler_metrics.h"
#include "services/scheduler/scheduler_policies.h"
#include "services/scheduler/scheduler_service.h"
#include "services/scheduler/schema.h"

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
  std::shared_ptr<duban::registry::v1::RegistryService::StubInterface> registry =
      duban::registry::v1::RegistryService::NewStub(rt.Channel("registry"));
  duban::calendar::RegistryCalendar calendar(registry, &rt.clock());
  std::unique_ptr<RegistryDirectory> directory = NewGrpcRegistryDirectory(registry);
  RegistryNames names(directory.get());
  MysqlDeadlineStore store;
  SchedulerMetrics metrics(rt.metrics());
  DeadlineKeeper keeper(&rt.pool(), &store, &rt.clock(), rt.zone(), &calendar, options->ladder,
                        options->periods, &metrics, &names);
  CutoffGenerator generator(&rt.pool(), &store, &keeper, &names);
  // The district leaders and the names of units and people are reloaded with
  // the calendar; when the registry does not answer, the ones held stay.
  CalendarFollower follower(
      [&calendar, &names]() -> absl::StatusOr<bool> {
        absl::StatusOr<bool> changed = calendar.Refresh();
        if (absl::Status status = names.Refresh(); !status.ok()) {
          duban::LogEvery(absl::Minutes(1), "scheduler.registry_names", duban::LogLevel::kWarning,
                          "registry_names_not_refreshed",
                          {{"error", std::string(status.message())}});
        }
        return changed;
      },
      &keeper);
  FiringLoop loop(&keeper, &generator, &follower, &rt.clock(), &metrics, options->poll_interval,
                  options->calendar_refresh, options->fire_batch);
  SchedulerServiceImpl service(&authorizer, &keeper, &rt.pool());
  duban::EventSink sink(&authorizer, &rt.pool(), &rt.clock(),
                        [&keeper](sql::Connection& conn, const duban::events::v1::Event& event) {
                          return keeper.ApplyEvent(conn, event);
                        });

  // Rungs go to supervision; drafts the calendar moved go back to minutes.
  rt.Outbox({"supervision", "minutes"});
  rt.AddService(&service);
  rt.AddService(&sink);
  // The test clock: the calendar is reloaded on every Settle, the periods and
  // months begun are generated, due rungs fire; the next rung or period or
  // month boundary is where the clock may step to next.
  rt.AddSettleWork([&]() -> absl::StatusOr<duban::SettleCounts> {
    DUBAN_ASSIGN_OR_RETURN(PassResult pass, loop.Pass(/*follow_calendar=*/true));
    DUBAN_ASSIGN_OR_RETURN(absl::Time next, loop.NextDue(rt.clock().Now()));
    // Work held up (e.g. the registry is down) shows as pending, not as a failure.
    return duban::SettleCounts{.work_done = pass.moved + pass.generated + pass.fired,
                               .pending = pass.deferred.ok() ? 0 : 1,
                               .detail = pass.deferred.ok() ? "" : pass.deferred.ToString(),
                               .next_due = next};
  });
  rt.scrape_gauges().Add(kPendingGauge, kPendingGaugeHelp,
                         [&]() -> std::vector<duban::ScrapeGauges::Sample> {
                           auto pending = keeper.CountPending();
                           if (!pending.ok()) return {};
                           return PendingSamples(*pending);
                         });
  rt.scrape_gauges().Add(
      kLagGauge, "How long the oldest rung that fell due has waited to be fired (0: none waiting).",
      [&]() -> std::vector<duban::ScrapeGauges::Sample> {
        absl::StatusOr<absl::Duration> lag = keeper.FiringLag(rt.clock().Now());
        if (!lag.ok()) return {};
        return {{{}, absl::ToDoubleSeconds(*lag)}};
      });
  rt.AddBackground([&loop] { loop.Start(); }, [&loop] { loop.Stop(); });
  return rt.Serve();
}

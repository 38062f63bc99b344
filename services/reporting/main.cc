// duban-reporting: periods, reports, the office digest, the circular, the
// monthly analysis, scores and exports.
#include "common/auth.h"
#include "common/calendar/period_flags.h"
#include "common/calendar/registry_calendar.h"
#include "common/log.h"
#include "common/runtime.h"
#include "services/reporting/migrations.h"
#include "services/reporting/period_source.h"
#include "services/reporting/reporting_policies.h"
#include "services/reporting/reporting_service.h"
#include "services/reporting/reporting_sources.h"
#include "services/reporting/reporting_workflow.h"

int main(int argc, char** argv) {
  using namespace duban;
  auto started = Runtime::Start(argc, argv, "reporting", reporting::Migrations());
  if (!started.ok()) return 1;
  Runtime& runtime = **started;

  runtime.Outbox({"scheduler"});
  reporting::Peers peers;
  peers.supervision = supervision::v1::SupervisionService::NewStub(runtime.Channel("supervision"));
  peers.tasks = tasks::v1::TasksService::NewStub(runtime.Channel("tasks"));
  peers.registry = registry::v1::RegistryService::NewStub(runtime.Channel("registry"));
  peers.scheduler = scheduler::v1::SchedulerService::NewStub(runtime.Channel("scheduler"));
  peers.minutes = minutes::v1::MinutesService::NewStub(runtime.Channel("minutes"));
  std::unique_ptr<reporting::ReportingSources> sources =
      reporting::NewGrpcReportingSources(std::move(peers));
  // The same period rules as the scheduler's: the flags are defined once.
  absl::StatusOr<calendar::PeriodRules> period_rules = calendar::PeriodRulesFromFlags();
  if (!period_rules.ok()) {
    Log(LogLevel::kError, "config_invalid",
        {{"error", std::string(period_rules.status().message())}});
    return 1;
  }
  calendar::RegistryCalendar work_calendar(
      registry::v1::RegistryService::NewStub(runtime.Channel("registry")), &runtime.clock());
  std::unique_ptr<reporting::PeriodSource> periods = reporting::NewCalendarPeriodSource(
      &work_calendar, [&work_calendar] { return work_calendar.Refresh().status(); }, runtime.zone(),
      *period_rules);
  reporting::ReportingWorkflow workflow(&runtime.pool(), &runtime.clock(), runtime.zone(),
                                        sources.get(), periods.get());
  Authorizer authorizer(&runtime.verifier(), &runtime.principals(), reporting::ReportingPolicies());
  reporting::ReportingServiceImpl service(&authorizer, &workflow, &runtime.pool());
  runtime.AddService(&service);
  return runtime.Serve();
}

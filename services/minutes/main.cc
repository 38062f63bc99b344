// duban-minutes: dispatch events and their minutes or assignment sheets.
#include "common/auth.h"
#include "common/calendar/registry_calendar.h"
#include "common/event_sink.h"
#include "common/log.h"
#include "common/runtime.h"
#include "duban/registry/v1/registry.grpc.pb.h"
#include "services/minutes/migrations.h"
#include "services/minutes/minutes_config.h"
#include "services/minutes/minutes_policies.h"
#include "services/minutes/minutes_service.h"
#include "services/minutes/minutes_workflow.h"
#include "services/minutes/registry_directory.h"

int main(int argc, char** argv) {
  using namespace duban;
  auto started = Runtime::Start(argc, argv, "minutes", minutes::Migrations());
  if (!started.ok()) return 1;
  Runtime& runtime = **started;

  absl::StatusOr<minutes::DraftDeadlineOptions> drafting = minutes::LoadDraftDeadlineOptions();
  if (!drafting.ok()) {
    Log(LogLevel::kError, "config_invalid", {{"error", std::string(drafting.status().message())}});
    return 1;
  }

  runtime.Outbox({"scheduler", "tasks"});
  std::shared_ptr<registry::v1::RegistryService::Stub> registry_stub =
      registry::v1::RegistryService::NewStub(runtime.Channel("registry"));
  std::unique_ptr<minutes::RegistryDirectory> registry =
      minutes::NewGrpcRegistryDirectory(registry_stub, nullptr);
  // Events are few: the calendar is read afresh for each, so an import counts at once.
  calendar::RegistryCalendar work_calendar(registry_stub, &runtime.clock());
  minutes::CalendarLoader load_calendar =
      [&work_calendar]() -> absl::StatusOr<std::shared_ptr<const calendar::WorkCalendar>> {
    absl::StatusOr<bool> refreshed = work_calendar.Refresh();
    if (!refreshed.ok()) return refreshed.status();
    return work_calendar.Current();
  };
  minutes::MinutesWorkflow workflow(&runtime.pool(), &runtime.clock(), runtime.zone(),
                                    registry.get(), *drafting, load_calendar);
  Authorizer authorizer(&runtime.verifier(), &runtime.principals(), minutes::MinutesPolicies());
  minutes::MinutesServiceImpl service(&authorizer, &workflow, &runtime.pool());
  // The scheduler tells minutes when it moves a draft deadline.
  EventSink sink(&authorizer, &runtime.pool(), &runtime.clock(),
                 [&workflow](sql::Connection& conn, const events::v1::Event& event) {
                   return workflow.ApplyEvent(conn, event);
                 });
  runtime.AddService(&service);
  runtime.AddService(&sink);
  return runtime.Serve();
}

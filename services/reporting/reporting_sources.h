// Everything reporting reads from (and tells) the other services, behind an
// interface so that domain tests can use a fake.
#ifndef DUBAN_SERVICES_REPORTING_REPORTING_SOURCES_H_
#define DUBAN_SERVICES_REPORTING_REPORTING_SOURCES_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "duban/minutes/v1/minutes.grpc.pb.h"
#include "duban/registry/v1/registry.grpc.pb.h"
#include "duban/scheduler/v1/scheduler.grpc.pb.h"
#include "duban/supervision/v1/supervision.grpc.pb.h"
#include "duban/tasks/v1/tasks.grpc.pb.h"
#include "services/reporting/circular_sources.h"

namespace duban::reporting {

// Thread-safe. Errors of the other services come back as they are, their
// message prefixed with the service's name.
class ReportingSources : public CircularSources {
 public:
  // Every item matching `filter` at tasks, all pages.
  virtual absl::StatusOr<std::vector<tasks::v1::Item>> Items(
      const tasks::v1::ItemFilter& filter) = 0;
  // The scheduler's REPORT deadlines due in [from, to), any state.
  virtual absl::StatusOr<std::vector<scheduler::v1::Deadline>> ReportDeadlines(absl::Time from,
                                                                               absl::Time to) = 0;
  // The unit's liaison term at `at`; an empty term when it had none.
  virtual absl::StatusOr<registry::v1::LiaisonTerm> Liaison(const std::string& unit_id,
                                                            absl::Time at) = 0;
  // Every person holding the district leader role.
  virtual absl::StatusOr<std::vector<registry::v1::Person>> Leaders() = 0;
  // Dispatch events held on the local days [from, to].
  virtual absl::StatusOr<std::vector<minutes::v1::DispatchEvent>> DispatchEvents(
      absl::CivilDay from, absl::CivilDay to) = 0;
  // The dispatch event of id `event_id` (NOT_FOUND when minutes has none).
  virtual absl::StatusOr<minutes::v1::DispatchEvent> DispatchEvent(const std::string& event_id) = 0;
  // Urging notices recorded in [from, to).
  virtual absl::StatusOr<std::vector<supervision::v1::Notice>> UrgingNotices(absl::Time from,
                                                                             absl::Time to) = 0;
};

struct Peers {
  std::shared_ptr<supervision::v1::SupervisionService::StubInterface> supervision;
  std::shared_ptr<tasks::v1::TasksService::StubInterface> tasks;
  std::shared_ptr<registry::v1::RegistryService::StubInterface> registry;
  std::shared_ptr<scheduler::v1::SchedulerService::StubInterface> scheduler;
  std::shared_ptr<minutes::v1::MinutesService::StubInterface> minutes;
  // The bearer token to attach (null or empty: the channels authenticate).
  std::function<std::string()> token;
};

std::unique_ptr<ReportingSources> NewGrpcReportingSources(Peers peers);

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_REPORTING_SOURCES_H_

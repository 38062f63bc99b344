// The gRPC edge of the scheduler: authorizes each call, converts statuses and
// hands the request to the DeadlineKeeper; and the event sink receiving
// DeadlineRegistered, DeadlineMet and DeadlineCancelled.
#ifndef DUBAN_SERVICES_SCHEDULER_SCHEDULER_SERVICE_H_
#define DUBAN_SERVICES_SCHEDULER_SCHEDULER_SERVICE_H_

#include <functional>

#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "duban/events/v1/events.grpc.pb.h"
#include "duban/scheduler/v1/scheduler.grpc.pb.h"
#include "services/scheduler/deadline_keeper.h"

namespace duban::scheduler {

// Thread-safe; does not own its collaborators.
class SchedulerServiceImpl final : public duban::scheduler::v1::SchedulerService::Service {
 public:
  SchedulerServiceImpl(const Authorizer* authorizer, DeadlineKeeper* keeper,
                       db::ConnectionPool* pool);

  grpc::Status GetDeadline(grpc::ServerContext* context, const v1::GetDeadlineRequest* request,
                           v1::GetDeadlineResponse* response) override;
  grpc::Status ListDeadlines(grpc::ServerContext* context, const v1::ListDeadlinesRequest* request,
                             v1::ListDeadlinesResponse* response) override;
  grpc::Status ExplainDeadline(grpc::ServerContext* context,
                               const v1::ExplainDeadlineRequest* request,
                               v1::ExplainDeadlineResponse* response) override;
  grpc::Status ListRungFirings(grpc::ServerContext* context,
                               const v1::ListRungFiringsRequest* request,
                               v1::ListRungFiringsResponse* response) override;
  grpc::Status ListAuditRecords(grpc::ServerContext* context,
                                const v1::ListAuditRecordsRequest* request,
                                v1::ListAuditRecordsResponse* response) override;

 private:
  grpc::Status Handle(grpc::ServerContext* context, absl::string_view method,
                      const std::function<absl::Status(const Reader&)>& body);

  const Authorizer* authorizer_;
  DeadlineKeeper* keeper_;
  db::ConnectionPool* pool_;
};

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_SCHEDULER_SERVICE_H_

// The gRPC edge of the tasks service: authorizes each call, converts statuses
// and hands the request to the TaskTracker. Also the event sink that receives
// DocumentIssued from minutes.
#ifndef DUBAN_SERVICES_TASKS_TASKS_SERVICE_H_
#define DUBAN_SERVICES_TASKS_TASKS_SERVICE_H_

#include <functional>

#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "duban/events/v1/events.grpc.pb.h"
#include "duban/tasks/v1/tasks.grpc.pb.h"
#include "services/tasks/task_tracker.h"

namespace duban::tasks {

// Thread-safe; does not own its collaborators.
class TasksServiceImpl final : public duban::tasks::v1::TasksService::Service {
 public:
  TasksServiceImpl(const Authorizer* authorizer, TaskTracker* tracker, db::ConnectionPool* pool);

  grpc::Status CreateItem(grpc::ServerContext* context, const v1::CreateItemRequest* request,
                          v1::CreateItemResponse* response) override;
  grpc::Status GetItem(grpc::ServerContext* context, const v1::GetItemRequest* request,
                       v1::GetItemResponse* response) override;
  grpc::Status ListItems(grpc::ServerContext* context, const v1::ListItemsRequest* request,
                         v1::ListItemsResponse* response) override;
  grpc::Status CountItems(grpc::ServerContext* context, const v1::CountItemsRequest* request,
                          v1::CountItemsResponse* response) override;
  grpc::Status AcceptItem(grpc::ServerContext* context, const v1::AcceptItemRequest* request,
                          v1::AcceptItemResponse* response) override;
  grpc::Status AddProgressNote(grpc::ServerContext* context,
                               const v1::AddProgressNoteRequest* request,
                               v1::AddProgressNoteResponse* response) override;
  grpc::Status SetPlannedCompletionDate(grpc::ServerContext* context,
                                        const v1::SetPlannedCompletionDateRequest* request,
                                        v1::SetPlannedCompletionDateResponse* response) override;
  grpc::Status ReportComplete(grpc::ServerContext* context,
                              const v1::ReportCompleteRequest* request,
                              v1::ReportCompleteResponse* response) override;
  grpc::Status CloseOut(grpc::ServerContext* context, const v1::CloseOutRequest* request,
                        v1::CloseOutResponse* response) override;
  grpc::Status ReturnForRework(grpc::ServerContext* context,
                               const v1::ReturnForReworkRequest* request,
                               v1::ReturnForReworkResponse* response) override;
  grpc::Status RequestExtension(grpc::ServerContext* context,
                                const v1::RequestExtensionRequest* request,
                                v1::RequestExtensionResponse* response) override;
  grpc::Status DecideExtension(grpc::ServerContext* context,
                               const v1::DecideExtensionRequest* request,
                               v1::DecideExtensionResponse* response) override;
  grpc::Status ReferItem(grpc::ServerContext* context, const v1::ReferItemRequest* request,
                         v1::ReferItemResponse* response) override;
  grpc::Status SplitItem(grpc::ServerContext* context, const v1::SplitItemRequest* request,
                         v1::SplitItemResponse* response) override;
  grpc::Status ListAuditRecords(grpc::ServerContext* context,
                                const v1::ListAuditRecordsRequest* request,
                                v1::ListAuditRecordsResponse* response) override;

 private:
  // Authorizes the call to `method` and runs `body` with the caller.
  grpc::Status Handle(grpc::ServerContext* context, absl::string_view method,
                      const std::function<absl::Status(const Actor&)>& body);

  const Authorizer* authorizer_;
  TaskTracker* tracker_;
  db::ConnectionPool* pool_;
};

}  // namespace duban::tasks

#endif  // DUBAN_SERVICES_TASKS_TASKS_SERVICE_H_

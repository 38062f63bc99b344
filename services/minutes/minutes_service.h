// The gRPC face of the minutes service: authorizes each call, converts
// messages and statuses, and hands the work to MinutesWorkflow.
#ifndef DUBAN_SERVICES_MINUTES_MINUTES_SERVICE_H_
#define DUBAN_SERVICES_MINUTES_MINUTES_SERVICE_H_

#include <functional>

#include "common/auth.h"
#include "common/db/pool.h"
#include "duban/minutes/v1/minutes.grpc.pb.h"
#include "services/minutes/minutes_workflow.h"

namespace duban::minutes {

// Thread-safe; borrows its arguments, which must outlive it.
class MinutesServiceImpl final : public v1::MinutesService::Service {
 public:
  MinutesServiceImpl(const Authorizer* authorizer, MinutesWorkflow* workflow,
                     db::ConnectionPool* pool);

  grpc::Status RecordDispatchEvent(grpc::ServerContext* context,
                                   const v1::RecordDispatchEventRequest* request,
                                   v1::RecordDispatchEventResponse* response) override;
  grpc::Status GetDispatchEvent(grpc::ServerContext* context,
                                const v1::GetDispatchEventRequest* request,
                                v1::GetDispatchEventResponse* response) override;
  grpc::Status ListDispatchEvents(grpc::ServerContext* context,
                                  const v1::ListDispatchEventsRequest* request,
                                  v1::ListDispatchEventsResponse* response) override;
  grpc::Status SaveDraft(grpc::ServerContext* context, const v1::SaveDraftRequest* request,
                         v1::SaveDraftResponse* response) override;
  grpc::Status RouteForCountersign(grpc::ServerContext* context,
                                   const v1::RouteForCountersignRequest* request,
                                   v1::RouteForCountersignResponse* response) override;
  grpc::Status Countersign(grpc::ServerContext* context, const v1::CountersignRequest* request,
                           v1::CountersignResponse* response) override;
  grpc::Status ReturnDraft(grpc::ServerContext* context, const v1::ReturnDraftRequest* request,
                           v1::ReturnDraftResponse* response) override;
  grpc::Status SignOffAndIssue(grpc::ServerContext* context,
                               const v1::SignOffAndIssueRequest* request,
                               v1::SignOffAndIssueResponse* response) override;
  grpc::Status GetDocument(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                           v1::GetDocumentResponse* response) override;
  grpc::Status ListDocuments(grpc::ServerContext* context, const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override;
  grpc::Status ListAuditRecords(grpc::ServerContext* context,
                                const v1::ListAuditRecordsRequest* request,
                                v1::ListAuditRecordsResponse* response) override;

 private:
  grpc::Status Handle(grpc::ServerContext* context, absl::string_view method,
                      const std::function<absl::Status(const Caller&)>& work);

  const Authorizer* authorizer_;
  MinutesWorkflow* workflow_;
  db::ConnectionPool* pool_;
};

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_MINUTES_SERVICE_H_

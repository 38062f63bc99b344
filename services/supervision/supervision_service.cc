#include "services/supervision/supervision_service.h"

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/db/outbox.h"
#include "common/status.h"

namespace duban::supervision {

SupervisionServiceImpl::SupervisionServiceImpl(const Authorizer* authorizer,
                                               SupervisionWorkflow* workflow,
                                               db::ConnectionPool* pool)
    : authorizer_(authorizer), workflow_(workflow), pool_(pool) {}

grpc::Status SupervisionServiceImpl::Handle(
    grpc::ServerContext* context, absl::string_view method,
    const std::function<absl::Status(const Caller&)>& work) {
  return authorizer_->Run(*context,
                          absl::StrCat("/duban.supervision.v1.SupervisionService/", method), work);
}

grpc::Status SupervisionServiceImpl::GetCase(grpc::ServerContext* context,
                                             const v1::GetCaseRequest* request,
                                             v1::GetCaseResponse* response) {
  return Handle(context, "GetCase", [&](const Caller& caller) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_case_(),
                           workflow_->GetCase(caller, request->case_id()));
    return absl::OkStatus();
  });
}

grpc::Status SupervisionServiceImpl::ListCases(grpc::ServerContext* context,
                                               const v1::ListCasesRequest* request,
                                               v1::ListCasesResponse* response) {
  return Handle(context, "ListCases", [&](const Caller& caller) {
    return workflow_->ListCases(caller, *request, response);
  });
}

grpc::Status SupervisionServiceImpl::ListNotices(grpc::ServerContext* context,
                                                 const v1::ListNoticesRequest* request,
                                                 v1::ListNoticesResponse* response) {
  return Handle(context, "ListNotices", [&](const Caller& caller) {
    return workflow_->ListNotices(caller, *request, response);
  });
}

grpc::Status SupervisionServiceImpl::SplitReferredItem(grpc::ServerContext* context,
                                                       const v1::SplitReferredItemRequest* request,
                                                       v1::SplitReferredItemResponse* response) {
  return Handle(context, "SplitReferredItem", [&](const Caller&) {
    return absl::UnimplementedError("SplitReferredItem: not yet available (TODO(#4))");
  });
}

grpc::Status SupervisionServiceImpl::RecordCircular(grpc::ServerContext* context,
                                                    const v1::RecordCircularRequest* request,
                                                    v1::RecordCircularResponse* response) {
  return Handle(context, "RecordCircular", [&](const Caller& caller) {
    return workflow_->RecordCircular(caller, *request, response);
  });
}

grpc::Status SupervisionServiceImpl::GetFigures(grpc::ServerContext* context,
                                                const v1::GetFiguresRequest* request,
                                                v1::GetFiguresResponse* response) {
  return Handle(context, "GetFigures", [&](const Caller& caller) {
    return workflow_->GetFigures(caller, *request, response);
  });
}

grpc::Status SupervisionServiceImpl::Watch(grpc::ServerContext* context,
                                           const v1::WatchRequest* request,
                                           grpc::ServerWriter<v1::WatchResponse>* writer) {
  return Handle(context, "Watch", [&](const Caller&) {
    return absl::UnimplementedError("Watch: not yet available (TODO(#4))");
  });
}

grpc::Status SupervisionServiceImpl::ListAuditRecords(grpc::ServerContext* context,
                                                      const v1::ListAuditRecordsRequest* request,
                                                      v1::ListAuditRecordsResponse* response) {
  return Handle(context, "ListAuditRecords",
                [&](const Caller&) { return db::ListAuditInto(*pool_, *request, response); });
}

}  // namespace duban::supervision

#include "services/minutes/minutes_service.h"

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/status.h"

namespace duban::minutes {

MinutesServiceImpl::MinutesServiceImpl(const Authorizer* authorizer, MinutesWorkflow* workflow,
                                       db::ConnectionPool* pool)
    : authorizer_(authorizer), workflow_(workflow), pool_(pool) {}

grpc::Status MinutesServiceImpl::Handle(grpc::ServerContext* context, absl::string_view method,
                                        const std::function<absl::Status(const Caller&)>& work) {
  return authorizer_->Run(*context, absl::StrCat("/duban.minutes.v1.MinutesService/", method),
                          work);
}

grpc::Status MinutesServiceImpl::RecordDispatchEvent(grpc::ServerContext* context,
                                                     const v1::RecordDispatchEventRequest* request,
                                                     v1::RecordDispatchEventResponse* response) {
  return Handle(context, "RecordDispatchEvent", [&](const Caller& caller) {
    return workflow_->RecordDispatchEvent(caller, *request, response);
  });
}

grpc::Status MinutesServiceImpl::GetDispatchEvent(grpc::ServerContext* context,
                                                  const v1::GetDispatchEventRequest* request,
                                                  v1::GetDispatchEventResponse* response) {
  return Handle(context, "GetDispatchEvent", [&](const Caller& caller) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_event(),
                           workflow_->GetDispatchEvent(caller, request->event_id()));
    return absl::OkStatus();
  });
}

grpc::Status MinutesServiceImpl::ListDispatchEvents(grpc::ServerContext* context,
                                                    const v1::ListDispatchEventsRequest* request,
                                                    v1::ListDispatchEventsResponse* response) {
  return Handle(context, "ListDispatchEvents", [&](const Caller& caller) {
    return workflow_->ListDispatchEvents(caller, *request, response);
  });
}

grpc::Status MinutesServiceImpl::SaveDraft(grpc::ServerContext* context,
                                           const v1::SaveDraftRequest* request,
                                           v1::SaveDraftResponse* response) {
  return Handle(context, "SaveDraft", [&](const Caller& caller) {
    return workflow_->SaveDraft(caller, *request, response);
  });
}

grpc::Status MinutesServiceImpl::RouteForCountersign(grpc::ServerContext* context,
                                                     const v1::RouteForCountersignRequest* request,
                                                     v1::RouteForCountersignResponse* response) {
  return Handle(context, "RouteForCountersign", [&](const Caller& caller) {
    return workflow_->RouteForCountersign(caller, *request, response);
  });
}

grpc::Status MinutesServiceImpl::Countersign(grpc::ServerContext* context,
                                             const v1::CountersignRequest* request,
                                             v1::CountersignResponse* response) {
  return Handle(context, "Countersign", [&](const Caller& caller) {
    return workflow_->Countersign(caller, *request, response);
  });
}

grpc::Status MinutesServiceImpl::ReturnDraft(grpc::ServerContext* context,
                                             const v1::ReturnDraftRequest* request,
                                             v1::ReturnDraftResponse* response) {
  return Handle(context, "ReturnDraft", [&](const Caller& caller) {
    return workflow_->ReturnDraft(caller, *request, response);
  });
}

grpc::Status MinutesServiceImpl::SignOffAndIssue(grpc::ServerContext* context,
                                                 const v1::SignOffAndIssueRequest* request,
                                                 v1::SignOffAndIssueResponse* response) {
  return Handle(context, "SignOffAndIssue", [&](const Caller& caller) {
    return workflow_->SignOffAndIssue(caller, *request, response);
  });
}

grpc::Status MinutesServiceImpl::GetDocument(grpc::ServerContext* context,
                                             const v1::GetDocumentRequest* request,
                                             v1::GetDocumentResponse* response) {
  return Handle(context, "GetDocument", [&](const Caller& caller) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_document(),
                           workflow_->GetDocument(caller, request->document_id()));
    return absl::OkStatus();
  });
}

grpc::Status MinutesServiceImpl::ListDocuments(grpc::ServerContext* context,
                                               const v1::ListDocumentsRequest* request,
                                               v1::ListDocumentsResponse* response) {
  return Handle(context, "ListDocuments", [&](const Caller& caller) {
    return workflow_->ListDocuments(caller, *request, response);
  });
}

grpc::Status MinutesServiceImpl::ListAuditRecords(grpc::ServerContext* context,
                                                  const v1::ListAuditRecordsRequest* request,
                                                  v1::ListAuditRecordsResponse* response) {
  return Handle(context, "ListAuditRecords",
                [&](const Caller&) { return db::ListAuditInto(*pool_, *request, response); });
}

}  // namespace duban::minutes

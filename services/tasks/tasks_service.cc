#include "services/tasks/tasks_service.h"

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/db/outbox.h"
#include "common/status.h"

namespace duban::tasks {

TasksServiceImpl::TasksServiceImpl(const Authorizer* authorizer, TaskTracker* tracker,
                                   db::ConnectionPool* pool)
    : authorizer_(authorizer), tracker_(tracker), pool_(pool) {}

grpc::Status TasksServiceImpl::Handle(grpc::ServerContext* context, absl::string_view method,
                                      const std::function<absl::Status(const Actor&)>& body) {
  return authorizer_->Run(
      *context, absl::StrCat("/duban.tasks.v1.TasksService/", method),
      [&](const Caller& caller) { return body(ActorFromPrincipal(caller.principal())); });
}

grpc::Status TasksServiceImpl::CreateItem(grpc::ServerContext* context,
                                          const v1::CreateItemRequest* request,
                                          v1::CreateItemResponse* response) {
  return Handle(context, "CreateItem", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->CreateItem(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::GetItem(grpc::ServerContext* context,
                                       const v1::GetItemRequest* request,
                                       v1::GetItemResponse* response) {
  return Handle(context, "GetItem", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_item(), tracker_->GetItem(actor, request->item_id()));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::ListItems(grpc::ServerContext* context,
                                         const v1::ListItemsRequest* request,
                                         v1::ListItemsResponse* response) {
  return Handle(context, "ListItems", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(
        ItemPage page,
        tracker_->ListItems(actor, request->filter(), request->page_size(), request->page_token()));
    for (auto& item : page.items) *response->add_items() = std::move(item);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::CountItems(grpc::ServerContext* context,
                                          const v1::CountItemsRequest* request,
                                          v1::CountItemsResponse* response) {
  return Handle(context, "CountItems", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->CountItems(actor, request->filter()));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::AcceptItem(grpc::ServerContext* context,
                                          const v1::AcceptItemRequest* request,
                                          v1::AcceptItemResponse* response) {
  return Handle(context, "AcceptItem", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->AcceptItem(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::AddProgressNote(grpc::ServerContext* context,
                                               const v1::AddProgressNoteRequest* request,
                                               v1::AddProgressNoteResponse* response) {
  return Handle(context, "AddProgressNote", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->AddProgressNote(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::SetPlannedCompletionDate(
    grpc::ServerContext* context, const v1::SetPlannedCompletionDateRequest* request,
    v1::SetPlannedCompletionDateResponse* response) {
  return Handle(context, "SetPlannedCompletionDate", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->SetPlannedCompletionDate(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::ReportComplete(grpc::ServerContext* context,
                                              const v1::ReportCompleteRequest* request,
                                              v1::ReportCompleteResponse* response) {
  return Handle(context, "ReportComplete", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->ReportComplete(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::CloseOut(grpc::ServerContext* context,
                                        const v1::CloseOutRequest* request,
                                        v1::CloseOutResponse* response) {
  return Handle(context, "CloseOut", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->CloseOut(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::ReturnForRework(grpc::ServerContext* context,
                                               const v1::ReturnForReworkRequest* request,
                                               v1::ReturnForReworkResponse* response) {
  return Handle(context, "ReturnForRework", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->ReturnForRework(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::RequestExtension(grpc::ServerContext* context,
                                                const v1::RequestExtensionRequest* request,
                                                v1::RequestExtensionResponse* response) {
  return Handle(context, "RequestExtension", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->RequestExtension(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::DecideExtension(grpc::ServerContext* context,
                                               const v1::DecideExtensionRequest* request,
                                               v1::DecideExtensionResponse* response) {
  return Handle(context, "DecideExtension", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->DecideExtension(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::ReferItem(grpc::ServerContext* context,
                                         const v1::ReferItemRequest* request,
                                         v1::ReferItemResponse* response) {
  return Handle(context, "ReferItem", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->ReferItem(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::SplitItem(grpc::ServerContext* context,
                                         const v1::SplitItemRequest* request,
                                         v1::SplitItemResponse* response) {
  return Handle(context, "SplitItem", [&](const Actor& actor) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, tracker_->SplitItem(actor, *request));
    return absl::OkStatus();
  });
}

grpc::Status TasksServiceImpl::ListAuditRecords(grpc::ServerContext* context,
                                                const v1::ListAuditRecordsRequest* request,
                                                v1::ListAuditRecordsResponse* response) {
  return Handle(context, "ListAuditRecords",
                [&](const Actor&) { return db::ListAuditInto(*pool_, *request, response); });
}

}  // namespace duban::tasks

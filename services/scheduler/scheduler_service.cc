#include "services/scheduler/scheduler_service.h"

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/db/outbox.h"
#include "common/status.h"

namespace duban::scheduler {

SchedulerServiceImpl::SchedulerServiceImpl(const Authorizer* authorizer, DeadlineKeeper* keeper,
                                           db::ConnectionPool* pool)
    : authorizer_(authorizer), keeper_(keeper), pool_(pool) {}

grpc::Status SchedulerServiceImpl::Handle(grpc::ServerContext* context, absl::string_view method,
                                          const std::function<absl::Status(const Reader&)>& body) {
  return authorizer_->Run(*context, absl::StrCat("/duban.scheduler.v1.SchedulerService/", method),
                          [&](const Caller& caller) {
                            return body(Reader{caller.ReadsEverything(), caller.LiaisonUnits()});
                          });
}

grpc::Status SchedulerServiceImpl::GetDeadline(grpc::ServerContext* context,
                                               const v1::GetDeadlineRequest* request,
                                               v1::GetDeadlineResponse* response) {
  return Handle(context, "GetDeadline", [&](const Reader& reader) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_deadline(), keeper_->GetDeadline(reader, *request));
    return absl::OkStatus();
  });
}

grpc::Status SchedulerServiceImpl::ListDeadlines(grpc::ServerContext* context,
                                                 const v1::ListDeadlinesRequest* request,
                                                 v1::ListDeadlinesResponse* response) {
  return Handle(context, "ListDeadlines", [&](const Reader& reader) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, keeper_->ListDeadlines(reader, *request));
    return absl::OkStatus();
  });
}

grpc::Status SchedulerServiceImpl::ExplainDeadline(grpc::ServerContext* context,
                                                   const v1::ExplainDeadlineRequest* request,
                                                   v1::ExplainDeadlineResponse* response) {
  return Handle(context, "ExplainDeadline", [&](const Reader& reader) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_explanation(),
                           keeper_->ExplainDeadline(reader, request->deadline_id()));
    return absl::OkStatus();
  });
}

grpc::Status SchedulerServiceImpl::ListRungFirings(grpc::ServerContext* context,
                                                   const v1::ListRungFiringsRequest* request,
                                                   v1::ListRungFiringsResponse* response) {
  return Handle(context, "ListRungFirings", [&](const Reader& reader) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response, keeper_->ListRungFirings(reader, *request));
    return absl::OkStatus();
  });
}

grpc::Status SchedulerServiceImpl::ListAuditRecords(grpc::ServerContext* context,
                                                    const v1::ListAuditRecordsRequest* request,
                                                    v1::ListAuditRecordsResponse* response) {
  return Handle(context, "ListAuditRecords",
                [&](const Reader&) { return db::ListAuditInto(*pool_, *request, response); });
}

}  // namespace duban::scheduler

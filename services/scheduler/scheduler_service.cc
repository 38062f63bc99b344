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
  return Handle(context, "ListAuditRecords", [&](const Reader&) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(
        db::AuditPage page,
        db::ListAudit(*pool_, request->filter(), request->page_size(), request->page_token()));
    for (auto& record : page.records) *response->add_records() = std::move(record);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

SchedulerEventSink::SchedulerEventSink(const Authorizer* authorizer, DeadlineKeeper* keeper,
                                       db::ConnectionPool* pool, const Clock* clock)
    : authorizer_(authorizer), keeper_(keeper), pool_(pool), clock_(clock) {}

grpc::Status SchedulerEventSink::Deliver(grpc::ServerContext* context,
                                         const events::v1::DeliverRequest* request,
                                         events::v1::DeliverResponse* response) {
  return authorizer_->Run(
      *context, "/duban.events.v1.EventSinkService/Deliver", [&](const Caller&) -> absl::Status {
        absl::StatusOr<int> applied =
            db::ApplyEvents(*pool_, *clock_, request->events(),
                            [&](sql::Connection& conn, const events::v1::Event& event) {
                              return keeper_->ApplyEvent(conn, event);
                            });
        if (!applied.ok()) return applied.status();
        response->set_applied_count(*applied);
        return absl::OkStatus();
      });
}

}  // namespace duban::scheduler

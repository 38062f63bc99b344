#include "services/supervision/supervision_service.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/db/audit.h"
#include "common/db/outbox.h"
#include "common/status.h"

namespace duban::supervision {
namespace {

constexpr char kWatchMethod[] = "/duban.supervision.v1.SupervisionService/Watch";

// True when both callers may see the same units.
bool SameSight(const Caller& a, const Caller& b) {
  std::vector<std::string> a_units = a.LiaisonUnits();
  std::vector<std::string> b_units = b.LiaisonUnits();
  std::sort(a_units.begin(), a_units.end());
  std::sort(b_units.begin(), b_units.end());
  return a.ReadsEverything() == b.ReadsEverything() && a_units == b_units;
}

}  // namespace

SupervisionServiceImpl::SupervisionServiceImpl(const Authorizer* authorizer,
                                               SupervisionWorkflow* workflow,
                                               db::ConnectionPool* pool,
                                               absl::Duration watch_rights_check)
    : authorizer_(authorizer),
      workflow_(workflow),
      pool_(pool),
      watch_rights_check_(watch_rights_check) {}

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
  return Handle(context, "SplitReferredItem", [&](const Caller& caller) {
    return workflow_->SplitReferredItem(caller, *request, response);
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
  ++open_watches_;
  bool cancelled_writing = false;
  const grpc::Status status = Handle(context, "Watch", [&](const Caller& caller) {
    auto send = [&, writer, context](const v1::WatchEvent& event) {
      if (!writers_.Begin(context)) return false;
      v1::WatchResponse response;
      *response.mutable_event() = event;
      const bool written = writer->Write(response);
      cancelled_writing = !writers_.End(context);
      return written && !cancelled_writing;
    };
    // Rights follow the registry: a stream whose caller lost (or changed)
    // what they may see ends, and reconnecting is judged afresh.
    absl::Time next_check = SystemClock::Get()->Now() + watch_rights_check_;
    auto cancelled = [&, context, this] {
      if (context->IsCancelled()) return true;
      const absl::Time now = SystemClock::Get()->Now();
      if (now < next_check) return false;
      next_check = now + watch_rights_check_;
      absl::StatusOr<Caller> current = authorizer_->Authorize(*context, kWatchMethod);
      // The registry out of reach says nothing about rights: try again later.
      if (absl::IsUnavailable(current.status())) return false;
      return !current.ok() || !SameSight(*current, caller);
    };
    return workflow_->Watch(caller, *request, send, cancelled);
  });
  --open_watches_;
  if (cancelled_writing) {
    return grpc::Status(grpc::StatusCode::CANCELLED,
                        "supervision is shutting down; resume with the last resume_token");
  }
  return status;
}

SupervisionServiceImpl::WatchesEnded SupervisionServiceImpl::EndWatches() {
  WatchesEnded ended;
  ended.open = open_watches_.load();
  workflow_->watch_hub().Shutdown();
  ended.cancelled_writing = writers_.Stop();
  return ended;
}

grpc::Status SupervisionServiceImpl::ListAuditRecords(grpc::ServerContext* context,
                                                      const v1::ListAuditRecordsRequest* request,
                                                      v1::ListAuditRecordsResponse* response) {
  return Handle(context, "ListAuditRecords",
                [&](const Caller&) { return db::ListAuditInto(*pool_, *request, response); });
}

}  // namespace duban::supervision

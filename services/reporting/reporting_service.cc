#include "services/reporting/reporting_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/status.h"

namespace duban::reporting {

namespace {

// The caller's bearer token, passed on where the callee checks the person.
std::string CallerToken(const grpc::ServerContext& context) {
  constexpr absl::string_view kBearer = "Bearer ";
  const auto& metadata = context.client_metadata();
  const auto found = metadata.find("authorization");
  if (found == metadata.end()) return "";
  const absl::string_view value(found->second.data(), found->second.size());
  if (!absl::StartsWith(value, kBearer)) return "";
  return std::string(value.substr(kBearer.size()));
}

}  // namespace

ReportingServiceImpl::ReportingServiceImpl(const Authorizer* authorizer,
                                           ReportingWorkflow* workflow, db::ConnectionPool* pool)
    : authorizer_(authorizer), workflow_(workflow), pool_(pool) {}

grpc::Status ReportingServiceImpl::Handle(grpc::ServerContext* context, absl::string_view method,
                                          const std::function<absl::Status(const Caller&)>& work) {
  return authorizer_->Run(*context, absl::StrCat("/duban.reporting.v1.ReportingService/", method),
                          work);
}

grpc::Status ReportingServiceImpl::ListPeriods(grpc::ServerContext* context,
                                               const v1::ListPeriodsRequest* request,
                                               v1::ListPeriodsResponse* response) {
  return Handle(context, "ListPeriods",
                [&](const Caller&) { return workflow_->ListPeriods(*request, response); });
}

grpc::Status ReportingServiceImpl::PrefillReport(grpc::ServerContext* context,
                                                 const v1::PrefillReportRequest* request,
                                                 v1::PrefillReportResponse* response) {
  return Handle(context, "PrefillReport", [&](const Caller& caller) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_report(), workflow_->PrefillReport(caller, *request));
    return absl::OkStatus();
  });
}

grpc::Status ReportingServiceImpl::SubmitReport(grpc::ServerContext* context,
                                                const v1::SubmitReportRequest* request,
                                                v1::SubmitReportResponse* response) {
  return Handle(context, "SubmitReport", [&](const Caller& caller) -> absl::Status {
    return workflow_->SubmitReport(caller, *request, response);
  });
}

grpc::Status ReportingServiceImpl::GetReport(grpc::ServerContext* context,
                                             const v1::GetReportRequest* request,
                                             v1::GetReportResponse* response) {
  return Handle(context, "GetReport", [&](const Caller& caller) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_report(), workflow_->GetReport(caller, *request));
    return absl::OkStatus();
  });
}

grpc::Status ReportingServiceImpl::ListReports(grpc::ServerContext* context,
                                               const v1::ListReportsRequest* request,
                                               v1::ListReportsResponse* response) {
  return Handle(context, "ListReports", [&](const Caller& caller) -> absl::Status {
    return workflow_->ListReports(caller, *request, response);
  });
}

grpc::Status ReportingServiceImpl::PrefillDigest(grpc::ServerContext* context,
                                                 const v1::PrefillDigestRequest* request,
                                                 v1::PrefillDigestResponse* response) {
  return Handle(context, "PrefillDigest", [&](const Caller& caller) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_digest(), workflow_->PrefillDigest(caller, *request));
    return absl::OkStatus();
  });
}

grpc::Status ReportingServiceImpl::SubmitDigest(grpc::ServerContext* context,
                                                const v1::SubmitDigestRequest* request,
                                                v1::SubmitDigestResponse* response) {
  return Handle(context, "SubmitDigest", [&](const Caller& caller) -> absl::Status {
    return workflow_->SubmitDigest(caller, *request, response);
  });
}

grpc::Status ReportingServiceImpl::DraftCircular(grpc::ServerContext* context,
                                                 const v1::DraftCircularRequest* request,
                                                 v1::DraftCircularResponse* response) {
  return Handle(context, "DraftCircular", [&](const Caller& caller) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_circular(),
                           workflow_->DraftCircular(caller, request->month()));
    return absl::OkStatus();
  });
}

grpc::Status ReportingServiceImpl::IssueCircular(grpc::ServerContext* context,
                                                 const v1::IssueCircularRequest* request,
                                                 v1::IssueCircularResponse* response) {
  return Handle(context, "IssueCircular", [&](const Caller& caller) {
    return workflow_->IssueCircular(caller, *request, response, CallerToken(*context));
  });
}

grpc::Status ReportingServiceImpl::GetCircular(grpc::ServerContext* context,
                                               const v1::GetCircularRequest* request,
                                               v1::GetCircularResponse* response) {
  return Handle(context, "GetCircular", [&](const Caller& caller) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_circular(),
                           workflow_->GetCircular(caller, request->month()));
    return absl::OkStatus();
  });
}

grpc::Status ReportingServiceImpl::DraftAnalysis(grpc::ServerContext* context,
                                                 const v1::DraftAnalysisRequest* request,
                                                 v1::DraftAnalysisResponse* response) {
  return Handle(context, "DraftAnalysis", [&](const Caller& caller) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response->mutable_analysis(),
                           workflow_->DraftAnalysis(caller, request->month()));
    return absl::OkStatus();
  });
}

grpc::Status ReportingServiceImpl::IssueAnalysis(grpc::ServerContext* context,
                                                 const v1::IssueAnalysisRequest* request,
                                                 v1::IssueAnalysisResponse* response) {
  return Handle(context, "IssueAnalysis", [&](const Caller& caller) -> absl::Status {
    return workflow_->IssueAnalysis(caller, *request, response);
  });
}

grpc::Status ReportingServiceImpl::GetScores(grpc::ServerContext* context,
                                             const v1::GetScoresRequest* request,
                                             v1::GetScoresResponse* response) {
  return Handle(context, "GetScores", [&](const Caller& caller) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::UnitScore> scores,
                           workflow_->GetScores(caller, *request));
    for (v1::UnitScore& score : scores) *response->add_scores() = std::move(score);
    return absl::OkStatus();
  });
}

grpc::Status ReportingServiceImpl::Export(grpc::ServerContext* context,
                                          const v1::ExportRequest* request,
                                          v1::ExportResponse* response) {
  return Handle(context, "Export", [&](const Caller& caller) {
    return workflow_->Export(caller, *request, response);
  });
}

grpc::Status ReportingServiceImpl::ListAuditRecords(grpc::ServerContext* context,
                                                    const v1::ListAuditRecordsRequest* request,
                                                    v1::ListAuditRecordsResponse* response) {
  return Handle(context, "ListAuditRecords",
                [&](const Caller&) { return db::ListAuditInto(*pool_, *request, response); });
}

}  // namespace duban::reporting

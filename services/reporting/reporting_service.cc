#include "services/reporting/reporting_service.h"

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/status.h"

namespace duban::reporting {

ReportingServiceImpl::ReportingServiceImpl(const Authorizer* authorizer,
                                           ReportingWorkflow* workflow, db::ConnectionPool* pool)
    : authorizer_(authorizer), workflow_(workflow), pool_(pool) {}

grpc::Status ReportingServiceImpl::Handle(grpc::ServerContext* context, absl::string_view method,
                                          const std::function<absl::Status(const Caller&)>& work) {
  return authorizer_->Run(*context, absl::StrCat("/duban.reporting.v1.ReportingService/", method),
                          work);
}

grpc::Status ReportingServiceImpl::NotYet(grpc::ServerContext* context, absl::string_view method) {
  return Handle(context, method, [&](const Caller&) {
    return absl::UnimplementedError(absl::StrCat(method, ": not yet available (TODO(#5))"));
  });
}

grpc::Status ReportingServiceImpl::ListPeriods(grpc::ServerContext* context,
                                               const v1::ListPeriodsRequest* request,
                                               v1::ListPeriodsResponse* response) {
  return Handle(context, "ListPeriods",
                [&](const Caller&) { return workflow_->ListPeriods(*request, response); });
}

grpc::Status ReportingServiceImpl::PrefillReport(grpc::ServerContext* context,
                                                 const v1::PrefillReportRequest*,
                                                 v1::PrefillReportResponse*) {
  return NotYet(context, "PrefillReport");
}

grpc::Status ReportingServiceImpl::SubmitReport(grpc::ServerContext* context,
                                                const v1::SubmitReportRequest*,
                                                v1::SubmitReportResponse*) {
  return NotYet(context, "SubmitReport");
}

grpc::Status ReportingServiceImpl::GetReport(grpc::ServerContext* context,
                                             const v1::GetReportRequest*, v1::GetReportResponse*) {
  return NotYet(context, "GetReport");
}

grpc::Status ReportingServiceImpl::ListReports(grpc::ServerContext* context,
                                               const v1::ListReportsRequest*,
                                               v1::ListReportsResponse*) {
  return NotYet(context, "ListReports");
}

grpc::Status ReportingServiceImpl::PrefillDigest(grpc::ServerContext* context,
                                                 const v1::PrefillDigestRequest*,
                                                 v1::PrefillDigestResponse*) {
  return NotYet(context, "PrefillDigest");
}

grpc::Status ReportingServiceImpl::SubmitDigest(grpc::ServerContext* context,
                                                const v1::SubmitDigestRequest*,
                                                v1::SubmitDigestResponse*) {
  return NotYet(context, "SubmitDigest");
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
    return workflow_->IssueCircular(caller, *request, response);
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
                                                 const v1::DraftAnalysisRequest*,
                                                 v1::DraftAnalysisResponse*) {
  return NotYet(context, "DraftAnalysis");
}

grpc::Status ReportingServiceImpl::IssueAnalysis(grpc::ServerContext* context,
                                                 const v1::IssueAnalysisRequest*,
                                                 v1::IssueAnalysisResponse*) {
  return NotYet(context, "IssueAnalysis");
}

grpc::Status ReportingServiceImpl::GetScores(grpc::ServerContext* context,
                                             const v1::GetScoresRequest*, v1::GetScoresResponse*) {
  return NotYet(context, "GetScores");
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

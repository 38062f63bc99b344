// The gRPC face of the reporting service: authorizes each call, converts
// messages and statuses, and hands the work to ReportingWorkflow.
#ifndef DUBAN_SERVICES_REPORTING_REPORTING_SERVICE_H_
#define DUBAN_SERVICES_REPORTING_REPORTING_SERVICE_H_

#include <functional>

#include "common/auth.h"
#include "common/db/pool.h"
#include "duban/reporting/v1/reporting.grpc.pb.h"
#include "services/reporting/reporting_workflow.h"

namespace duban::reporting {

// Thread-safe; borrows its arguments, which must outlive it.
class ReportingServiceImpl final : public v1::ReportingService::Service {
 public:
  ReportingServiceImpl(const Authorizer* authorizer, ReportingWorkflow* workflow,
                       db::ConnectionPool* pool);

  grpc::Status ListPeriods(grpc::ServerContext* context, const v1::ListPeriodsRequest* request,
                           v1::ListPeriodsResponse* response) override;
  grpc::Status PrefillReport(grpc::ServerContext* context, const v1::PrefillReportRequest* request,
                             v1::PrefillReportResponse* response) override;
  grpc::Status SubmitReport(grpc::ServerContext* context, const v1::SubmitReportRequest* request,
                            v1::SubmitReportResponse* response) override;
  grpc::Status GetReport(grpc::ServerContext* context, const v1::GetReportRequest* request,
                         v1::GetReportResponse* response) override;
  grpc::Status ListReports(grpc::ServerContext* context, const v1::ListReportsRequest* request,
                           v1::ListReportsResponse* response) override;
  grpc::Status PrefillDigest(grpc::ServerContext* context, const v1::PrefillDigestRequest* request,
                             v1::PrefillDigestResponse* response) override;
  grpc::Status SubmitDigest(grpc::ServerContext* context, const v1::SubmitDigestRequest* request,
                            v1::SubmitDigestResponse* response) override;
  grpc::Status DraftCircular(grpc::ServerContext* context, const v1::DraftCircularRequest* request,
                             v1::DraftCircularResponse* response) override;
  grpc::Status IssueCircular(grpc::ServerContext* context, const v1::IssueCircularRequest* request,
                             v1::IssueCircularResponse* response) override;
  grpc::Status GetCircular(grpc::ServerContext* context, const v1::GetCircularRequest* request,
                           v1::GetCircularResponse* response) override;
  grpc::Status DraftAnalysis(grpc::ServerContext* context, const v1::DraftAnalysisRequest* request,
                             v1::DraftAnalysisResponse* response) override;
  grpc::Status IssueAnalysis(grpc::ServerContext* context, const v1::IssueAnalysisRequest* request,
                             v1::IssueAnalysisResponse* response) override;
  grpc::Status GetScores(grpc::ServerContext* context, const v1::GetScoresRequest* request,
                         v1::GetScoresResponse* response) override;
  grpc::Status Export(grpc::ServerContext* context, const v1::ExportRequest* request,
                      v1::ExportResponse* response) override;
  grpc::Status ListAuditRecords(grpc::ServerContext* context,
                                const v1::ListAuditRecordsRequest* request,
                                v1::ListAuditRecordsResponse* response) override;

 private:
  grpc::Status Handle(grpc::ServerContext* context, absl::string_view method,
                      const std::function<absl::Status(const Caller&)>& work);

  const Authorizer* authorizer_;
  ReportingWorkflow* workflow_;
  db::ConnectionPool* pool_;
};

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_REPORTING_SERVICE_H_

// The reporting service's domain: periods, reports (forms 3 and 4), the office
// digest, the month's circular, the monthly analysis and scoring, and exports.
// Knows nothing of gRPC.
#ifndef DUBAN_SERVICES_REPORTING_REPORTING_WORKFLOW_H_
#define DUBAN_SERVICES_REPORTING_REPORTING_WORKFLOW_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "services/reporting/analysis.h"
#include "services/reporting/export/export_names.h"
#include "services/reporting/period_source.h"
#include "services/reporting/report_rules.h"
#include "services/reporting/reporting_sources.h"

namespace duban::reporting {

// Thread-safe; borrows everything it is given, which must outlive it.
// Errors: INVALID_ARGUMENT "<field>: ..." for bad input, PERMISSION_DENIED
// when a unit liaison asks about another unit, NOT_FOUND naming what is not
// there, FAILED_PRECONDITION for a second submission or issue; the other
// services' errors come back prefixed with their name.
class ReportingWorkflow {
 public:
  ReportingWorkflow(db::ConnectionPool* pool, const Clock* clock, absl::TimeZone zone,
                    ReportingSources* sources, PeriodSource* periods);

  absl::Status ListPeriods(const v1::ListPeriodsRequest& request,
                           v1::ListPeriodsResponse* response);

  // The unit's report for the period: the submitted one, else a draft from
  // the items it led open in the period, with its liaison's name and phone.
  absl::StatusOr<v1::Report> PrefillReport(const Caller& caller,
                                           const v1::PrefillReportRequest& request);
  // Checks the report against the owed items (CheckReport), stores it marked
  // late when submitted at or after the cut-off, audits it and tells the
  // scheduler its REPORT deadline is met. Once per unit and period
  // (FAILED_PRECONDITION after); idempotent by request id. Only the unit's
  // liaison submits.
  absl::Status SubmitReport(const Caller& caller, const v1::SubmitReportRequest& request,
                            v1::SubmitReportResponse* response);
  // NOT_FOUND "report <unit>@<period> not submitted".
  absl::StatusOr<v1::Report> GetReport(const Caller& caller, const v1::GetReportRequest& request);
  // Submitted reports; with period_id, the units owing one that is missing
  // (once the digest cut-off has passed). A unit liaison sees only theirs.
  absl::Status ListReports(const Caller& caller, const v1::ListReportsRequest& request,
                           v1::ListReportsResponse* response);

  // The period's digest: the submitted one, else a draft (PrefillDigestFrom).
  absl::StatusOr<v1::Digest> PrefillDigest(const Caller& caller,
                                           const v1::PrefillDigestRequest& request);
  // Stores the office liaison's digest once per period (late when at or after
  // the digest cut-off), audits it and tells the scheduler its DIGEST
  // deadline is met. Idempotent by request id.
  absl::Status SubmitDigest(const Caller& caller, const v1::SubmitDigestRequest& request,
                            v1::SubmitDigestResponse* response);

  // The month's circular: the issued one, or else a draft from reporting's
  // reports, tasks' overdue items and supervision's cases. A unit liaison
  // sees only their units' entries.
  absl::StatusOr<v1::Circular> DraftCircular(const Caller& caller, const std::string& month);
  // Issues the month's circular once: stores it, records the circular rung on
  // each named case at supervision (with `caller_token`, the caller's bearer
  // token, so that supervision sees the group member; empty: as the service),
  // and audits. FAILED_PRECONDITION "circular <month> already issued" for a
  // second issue.
  absl::Status IssueCircular(const Caller& caller, const v1::IssueCircularRequest& request,
                             v1::IssueCircularResponse* response,
                             const std::string& caller_token = "");
  // NOT_FOUND "circular <month> not issued".
  absl::StatusOr<v1::Circular> GetCircular(const Caller& caller, const std::string& month);

  // The month's analysis: the issued one, else computed now (ComputeAnalysis).
  absl::StatusOr<v1::Analysis> DraftAnalysis(const Caller& caller, const std::string& month);
  // Issues it once (FAILED_PRECONDITION "analysis <month> already issued").
  absl::Status IssueAnalysis(const Caller& caller, const v1::IssueAnalysisRequest& request,
                             v1::IssueAnalysisResponse* response);
  // The month's scores (of the issued analysis, else computed now).
  absl::StatusOr<std::vector<v1::UnitScore>> GetScores(const Caller& caller,
                                                       const v1::GetScoresRequest& request);

  // The bytes of an export: forms 3 and 4 (XLSX) of a unit's submitted
  // report, the circular (XLSX, CSV), the analysis (XLSX, JSON), each as the
  // caller may read it, with its content type and the file name to save it
  // under (exports::ExportTargetFor, the unit named as the registry names
  // it). INVALID_ARGUMENT naming the field for a kind or
  // format not offered or a missing id (exports::CheckExportRequest).
  absl::Status Export(const Caller& caller, const v1::ExportRequest& request,
                      v1::ExportResponse* response);

 private:
  absl::StatusOr<v1::Circular> Draft(const std::string& month);
  absl::StatusOr<std::optional<v1::Circular>> Stored(const std::string& month);
  absl::StatusOr<v1::Analysis> ComputeFor(const std::string& month);
  absl::StatusOr<PeriodReports> ReportsOf(const v1::Period& period);
  absl::StatusOr<std::map<std::string, v1::Report>> SubmittedReports(const std::string& period_id);
  absl::StatusOr<DispatchDates> DispatchDatesOf(const std::vector<tasks::v1::Item>& owed);
  absl::StatusOr<std::vector<tasks::v1::Item>> ItemsOpenDuring(absl::Time after, absl::Time until);
  absl::StatusOr<exports::ExportNames> NamesFor(const std::vector<std::string>& unit_ids);
  absl::StatusOr<std::map<std::string, std::string>> UnitNames(
      const std::vector<std::string>& unit_ids);

  db::ConnectionPool* pool_;
  const Clock* clock_;
  const absl::TimeZone zone_;
  ReportingSources* sources_;
  PeriodSource* periods_;
};

// The circular as `caller` may see it: whole for those who read everything,
// else only the entries of the caller's units.
v1::Circular VisiblePart(const Caller& caller, v1::Circular circular);

// "circular-<yyyy-mm>".
std::string CircularId(const std::string& month);

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_REPORTING_WORKFLOW_H_

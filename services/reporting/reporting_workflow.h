// The reporting service's domain, as far as it goes now: periods and the
// month's circular (draft, issue, read, export). Reports, the digest, the
// analysis and scoring come with TODO(#5). Knows nothing of gRPC.
#ifndef DUBAN_SERVICES_REPORTING_REPORTING_WORKFLOW_H_
#define DUBAN_SERVICES_REPORTING_REPORTING_WORKFLOW_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "services/reporting/circular_sources.h"

namespace duban::reporting {

// Thread-safe; borrows everything it is given, which must outlive it.
class ReportingWorkflow {
 public:
  ReportingWorkflow(db::ConnectionPool* pool, const Clock* clock, absl::TimeZone zone,
                    CircularSources* sources);

  absl::Status ListPeriods(const v1::ListPeriodsRequest& request,
                           v1::ListPeriodsResponse* response);

  // The month's circular: the issued one, or else a draft from supervision's
  // cases and tasks' items. A unit liaison sees only their units' entries.
  absl::StatusOr<v1::Circular> DraftCircular(const Caller& caller, const std::string& month);
  // Issues the month's circular once: stores it, records the circular rung on
  // each named case at supervision, and audits. FAILED_PRECONDITION
  // "circular <month> already issued" for a second issue.
  absl::Status IssueCircular(const Caller& caller, const v1::IssueCircularRequest& request,
                             v1::IssueCircularResponse* response);
  // NOT_FOUND "circular <month> not issued".
  absl::StatusOr<v1::Circular> GetCircular(const Caller& caller, const std::string& month);
  // EXPORT_KIND_CIRCULAR as EXPORT_FORMAT_CSV (of the issued circular, else
  // the draft); UNIMPLEMENTED for the others (TODO(#5)).
  absl::Status Export(const Caller& caller, const v1::ExportRequest& request,
                      v1::ExportResponse* response);

 private:
  absl::StatusOr<v1::Circular> Draft(const std::string& month);
  absl::StatusOr<std::optional<v1::Circular>> Stored(const std::string& month);

  db::ConnectionPool* pool_;
  const Clock* clock_;
  const absl::TimeZone zone_;
  CircularSources* sources_;
};

// The circular as `caller` may see it: whole for those who read everything,
// else only the entries of the caller's units.
v1::Circular VisiblePart(const Caller& caller, v1::Circular circular);

// "circular-<yyyy-mm>".
std::string CircularId(const std::string& month);

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_REPORTING_WORKFLOW_H_

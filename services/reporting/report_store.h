// Reporting's tables: submitted reports, digests and issued analyses, each
// kept whole as its contract message. Functions run on the caller's
// connection (inside the caller's transaction when there is one).
#ifndef DUBAN_SERVICES_REPORTING_REPORT_STORE_H_
#define DUBAN_SERVICES_REPORTING_REPORT_STORE_H_

#include <cppconn/connection.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/paging.h"
#include "duban/reporting/v1/reporting.pb.h"

namespace duban::reporting {

// DATA_LOSS when a stored body does not parse.
absl::StatusOr<std::optional<v1::Report>> LoadReport(sql::Connection& conn,
                                                     const std::string& unit_id,
                                                     const std::string& period_id, bool for_update);
// FAILED_PRECONDITION "report <unit>@<period> already submitted" when one is.
absl::Status InsertReport(sql::Connection& conn, const v1::Report& report);

struct ReportQuery {
  std::string period_id;              // empty: any
  std::vector<std::string> unit_ids;  // empty: any
  bool late_only = false;
};
// Ordered by period, then unit.
absl::StatusOr<std::vector<v1::Report>> QueryReports(sql::Connection& conn,
                                                     const ReportQuery& query,
                                                     const db::PageRequest& page);

absl::StatusOr<std::optional<v1::Digest>> LoadDigest(sql::Connection& conn,
                                                     const std::string& period_id, bool for_update);
// FAILED_PRECONDITION "digest <period> already submitted" when one is.
absl::Status InsertDigest(sql::Connection& conn, const v1::Digest& digest);

absl::StatusOr<std::optional<v1::Analysis>> LoadAnalysis(sql::Connection& conn,
                                                         const std::string& month, bool for_update);
absl::Status InsertAnalysis(sql::Connection& conn, const v1::Analysis& analysis);

// A new id: `prefix`, "-", 10 random hex digits.
std::string NewId(const std::string& prefix);

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_REPORT_STORE_H_

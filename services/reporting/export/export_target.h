// What an export is called and what it contains, for the API and for files.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_TARGET_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_TARGET_H_

#include <string>

#include "absl/status/statusor.h"
#include "duban/reporting/v1/reporting.pb.h"

namespace duban::reporting::exports {

inline constexpr char kXlsxContentType[] =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
inline constexpr char kCsvContentType[] = "text/csv; charset=utf-8";
inline constexpr char kJsonContentType[] = "application/json";

struct ExportTarget {
  std::string filename;
  std::string content_type;
};

// The file name and content type of an export:
//   FORM3 / FORM4 as XLSX      "form3-<unit_id>-<period_id>.xlsx" / "form4-..."
//   CIRCULAR as XLSX or CSV    "circular-<month>.xlsx" / ".csv"
//   ANALYSIS as XLSX or JSON   "analysis-<month>.xlsx" / ".json"
// INVALID_ARGUMENT naming the field when the kind is unset, the format is not offered for the
// kind, or the ids it needs (unit_id and period_id for the forms, month otherwise) are empty or
// hold characters other than letters, digits, '-', '_' and '@'. Pure.
absl::StatusOr<ExportTarget> ExportTargetFor(const v1::ExportRequest& request);

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_TARGET_H_

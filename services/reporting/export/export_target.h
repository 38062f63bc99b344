// What an export is called and what it contains, for the API and for files.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_TARGET_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_TARGET_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "services/reporting/export/export_names.h"

namespace duban::reporting::exports {

inline constexpr char kXlsxContentType[] =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
inline constexpr char kCsvContentType[] = "text/csv; charset=utf-8";
inline constexpr char kJsonContentType[] = "application/json";

// The longest unit name a file name carries, in bytes of UTF-8 (20 Chinese characters); a
// longer one is cut at a character boundary.
inline constexpr size_t kMaxFileUnitNameBytes = 60;

struct ExportTarget {
  std::string filename;
  std::string content_type;
};

// OK when the request names an export that is offered: INVALID_ARGUMENT naming the field when
// the kind is unset, the format is not offered for the kind, or the ids it needs (unit_id and
// period_id for the forms, month otherwise) are empty, longer than 64 characters (16 for
// period_id and month) or hold characters other than letters, digits, '-', '_' and '@'. Pure.
absl::Status CheckExportRequest(const v1::ExportRequest& request);

// The file name a clerk saves the export under, and its content type:
//   FORM3 / FORM4 as XLSX      "表3-<unit>-<period_id>.xlsx" / "表4-<unit>-<period_id>.xlsx"
//   CIRCULAR as XLSX or CSV    "调度工作通报-<month>.xlsx" / ".csv"
//   ANALYSIS as XLSX or JSON   "调度工作分析报告-<month>.xlsx" / ".json"
// <unit> is FileUnitName(unit_id, the unit's name in `names`). Errors as CheckExportRequest.
// Pure.
absl::StatusOr<ExportTarget> ExportTargetFor(const v1::ExportRequest& request,
                                             const ExportNames& names);

// A unit as a part of a file name. Its registry name as it is when that is safe in a file name
// on any common system: no control, format or line-separating characters, none of
// / \ : * ? " < > | ( ), no leading or trailing space or dot, at most kMaxFileUnitNameBytes.
// Otherwise the name made safe (each such character becomes '_', surrounding spaces and dots
// dropped, cut to kMaxFileUnitNameBytes) followed by the unit id in parentheses:
// "工信局_数字办(unit-3f9a)", or "(unit-3f9a)" for a unit with no name. Since registry names are
// unique and only the second form holds '(', two units never get the same part. `name` equal
// to `unit_id` counts as no name (the registry did not know the unit). Pure.
std::string FileUnitName(const std::string& unit_id, std::string_view name);

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_TARGET_H_

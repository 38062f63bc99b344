// One call per kind of export: the bytes, their content type and file name, as the API answers
// ReportingService.Export. The caller fetches the message and checks who may read it. The file
// name is ExportTargetFor's, the unit's name taken from `names`.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_RESPONSE_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_RESPONSE_H_

#include "absl/status/statusor.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "services/reporting/export/export_names.h"

namespace duban::reporting::exports {

// Form 3 or form 4 (request.kind) of `report` as XLSX. INVALID_ARGUMENT naming the field when
// the request is not for a form, names no offered format (CheckExportRequest), or its unit_id or
// period_id differs from the report's; INTERNAL when the workbook cannot be written.
absl::StatusOr<v1::ExportResponse> ExportReport(const v1::ExportRequest& request,
                                                const v1::Report& report, const ExportNames& names);

// The circular as XLSX or CSV. INVALID_ARGUMENT as above (month must be the circular's).
absl::StatusOr<v1::ExportResponse> ExportCircular(const v1::ExportRequest& request,
                                                  const v1::Circular& circular,
                                                  const ExportNames& names);

// The monthly analysis as XLSX or JSON. INVALID_ARGUMENT as above (month must be the
// analysis's), or from AnalysisJson.
absl::StatusOr<v1::ExportResponse> ExportAnalysis(const v1::ExportRequest& request,
                                                  const v1::Analysis& analysis,
                                                  const ExportNames& names);

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_RESPONSE_H_

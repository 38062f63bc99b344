#include "services/reporting/export/export_response.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/reporting/export/analysis_export.h"
#include "services/reporting/export/circular_export.h"
#include "services/reporting/export/export_target.h"
#include "services/reporting/export/form_export.h"

namespace duban::reporting::exports {
namespace {

absl::Status CheckKind(const v1::ExportRequest& request, bool fits) {
  if (fits) return absl::OkStatus();
  return InvalidField("kind", absl::StrCat(v1::ExportKind_Name(request.kind()),
                                           " does not fit the message to export"));
}

absl::Status CheckSame(const std::string& requested, const std::string& actual, const char* field) {
  if (requested == actual) return absl::OkStatus();
  return InvalidField(field, absl::StrCat("\"", requested, "\" asked, \"", actual, "\" given"));
}

// The response for `request` with `content`, once the content is made.
absl::StatusOr<v1::ExportResponse> Respond(const v1::ExportRequest& request,
                                           const ExportNames& names,
                                           absl::StatusOr<std::string> content) {
  DUBAN_ASSIGN_OR_RETURN(ExportTarget target, ExportTargetFor(request, names));
  if (!content.ok()) return content.status();
  v1::ExportResponse response;
  response.set_content(*std::move(content));
  response.set_content_type(target.content_type);
  response.set_filename(target.filename);
  return response;
}

}  // namespace

absl::StatusOr<v1::ExportResponse> ExportReport(const v1::ExportRequest& request,
                                                const v1::Report& report,
                                                const ExportNames& names) {
  const bool form3 = request.kind() == v1::EXPORT_KIND_FORM3;
  DUBAN_RETURN_IF_ERROR(CheckKind(request, form3 || request.kind() == v1::EXPORT_KIND_FORM4));
  DUBAN_RETURN_IF_ERROR(CheckExportRequest(request));
  DUBAN_RETURN_IF_ERROR(CheckSame(request.unit_id(), report.unit_id(), "unit_id"));
  DUBAN_RETURN_IF_ERROR(CheckSame(request.period_id(), report.period_id(), "period_id"));
  return Respond(request, names, form3 ? Form3Xlsx(report, names) : Form4Xlsx(report, names));
}

absl::StatusOr<v1::ExportResponse> ExportCircular(const v1::ExportRequest& request,
                                                  const v1::Circular& circular,
                                                  const ExportNames& names) {
  DUBAN_RETURN_IF_ERROR(CheckKind(request, request.kind() == v1::EXPORT_KIND_CIRCULAR));
  DUBAN_RETURN_IF_ERROR(CheckExportRequest(request));
  DUBAN_RETURN_IF_ERROR(CheckSame(request.month(), circular.month(), "month"));
  if (request.format() == v1::EXPORT_FORMAT_CSV) {
    return Respond(request, names, CircularCsv(circular, names.zone));
  }
  return Respond(request, names, CircularXlsx(circular, names.zone));
}

absl::StatusOr<v1::ExportResponse> ExportAnalysis(const v1::ExportRequest& request,
                                                  const v1::Analysis& analysis,
                                                  const ExportNames& names) {
  DUBAN_RETURN_IF_ERROR(CheckKind(request, request.kind() == v1::EXPORT_KIND_ANALYSIS));
  DUBAN_RETURN_IF_ERROR(CheckExportRequest(request));
  DUBAN_RETURN_IF_ERROR(CheckSame(request.month(), analysis.month(), "month"));
  if (request.format() == v1::EXPORT_FORMAT_JSON) {
    return Respond(request, names, AnalysisJson(analysis, names));
  }
  return Respond(request, names, AnalysisXlsx(analysis, names));
}

}  // namespace duban::reporting::exports

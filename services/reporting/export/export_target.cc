#include "services/reporting/export/export_target.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace duban::reporting::exports {
namespace {

absl::Status CheckFilePart(const std::string& value, const char* field) {
  if (value.empty()) return InvalidField(field, "required for this export");
  for (char c : value) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '@') {
      return InvalidField(field, absl::StrCat("\"", value, "\" cannot name a file"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Extension(v1::ExportKind kind, v1::ExportFormat format) {
  const bool offered = (format == v1::EXPORT_FORMAT_XLSX) ||
                       (format == v1::EXPORT_FORMAT_CSV && kind == v1::EXPORT_KIND_CIRCULAR) ||
                       (format == v1::EXPORT_FORMAT_JSON && kind == v1::EXPORT_KIND_ANALYSIS);
  if (!offered) {
    return InvalidField("format", absl::StrCat(v1::ExportFormat_Name(format),
                                               " is not offered for ", v1::ExportKind_Name(kind)));
  }
  switch (format) {
    case v1::EXPORT_FORMAT_CSV:
      return std::string("csv");
    case v1::EXPORT_FORMAT_JSON:
      return std::string("json");
    default:
      return std::string("xlsx");
  }
}

const char* ContentType(v1::ExportFormat format) {
  switch (format) {
    case v1::EXPORT_FORMAT_CSV:
      return kCsvContentType;
    case v1::EXPORT_FORMAT_JSON:
      return kJsonContentType;
    default:
      return kXlsxContentType;
  }
}

absl::StatusOr<std::string> Stem(const v1::ExportRequest& request) {
  switch (request.kind()) {
    case v1::EXPORT_KIND_FORM3:
    case v1::EXPORT_KIND_FORM4: {
      DUBAN_RETURN_IF_ERROR(CheckFilePart(request.unit_id(), "unit_id"));
      DUBAN_RETURN_IF_ERROR(CheckFilePart(request.period_id(), "period_id"));
      const char* form = request.kind() == v1::EXPORT_KIND_FORM3 ? "form3" : "form4";
      return absl::StrCat(form, "-", request.unit_id(), "-", request.period_id());
    }
    case v1::EXPORT_KIND_CIRCULAR:
    case v1::EXPORT_KIND_ANALYSIS: {
      DUBAN_RETURN_IF_ERROR(CheckFilePart(request.month(), "month"));
      const char* what = request.kind() == v1::EXPORT_KIND_CIRCULAR ? "circular" : "analysis";
      return absl::StrCat(what, "-", request.month());
    }
    default:
      return InvalidField("kind", "unset");
  }
}

}  // namespace

absl::StatusOr<ExportTarget> ExportTargetFor(const v1::ExportRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(std::string stem, Stem(request));
  DUBAN_ASSIGN_OR_RETURN(std::string extension, Extension(request.kind(), request.format()));
  return ExportTarget{.filename = absl::StrCat(stem, ".", extension),
                      .content_type = ContentType(request.format())};
}

}  // namespace duban::reporting::exports

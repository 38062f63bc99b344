#include "services/reporting/export/export_target.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace duban::reporting::exports {
namespace {

using ::testing::HasSubstr;

v1::ExportRequest Request(v1::ExportKind kind, v1::ExportFormat format) {
  v1::ExportRequest request;
  request.set_kind(kind);
  request.set_format(format);
  request.set_unit_id("u-zjj");
  request.set_period_id("2026-10-2");
  request.set_month("2026-10");
  return request;
}

void ExpectTarget(v1::ExportKind kind, v1::ExportFormat format, const std::string& filename,
                  const std::string& content_type) {
  const absl::StatusOr<ExportTarget> target = ExportTargetFor(Request(kind, format));
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->filename, filename);
  EXPECT_EQ(target->content_type, content_type);
}

constexpr char kXlsx[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

TEST(ExportTargetTest, NamesEveryOfferedExport) {
  ExpectTarget(v1::EXPORT_KIND_FORM3, v1::EXPORT_FORMAT_XLSX, "form3-u-zjj-2026-10-2.xlsx", kXlsx);
  ExpectTarget(v1::EXPORT_KIND_FORM4, v1::EXPORT_FORMAT_XLSX, "form4-u-zjj-2026-10-2.xlsx", kXlsx);
  ExpectTarget(v1::EXPORT_KIND_CIRCULAR, v1::EXPORT_FORMAT_XLSX, "circular-2026-10.xlsx", kXlsx);
  ExpectTarget(v1::EXPORT_KIND_CIRCULAR, v1::EXPORT_FORMAT_CSV, "circular-2026-10.csv",
               "text/csv; charset=utf-8");
  ExpectTarget(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_XLSX, "analysis-2026-10.xlsx", kXlsx);
  ExpectTarget(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_JSON, "analysis-2026-10.json",
               "application/json");
}

TEST(ExportTargetTest, RefusesFormatsNotOfferedForTheKind) {
  const auto form_csv = ExportTargetFor(Request(v1::EXPORT_KIND_FORM3, v1::EXPORT_FORMAT_CSV));
  EXPECT_EQ(form_csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(form_csv.status().message(),
            "format: EXPORT_FORMAT_CSV is not offered for EXPORT_KIND_FORM3");
  const auto circular_json =
      ExportTargetFor(Request(v1::EXPORT_KIND_CIRCULAR, v1::EXPORT_FORMAT_JSON));
  EXPECT_EQ(circular_json.status().code(), absl::StatusCode::kInvalidArgument);
  const auto unset =
      ExportTargetFor(Request(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_UNSPECIFIED));
  EXPECT_EQ(unset.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ExportTargetTest, RefusesMissingKindAndIdsThatCannotNameAFile) {
  EXPECT_EQ(ExportTargetFor(Request(v1::EXPORT_KIND_UNSPECIFIED, v1::EXPORT_FORMAT_XLSX))
                .status()
                .message(),
            "kind: unset");
  v1::ExportRequest no_unit = Request(v1::EXPORT_KIND_FORM4, v1::EXPORT_FORMAT_XLSX);
  no_unit.clear_unit_id();
  EXPECT_EQ(ExportTargetFor(no_unit).status().message(), "unit_id: required for this export");
  v1::ExportRequest escaping = Request(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_JSON);
  escaping.set_month("../2026-10");
  EXPECT_THAT(std::string(ExportTargetFor(escaping).status().message()),
              HasSubstr("month: \"../2026-10\" cannot name a file"));
}

}  // namespace
}  // namespace duban::reporting::exports

#include "services/reporting/export/export_target.h"

#include <set>
#include <string>

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

ExportNames Names() { return {.unit_names = {{"u-zjj", "住建局"}}}; }

void ExpectTarget(v1::ExportKind kind, v1::ExportFormat format, const std::string& filename,
                  const std::string& content_type) {
  const absl::StatusOr<ExportTarget> target = ExportTargetFor(Request(kind, format), Names());
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->filename, filename);
  EXPECT_EQ(target->content_type, content_type);
  EXPECT_TRUE(CheckExportRequest(Request(kind, format)).ok());
}

constexpr char kXlsx[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

TEST(ExportTargetTest, NamesEveryOfferedExportByTheUnitsNameTheFormAndThePeriod) {
  ExpectTarget(v1::EXPORT_KIND_FORM3, v1::EXPORT_FORMAT_XLSX, "表3-住建局-2026-10-2.xlsx", kXlsx);
  ExpectTarget(v1::EXPORT_KIND_FORM4, v1::EXPORT_FORMAT_XLSX, "表4-住建局-2026-10-2.xlsx", kXlsx);
  ExpectTarget(v1::EXPORT_KIND_CIRCULAR, v1::EXPORT_FORMAT_XLSX, "调度工作通报-2026-10.xlsx",
               kXlsx);
  ExpectTarget(v1::EXPORT_KIND_CIRCULAR, v1::EXPORT_FORMAT_CSV, "调度工作通报-2026-10.csv",
               "text/csv; charset=utf-8");
  ExpectTarget(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_XLSX, "调度工作分析报告-2026-10.xlsx",
               kXlsx);
  ExpectTarget(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_JSON, "调度工作分析报告-2026-10.json",
               "application/json");
}

TEST(ExportTargetTest, AUnitTheRegistryDoesNotNameIsNamedByItsIdInParentheses) {
  const v1::ExportRequest request = Request(v1::EXPORT_KIND_FORM3, v1::EXPORT_FORMAT_XLSX);
  EXPECT_EQ(ExportTargetFor(request, ExportNames())->filename, "表3-(u-zjj)-2026-10-2.xlsx");
  // UnitNames gives the id when the registry does not know the unit.
  ExportNames by_id = {.unit_names = {{"u-zjj", "u-zjj"}}};
  EXPECT_EQ(ExportTargetFor(request, by_id)->filename, "表3-(u-zjj)-2026-10-2.xlsx");
}

TEST(FileUnitNameTest, ASafeNameIsKeptAsItIs) {
  EXPECT_EQ(FileUnitName("u-1", "住建局"), "住建局");
  EXPECT_EQ(FileUnitName("u-1", "工信局（数字办）"), "工信局（数字办）");
  EXPECT_EQ(FileUnitName("u-1", "Bureau of Works 2"), "Bureau of Works 2");
}

TEST(FileUnitNameTest, UnsafeCharactersBecomeUnderscoresAndTheIdIsAdded) {
  EXPECT_EQ(FileUnitName("u-1", "政府办/效能办"), "政府办_效能办(u-1)");
  EXPECT_EQ(FileUnitName("u-1", "a\\b:c*d?e\"f<g>h|i"), "a_b_c_d_e_f_g_h_i(u-1)");
  EXPECT_EQ(FileUnitName("u-1", "政府办(效能办)"), "政府办_效能办_(u-1)");
  EXPECT_EQ(FileUnitName("u-1", "住建局\n\t\x7f"), "住建局___(u-1)");
  // A right-to-left override and a zero-width space would disguise the name.
  EXPECT_EQ(FileUnitName("u-1", "住建\u202E局\u200B"), "住建_局_(u-1)");
  // Bytes that are not UTF-8.
  EXPECT_EQ(FileUnitName("u-1", "住建\xff\xfe局"), "住建__局(u-1)");
  EXPECT_EQ(FileUnitName("u-1", "\xe4\xbd"), "__(u-1)");
}

TEST(FileUnitNameTest, NamesThatCouldHideOrEscapeAFileAreTrimmedAndMarked) {
  EXPECT_EQ(FileUnitName("u-1", ".."), "(u-1)");
  EXPECT_EQ(FileUnitName("u-1", ".住建局. "), "住建局(u-1)");
  EXPECT_EQ(FileUnitName("u-1", ""), "(u-1)");
  EXPECT_EQ(FileUnitName("u-1", "u-1"), "(u-1)");
}

TEST(FileUnitNameTest, ALongNameIsCutAtACharacterBoundaryAndMarked) {
  std::string twenty;
  for (int i = 0; i < 20; ++i) twenty += "局";
  EXPECT_EQ(FileUnitName("u-1", twenty), twenty);  // 60 bytes: the limit
  EXPECT_EQ(FileUnitName("u-1", twenty + "局"), twenty + "(u-1)");
  EXPECT_EQ(FileUnitName("u-1", "a" + twenty), "a" + twenty.substr(0, 57) + "(u-1)");
}

TEST(FileUnitNameTest, TwoUnitsNeverShareAFileName) {
  // Two registry names that read the same once made safe or cut, and a name that looks like
  // another's fallback, all stay apart.
  std::string long_name;
  for (int i = 0; i < 25; ++i) long_name += "局";
  const std::set<std::string> parts = {FileUnitName("u-1", "政府办/效能办"),
                                       FileUnitName("u-2", "政府办:效能办"),
                                       FileUnitName("u-3", "政府办_效能办"),
                                       FileUnitName("u-4", long_name + "甲"),
                                       FileUnitName("u-5", long_name + "乙"),
                                       FileUnitName("u-6", "政府办_效能办(u-1)"),
                                       FileUnitName("u-7", "u-8"),
                                       FileUnitName("u-8", "")};
  EXPECT_EQ(parts.size(), 8u);
}

TEST(ExportTargetTest, TheLongestFileNameFitsEveryCommonFileSystem) {
  v1::ExportRequest request = Request(v1::EXPORT_KIND_FORM4, v1::EXPORT_FORMAT_XLSX);
  request.set_unit_id(std::string(64, 'u'));
  request.set_period_id(std::string(16, '9'));
  std::string name;
  for (int i = 0; i < 30; ++i) name += "\xF0\x9F\x8F\x9B";  // a four-byte character
  const auto target = ExportTargetFor(request, {.unit_names = {{request.unit_id(), name}}});
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->filename.size(), 5u + 60 + 66 + 1 + 16 + 5);
  EXPECT_LE(target->filename.size(), 255u);
}

TEST(ExportTargetTest, RefusesFormatsNotOfferedForTheKind) {
  const auto form_csv = CheckExportRequest(Request(v1::EXPORT_KIND_FORM3, v1::EXPORT_FORMAT_CSV));
  EXPECT_EQ(form_csv.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(form_csv.message(), "format: EXPORT_FORMAT_CSV is not offered for EXPORT_KIND_FORM3");
  EXPECT_EQ(
      ExportTargetFor(Request(v1::EXPORT_KIND_FORM3, v1::EXPORT_FORMAT_CSV), Names()).status(),
      form_csv);
  const auto circular_json =
      CheckExportRequest(Request(v1::EXPORT_KIND_CIRCULAR, v1::EXPORT_FORMAT_JSON));
  EXPECT_EQ(circular_json.code(), absl::StatusCode::kInvalidArgument);
  const auto unset =
      CheckExportRequest(Request(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_UNSPECIFIED));
  EXPECT_EQ(unset.code(), absl::StatusCode::kInvalidArgument);
}

TEST(ExportTargetTest, RefusesMissingKindAndIdsThatCannotNameAFile) {
  EXPECT_EQ(
      CheckExportRequest(Request(v1::EXPORT_KIND_UNSPECIFIED, v1::EXPORT_FORMAT_XLSX)).message(),
      "kind: unset");
  v1::ExportRequest no_unit = Request(v1::EXPORT_KIND_FORM4, v1::EXPORT_FORMAT_XLSX);
  no_unit.clear_unit_id();
  EXPECT_EQ(CheckExportRequest(no_unit).message(), "unit_id: required for this export");
  v1::ExportRequest escaping = Request(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_JSON);
  escaping.set_month("../2026-10");
  EXPECT_THAT(std::string(CheckExportRequest(escaping).message()),
              HasSubstr("month: \"../2026-10\" cannot name a file"));
  v1::ExportRequest long_unit = Request(v1::EXPORT_KIND_FORM3, v1::EXPORT_FORMAT_XLSX);
  long_unit.set_unit_id(std::string(65, 'u'));
  EXPECT_EQ(CheckExportRequest(long_unit).message(), "unit_id: longer than 64 characters");
  v1::ExportRequest long_period = Request(v1::EXPORT_KIND_FORM3, v1::EXPORT_FORMAT_XLSX);
  long_period.set_period_id("2026-10-2-2026-10-2");
  EXPECT_EQ(CheckExportRequest(long_period).message(), "period_id: longer than 16 characters");
}

}  // namespace
}  // namespace duban::reporting::exports

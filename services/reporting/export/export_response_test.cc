#include "services/reporting/export/export_response.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/reporting/export/circular_export.h"
#include "services/reporting/export/testing/sample_messages.h"
#include "services/reporting/export/testing/xlsx_reader.h"

namespace duban::reporting::exports {
namespace {

using testing::SampleAnalysis;
using testing::SampleCircular;
using testing::SampleNames;
using testing::SampleReport;
using testing::SheetCells;

constexpr char kXlsx[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

v1::ExportRequest Request(v1::ExportKind kind, v1::ExportFormat format) {
  v1::ExportRequest request;
  request.set_kind(kind);
  request.set_format(format);
  request.set_unit_id("u-zjj");
  request.set_period_id("2026-10-2");
  request.set_month("2026-10");
  return request;
}

TEST(ExportResponseTest, Form4OfAReport) {
  const auto response = ExportReport(Request(v1::EXPORT_KIND_FORM4, v1::EXPORT_FORMAT_XLSX),
                                     SampleReport(), SampleNames());
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->filename(), "表4-住建局-2026-10-2.xlsx");
  EXPECT_EQ(response->content_type(), kXlsx);
  EXPECT_EQ(SheetCells(response->content(), 1).at("A1"), "“大调度、大督查”事项交办单");
}

TEST(ExportResponseTest, ReportOfAnotherUnitIsRefused) {
  v1::ExportRequest request = Request(v1::EXPORT_KIND_FORM3, v1::EXPORT_FORMAT_XLSX);
  request.set_unit_id("u-jyj");
  const auto response = ExportReport(request, SampleReport(), SampleNames());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(response.status().message(), "unit_id: \"u-jyj\" asked, \"u-zjj\" given");
}

TEST(ExportResponseTest, CircularAsCsvIsTheCircularCsv) {
  const auto response = ExportCircular(Request(v1::EXPORT_KIND_CIRCULAR, v1::EXPORT_FORMAT_CSV),
                                       SampleCircular(), SampleNames());
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->filename(), "调度工作通报-2026-10.csv");
  EXPECT_EQ(response->content_type(), "text/csv; charset=utf-8");
  EXPECT_EQ(response->content(), CircularCsv(SampleCircular(), SampleNames().zone));
}

TEST(ExportResponseTest, AnalysisAsXlsxAndJson) {
  const auto xlsx = ExportAnalysis(Request(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_XLSX),
                                   SampleAnalysis(), SampleNames());
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_EQ(xlsx->filename(), "调度工作分析报告-2026-10.xlsx");
  EXPECT_EQ(SheetCells(xlsx->content(), 4).at("B2"), "郑十");
  const auto json = ExportAnalysis(Request(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_JSON),
                                   SampleAnalysis(), SampleNames());
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->filename(), "调度工作分析报告-2026-10.json");
  EXPECT_EQ(json->content_type(), "application/json");
  EXPECT_EQ(json->content().substr(0, 17), "{\n  \"id\": \"an-1\",");
}

TEST(ExportResponseTest, KindAndFormatMustFit) {
  EXPECT_EQ(ExportAnalysis(Request(v1::EXPORT_KIND_CIRCULAR, v1::EXPORT_FORMAT_XLSX),
                           SampleAnalysis(), SampleNames())
                .status()
                .message(),
            "kind: EXPORT_KIND_CIRCULAR does not fit the message to export");
  EXPECT_EQ(ExportCircular(Request(v1::EXPORT_KIND_CIRCULAR, v1::EXPORT_FORMAT_JSON),
                           SampleCircular(), SampleNames())
                .status()
                .message(),
            "format: EXPORT_FORMAT_JSON is not offered for EXPORT_KIND_CIRCULAR");
  v1::ExportRequest other_month = Request(v1::EXPORT_KIND_ANALYSIS, v1::EXPORT_FORMAT_JSON);
  other_month.set_month("2026-09");
  EXPECT_EQ(ExportAnalysis(other_month, SampleAnalysis(), SampleNames()).status().message(),
            "month: \"2026-09\" asked, \"2026-10\" given");
}

}  // namespace
}  // namespace duban::reporting::exports

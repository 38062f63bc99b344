// The monthly analysis report as XLSX (with native charts) and as JSON.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_ANALYSIS_EXPORT_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_ANALYSIS_EXPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "services/reporting/export/export_names.h"

namespace duban::reporting::exports {

// The analysis as XLSX, one sheet each:
//   "汇总"         the month's totals, with a column chart of the item totals;
//   "按单位"       Analysis.units, one line per unit, with a column chart of the on-time rate
//                  by unit;
//   "按区领导"     Analysis.leaders, with a stacked column chart of items by status per leader;
//   "未调度区领导" the leaders without a dispatch event in the month;
//   "评分"         each unit's score, one line per deduction with the record it comes from.
// Names come from the message, else from `names`, else the id. INTERNAL when the workbook
// cannot be written. Thread safe.
absl::StatusOr<std::string> AnalysisXlsx(const v1::Analysis& analysis, const ExportNames& names);

// The analysis as JSON: UTF-8, keys always in the same order, two-space indents, names beside
// ids, detail_json (when set) under "detail" as it is. INVALID_ARGUMENT "detail_json: ..." when
// detail_json is set but not JSON. Thread safe.
absl::StatusOr<std::string> AnalysisJson(const v1::Analysis& analysis, const ExportNames& names);

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_ANALYSIS_EXPORT_H_

// The month's circular as CSV and as XLSX: one line per unit named and why.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_CIRCULAR_EXPORT_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_CIRCULAR_EXPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "duban/reporting/v1/reporting.pb.h"

namespace duban::reporting::exports {

inline constexpr const char* kCircularColumns[] = {"月份", "单位",     "类别",     "编号",
                                                   "内容", "完成时限", "原定时限", "月末逾期天数"};

// The circular's lines, without headings, in the entries' order; per unit: late reports
// ("迟报", period id), missing reports ("漏报", period id), overdue items ("逾期事项", item id,
// content, the deadline in force, the original deadline when an extension moved it, the days
// overdue at the month's end), supervision cases (the highest rung reached, "提醒", "催办" or
// "督办", case id, label). Each line has the eight columns above, "" where a column does not
// apply. Deadlines read as DeadlineText in `zone`.
std::vector<std::vector<std::string>> CircularLines(const v1::Circular& circular,
                                                    absl::TimeZone zone);

// The circular as CSV: byte order mark, the headings, then CircularLines. Pure.
std::string CircularCsv(const v1::Circular& circular, absl::TimeZone zone);

// The circular as XLSX: the title "调度工作通报（<yyyy>年<m>月）", the issue line, the headings
// after a "序号" column, the numbered lines (the days overdue as numbers), print setup as the
// forms. INTERNAL when the workbook cannot be written. Thread safe.
absl::StatusOr<std::string> CircularXlsx(const v1::Circular& circular, absl::TimeZone zone);

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_CIRCULAR_EXPORT_H_

// Forms 3 and 4 of a lead unit's report as XLSX, in the official layout, ready
// to print and stamp.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_FORM_EXPORT_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_FORM_EXPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "services/reporting/export/export_names.h"

namespace duban::reporting::exports {

// Column headings of form 3 (问题清单), in order; the three under "调度事项" are one group.
inline constexpr const char* kForm3Columns[] = {
    "序号",     "调度区领导", "纪要起草单位", "调度时间",   "纪要名称（编号）",  "事项", "责任单位",
    "完成时限", "牵头单位",   "已完成事项",   "未完成事项", "未完成事项计划时限"};
inline constexpr char kForm3Title[] = "重点工作定期调度问题清单";
// The rules printed under form 3.
inline constexpr char kForm3Notes[] =
    "填表说明：\n"
    "1. 调度事项包括区领导召开会议、实地调研、调度会议形成的纪要事项。\n"
    "2. 牵头单位负责起草纪要、组织会签，填写问题清单并跟踪落实；纪要议定事项须明确具体任务、"
    "责任单位和完成时限。\n"
    "3. 调度事项＝已完成事项＋未完成事项；未完成事项须写明计划完成时限；涉及多领域、多部门、"
    "协调难度大的事项，可提请督导考核组分解督办。\n"
    "4. 每月5日、20日18:00前将落实情况报送办公室调度联络员，迟报、漏报的予以通报。\n"
    "5. 联络员确定后，无特殊原因不得更换。";

// Column headings of form 4 (事项交办单), in order.
inline constexpr const char* kForm4Columns[] = {"序号",     "事项名称", "难点痛点堵点", "解决措施",
                                                "责任单位", "完成情况", "完成时限"};
inline constexpr char kForm4Title[] = "“大调度、大督查”事项交办单";
// The rules printed under form 4.
inline constexpr char kForm4Notes[] =
    "说明：\n"
    "1. 牵头单位负责起草交办单、组织会签并跟踪落实，明确责任分工、解决措施和完成时限；"
    "涉及多领域、多部门的事项可提请督导考核组分解督办。\n"
    "2. 每月5日、20日18:00前将交办单落实情况报送办公室调度联络员，迟报、漏报的予以通报。\n"
    "3. 联络员确定后，无特殊原因不得更换。";

// Form 3, the problem list: a title row, the unit and period line, the two header rows, then
// every row of every section, numbered from 1 one per row and grouped by source document (the
// document's leader, drafting unit, dispatch date, title and lead unit merged down its rows),
// then the liaison's name and phone. The lead unit drafts its documents, so the drafting unit
// is the report's unit. The rules of the form (kForm3Notes) follow the table. INTERNAL when the
// workbook cannot be written. Thread safe.
absl::StatusOr<std::string> Form3Xlsx(const v1::Report& report, const ExportNames& names);

// Form 4, the assignment sheet: the same title and unit lines, one header row, then for each
// assignment-sheet section a line naming the sheet, its leader and dispatch date, followed by
// its rows numbered from 1 across the form; then the form's rules (kForm4Notes) and the footer with
// the leader's signature, dispatch time, liaison and phone. Sections of minutes are left out.
// INTERNAL when the workbook cannot be written. Thread safe.
absl::StatusOr<std::string> Form4Xlsx(const v1::Report& report, const ExportNames& names);

// The unit and period line both forms print under the title.
std::string ReportUnitLine(const v1::Report& report, const ExportNames& names);

// Form 3's footer: "联络员：<name>　　联系电话：<phone>".
std::string Form3Footer(const v1::Report& report);

// Form 4's footer: the signature and dispatch time blanks (the dispatch date filled in when
// every assignment sheet of the report has the same one), then liaison and phone.
std::string Form4Footer(const v1::Report& report);

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_FORM_EXPORT_H_

// Sample contract messages for the export tests: October 2026 on the sample registry.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_TESTING_SAMPLE_MESSAGES_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_TESTING_SAMPLE_MESSAGES_H_

#include "duban/reporting/v1/reporting.pb.h"
#include "services/reporting/export/export_names.h"

namespace duban::reporting::exports::testing {

// Units u-zjj 住建局, u-nsj 农水局, u-yjj 应急局, u-jyj 教育局; leaders p-wang 王五,
// p-li 李四, p-zheng 郑十; zone Asia/Shanghai.
ExportNames SampleNames();

// 住建局's report for 2026-10-2, submitted 2026-10-20 18:00 local by liaison 赵六
// (13800000001): a minutes section of 王五 (2026-10-12, two rows: one completed, one
// uncompleted with a two-line reason and a planned date) and an assignment-sheet section of
// 李四 (2026-10-09, one uncompleted row with blockers and measures, two responsible units, an
// instant deadline).
v1::Report SampleReport();

// The circular of 2026-10: 住建局 late for 2026-10-2, 教育局 missing for 2026-10-2, 应急局 with two
// overdue items (m-4-2 due on 2026-10-23, 8 days overdue, its content holding a comma, quotes
// and a line break; m-4-3 extended from 2026-10-16 to 2026-10-28 18:00 local, 3 days overdue),
// 农水局 with the urging of its late draft.
v1::Circular SampleCircular();

// The analysis of 2026-10: per-unit lines (教育局's without its name), per-leader lines (李四's
// without the name), 郑十 without a dispatch event, scores with deductions, a short detail.
v1::Analysis SampleAnalysis();

}  // namespace duban::reporting::exports::testing

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_TESTING_SAMPLE_MESSAGES_H_

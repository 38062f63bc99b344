#include "services/reporting/export/testing/sample_messages.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/time_util.h"

namespace duban::reporting::exports::testing {
namespace {

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return zone;
}

google::protobuf::Timestamp Local(int y, int m, int d, int hh, int mm) {
  return ToProto(absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), Shanghai()));
}

common::v1::Date Day(int y, int m, int d) { return ToProto(absl::CivilDay(y, m, d)); }

void AddMinutesSection(v1::Report& report) {
  v1::ReportSection* section = report.add_sections();
  section->set_document_id("m-1");
  section->set_document_number("住建纪〔2026〕7号");
  section->set_document_title("城市更新工作调度会会议纪要");
  section->set_leader_id("p-wang");
  *section->mutable_dispatch_date() = Day(2026, 10, 12);

  v1::ReportRow* done = section->add_rows();
  done->set_item_id("m-1-1");
  done->set_content("完成老城区雨污管网排查");
  done->add_responsible_unit_ids("u-zjj");
  *done->mutable_deadline()->mutable_date() = Day(2026, 10, 18);
  done->set_completed(true);
  done->set_remarks("已排查管网12公里，形成问题台账");

  v1::ReportRow* open = section->add_rows();
  open->set_item_id("m-1-2");
  open->set_content("推进棚户区改造签约");
  open->add_responsible_unit_ids("u-zjj");
  *open->mutable_deadline()->mutable_date() = Day(2026, 10, 30);
  open->set_remarks("签约率85%\n剩余住户补偿标准待复核");
  *open->mutable_planned_completion_date() = Day(2026, 11, 15);
}

void AddAssignmentSheetSection(v1::Report& report) {
  v1::ReportSection* section = report.add_sections();
  section->set_document_id("s-1");
  section->set_document_number("交办〔2026〕3号");
  section->set_document_title("老旧小区改造事项交办单");
  section->set_leader_id("p-li");
  *section->mutable_dispatch_date() = Day(2026, 10, 9);
  section->set_assignment_sheet(true);

  v1::ReportRow* row = section->add_rows();
  row->set_item_id("s-1-1");
  row->set_content("加装电梯试点");
  row->add_responsible_unit_ids("u-zjj");
  row->add_responsible_unit_ids("u-yjj");
  *row->mutable_deadline()->mutable_instant() = Local(2026, 10, 31, 18, 0);
  row->set_remarks("两个小区已开工");
  *row->mutable_planned_completion_date() = Day(2026, 11, 30);
  row->set_blockers("低层住户意见不一");
  row->set_measures("街道逐户协商\n制定补偿办法");
}

v1::UnitScore Score(const std::string& unit_id, int score) {
  v1::UnitScore unit_score;
  unit_score.set_unit_id(unit_id);
  unit_score.set_month("2026-10");
  unit_score.set_score(score);
  return unit_score;
}

void AddDeduction(v1::UnitScore& score, int points, const std::string& reason,
                  const std::string& record) {
  v1::Deduction* deduction = score.add_deductions();
  deduction->set_points(points);
  deduction->set_reason(reason);
  deduction->set_record(record);
}

// `figures`: items issued, completed on time, completed late, open overdue, extensions,
// referrals, late reports, missing reports, urging notices.
void AddUnit(v1::Analysis& analysis, const std::string& unit_id, const std::string& unit_name,
             const std::vector<int>& figures, double on_time_rate) {
  v1::UnitAnalysis* unit = analysis.add_units();
  unit->set_unit_id(unit_id);
  unit->set_unit_name(unit_name);
  unit->set_items_issued(figures[0]);
  unit->set_items_completed_on_time(figures[1]);
  unit->set_items_completed_late(figures[2]);
  unit->set_items_open_overdue(figures[3]);
  unit->set_extensions_approved(figures[4]);
  unit->set_referrals(figures[5]);
  unit->set_late_reports(figures[6]);
  unit->set_missing_reports(figures[7]);
  unit->set_urging_notices(figures[8]);
  unit->set_on_time_rate(on_time_rate);
}

// `figures`: dispatch events, completed on time, completed late, open, overdue.
void AddLeader(v1::Analysis& analysis, const std::string& leader_id, const std::string& leader_name,
               const std::vector<int>& figures) {
  v1::LeaderAnalysis* leader = analysis.add_leaders();
  leader->set_leader_id(leader_id);
  leader->set_leader_name(leader_name);
  leader->set_dispatch_events(figures[0]);
  leader->set_items_completed_on_time(figures[1]);
  leader->set_items_completed_late(figures[2]);
  leader->set_items_open(figures[3]);
  leader->set_items_overdue(figures[4]);
}

// Adds an overdue item due on `due` to the entry; the item, to set more on.
v1::OverdueItem& AddOverdueItem(v1::CircularEntry& entry, const std::string& id,
                                const std::string& content, common::v1::Date due, int days) {
  entry.add_overdue_item_ids(id);
  entry.add_overdue_item_contents(content);
  v1::OverdueItem* item = entry.add_overdue_items();
  item->set_item_id(id);
  item->set_content(content);
  *item->mutable_deadline()->mutable_date() = due;
  item->set_days_overdue(days);
  return *item;
}

}  // namespace

ExportNames SampleNames() {
  return {.unit_names = {{"u-zjj", "住建局"},
                         {"u-nsj", "农水局"},
                         {"u-yjj", "应急局"},
                         {"u-jyj", "教育局"}},
          .leader_names = {{"p-wang", "王五"}, {"p-li", "李四"}, {"p-zheng", "郑十"}},
          .zone = Shanghai()};
}

v1::Report SampleReport() {
  v1::Report report;
  report.set_id("rp-1");
  report.set_unit_id("u-zjj");
  report.set_period_id("2026-10-2");
  report.set_state(v1::REPORT_STATE_SUBMITTED);
  *report.mutable_submitted_at() = Local(2026, 10, 20, 18, 0);
  report.set_liaison_name("赵六");
  report.set_liaison_phone("13800000001");
  AddMinutesSection(report);
  AddAssignmentSheetSection(report);
  return report;
}

v1::Circular SampleCircular() {
  v1::Circular circular;
  circular.set_id("ci-1");
  circular.set_month("2026-10");
  circular.set_state(v1::CIRCULAR_STATE_ISSUED);
  *circular.mutable_issued_at() = Local(2026, 11, 3, 10, 0);
  v1::CircularEntry* late = circular.add_entries();
  late->set_unit_id("u-zjj");
  late->set_unit_name("住建局");
  late->add_late_period_ids("2026-10-2");
  v1::CircularEntry* missing = circular.add_entries();
  missing->set_unit_id("u-jyj");
  missing->set_unit_name("教育局");
  missing->add_missing_period_ids("2026-10-2");
  v1::CircularEntry* overdue = circular.add_entries();
  overdue->set_unit_id("u-yjj");
  overdue->set_unit_name("应急局");
  AddOverdueItem(*overdue, "m-4-2", "排查隐患, \"北片区\"\n第二批", Day(2026, 10, 23), 8);
  v1::OverdueItem& extended =
      AddOverdueItem(*overdue, "m-4-3", "加固北岸堤防", Day(2026, 10, 16), 3);
  *extended.mutable_original_deadline() = extended.deadline();
  *extended.mutable_deadline()->mutable_instant() = Local(2026, 10, 28, 18, 0);
  v1::CircularEntry* urged = circular.add_entries();
  urged->set_unit_id("u-nsj");
  urged->set_unit_name("农水局");
  urged->add_case_ids("case-7");
  urged->add_case_labels("王五2026-10-12调度会纪要初稿逾期催办");
  urged->add_case_rungs(common::v1::RUNG_URGING);
  return circular;
}

v1::Analysis SampleAnalysis() {
  v1::Analysis analysis;
  analysis.set_id("an-1");
  analysis.set_month("2026-10");
  analysis.set_items_issued(12);
  analysis.set_items_completed_on_time(7);
  analysis.set_items_completed_late(1);
  analysis.set_items_open_overdue(1);
  analysis.set_extensions_approved(1);
  analysis.set_referrals(1);
  analysis.add_leaders_without_dispatch("p-zheng");
  analysis.set_issued(true);
  *analysis.mutable_issued_at() = Local(2026, 11, 4, 9, 30);
  analysis.add_leaders_without_dispatch_names("郑十");
  analysis.set_issued_by("p-sup");
  analysis.set_detail_json(R"({"items_issued": ["m-1-1", "m-1-2"]})");
  AddUnit(analysis, "u-zjj", "住建局", {4, 3, 1, 0, 0, 0, 1, 0, 0}, 75);
  AddUnit(analysis, "u-yjj", "应急局", {3, 1, 0, 1, 1, 1, 0, 0, 1}, 100);
  AddUnit(analysis, "u-jyj", "", {2, 0, 0, 0, 0, 0, 0, 1, 0}, 0);
  AddLeader(analysis, "p-wang", "王五", {2, 4, 1, 1, 0});
  AddLeader(analysis, "p-li", "", {1, 3, 0, 2, 1});
  v1::UnitScore zjj = Score("u-zjj", 95);
  AddDeduction(zjj, 5, "迟报：2026-10-2", "report:rp-1");
  *analysis.add_scores() = zjj;
  v1::UnitScore yjj = Score("u-yjj", 97);
  AddDeduction(yjj, 2, "月末逾期事项：m-4-2", "item:m-4-2");
  AddDeduction(yjj, 1, "催办", "notice:n-9");
  *analysis.add_scores() = yjj;
  *analysis.add_scores() = Score("u-nsj", 100);
  return analysis;
}

}  // namespace duban::reporting::exports::testing

// Reports over the six real services on the shared test clock, with the 2026
// calendar and the sample registry: the National Day holiday moves the first
// October cut-off, and a report missing an item or a planned date is refused
// naming the item.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/str_cat.h"
#include "cli/dubanctl/cycle.h"
#include "common/time_util.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

namespace duban::testing {
namespace {

namespace common = duban::common::v1;
namespace reporting = duban::reporting::v1;
namespace scheduler = duban::scheduler::v1;
namespace supervision = duban::supervision::v1;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::StatusOr<reporting::SubmitReportResponse> Submit(client::Session& s, const std::string& token,
                                                       const reporting::Report& report) {
  reporting::SubmitReportRequest request;
  request.set_request_id(client::NewRequestId());
  *request.mutable_report() = report;
  return Call(s.clients().reporting(), &reporting::ReportingService::Stub::SubmitReport, token,
              request);
}

TEST(ReportingE2eTest, HolidayMovesTheCutoffAndAnIncompleteReportIsRefusedNamingTheItem) {
  auto cluster = Cluster::Start({.name = "reporting", .base_port = 22300});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  client::Session& s = (*cluster)->session();
  ASSERT_EQ(ImportSampleWithCalendar(s), absl::OkStatus());
  const std::string admin = *s.AdminToken();

  // The period ending 2026-10-05: both cut-offs at 2026-10-08 18:00.
  reporting::ListPeriodsRequest periods;
  periods.set_month("2026-10");
  auto listed = Call(s.clients().reporting(), &reporting::ReportingService::Stub::ListPeriods,
                     admin, periods);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->periods_size(), 2);
  EXPECT_EQ(listed->periods(0).id(), "2026-10-1");
  EXPECT_EQ(FromProto(listed->periods(0).report_cutoff()), Local(s, 2026, 10, 8, 18));
  EXPECT_EQ(FromProto(listed->periods(0).digest_cutoff()), Local(s, 2026, 10, 8, 18));
  EXPECT_EQ(FromProto(listed->periods(1).report_cutoff()), Local(s, 2026, 10, 20, 18));

  const std::string zj = *s.UnitId("住建局");
  auto first = CreateItem(s, admin, zj, {zj}, "老旧小区改造", DateDeadline(2026, 12, 31));
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = CreateItem(s, admin, zj, {zj}, "背街小巷整治", DateDeadline(2026, 12, 31));
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE((*cluster)->AdvanceTo(Local(s, 2026, 10, 8, 10)).ok());

  const std::string liaison = *s.TokenAs("姜二");
  reporting::PrefillReportRequest prefill;
  prefill.set_unit_id(zj);
  prefill.set_period_id("2026-10-1");
  auto prefilled = Call(s.clients().reporting(), &reporting::ReportingService::Stub::PrefillReport,
                        liaison, prefill);
  ASSERT_TRUE(prefilled.ok()) << prefilled.status();
  reporting::Report report = prefilled->report();
  EXPECT_EQ(report.liaison_name(), "姜二");
  EXPECT_EQ(report.liaison_phone(), "0595-00000012");
  ASSERT_EQ(report.sections_size(), 1);
  ASSERT_EQ(report.sections(0).rows_size(), 2);
  const std::string last_id = report.sections(0).rows(1).item_id();
  for (auto& row : *report.mutable_sections(0)->mutable_rows()) {
    row.set_remarks("方案已报审");
    *row.mutable_planned_completion_date() = ToProto(absl::CivilDay(2026, 12, 20));
  }

  reporting::Report missing_item = report;
  missing_item.mutable_sections(0)->mutable_rows()->RemoveLast();
  auto refused = Submit(s, liaison, missing_item);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "report.sections: item " + last_id + " is missing");

  reporting::Report no_date = report;
  no_date.mutable_sections(0)->mutable_rows(1)->clear_planned_completion_date();
  refused = Submit(s, liaison, no_date);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(),
            "report.sections[0].rows[1].planned_completion_date: item " + last_id +
                " is uncompleted without a planned completion date");

  auto submitted = Submit(s, liaison, report);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_FALSE(submitted->report().late());

  // The scheduler hears that the report deadline is met; nobody is missing.
  auto settled = (*cluster)->AdvanceTo(Local(s, 2026, 10, 9, 9));
  ASSERT_TRUE(settled.ok()) << settled.status();
  scheduler::GetDeadlineRequest get;
  *get.mutable_subject() = SubjectOf(common::SUBJECT_KIND_REPORT, zj + "@2026-10-1");
  auto deadline =
      Call(s.clients().scheduler(), &scheduler::SchedulerService::Stub::GetDeadline, admin, get);
  ASSERT_TRUE(deadline.ok()) << deadline.status() << (*cluster)->LogTail("scheduler");
  EXPECT_EQ(deadline->deadline().state(), scheduler::DEADLINE_STATE_MET);
  EXPECT_EQ(FromProto(deadline->deadline().met_at()), Local(s, 2026, 10, 8, 10));
  reporting::ListReportsRequest list;
  list.set_period_id("2026-10-1");
  auto reports =
      Call(s.clients().reporting(), &reporting::ReportingService::Stub::ListReports, admin, list);
  ASSERT_TRUE(reports.ok()) << reports.status();
  ASSERT_EQ(reports->reports_size(), 1);
  EXPECT_EQ(reports->reports(0).unit_id(), zj);
  EXPECT_THAT(reports->missing_unit_ids(), IsEmpty());

  // Another unit's liaison reads nothing of it.
  const std::string other = *s.TokenAs("柏七");
  auto hidden =
      Call(s.clients().reporting(), &reporting::ReportingService::Stub::ListReports, other, list);
  ASSERT_TRUE(hidden.ok()) << hidden.status();
  EXPECT_EQ(hidden->reports_size(), 0);
}

TEST(ReportingE2eTest, EachDocumentOfAReportIsDatedByItsDispatchEvent) {
  auto cluster = Cluster::Start({.name = "reporting_dates", .base_port = 22360});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  client::Session& s = (*cluster)->session();
  ASSERT_EQ(ImportSampleWithCalendar(s), absl::OkStatus());
  // 李四's meeting of 2026-09-28: 发改局's minutes, issued the same day.
  std::ostringstream out;
  auto items = client::IssueSampleMinutes(s, out);
  ASSERT_TRUE(items.ok()) << items.status() << out.str();

  reporting::PrefillReportRequest prefill;
  prefill.set_unit_id(*s.UnitId("发改局"));
  prefill.set_period_id("2026-10-1");
  auto prefilled = Call(s.clients().reporting(), &reporting::ReportingService::Stub::PrefillReport,
                        *s.TokenAs("许一"), prefill);
  ASSERT_TRUE(prefilled.ok()) << prefilled.status() << (*cluster)->LogTail("reporting");
  ASSERT_EQ(prefilled->report().sections_size(), 1) << prefilled->report().DebugString();
  const common::Date& held_on = prefilled->report().sections(0).dispatch_date();
  EXPECT_EQ(absl::StrCat(held_on.year(), "-", held_on.month(), "-", held_on.day()), "2026-9-28");
  for (const auto& row : prefilled->report().sections(0).rows()) {
    EXPECT_EQ(row.original_deadline().SerializeAsString(), row.deadline().SerializeAsString());
  }
}

TEST(ReportingE2eTest, TheGroupIssuesTheCircularAndTheAnalysisOnce) {
  auto cluster = Cluster::Start({.name = "reporting_month", .base_port = 22330});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  client::Session& s = (*cluster)->session();
  ASSERT_EQ(ImportSampleWithCalendar(s), absl::OkStatus());
  ASSERT_EQ(client::AddSupervisionGroupMember(s), absl::OkStatus());
  const std::string admin = *s.AdminToken();
  const std::string group = *s.TokenAs(client::kSupervisor);

  // 应急局 leads one item due 2026-10-23, never completed, and never reports.
  const std::string yj = *s.UnitId("应急局");
  auto item = CreateItem(s, admin, yj, {yj}, "防汛物资补充", DateDeadline(2026, 10, 23));
  ASSERT_TRUE(item.ok()) << item.status();
  auto settled = (*cluster)->AdvanceTo(Local(s, 2026, 11, 2, 9));
  ASSERT_TRUE(settled.ok()) << settled.status();

  reporting::IssueCircularRequest issue;
  issue.set_request_id(client::NewRequestId());
  issue.set_month("2026-10");
  auto issued = Call(s.clients().reporting(), &reporting::ReportingService::Stub::IssueCircular,
                     group, issue);
  ASSERT_TRUE(issued.ok()) << issued.status() << (*cluster)->LogTail("reporting");
  const reporting::Circular& circular = issued->circular();
  ASSERT_EQ(circular.entries_size(), 1) << circular.DebugString();
  const reporting::CircularEntry& entry = circular.entries(0);
  EXPECT_EQ(entry.unit_name(), "应急局");
  EXPECT_THAT(entry.missing_period_ids(), ElementsAre("2026-10-1", "2026-10-2"));
  EXPECT_THAT(entry.overdue_item_ids(), ElementsAre(item->id()));
  // Named with the deadline it missed and the days it was overdue at the month's end.
  ASSERT_EQ(entry.overdue_items_size(), 1) << entry.DebugString();
  EXPECT_EQ(entry.overdue_items(0).content(), "防汛物资补充");
  EXPECT_EQ(entry.overdue_items(0).deadline().date().day(), 23);
  EXPECT_FALSE(entry.overdue_items(0).has_original_deadline());
  EXPECT_EQ(entry.overdue_items(0).days_overdue(), 8);
  EXPECT_EQ(entry.case_ids_size(), 3) << entry.DebugString();  // two reports, the item
  // Each case raised to the group by the month's end, labelled with the unit's name.
  EXPECT_THAT(entry.case_rungs(), ElementsAre(common::RUNG_SUPERVISION, common::RUNG_SUPERVISION,
                                              common::RUNG_SUPERVISION))
      << entry.DebugString();
  for (const std::string& label : entry.case_labels()) {
    EXPECT_EQ(label.find(yj), std::string::npos) << label;
  }
  issue.set_request_id(client::NewRequestId());
  auto again = Call(s.clients().reporting(), &reporting::ReportingService::Stub::IssueCircular,
                    group, issue);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);

  // Exported as CSV under the name a clerk expects, the deadline and days on the item's line.
  reporting::ExportRequest export_circular;
  export_circular.set_kind(reporting::EXPORT_KIND_CIRCULAR);
  export_circular.set_format(reporting::EXPORT_FORMAT_CSV);
  export_circular.set_month("2026-10");
  auto csv = Call(s.clients().reporting(), &reporting::ReportingService::Stub::Export, group,
                  export_circular);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->filename(), "调度工作通报-2026-10.csv");
  EXPECT_EQ(csv->content_type(), "text/csv; charset=utf-8");
  EXPECT_THAT(csv->content(), HasSubstr(absl::StrCat("\r\n2026-10,应急局,逾期事项,", item->id(),
                                                     ",防汛物资补充,2026-10-23,,8\r\n")));

  // Supervision recorded the circular rung on each named case.
  supervision::GetCaseRequest get_case;
  get_case.set_case_id(entry.case_ids(0));
  auto named = Call(s.clients().supervision(), &supervision::SupervisionService::Stub::GetCase,
                    admin, get_case);
  ASSERT_TRUE(named.ok()) << named.status();
  bool circular_rung = false;
  for (const auto& rung : named->case_().rungs()) {
    circular_rung |= rung.rung() == common::RUNG_CIRCULAR && rung.circular_id() == circular.id();
  }
  EXPECT_TRUE(circular_rung) << named->DebugString();

  reporting::IssueAnalysisRequest analyse;
  analyse.set_request_id(client::NewRequestId());
  analyse.set_month("2026-10");
  auto analysis = Call(s.clients().reporting(), &reporting::ReportingService::Stub::IssueAnalysis,
                       group, analyse);
  ASSERT_TRUE(analysis.ok()) << analysis.status();
  EXPECT_EQ(analysis->analysis().items_issued(), 0);  // created on 2026-09-28
  EXPECT_EQ(analysis->analysis().items_open_overdue(), 1);
  // No leader held a dispatch event in October.
  EXPECT_EQ(analysis->analysis().leaders_without_dispatch_size(),
            analysis->analysis().leaders_size());
  EXPECT_THAT(analysis->analysis().leaders_without_dispatch_names(), Contains("郑十"));
  reporting::GetScoresRequest scores;
  scores.set_month("2026-10");
  scores.set_unit_id(yj);
  auto score =
      Call(s.clients().reporting(), &reporting::ReportingService::Stub::GetScores, group, scores);
  ASSERT_TRUE(score.ok()) << score.status();
  ASSERT_EQ(score->scores_size(), 1);
  // Two missing reports, one overdue item, three urging notices (two reports, the item).
  EXPECT_EQ(score->scores(0).score(), 100 - 20 - 2 - 3) << score->DebugString();

  // The unit's liaison reads the unit's score and its reasons, never the district-wide analysis.
  const std::string liaison = *s.TokenAs("吕三");
  auto own =
      Call(s.clients().reporting(), &reporting::ReportingService::Stub::GetScores, liaison, scores);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->scores_size(), 1);
  std::vector<std::string> reasons;
  for (const auto& deduction : own->scores(0).deductions()) reasons.push_back(deduction.reason());
  EXPECT_THAT(reasons,
              ElementsAre("漏报", "漏报", "逾期未完成事项", "催办通知", "催办通知", "催办通知"));
  reporting::ExportRequest export_analysis;
  export_analysis.set_kind(reporting::EXPORT_KIND_ANALYSIS);
  export_analysis.set_format(reporting::EXPORT_FORMAT_JSON);
  export_analysis.set_month("2026-10");
  auto exported = Call(s.clients().reporting(), &reporting::ReportingService::Stub::Export, liaison,
                       export_analysis);
  EXPECT_EQ(exported.status().code(), absl::StatusCode::kPermissionDenied);
  reporting::DraftAnalysisRequest draft_analysis;
  draft_analysis.set_month("2026-10");
  auto drafted = Call(s.clients().reporting(), &reporting::ReportingService::Stub::DraftAnalysis,
                      liaison, draft_analysis);
  EXPECT_EQ(drafted.status().code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace duban::testing

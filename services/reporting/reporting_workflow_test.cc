// Reports, the digest, the circular and the analysis against a real MariaDB
// (DUBAN_TEST_DB_SOCKET), with fake tasks, scheduler, registry, minutes and
// supervision.
#include "services/reporting/reporting_workflow.h"

#include <cppconn/resultset.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/testing/callers.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"
#include "services/reporting/migrations.h"
#include "services/reporting/report_store.h"

namespace duban::reporting {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::TimeZone kZone = *LoadZone("Asia/Shanghai");

absl::Time Local(int month, int day, int hour, int minute = 0, int second = 0) {
  return FromLocal(absl::CivilSecond(2026, month, day, hour, minute, second), kZone);
}

tasks::v1::Item MakeItem(const std::string& id, const std::string& unit, absl::Time created,
                         absl::CivilDay due) {
  tasks::v1::Item item;
  item.set_id(id);
  item.set_lead_unit_id(unit);
  item.add_responsible_unit_ids(unit);
  item.set_content("内容 " + id);
  item.mutable_source()->set_document_id(id.substr(0, id.rfind('-')));
  *item.mutable_created_at() = ToProto(created);
  *item.mutable_deadline()->mutable_date() = ToProto(due);
  *item.mutable_due_at() = ToProto(EndOfLocalDay(due, kZone));
  *item.mutable_planned_completion_date() = ToProto(due);
  return item;
}

scheduler::v1::Deadline ReportDeadline(const std::string& unit, const std::string& period,
                                       absl::Time due) {
  scheduler::v1::Deadline deadline;
  deadline.mutable_subject()->set_kind(common::v1::SUBJECT_KIND_REPORT);
  deadline.mutable_subject()->set_id(absl::StrCat(unit, "@", period));
  deadline.set_owner_unit_id(unit);
  *deadline.mutable_due_at() = ToProto(due);
  return deadline;
}

class FakeSources final : public ReportingSources {
 public:
  FakeSources() {
    supervision::v1::SupervisionCase overdue;
    overdue.set_id("case-1");
    overdue.set_unit_id("u-yj");
    overdue.mutable_subject()->set_kind(common::v1::SUBJECT_KIND_ITEM);
    overdue.mutable_subject()->set_id("doc-9-1");
    overdue.set_label("label");
    *overdue.mutable_opened_at() = ToProto(Local(10, 24, 0));
    cases.push_back(overdue);

    items.push_back(MakeItem("doc-1-1", "u-zj", Local(10, 9, 9), absl::CivilDay(2026, 11, 15)));
    // Extended from 2026-10-16 to 2026-11-13.
    *items.back().mutable_original_deadline()->mutable_date() =
        ToProto(absl::CivilDay(2026, 10, 16));
    *items.back().mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 11, 13));
    items.push_back(MakeItem("doc-1-2", "u-zj", Local(10, 9, 9), absl::CivilDay(2026, 11, 20)));
    for (auto& item : items) item.mutable_source()->set_event_id("ev-doc-1");
    items.push_back(MakeItem("doc-2-1", "u-jy", Local(10, 9, 9), absl::CivilDay(2026, 11, 20)));
    items.back().set_blockers("资金未到位");
    items.push_back(MakeItem("doc-9-1", "u-yj", Local(10, 9, 9), absl::CivilDay(2026, 10, 23)));
    items.back().set_content("清理河道");
    deadlines.push_back(ReportDeadline("u-zj", "2026-10-2", Local(10, 20, 18)));
    deadlines.push_back(ReportDeadline("u-jy", "2026-10-2", Local(10, 20, 18)));
    deadlines.push_back(ReportDeadline("u-yj", "2026-10-2", Local(10, 20, 18)));
  }

  absl::StatusOr<std::vector<supervision::v1::SupervisionCase>> CasesOpenedBefore(
      absl::Time) override {
    return cases;
  }
  absl::StatusOr<tasks::v1::Item> Item(const std::string& item_id) override {
    for (const auto& item : items) {
      if (item.id() == item_id) return item;
    }
    return absl::NotFoundError(absl::StrCat("tasks: item ", item_id));
  }
  absl::StatusOr<std::string> UnitName(const std::string& unit_id) override {
    const std::map<std::string, std::string> names = {
        {"u-yj", "应急局"}, {"u-zj", "住建局"}, {"u-jy", "教育局"}};
    return names.at(unit_id);
  }
  absl::Status RecordCircular(const std::string& request_id, const std::string& circular_id,
                              const std::vector<std::string>& case_ids, absl::Time,
                              const std::string&) override {
    recorded.push_back(absl::StrCat(request_id, " ", circular_id, " ", case_ids.at(0)));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<tasks::v1::Item>> Items(const tasks::v1::ItemFilter& filter) override {
    std::vector<tasks::v1::Item> matching;
    for (const auto& item : items) {
      if (filter.lead_unit_id().empty() || filter.lead_unit_id() == item.lead_unit_id()) {
        matching.push_back(item);
      }
    }
    return matching;
  }
  absl::StatusOr<std::vector<scheduler::v1::Deadline>> ReportDeadlines(absl::Time,
                                                                       absl::Time) override {
    return deadlines;
  }
  absl::StatusOr<registry::v1::LiaisonTerm> Liaison(const std::string& unit_id,
                                                    absl::Time) override {
    registry::v1::LiaisonTerm term;
    term.set_unit_id(unit_id);
    term.set_person_name("张三");
    term.set_phone("0595-87000000");
    return term;
  }
  absl::StatusOr<std::vector<registry::v1::Person>> Leaders() override {
    registry::v1::Person zheng;
    zheng.set_id("l-zheng");
    zheng.set_name("郑十");
    return std::vector<registry::v1::Person>{zheng};
  }
  absl::StatusOr<std::vector<minutes::v1::DispatchEvent>> DispatchEvents(absl::CivilDay,
                                                                         absl::CivilDay) override {
    return std::vector<minutes::v1::DispatchEvent>{};
  }
  absl::StatusOr<minutes::v1::DispatchEvent> DispatchEvent(const std::string& event_id) override {
    if (event_id != "ev-doc-1") return absl::NotFoundError(absl::StrCat("event ", event_id));
    minutes::v1::DispatchEvent event;
    event.set_id(event_id);
    *event.mutable_held_on() = ToProto(absl::CivilDay(2026, 10, 9));
    return event;
  }
  absl::StatusOr<std::vector<supervision::v1::Notice>> UrgingNotices(absl::Time,
                                                                     absl::Time) override {
    supervision::v1::Notice notice;
    notice.set_id("n-1");
    notice.set_unit_id("u-yj");
    return std::vector<supervision::v1::Notice>{notice};
  }

  std::vector<supervision::v1::SupervisionCase> cases;
  std::vector<tasks::v1::Item> items;
  std::vector<scheduler::v1::Deadline> deadlines;
  std::vector<std::string> recorded;
};

Caller Group() {
  registry::v1::Principal principal;
  principal.set_subject("p-group");
  principal.add_roles()->set_kind(registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER);
  return Caller(principal);
}

Caller Office() {
  registry::v1::Principal principal;
  principal.set_subject("p-office");
  principal.add_roles()->set_kind(registry::v1::ROLE_KIND_OFFICE_LIAISON);
  return Caller(principal);
}

Caller LiaisonOf(const std::string& unit) { return testing::UnitLiaisonCaller(unit); }

class ReportingWorkflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = testing::TestDatabase::CreateMigrated("reporting", Migrations());
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = std::move(*database);
    workflow_ = std::make_unique<ReportingWorkflow>(&database_->pool(), &clock_, kZone, &sources_,
                                                    periods_.get());
  }

  v1::Report Prefill(const std::string& unit, const std::string& period = "2026-10-2") {
    v1::PrefillReportRequest request;
    request.set_unit_id(unit);
    request.set_period_id(period);
    absl::StatusOr<v1::Report> report = workflow_->PrefillReport(LiaisonOf(unit), request);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : v1::Report();
  }

  absl::Status Submit(const v1::Report& report, const std::string& request_id,
                      v1::SubmitReportResponse* response) {
    v1::SubmitReportRequest request;
    request.set_request_id(request_id);
    *request.mutable_report() = report;
    return workflow_->SubmitReport(LiaisonOf(report.unit_id()), request, response);
  }

  // The outbox rows for the scheduler, as "<ordering key>".
  std::vector<std::string> OutboxKeys() {
    std::vector<std::string> keys;
    EXPECT_TRUE(db::WithConnection(database_->pool(), [&](sql::Connection& conn) {
                  auto rows =
                      db::Query(conn,
                                "SELECT ordering_key FROM outbox WHERE destination = 'scheduler' "
                                "ORDER BY seq");
                  while (rows->next()) keys.push_back(rows->getString("ordering_key"));
                  return absl::OkStatus();
                }).ok());
    return keys;
  }

  FakeClock clock_{Local(10, 20, 10)};
  FakeSources sources_;
  std::unique_ptr<PeriodSource> periods_ = NewNominalPeriodSource(kZone);
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<ReportingWorkflow> workflow_;
};

TEST_F(ReportingWorkflowTest, PrefillCarriesTheOwedItemsAndTheLiaison) {
  const v1::Report report = Prefill("u-zj");
  EXPECT_EQ(report.liaison_name(), "张三");
  EXPECT_EQ(report.liaison_phone(), "0595-87000000");
  ASSERT_EQ(report.sections_size(), 1);
  EXPECT_EQ(report.sections(0).rows_size(), 2);
}

TEST_F(ReportingWorkflowTest,
       PrefillDatesEachSectionByItsDispatchEventAndKeepsTheOriginalDeadline) {
  const v1::Report report = Prefill("u-zj");
  ASSERT_EQ(report.sections_size(), 1);
  const v1::ReportSection& section = report.sections(0);
  EXPECT_EQ(section.dispatch_date().year(), 2026);
  EXPECT_EQ(section.dispatch_date().month(), 10);
  EXPECT_EQ(section.dispatch_date().day(), 9);
  ASSERT_EQ(section.rows_size(), 2);
  EXPECT_EQ(section.rows(0).deadline().date().day(), 13);
  EXPECT_EQ(section.rows(0).original_deadline().date().month(), 10);
  EXPECT_EQ(section.rows(0).original_deadline().date().day(), 16);
}

TEST_F(ReportingWorkflowTest, TheSubmittedRecordKeepsTheRecordedDatesWhateverTheDraftSays) {
  v1::Report draft = Prefill("u-zj");
  draft.mutable_sections(0)->clear_dispatch_date();
  draft.mutable_sections(0)->mutable_rows(0)->clear_original_deadline();
  v1::SubmitReportResponse response;
  ASSERT_TRUE(Submit(draft, "r-1", &response).ok());
  v1::GetReportRequest get;
  get.set_unit_id("u-zj");
  get.set_period_id("2026-10-2");
  absl::StatusOr<v1::Report> stored = workflow_->GetReport(Group(), get);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->sections(0).dispatch_date().day(), 9);
  EXPECT_EQ(stored->sections(0).rows(0).original_deadline().date().day(), 16);
  EXPECT_EQ(stored->sections(0).rows(0).deadline().date().day(), 13);
}

TEST_F(ReportingWorkflowTest, AUnitLiaisonIsRefusedTheDistrictWideAnalysis) {
  clock_.Set(Local(11, 2, 10));
  EXPECT_EQ(workflow_->DraftAnalysis(LiaisonOf("u-yj"), "2026-10").status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::IssueAnalysisRequest issue;
  issue.set_request_id("a-1");
  issue.set_month("2026-10");
  v1::IssueAnalysisResponse issued;
  EXPECT_EQ(workflow_->IssueAnalysis(LiaisonOf("u-yj"), issue, &issued).code(),
            absl::StatusCode::kPermissionDenied);
  v1::ExportRequest export_request;
  export_request.set_kind(v1::EXPORT_KIND_ANALYSIS);
  export_request.set_month("2026-10");
  for (const auto format : {v1::EXPORT_FORMAT_JSON, v1::EXPORT_FORMAT_XLSX}) {
    export_request.set_format(format);
    v1::ExportResponse exported;
    EXPECT_EQ(workflow_->Export(LiaisonOf("u-yj"), export_request, &exported).code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(exported.content(), "");
  }
  // Their own unit's score and deductions they read through GetScores.
  v1::GetScoresRequest scores;
  scores.set_month("2026-10");
  auto mine = workflow_->GetScores(LiaisonOf("u-yj"), scores);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].unit_id(), "u-yj");
  ASSERT_EQ((*mine)[0].deductions_size(), 3);
  EXPECT_EQ((*mine)[0].deductions(0).reason(), "漏报");
}

TEST_F(ReportingWorkflowTest, SubmitRefusesAMissingItemAndWritesNothing) {
  v1::Report report = Prefill("u-zj");
  report.mutable_sections(0)->mutable_rows()->RemoveLast();
  v1::SubmitReportResponse response;
  const absl::Status status = Submit(report, "r-1", &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "report.sections: item doc-1-2 is missing");
  EXPECT_TRUE(OutboxKeys().empty());
}

TEST_F(ReportingWorkflowTest, SubmitRefusesOversizedRemarksAndFarDatesAndWritesNothing) {
  v1::Report report = Prefill("u-zj");
  report.mutable_sections(0)->mutable_rows(1)->set_remarks(std::string(1'000'000, 'x'));
  v1::SubmitReportResponse response;
  absl::Status status = Submit(report, "r-1", &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "report.sections[0].rows[1].remarks: at most 2000 characters (got 1000000)");

  report = Prefill("u-zj");
  auto* planned = report.mutable_sections(0)->mutable_rows(0)->mutable_planned_completion_date();
  planned->set_year(9999), planned->set_month(12), planned->set_day(31);
  status = Submit(report, "r-2", &response);
  EXPECT_EQ(status.message(),
            "report.sections[0].rows[0].planned_completion_date: must fall in the years 2000 to "
            "2199 (got 9999)");
  EXPECT_TRUE(OutboxKeys().empty());
}

TEST_F(ReportingWorkflowTest, SubmitDigestRefusesAnOversizedSummaryAndWritesNothing) {
  v1::SubmitDigestRequest submit;
  submit.set_request_id("d-1");
  submit.mutable_digest()->set_period_id("2026-10-2");
  submit.mutable_digest()->set_summary(std::string(4001, 'x'));
  v1::SubmitDigestResponse submitted;
  const absl::Status status = workflow_->SubmitDigest(Office(), submit, &submitted);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "digest.summary: at most 4000 characters (got 4001)");
  EXPECT_TRUE(OutboxKeys().empty());
}

TEST_F(ReportingWorkflowTest, SubmitAtTheCutoffIsLateOnceAndTellsTheScheduler) {
  clock_.Set(Local(10, 20, 18, 0, 0));
  const v1::Report draft = Prefill("u-zj");
  v1::SubmitReportResponse first;
  ASSERT_TRUE(Submit(draft, "r-1", &first).ok());
  EXPECT_TRUE(first.report().late());
  EXPECT_EQ(first.report().state(), v1::REPORT_STATE_SUBMITTED);
  EXPECT_EQ(FromProto(first.report().submitted_at()), Local(10, 20, 18));

  v1::SubmitReportResponse retried;
  ASSERT_TRUE(Submit(draft, "r-1", &retried).ok());
  EXPECT_EQ(retried.report().id(), first.report().id());
  EXPECT_THAT(OutboxKeys(), ElementsAre("report/u-zj@2026-10-2"));

  v1::SubmitReportResponse again;
  const absl::Status second = Submit(draft, "r-2", &again);
  EXPECT_EQ(second.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.message(), HasSubstr("report u-zj@2026-10-2 already submitted"));
}

TEST_F(ReportingWorkflowTest, OneSecondBeforeTheCutoffIsOnTime) {
  clock_.Set(Local(10, 20, 17, 59, 59));
  v1::SubmitReportResponse response;
  ASSERT_TRUE(Submit(Prefill("u-zj"), "r-1", &response).ok());
  EXPECT_FALSE(response.report().late());
}

TEST_F(ReportingWorkflowTest, ALiaisonSubmitsAndReadsOnlyTheirUnit) {
  v1::SubmitReportRequest request;
  request.set_request_id("r-1");
  *request.mutable_report() = Prefill("u-zj");
  v1::SubmitReportResponse response;
  EXPECT_EQ(workflow_->SubmitReport(LiaisonOf("u-jy"), request, &response).code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Submit(request.report(), "r-1", &response).ok());

  v1::GetReportRequest get;
  get.set_unit_id("u-zj");
  get.set_period_id("2026-10-2");
  EXPECT_EQ(workflow_->GetReport(LiaisonOf("u-jy"), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(workflow_->GetReport(LiaisonOf("u-zj"), get).ok());

  v1::ListReportsRequest list;
  list.set_period_id("2026-10-2");
  v1::ListReportsResponse mine;
  ASSERT_TRUE(workflow_->ListReports(LiaisonOf("u-jy"), list, &mine).ok());
  EXPECT_EQ(mine.reports_size(), 0);
}

TEST_F(ReportingWorkflowTest, MissingOnlyOnceTheDigestCutoffHasPassed) {
  v1::SubmitReportResponse response;
  ASSERT_TRUE(Submit(Prefill("u-zj"), "r-1", &response).ok());
  v1::ListReportsRequest list;
  list.set_period_id("2026-10-2");
  v1::ListReportsResponse before;
  ASSERT_TRUE(workflow_->ListReports(Office(), list, &before).ok());
  EXPECT_EQ(before.reports_size(), 1);
  EXPECT_TRUE(before.missing_unit_ids().empty());

  clock_.Set(Local(10, 22, 18));
  v1::ListReportsResponse after;
  ASSERT_TRUE(workflow_->ListReports(Office(), list, &after).ok());
  EXPECT_THAT(after.missing_unit_ids(), ElementsAre("u-jy", "u-yj"));
}

TEST_F(ReportingWorkflowTest, DigestIsDraftedSubmittedOnceAndMeetsItsDeadline) {
  v1::SubmitReportResponse response;
  ASSERT_TRUE(Submit(Prefill("u-zj"), "r-1", &response).ok());
  clock_.Set(Local(10, 22, 9));
  v1::PrefillDigestRequest prefill;
  prefill.set_period_id("2026-10-2");
  absl::StatusOr<v1::Digest> draft = workflow_->PrefillDigest(Office(), prefill);
  ASSERT_TRUE(draft.ok()) << draft.status();
  // doc-2-1 has blockers; doc-9-1 turns red only after 10-23.
  ASSERT_EQ(draft->hard_items_size(), 1);
  EXPECT_EQ(draft->hard_items(0).item_id(), "doc-2-1");
  EXPECT_THAT(draft->missing_unit_ids(), ElementsAre("u-jy", "u-yj"));

  v1::SubmitDigestRequest submit;
  submit.set_request_id("d-1");
  *submit.mutable_digest() = *draft;
  v1::SubmitDigestResponse submitted;
  ASSERT_TRUE(workflow_->SubmitDigest(Office(), submit, &submitted).ok());
  EXPECT_FALSE(submitted.digest().late());
  EXPECT_EQ(submitted.digest().submitted_by(), "p-office");
  EXPECT_THAT(OutboxKeys(), ElementsAre("report/u-zj@2026-10-2", "digest/2026-10-2"));
  submit.set_request_id("d-2");
  EXPECT_EQ(workflow_->SubmitDigest(Office(), submit, &submitted).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ReportingWorkflowTest, CircularNamesLateMissingAndOverdueOnceIssued) {
  clock_.Set(Local(10, 20, 18));
  v1::SubmitReportResponse response;
  ASSERT_TRUE(Submit(Prefill("u-zj"), "r-1", &response).ok());
  v1::Report jy = Prefill("u-jy");
  ASSERT_TRUE(Submit(jy, "r-2", &response).ok());  // late too
  clock_.Set(Local(11, 2, 10));

  v1::IssueCircularRequest request;
  request.set_request_id("issue-1");
  request.set_month("2026-10");
  v1::IssueCircularResponse first;
  v1::IssueCircularResponse retried;
  ASSERT_TRUE(workflow_->IssueCircular(Group(), request, &first).ok());
  ASSERT_TRUE(workflow_->IssueCircular(Group(), request, &retried).ok());
  EXPECT_EQ(first.SerializeAsString(), retried.SerializeAsString());

  const v1::Circular& circular = first.circular();
  EXPECT_EQ(circular.state(), v1::CIRCULAR_STATE_ISSUED);
  ASSERT_EQ(circular.entries_size(), 3);
  // By name: 住建局 (U+4F4F), 应急局 (U+5E94), 教育局 (U+6559).
  EXPECT_EQ(circular.entries(0).unit_name(), "住建局");
  EXPECT_THAT(circular.entries(0).late_period_ids(), ElementsAre("2026-10-2"));
  EXPECT_EQ(circular.entries(1).unit_name(), "应急局");
  EXPECT_THAT(circular.entries(1).missing_period_ids(), ElementsAre("2026-10-2"));
  EXPECT_THAT(circular.entries(1).overdue_item_ids(), ElementsAre("doc-9-1"));
  ASSERT_EQ(circular.entries(1).overdue_items_size(), 1);
  const v1::OverdueItem& overdue = circular.entries(1).overdue_items(0);
  EXPECT_EQ(overdue.item_id(), "doc-9-1");
  EXPECT_EQ(overdue.content(), "清理河道");
  EXPECT_EQ(overdue.deadline().date().day(), 23);
  EXPECT_FALSE(overdue.has_original_deadline());
  EXPECT_EQ(overdue.days_overdue(), 8);
  EXPECT_THAT(circular.entries(1).case_ids(), ElementsAre("case-1"));
  EXPECT_EQ(circular.entries(2).unit_name(), "教育局");
  EXPECT_THAT(circular.entries(2).late_period_ids(), ElementsAre("2026-10-2"));
  EXPECT_THAT(sources_.recorded, ElementsAre("circular-2026-10/rungs circular-2026-10 case-1"));

  request.set_request_id("issue-2");
  v1::IssueCircularResponse again;
  const absl::Status status = workflow_->IssueCircular(Group(), request, &again);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "circular 2026-10 already issued");

  auto hidden = workflow_->GetCircular(LiaisonOf("u-zj"), "2026-10");
  ASSERT_TRUE(hidden.ok());
  ASSERT_EQ(hidden->entries_size(), 1);
  EXPECT_EQ(hidden->entries(0).unit_id(), "u-zj");

  v1::ExportRequest export_request;
  export_request.set_kind(v1::EXPORT_KIND_CIRCULAR);
  export_request.set_format(v1::EXPORT_FORMAT_CSV);
  export_request.set_month("2026-10");
  v1::ExportResponse exported;
  ASSERT_TRUE(workflow_->Export(Group(), export_request, &exported).ok());
  EXPECT_EQ(exported.content().substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(exported.content(),
              HasSubstr("\r\n2026-10,应急局,逾期事项,doc-9-1,清理河道,2026-10-23,,8\r\n"));
  EXPECT_EQ(exported.filename(), "调度工作通报-2026-10.csv");

  export_request.set_format(v1::EXPORT_FORMAT_XLSX);
  ASSERT_TRUE(workflow_->Export(Group(), export_request, &exported).ok());
  EXPECT_EQ(exported.filename(), "调度工作通报-2026-10.xlsx");
  EXPECT_EQ(exported.content().substr(0, 2), "PK");

  export_request.set_kind(v1::EXPORT_KIND_FORM3);
  export_request.set_unit_id("u-zj");
  export_request.set_period_id("2026-10-2");
  ASSERT_TRUE(workflow_->Export(LiaisonOf("u-zj"), export_request, &exported).ok());
  EXPECT_EQ(exported.filename(), "表3-住建局-2026-10-2.xlsx");
  EXPECT_EQ(exported.content_type(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(workflow_->Export(LiaisonOf("u-jy"), export_request, &exported).code(),
            absl::StatusCode::kPermissionDenied);
  export_request.set_format(v1::EXPORT_FORMAT_CSV);
  EXPECT_EQ(workflow_->Export(Group(), export_request, &exported).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ReportingWorkflowTest, AnalysisIsIssuedOnceAndScoresFollowIt) {
  clock_.Set(Local(11, 2, 10));
  v1::IssueAnalysisRequest request;
  request.set_request_id("a-1");
  request.set_month("2026-10");
  v1::IssueAnalysisResponse issued;
  ASSERT_TRUE(workflow_->IssueAnalysis(Group(), request, &issued).ok());
  EXPECT_TRUE(issued.analysis().issued());
  EXPECT_EQ(issued.analysis().items_issued(), 4);
  EXPECT_EQ(issued.analysis().items_open_overdue(), 1);
  EXPECT_THAT(issued.analysis().leaders_without_dispatch_names(), ElementsAre("郑十"));
  request.set_request_id("a-2");
  EXPECT_EQ(workflow_->IssueAnalysis(Group(), request, &issued).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::GetScoresRequest scores;
  scores.set_month("2026-10");
  auto mine = workflow_->GetScores(LiaisonOf("u-yj"), scores);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->size(), 1u);
  // Missing report -10, overdue item -2, urging notice -1.
  EXPECT_EQ((*mine)[0].score(), 87);
  scores.set_unit_id("u-zj");
  EXPECT_EQ(workflow_->GetScores(LiaisonOf("u-yj"), scores).status().code(),
            absl::StatusCode::kPermissionDenied);

  v1::ExportRequest export_request;
  export_request.set_kind(v1::EXPORT_KIND_ANALYSIS);
  export_request.set_format(v1::EXPORT_FORMAT_JSON);
  export_request.set_month("2026-10");
  v1::ExportResponse exported;
  ASSERT_TRUE(workflow_->Export(Group(), export_request, &exported).ok());
  EXPECT_EQ(exported.filename(), "调度工作分析报告-2026-10.json");
  EXPECT_THAT(exported.content(), HasSubstr("郑十"));
  export_request.set_format(v1::EXPORT_FORMAT_XLSX);
  ASSERT_TRUE(workflow_->Export(Group(), export_request, &exported).ok());
  EXPECT_EQ(exported.filename(), "调度工作分析报告-2026-10.xlsx");
}

TEST_F(ReportingWorkflowTest, StoreKeepsOneReportPerUnitAndPeriodAndListsLateOnes) {
  v1::Report report;
  report.set_id("rp-1");
  report.set_unit_id("u-zj");
  report.set_period_id("2026-10-2");
  report.set_late(true);
  *report.mutable_submitted_at() = ToProto(Local(10, 20, 18));
  v1::Report other = report;
  other.set_id("rp-2");
  other.set_unit_id("u-jy");
  other.set_late(false);
  ASSERT_TRUE(db::WithConnection(database_->pool(), [&](sql::Connection& conn) -> absl::Status {
                DUBAN_RETURN_IF_ERROR(InsertReport(conn, report));
                DUBAN_RETURN_IF_ERROR(InsertReport(conn, other));
                v1::Report twice = report;
                twice.set_id("rp-3");
                const absl::Status duplicate = InsertReport(conn, twice);
                EXPECT_EQ(duplicate.code(), absl::StatusCode::kFailedPrecondition);
                EXPECT_EQ(duplicate.message(), "report u-zj@2026-10-2 already submitted");

                ReportQuery late;
                late.period_id = "2026-10-2";
                late.late_only = true;
                auto listed = QueryReports(conn, late, db::PageRequest{});
                EXPECT_TRUE(listed.ok());
                EXPECT_EQ(listed->size(), 1u);
                EXPECT_EQ(listed->at(0).id(), "rp-1");
                auto loaded = LoadReport(conn, "u-jy", "2026-10-2", false);
                EXPECT_TRUE(loaded.ok() && loaded->has_value());
                EXPECT_EQ((*loaded)->id(), "rp-2");
                return absl::OkStatus();
              }).ok());
}

}  // namespace
}  // namespace duban::reporting

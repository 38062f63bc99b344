// The main job over the six running services: October 2026 on the sample
// registry, run once for the suite, then its circular, analysis, periods and
// exports checked against what tasks, supervision and the scheduler hold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/dubanctl/cycle.h"
#include "cli/dubanctl/october.h"
#include "common/status.h"
#include "common/time_util.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

namespace duban::testing {
namespace {

namespace minutes = duban::minutes::v1;
namespace reporting = duban::reporting::v1;
namespace supervision = duban::supervision::v1;
namespace tasks = duban::tasks::v1;
namespace common = duban::common::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr int kBasePort = 21700;

// What an exported file holds, as tests/tools/check_xlsx.py reads it with
// Debian's python3-openpyxl: its output and exit code.
struct XlsxCheck {
  int exit_code = -1;
  std::string output;
};

XlsxCheck CheckXlsx(const std::string& path) {
  const std::string command = absl::StrCat("/usr/bin/python3 ", DUBAN_SOURCE_DIR,
                                           "/tests/tools/check_xlsx.py '", path, "' 2>&1");
  XlsxCheck check;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return check;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) check.output += buffer;
  int status = pclose(pipe);
  check.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return check;
}

// The largest row count check_xlsx.py reports for any sheet.
int MostRows(const std::string& output) {
  int most = 0;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (!absl::ConsumePrefix(&line, "rows: ")) continue;
    for (absl::string_view sheet : absl::StrSplit(line, ", ")) {
      std::vector<std::string> parts = absl::StrSplit(sheet, '=');
      int rows = 0;
      if (parts.size() == 2 && absl::SimpleAtoi(parts[1], &rows)) most = std::max(most, rows);
    }
  }
  return most;
}

class MainJobTest : public ::testing::Test {
 protected:
  // Starts the services and runs the month; a failure here fails the test.
  static void RunMonth() {
    auto cluster = Cluster::Start({.name = "main_job", .base_port = kBasePort});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = cluster->release();
    client::OctoberInputs inputs;
    inputs.matters_csv = ExampleFile("dispatch_matters.csv");
    inputs.liaisons_csv = ExampleFile("unit_liaisons.csv");
    inputs.calendar_csv = ExampleFile("work_calendar_2026.csv");
    inputs.export_dir = absl::StrCat(DUBAN_BUILD_DIR, "/tests/main_job_exports_", getpid());
    export_dir_ = new std::string(inputs.export_dir);
    std::ostringstream out;
    absl::StatusOr<client::OctoberResult> result =
        client::RunOctober(cluster_->session(), inputs, out);
    account_ = new std::string(out.str());
    ASSERT_TRUE(result.ok()) << result.status() << "\n"
                             << *account_ << "\n"
                             << cluster_->LogTail("reporting") << cluster_->LogTail("scheduler");
    result_ = new client::OctoberResult(*std::move(result));
  }

  static void TearDownTestSuite() {
    if (export_dir_ != nullptr) {
      std::error_code ignored;
      std::filesystem::remove_all(*export_dir_, ignored);
    }
    delete export_dir_;
    export_dir_ = nullptr;
    delete cluster_;
    cluster_ = nullptr;
    delete result_;
    result_ = nullptr;
    delete account_;
    account_ = nullptr;
  }

  void SetUp() override {
    if (cluster_ == nullptr) RunMonth();
    ASSERT_NE(result_, nullptr) << "the month did not run (see above)";
  }

  client::Session& s() { return cluster_->session(); }
  std::string Admin() { return *s().AdminToken(); }
  std::string UnitId(const std::string& name) { return *s().UnitId(name); }

  const reporting::CircularEntry* Entry(const std::string& unit_name) {
    for (const auto& entry : result_->circular.entries()) {
      if (entry.unit_name() == unit_name) return &entry;
    }
    return nullptr;
  }

  supervision::SupervisionCase Case(const std::string& id) {
    supervision::GetCaseRequest request;
    request.set_case_id(id);
    supervision::GetCaseResponse response;
    EXPECT_TRUE(client::CallService(s().clients().supervision(),
                                    &supervision::SupervisionService::Stub::GetCase, Admin(),
                                    request, &response)
                    .ok());
    return response.case_();
  }

  std::vector<tasks::Item> AllItems() {
    std::vector<tasks::Item> items;
    std::string page_token;
    do {
      tasks::ListItemsRequest request;
      request.set_page_size(100);
      request.set_page_token(page_token);
      tasks::ListItemsResponse response;
      absl::Status status =
          client::CallService(s().clients().tasks(), &tasks::TasksService::Stub::ListItems, Admin(),
                              request, &response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      items.insert(items.end(), response.items().begin(), response.items().end());
      page_token = response.next_page_token();
    } while (!page_token.empty());
    return items;
  }

  std::vector<supervision::SupervisionCase> ReferredCasesOpenedIn(absl::Time from, absl::Time to) {
    supervision::ListCasesRequest request;
    request.set_page_size(100);
    request.set_referred_only(true);
    *request.mutable_opened_from() = ToProto(from);
    *request.mutable_opened_to() = ToProto(to);
    supervision::ListCasesResponse response;
    absl::Status status = client::CallService(s().clients().supervision(),
                                              &supervision::SupervisionService::Stub::ListCases,
                                              Admin(), request, &response);
    EXPECT_TRUE(status.ok()) << status;
    return {response.cases().begin(), response.cases().end()};
  }

  tasks::Item Item(const std::string& id) {
    tasks::GetItemRequest request;
    request.set_item_id(id);
    tasks::GetItemResponse response;
    EXPECT_TRUE(client::CallService(s().clients().tasks(), &tasks::TasksService::Stub::GetItem,
                                    Admin(), request, &response)
                    .ok());
    return response.item();
  }

  // The lines that must hold, each checked on the month's records.
  void CircularNamesExactlyTheFourUnitsOfTheMonth();
  void CircularNamesZhujianjuLateAndJiaoyujuMissingForTheSecondPeriod();
  void CircularNamesYingjijuItemOverdueAtMonthEnd();
  void CircularNamesTheUrgingOfNongshuijuLateDraft();
  void AnalysisListsZhengshiAsTheOnlyLeaderWithoutADispatchEvent();
  void AnalysisCountsEqualWhatTasksAndSupervisionHold();
  void PeriodEndingOnTheFifthCutsOffOnTheEighthAfterNationalDay();
  void TheSchedulerOwesReportsFromTheUnitsPlanned();
  void ExtendedReferredAndSplitItemsAsPlanned();
  void ExportsOpenWithOpenpyxlAndTheAnalysisHasCharts();
  void EveryOtherReportCameInTime();
  void EveryOtherDraftWasRoutedInTime();

  static Cluster* cluster_;
  static client::OctoberResult* result_;
  static std::string* account_;
  static std::string* export_dir_;
};

Cluster* MainJobTest::cluster_ = nullptr;
client::OctoberResult* MainJobTest::result_ = nullptr;
std::string* MainJobTest::account_ = nullptr;
std::string* MainJobTest::export_dir_ = nullptr;

void MainJobTest::CircularNamesExactlyTheFourUnitsOfTheMonth() {
  std::vector<std::string> named;
  for (const auto& entry : result_->circular.entries()) named.push_back(entry.unit_name());
  EXPECT_THAT(named, UnorderedElementsAre("住建局", "教育局", "应急局", "农水局")) << *account_;
  EXPECT_EQ(result_->circular.state(), reporting::CIRCULAR_STATE_ISSUED);
}

void MainJobTest::CircularNamesZhujianjuLateAndJiaoyujuMissingForTheSecondPeriod() {
  const reporting::CircularEntry* late = Entry("住建局");
  const reporting::CircularEntry* missing = Entry("教育局");
  ASSERT_NE(late, nullptr) << *account_;
  ASSERT_NE(missing, nullptr) << *account_;
  EXPECT_THAT(late->late_period_ids(), ElementsAre("2026-10-2"));
  EXPECT_THAT(late->missing_period_ids(), IsEmpty());
  EXPECT_THAT(late->overdue_item_ids(), IsEmpty());
  EXPECT_THAT(missing->missing_period_ids(), ElementsAre("2026-10-2"));
  EXPECT_THAT(missing->late_period_ids(), IsEmpty());
  EXPECT_THAT(missing->overdue_item_ids(), IsEmpty());
}

void MainJobTest::CircularNamesYingjijuItemOverdueAtMonthEnd() {
  const reporting::CircularEntry* entry = Entry("应急局");
  ASSERT_NE(entry, nullptr) << *account_;
  EXPECT_THAT(entry->overdue_item_ids(), ElementsAre(result_->overdue_item_id));
  EXPECT_THAT(entry->late_period_ids(), IsEmpty());
  EXPECT_THAT(entry->missing_period_ids(), IsEmpty());
  tasks::Item item = Item(result_->overdue_item_id);
  EXPECT_EQ(FromProto(item.due_at()), Local(s(), 2026, 10, 24, 0));  // due on 2026-10-23
  EXPECT_EQ(item.light(), tasks::LIGHT_RED);
  // The circular gives its deadline and how late it was at month end.
  ASSERT_EQ(entry->overdue_items_size(), 1) << *account_;
  const reporting::OverdueItem& overdue = entry->overdue_items(0);
  EXPECT_EQ(overdue.item_id(), result_->overdue_item_id);
  EXPECT_EQ(overdue.content(), item.content());
  EXPECT_EQ(overdue.deadline().date().year(), 2026);
  EXPECT_EQ(overdue.deadline().date().month(), 10);
  EXPECT_EQ(overdue.deadline().date().day(), 23);
  EXPECT_FALSE(overdue.has_original_deadline());
  EXPECT_EQ(overdue.days_overdue(), 8);
}

void MainJobTest::CircularNamesTheUrgingOfNongshuijuLateDraft() {
  const reporting::CircularEntry* entry = Entry("农水局");
  ASSERT_NE(entry, nullptr) << *account_;
  EXPECT_THAT(entry->late_period_ids(), IsEmpty());
  EXPECT_THAT(entry->missing_period_ids(), IsEmpty());
  EXPECT_THAT(entry->overdue_item_ids(), IsEmpty());
  // The one case named for 农水局 is its draft's, urged when the draft fell
  // due at the end of 2026-10-15.
  std::vector<std::string> subjects;
  std::vector<absl::Time> urged_at;
  for (const std::string& id : entry->case_ids()) {
    supervision::SupervisionCase c = Case(id);
    subjects.push_back(
        absl::StrCat(common::SubjectKind_Name(c.subject().kind()), " ", c.subject().id()));
    for (const auto& rung : c.rungs()) {
      if (rung.rung() == common::RUNG_URGING) urged_at.push_back(FromProto(rung.at()));
    }
  }
  EXPECT_THAT(subjects,
              ElementsAre(absl::StrCat("SUBJECT_KIND_DRAFT ", result_->late_draft_event_id)));
  EXPECT_THAT(urged_at, ElementsAre(Local(s(), 2026, 10, 16, 0)));
}

void MainJobTest::AnalysisListsZhengshiAsTheOnlyLeaderWithoutADispatchEvent() {
  absl::StatusOr<std::string> id = s().PersonId("郑十");
  ASSERT_TRUE(id.ok()) << id.status();
  ASSERT_EQ(result_->analysis.leaders_without_dispatch_size(), 1) << *account_;
  const std::string& listed = result_->analysis.leaders_without_dispatch(0);
  EXPECT_TRUE(listed == *id || listed == "郑十") << listed;
  EXPECT_TRUE(result_->analysis.issued());
}

void MainJobTest::AnalysisCountsEqualWhatTasksAndSupervisionHold() {
  const absl::Time begin = Local(s(), 2026, 10, 1, 0);
  const absl::Time end = Local(s(), 2026, 11, 1, 0);
  auto in_month = [&](const google::protobuf::Timestamp& t) {
    absl::Time at = FromProto(t);
    return at >= begin && at < end;
  };
  int issued = 0, on_time = 0, late = 0, overdue = 0, extensions = 0, referrals = 0;
  for (const tasks::Item& item : AllItems()) {
    const bool from_document = item.source().kind() == tasks::SOURCE_KIND_MINUTES ||
                               item.source().kind() == tasks::SOURCE_KIND_ASSIGNMENT_SHEET;
    if (from_document && in_month(item.created_at())) ++issued;
    if (item.has_reported_complete_at() && in_month(item.reported_complete_at())) {
      ++(FromProto(item.reported_complete_at()) < FromProto(item.due_at()) ? on_time : late);
    }
    const bool done = item.has_reported_complete_at() || item.status() == tasks::ITEM_STATUS_SPLIT;
    if (!done && FromProto(item.due_at()) < end) ++overdue;
    for (const auto& extension : item.extensions()) {
      if (extension.state() == tasks::EXTENSION_STATE_APPROVED &&
          in_month(extension.decided_at())) {
        ++extensions;
      }
    }
    if (item.has_referred_at() && in_month(item.referred_at())) ++referrals;
  }
  EXPECT_EQ(ReferredCasesOpenedIn(begin, end).size(), static_cast<size_t>(referrals));

  const reporting::Analysis& a = result_->analysis;
  EXPECT_EQ(a.items_issued(), issued);
  EXPECT_EQ(a.items_completed_on_time(), on_time);
  EXPECT_EQ(a.items_completed_late(), late);
  EXPECT_EQ(a.items_open_overdue(), overdue);
  EXPECT_EQ(a.extensions_approved(), extensions);
  EXPECT_EQ(a.referrals(), referrals);
  // And the month as planned.
  EXPECT_EQ(issued, 16);
  EXPECT_EQ(on_time, 8);
  EXPECT_EQ(late, 0);
  EXPECT_EQ(overdue, 1);
  EXPECT_EQ(extensions, 1);
  EXPECT_EQ(referrals, 1);
}

void MainJobTest::PeriodEndingOnTheFifthCutsOffOnTheEighthAfterNationalDay() {
  std::map<std::string, std::pair<absl::Time, absl::Time>> cutoffs;
  for (const reporting::Period& period : result_->periods) {
    cutoffs[period.id()] = {FromProto(period.report_cutoff()), FromProto(period.digest_cutoff())};
  }
  ASSERT_EQ(cutoffs.size(), 2u) << *account_;
  EXPECT_EQ(cutoffs["2026-10-1"].first, Local(s(), 2026, 10, 8, 18));
  EXPECT_EQ(cutoffs["2026-10-1"].second, Local(s(), 2026, 10, 8, 18));
  EXPECT_EQ(cutoffs["2026-10-2"].first, Local(s(), 2026, 10, 20, 18));
  EXPECT_EQ(cutoffs["2026-10-2"].second, Local(s(), 2026, 10, 22, 18));
}

void MainJobTest::TheSchedulerOwesReportsFromTheUnitsPlanned() {
  for (const std::string period : {"2026-10-1", "2026-10-2"}) {
    EXPECT_EQ(result_->scheduler_owing[period], result_->planned_owing[period]) << period;
  }
  EXPECT_EQ(result_->planned_owing["2026-10-1"].size(), 1u);
  EXPECT_EQ(result_->planned_owing["2026-10-2"].size(), 8u);
}

void MainJobTest::ExtendedReferredAndSplitItemsAsPlanned() {
  tasks::Item extended = Item(result_->extended_item_id);
  EXPECT_EQ(FromProto(extended.due_at()), Local(s(), 2026, 11, 14, 0));  // due on 2026-11-13
  EXPECT_EQ(extended.light(), tasks::LIGHT_DONE);
  tasks::Item referred = Item(result_->referred_item_id);
  EXPECT_EQ(referred.status(), tasks::ITEM_STATUS_SPLIT);
  EXPECT_THAT(
      std::vector<std::string>(referred.sub_item_ids().begin(), referred.sub_item_ids().end()),
      UnorderedElementsAre(absl::StrCat(result_->referred_item_id, "-s1"),
                           absl::StrCat(result_->referred_item_id, "-s2")));
}

void MainJobTest::ExportsOpenWithOpenpyxlAndTheAnalysisHasCharts() {
  // Forms 3 of the 8 reports, forms 4 of 应急局's and 工信局's second-period
  // reports (their assignment sheets), the circular and the analysis.
  EXPECT_THAT(result_->export_failures, IsEmpty());
  ASSERT_EQ(result_->exported_files.size(), 12u) << *account_;
  // Each file is named for the clerk: the form, the unit's name and the period.
  std::vector<std::string> names;
  for (const std::string& path : result_->exported_files) {
    names.push_back(std::filesystem::path(path).filename().string());
  }
  EXPECT_THAT(names, UnorderedElementsAre(
                         "表3-发改局-2026-10-1.xlsx", "表3-发改局-2026-10-2.xlsx",
                         "表3-商务局-2026-10-2.xlsx", "表3-应急局-2026-10-2.xlsx",
                         "表4-应急局-2026-10-2.xlsx", "表3-农水局-2026-10-2.xlsx",
                         "表3-公安分局-2026-10-2.xlsx", "表3-工信局（数字办）-2026-10-2.xlsx",
                         "表4-工信局（数字办）-2026-10-2.xlsx", "表3-住建局-2026-10-2.xlsx",
                         "调度工作通报-2026-10.xlsx", "调度工作分析报告-2026-10.xlsx"))
      << *account_;
  for (const std::string& path : result_->exported_files) {
    XlsxCheck check = CheckXlsx(path);
    EXPECT_EQ(check.exit_code, 0) << path << "\n" << check.output;
    EXPECT_GT(MostRows(check.output), 1) << path << "\n" << check.output;
  }
  XlsxCheck analysis = CheckXlsx(result_->exported_files.back());
  EXPECT_THAT(analysis.output, ::testing::HasSubstr("charts: yes")) << analysis.output;
}

void MainJobTest::EveryOtherReportCameInTime() {
  // Per period: "<unit name>[ late]" for each submitted report, and the units missing.
  for (const std::string period : {"2026-10-1", "2026-10-2"}) {
    reporting::ListReportsRequest request;
    request.set_page_size(100);
    request.set_period_id(period);
    reporting::ListReportsResponse response;
    absl::Status status = client::CallService(s().clients().reporting(),
                                              &reporting::ReportingService::Stub::ListReports,
                                              Admin(), request, &response);
    ASSERT_TRUE(status.ok()) << status;
    std::vector<std::string> submitted, missing;
    for (const auto& report : response.reports()) {
      submitted.push_back(
          absl::StrCat(*s().UnitName(report.unit_id()), report.late() ? " late" : ""));
    }
    for (const std::string& unit : response.missing_unit_ids())
      missing.push_back(*s().UnitName(unit));
    if (period == "2026-10-1") {
      EXPECT_THAT(submitted, ElementsAre("发改局")) << period;
      EXPECT_THAT(missing, IsEmpty()) << period;
    } else {
      EXPECT_THAT(submitted, UnorderedElementsAre("发改局", "商务局", "应急局", "农水局",
                                                  "公安分局", "工信局（数字办）", "住建局 late"))
          << period;
      EXPECT_THAT(missing, ElementsAre("教育局")) << period;
    }
  }
}

void MainJobTest::EveryOtherDraftWasRoutedInTime() {
  minutes::ListDocumentsRequest request;
  request.set_page_size(100);
  minutes::ListDocumentsResponse response;
  absl::Status status =
      client::CallService(s().clients().minutes(), &minutes::MinutesService::Stub::ListDocuments,
                          Admin(), request, &response);
  ASSERT_TRUE(status.ok()) << status;
  std::vector<std::string> late;
  for (const auto& document : response.documents()) {
    EXPECT_EQ(document.state(), minutes::DOCUMENT_STATE_ISSUED) << document.document_number();
    if (FromProto(document.routed_at()) > FromProto(document.draft_due_at())) {
      late.push_back(document.event_id());
    }
  }
  EXPECT_EQ(response.documents_size(), 8);
  EXPECT_THAT(late, ElementsAre(result_->late_draft_event_id));
}

// One run of the month (ctest runs each test in its own process, and the
// month takes one cluster), then each line of what must hold, in turn.
TEST_F(MainJobTest, OctoberEndsWithTheCircularTheAnalysisAndTheExportsAsPlanned) {
  {
    SCOPED_TRACE("CircularNamesExactlyTheFourUnitsOfTheMonth");
    CircularNamesExactlyTheFourUnitsOfTheMonth();
  }
  {
    SCOPED_TRACE("CircularNamesZhujianjuLateAndJiaoyujuMissingForTheSecondPeriod");
    CircularNamesZhujianjuLateAndJiaoyujuMissingForTheSecondPeriod();
  }
  {
    SCOPED_TRACE("CircularNamesYingjijuItemOverdueAtMonthEnd");
    CircularNamesYingjijuItemOverdueAtMonthEnd();
  }
  {
    SCOPED_TRACE("CircularNamesTheUrgingOfNongshuijuLateDraft");
    CircularNamesTheUrgingOfNongshuijuLateDraft();
  }
  {
    SCOPED_TRACE("AnalysisListsZhengshiAsTheOnlyLeaderWithoutADispatchEvent");
    AnalysisListsZhengshiAsTheOnlyLeaderWithoutADispatchEvent();
  }
  {
    SCOPED_TRACE("AnalysisCountsEqualWhatTasksAndSupervisionHold");
    AnalysisCountsEqualWhatTasksAndSupervisionHold();
  }
  {
    SCOPED_TRACE("PeriodEndingOnTheFifthCutsOffOnTheEighthAfterNationalDay");
    PeriodEndingOnTheFifthCutsOffOnTheEighthAfterNationalDay();
  }
  {
    SCOPED_TRACE("TheSchedulerOwesReportsFromTheUnitsPlanned");
    TheSchedulerOwesReportsFromTheUnitsPlanned();
  }
  {
    SCOPED_TRACE("ExtendedReferredAndSplitItemsAsPlanned");
    ExtendedReferredAndSplitItemsAsPlanned();
  }
  {
    SCOPED_TRACE("ExportsOpenWithOpenpyxlAndTheAnalysisHasCharts");
    ExportsOpenWithOpenpyxlAndTheAnalysisHasCharts();
  }
  {
    SCOPED_TRACE("EveryOtherReportCameInTime");
    EveryOtherReportCameInTime();
  }
  {
    SCOPED_TRACE("EveryOtherDraftWasRoutedInTime");
    EveryOtherDraftWasRoutedInTime();
  }
}

}  // namespace
}  // namespace duban::testing

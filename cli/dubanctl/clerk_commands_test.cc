// Reading form 4 (the assignment sheet) from a CSV as a spreadsheet saves it;
// what dubanctl prints of circulars, imports and settling; its refusals of bad
// requests and of services it cannot reach.
#include "cli/dubanctl/clerk_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/dubanctl/commands.h"
#include "common/time_util.h"

namespace duban::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<std::string> KnownUnit(const std::string& name) {
  if (name == "统计局") return std::string("u-tj");
  if (name == "应急局") return std::string("u-yj");
  return absl::NotFoundError("no unit " + name);
}

constexpr char kHeader[] = "序号,事项名称,难点痛点堵点,解决措施,责任单位,完成情况,完成时限\n";

TEST(ReadAssignmentSheetTest, RowsBecomeAgreedItemsWithUnitsAndDeadlines) {
  const std::string csv =
      std::string("\xEF\xBB\xBF") + kHeader +
      "1,报送经济运行分析,数据口径不一,\"统一口径, 按月报送\",统计局,,2026-10-12\n"
      "2,排查安全隐患,点多面广,分片包干,\"统计局\n应急局\",,2026年10月14日\n";
  auto items = ReadAssignmentSheet(csv, KnownUnit);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].ordinal(), 1);
  EXPECT_EQ((*items)[0].task(), "报送经济运行分析");
  EXPECT_EQ((*items)[0].blockers(), "数据口径不一");
  EXPECT_EQ((*items)[0].measures(), "统一口径, 按月报送");
  EXPECT_THAT((*items)[0].responsible_unit_ids(), ElementsAre("u-tj"));
  EXPECT_EQ((*items)[0].deadline().date().day(), 12);
  EXPECT_THAT((*items)[1].responsible_unit_ids(), ElementsAre("u-tj", "u-yj"));
  EXPECT_EQ((*items)[1].deadline().date().month(), 10);
  EXPECT_EQ((*items)[1].deadline().date().day(), 14);
}

TEST(ReadAssignmentSheetTest, AnEmptyDeadlineStaysUnsetForRoutingToRefuse) {
  auto items = ReadAssignmentSheet(std::string(kHeader) + "1,排查安全隐患,,,应急局,,\n", KnownUnit);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_FALSE((*items)[0].has_deadline());
}

TEST(ReadAssignmentSheetTest, BadRowsAreRefusedNamingTheLine) {
  auto cells = ReadAssignmentSheet(std::string(kHeader) + "1,排查,,,应急局\n", KnownUnit);
  EXPECT_EQ(cells.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(cells.status().message()), HasSubstr("line 2: 5 cells"));

  auto date =
      ReadAssignmentSheet(std::string(kHeader) + "1,排查,,,应急局,,2026-02-30\n", KnownUnit);
  EXPECT_EQ(date.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(date.status().message()), HasSubstr("line 2: 完成时限"));

  auto unit =
      ReadAssignmentSheet(std::string(kHeader) + "1,排查,,,气象局,,2026-10-14\n", KnownUnit);
  EXPECT_EQ(unit.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unit.status().message()), HasSubstr("line 2: 责任单位 气象局"));

  auto quote =
      ReadAssignmentSheet(std::string(kHeader) + "1,\"排查,,,应急局,,2026-10-14\n", KnownUnit);
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(quote.status().message()), HasSubstr("line 2: unclosed quote"));
}

TEST(PrintCircularTest, EveryEntryShowsItsLateAndMissingReportsOverdueItemsAndCases) {
  duban::reporting::v1::Circular circular;
  circular.set_month("2026-10");
  circular.set_state(duban::reporting::v1::CIRCULAR_STATE_DRAFT);
  auto* named = circular.add_entries();
  named->set_unit_id("u-yj");
  named->set_unit_name("应急局");
  named->add_late_period_ids("2026-10-1");
  named->add_missing_period_ids("2026-10-2");
  named->add_overdue_item_ids("doc-1-2");
  named->add_overdue_item_contents("排查安全隐患");
  auto* overdue = named->add_overdue_items();
  overdue->set_item_id("doc-1-2");
  *overdue->mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 10, 23));
  overdue->set_days_overdue(8);
  named->add_overdue_item_ids("doc-1-3");
  named->add_overdue_item_contents("加固堤防");
  auto* extended = named->add_overdue_items();
  extended->set_item_id("doc-1-3");
  *extended->mutable_deadline()->mutable_instant() = ToProto(
      absl::FromCivil(absl::CivilSecond(2026, 10, 30, 18, 0, 0), absl::FixedTimeZone(8 * 3600)));
  *extended->mutable_original_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 10, 16));
  extended->set_days_overdue(1);
  named->add_overdue_item_ids("doc-0-1");  // from a circular issued without deadlines
  named->add_overdue_item_contents("清理河道");
  named->add_case_ids("case-1");
  named->add_case_labels("report u-yj@2026-10-2 missing");
  auto* unnamed = circular.add_entries();
  unnamed->set_unit_id("u-tj");
  unnamed->add_late_period_ids("2026-10-1");
  std::ostringstream out;
  PrintCircular(
      circular, [](const std::string& id) { return id == "u-tj" ? "统计局" : "?"; },
      absl::FixedTimeZone(8 * 3600), out);
  EXPECT_EQ(out.str(),
            "circular 2026-10 (DRAFT), 2 units named\n"
            "  应急局 (u-yj)\n"
            "    late report     2026-10-1\n"
            "    missing report  2026-10-2\n"
            "    overdue item    doc-1-2  排查安全隐患  (due 2026-10-23, 8 days overdue at month "
            "end)\n"
            "    overdue item    doc-1-3  加固堤防  (due 2026-10-30 18:00, originally 2026-10-16, "
            "1 day overdue at month end)\n"
            "    overdue item    doc-0-1  清理河道\n"
            "    case            case-1  report u-yj@2026-10-2 missing\n"
            "  统计局 (u-tj)\n"
            "    late report     2026-10-1\n");
}

TEST(DescribeMatterImportTest, SaysWhatTheNewVersionAddedChangedAndRetired) {
  duban::registry::v1::ImportMatterRegistryResponse response;
  response.set_changed(true);
  response.mutable_version()->set_version(2);
  response.mutable_version()->set_matters_changed(1);
  response.mutable_version()->set_matters_retired(7);
  response.set_matters(1);
  response.set_units(1);
  response.set_leaders(1);
  EXPECT_EQ(DescribeMatterImport(response),
            "imported as version 2: 0 matters added, 1 changed, 7 retired; the file states 1 "
            "matters, 1 units, 1 leaders, 0 supervising office leaders, 0 office liaisons\n"
            "note: 7 matters of the previous version are not in the file and were retired");
  response.set_changed(false);
  EXPECT_EQ(DescribeMatterImport(response),
            "unchanged; current version 2: the file states 1 matters, 1 units, 1 leaders, 0 "
            "supervising office leaders, 0 office liaisons");
}

TEST(NewLeaderWarningTest, NamesEachNewLeaderWithTheLineAndWhetherThePersonIsNew) {
  duban::registry::v1::ImportMatterRegistryResponse response;
  EXPECT_EQ(NewLeaderWarning(response), "");

  auto* misspelt = response.add_new_leaders();
  misspelt->set_person_id("p-1");
  misspelt->set_name("王伍");
  misspelt->set_line(10);
  misspelt->set_created(true);
  EXPECT_EQ(NewLeaderWarning(response),
            "WARNING: this import made 1 new district leader; a misspelt name becomes a new "
            "leader, so check it:\n"
            "  new leader 王伍 (line 10): not in the registry before this import\n");

  auto* granted = response.add_new_leaders();
  granted->set_person_id("p-2");
  granted->set_name("沈三");
  granted->set_line(22);
  EXPECT_EQ(NewLeaderWarning(response),
            "WARNING: this import made 2 new district leaders; a misspelt name becomes a new "
            "leader, so check each:\n"
            "  new leader 王伍 (line 10): not in the registry before this import\n"
            "  new leader 沈三 (line 22): in the registry before this import, but not as a "
            "district leader\n");
}

TEST(ReportSettleTest, PendingWorkFailsSayingTheClockHasMoved) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  SettleReport settled;
  settled.now = absl::FromCivil(absl::CivilSecond(2026, 10, 9, 20, 0, 0), utc);
  settled.rounds = 3;
  settled.work_done = 5;
  std::ostringstream out;
  EXPECT_TRUE(ReportSettle(settled, utc, out).ok());

  settled.pending = 8;
  settled.pending_detail = "supervision: Connection refused; ";
  absl::Status status = ReportSettle(settled, utc, out);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("the clock has moved to"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("8 unit(s) of work are still pending"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("supervision: Connection refused"));
}

// Runs dubanctl's commands with every service at an address nothing listens on.
class UnreachableServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    secret_ = ::testing::TempDir() + "/dubanctl_test_jwt.secret";
    std::ofstream(secret_) << "development-secret-for-tests\n";
    setenv("DUBAN_JWT_SECRET_FILE", secret_.c_str(), 1);
    for (const char* env :
         {"DUBAN_REGISTRY_ADDR", "DUBAN_MINUTES_ADDR", "DUBAN_TASKS_ADDR", "DUBAN_REPORTING_ADDR",
          "DUBAN_SCHEDULER_ADDR", "DUBAN_SUPERVISION_ADDR"}) {
      setenv(env, "127.0.0.1:1", 1);
    }
  }

  int Run(const std::vector<std::string>& args, const CommandFlags& flags) {
    out_.str("");
    err_.str("");
    return RunCommand(args, flags, out_, err_);
  }

  std::string secret_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(UnreachableServicesTest, ACallGivesUpAfterTheTimeoutNamingTheServiceAndAddress) {
  CommandFlags flags;
  flags.timeout = absl::Milliseconds(500);
  EXPECT_EQ(Run({"units"}, flags), 1);
  EXPECT_THAT(err_.str(), HasSubstr("registry at 127.0.0.1:1"));
  EXPECT_THAT(err_.str(), HasSubstr("DEADLINE_EXCEEDED"));
}

TEST_F(UnreachableServicesTest, AnUnknownServiceIsRefusedListingTheSix) {
  CommandFlags flags;
  flags.service = "nosuch";
  EXPECT_EQ(Run({"health"}, flags), 1);
  EXPECT_THAT(err_.str(), HasSubstr("no service named 'nosuch'; the services are registry, "
                                    "minutes, tasks, reporting, scheduler, supervision"));
}

TEST_F(UnreachableServicesTest, ClockNowEndsItsLine) {
  const std::string clock = ::testing::TempDir() + "/dubanctl_test_clock";
  setenv("DUBAN_TEST_CLOCK_FILE", clock.c_str(), 1);
  EXPECT_EQ(Run({"clock", "now"}, CommandFlags()), 0) << err_.str();
  unsetenv("DUBAN_TEST_CLOCK_FILE");
  EXPECT_THAT(out_.str(), ::testing::EndsWith("\n"));
  EXPECT_EQ(out_.str().find('\n'), out_.str().size() - 1);
}

TEST_F(UnreachableServicesTest, ANonPositiveTimeoutIsRefused) {
  CommandFlags flags;
  flags.timeout = absl::ZeroDuration();
  EXPECT_EQ(Run({"units"}, flags), 1);
  EXPECT_THAT(err_.str(), HasSubstr("timeout: must be positive"));
}

}  // namespace
}  // namespace duban::client

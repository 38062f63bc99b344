#include "services/reporting/report_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/time_util.h"
#include "common/validation.h"

namespace duban::reporting {
namespace {

using tasks::v1::Item;
using ::testing::ElementsAre;

const absl::TimeZone kZone = *LoadZone("Asia/Shanghai");

absl::Time Local(int month, int day, int hour, int minute = 0, int second = 0) {
  return FromLocal(absl::CivilSecond(2026, month, day, hour, minute, second), kZone);
}

// The period ending 2026-10-20 18:00, its digest due 2026-10-22 18:00.
v1::Period SecondOctoberPeriod() {
  v1::Period period;
  period.set_id("2026-10-2");
  *period.mutable_starts_after() = ToProto(Local(10, 8, 18));
  *period.mutable_report_cutoff() = ToProto(Local(10, 20, 18));
  *period.mutable_digest_cutoff() = ToProto(Local(10, 22, 18));
  return period;
}

Item MakeItem(const std::string& id, const std::string& document, absl::Time created) {
  Item item;
  item.set_id(id);
  item.set_lead_unit_id("u-zj");
  item.add_responsible_unit_ids("u-zj");
  item.set_content("内容 " + id);
  item.mutable_source()->set_document_id(document);
  item.mutable_source()->set_kind(tasks::v1::SOURCE_KIND_MINUTES);
  *item.mutable_created_at() = ToProto(created);
  *item.mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 11, 30));
  return item;
}

class ReportRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Item done = MakeItem("doc-1-1", "doc-1", Local(10, 1, 9));
    *done.mutable_reported_complete_at() = ToProto(Local(10, 12, 9));
    done.set_completion_summary("已完成清淤");
    Item open = MakeItem("doc-1-2", "doc-1", Local(10, 1, 9));
    open.add_notes()->set_text("正在协调资金");
    *open.mutable_planned_completion_date() = ToProto(absl::CivilDay(2026, 11, 10));
    Item sheet = MakeItem("doc-2-1", "doc-2", Local(10, 14, 9));
    sheet.mutable_source()->set_kind(tasks::v1::SOURCE_KIND_ASSIGNMENT_SHEET);
    *sheet.mutable_planned_completion_date() = ToProto(absl::CivilDay(2026, 11, 1));
    Item finished_before = MakeItem("doc-0-1", "doc-0", Local(9, 1, 9));
    *finished_before.mutable_reported_complete_at() = ToProto(Local(10, 8, 17));
    Item created_after = MakeItem("doc-3-1", "doc-3", Local(10, 21, 9));
    Item other_unit = MakeItem("doc-1-3", "doc-1", Local(10, 1, 9));
    other_unit.set_lead_unit_id("u-jy");
    items_ = {sheet, open, done, finished_before, created_after, other_unit};
    owed_ = OwedItems(items_, "u-zj", period_);
  }

  v1::Report Prefilled() { return PrefillReportFrom("u-zj", period_, owed_, now_); }

  v1::Period period_ = SecondOctoberPeriod();
  absl::Time now_ = Local(10, 20, 10);
  std::vector<Item> items_;
  std::vector<Item> owed_;
};

TEST_F(ReportRulesTest, OwesTheItemsItLedOpenAtSomeMomentInThePeriod) {
  std::vector<std::string> ids;
  for (const Item& item : owed_) ids.push_back(item.id());
  EXPECT_THAT(ids, ElementsAre("doc-1-1", "doc-1-2", "doc-2-1"));
}

TEST_F(ReportRulesTest, ASplitItemIsReportedThroughItsSubItemsOnce) {
  Item parent = MakeItem("doc-4-1", "doc-4", Local(10, 9, 9));
  *parent.mutable_split_at() = ToProto(Local(10, 15, 10));
  parent.set_status(tasks::v1::ITEM_STATUS_SPLIT);
  Item first = MakeItem("doc-4-1-s1", "doc-4", Local(10, 15, 10));
  first.set_parent_item_id("doc-4-1");
  Item second = MakeItem("doc-4-1-s2", "doc-4", Local(10, 15, 10));
  second.set_parent_item_id("doc-4-1");
  // Split only after the cut-off: the report accounts for the parent as it was.
  Item split_late = MakeItem("doc-5-1", "doc-5", Local(10, 9, 9));
  *split_late.mutable_split_at() = ToProto(Local(10, 21, 9));

  std::vector<std::string> ids;
  for (const Item& item : OwedItems({parent, first, second, split_late}, "u-zj", period_)) {
    ids.push_back(item.id());
  }
  EXPECT_THAT(ids, ElementsAre("doc-4-1-s1", "doc-4-1-s2", "doc-5-1"));
}

TEST_F(ReportRulesTest, PrefillGroupsByDocumentWithForm4ForAssignmentSheets) {
  const v1::Report report = Prefilled();
  EXPECT_EQ(report.state(), v1::REPORT_STATE_DRAFT);
  ASSERT_EQ(report.sections_size(), 2);
  EXPECT_EQ(report.sections(0).document_id(), "doc-1");
  EXPECT_FALSE(report.sections(0).assignment_sheet());
  ASSERT_EQ(report.sections(0).rows_size(), 2);
  EXPECT_TRUE(report.sections(0).rows(0).completed());
  EXPECT_EQ(report.sections(0).rows(0).remarks(), "已完成清淤");
  EXPECT_FALSE(report.sections(0).rows(1).completed());
  EXPECT_EQ(report.sections(0).rows(1).remarks(), "正在协调资金");
  EXPECT_EQ(report.sections(0).rows(1).planned_completion_date().day(), 10);
  EXPECT_EQ(report.sections(1).document_id(), "doc-2");
  EXPECT_TRUE(report.sections(1).assignment_sheet());
  EXPECT_TRUE(CheckReport(report, owed_, now_, kZone).ok());
}

TEST_F(ReportRulesTest, PrefillDatesSectionsByTheirDispatchEventAndKeepsOriginalDeadlines) {
  for (Item& item : owed_) {
    item.mutable_source()->set_event_id(item.source().document_id() == "doc-1" ? "ev-1" : "ev-2");
  }
  // doc-1-2 was extended from 2026-10-16.
  *owed_[1].mutable_original_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 10, 16));
  const v1::Report report = PrefillReportFrom("u-zj", period_, owed_, now_,
                                              {{"ev-1", ToProto(absl::CivilDay(2026, 10, 9))}});
  ASSERT_EQ(report.sections_size(), 2);
  EXPECT_EQ(report.sections(0).dispatch_date().month(), 10);
  EXPECT_EQ(report.sections(0).dispatch_date().day(), 9);
  // ev-2 is not known: no date rather than a wrong one.
  EXPECT_FALSE(report.sections(1).has_dispatch_date());
  const v1::ReportRow& kept = report.sections(0).rows(0);
  EXPECT_EQ(kept.original_deadline().date().day(), 30);  // never extended: as agreed
  const v1::ReportRow& extended = report.sections(0).rows(1);
  EXPECT_EQ(extended.deadline().date().month(), 11);
  EXPECT_EQ(extended.deadline().date().day(), 30);
  EXPECT_EQ(extended.original_deadline().date().month(), 10);
  EXPECT_EQ(extended.original_deadline().date().day(), 16);
  EXPECT_THAT(DispatchEventIds(owed_), ElementsAre("ev-1", "ev-2"));
}

TEST_F(ReportRulesTest, StampingSetsTheRecordedDeadlinesAndDatesOverTheDrafts) {
  for (Item& item : owed_) item.mutable_source()->set_event_id("ev-1");
  *owed_[1].mutable_original_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 10, 16));
  v1::Report report = Prefilled();
  report.mutable_sections(0)->mutable_rows(1)->clear_original_deadline();
  report.mutable_sections(0)->mutable_rows(1)->mutable_deadline()->mutable_date()->set_day(1);
  StampRecordedFacts(report, owed_, {{"ev-1", ToProto(absl::CivilDay(2026, 10, 9))}});
  EXPECT_EQ(report.sections(0).rows(1).original_deadline().date().day(), 16);
  EXPECT_EQ(report.sections(0).rows(1).deadline().date().day(), 30);
  EXPECT_EQ(report.sections(0).dispatch_date().day(), 9);
  EXPECT_EQ(report.sections(1).dispatch_date().day(), 9);
}

TEST_F(ReportRulesTest, RefusesAMissingItemNamingIt) {
  v1::Report report = Prefilled();
  report.mutable_sections(0)->mutable_rows()->RemoveLast();
  const absl::Status status = CheckReport(report, owed_, now_, kZone);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "report.sections: item doc-1-2 is missing");
}

TEST_F(ReportRulesTest, RefusesAnItemCountedTwice) {
  v1::Report report = Prefilled();
  *report.mutable_sections(1)->add_rows() = report.sections(0).rows(0);
  const absl::Status status = CheckReport(report, owed_, now_, kZone);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "report.sections[1].rows[1]: item doc-1-1 is counted twice (also "
            "report.sections[0].rows[0])");
}

TEST_F(ReportRulesTest, RefusesAnUncompletedItemWithoutAPlannedDate) {
  v1::Report report = Prefilled();
  report.mutable_sections(1)->mutable_rows(0)->clear_planned_completion_date();
  const absl::Status status = CheckReport(report, owed_, now_, kZone);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "report.sections[1].rows[0].planned_completion_date: item doc-2-1 is uncompleted "
            "without a planned completion date");
}

TEST_F(ReportRulesTest, RefusesAPlannedDateInThePastButAcceptsToday) {
  v1::Report report = Prefilled();
  *report.mutable_sections(0)->mutable_rows(1)->mutable_planned_completion_date() =
      ToProto(absl::CivilDay(2026, 10, 19));
  const absl::Status status = CheckReport(report, owed_, now_, kZone);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "report.sections[0].rows[1].planned_completion_date: item doc-1-2 is planned for "
            "2026-10-19, in the past (today is 2026-10-20)");

  *report.mutable_sections(0)->mutable_rows(1)->mutable_planned_completion_date() =
      ToProto(absl::CivilDay(2026, 10, 20));
  EXPECT_TRUE(CheckReport(report, owed_, now_, kZone).ok());
}

TEST_F(ReportRulesTest, RefusesAnItemNotOwedAndACompletionTasksDoesNotKnow) {
  v1::Report report = Prefilled();
  report.mutable_sections(0)->mutable_rows(0)->set_item_id("doc-1-3");
  EXPECT_EQ(CheckReport(report, owed_, now_, kZone).message(),
            "report.sections[0].rows[0]: item doc-1-3 is not an item unit u-zj led open in "
            "period 2026-10-2");

  report = Prefilled();
  report.mutable_sections(0)->mutable_rows(1)->set_completed(true);
  EXPECT_EQ(CheckReport(report, owed_, now_, kZone).message(),
            "report.sections[0].rows[1].completed: item doc-1-2 is not reported complete");
}

// `text` repeated `times` times.
std::string Repeat(const std::string& text, int times) {
  std::string repeated;
  for (int i = 0; i < times; ++i) repeated += text;
  return repeated;
}

TEST_F(ReportRulesTest, PrefilledRemarksOfACompletedItemKeepTheLatestNotesWithinTheLimit) {
  Item done = MakeItem("doc-1-1", "doc-1", Local(10, 1, 9));
  *done.mutable_reported_complete_at() = ToProto(Local(10, 12, 9));
  done.add_notes()->set_text(Repeat("甲", 900));
  done.add_notes()->set_text(Repeat("乙", 900));
  done.add_notes()->set_text(Repeat("丙", 900));
  done.set_completion_summary("已完成清淤");

  // 2,708 characters joined; the latest 1,999 stay after the cut mark.
  const v1::ReportRow row = RowOf(done, now_);
  EXPECT_EQ(row.remarks(), "…" + Repeat("甲", 191) + "\n" + Repeat("乙", 900) + "\n" +
                               Repeat("丙", 900) + "\n已完成清淤");
  EXPECT_TRUE(CheckText("remarks", row.remarks(), kMaxRemarkChars).ok());
  EXPECT_FALSE(CheckText("remarks", row.remarks(), kMaxRemarkChars - 1).ok());
}

TEST_F(ReportRulesTest, PrefilledRemarksOfAnUncompletedItemKeepTheEndOfALongLatestNote) {
  Item open = MakeItem("doc-1-2", "doc-1", Local(10, 1, 9));
  open.add_notes()->set_text("较早的进展");
  open.add_notes()->set_text(Repeat("旧", 1500) + Repeat("新", 1500));
  *open.mutable_planned_completion_date() = ToProto(absl::CivilDay(2026, 11, 10));

  const v1::ReportRow row = RowOf(open, now_);
  EXPECT_EQ(row.remarks(), "…" + Repeat("旧", 499) + Repeat("新", 1500));
  EXPECT_TRUE(CheckText("remarks", row.remarks(), kMaxRemarkChars).ok());
}

TEST_F(ReportRulesTest, PrefilledRemarksAtTheLimitStayWhole) {
  Item done = MakeItem("doc-1-1", "doc-1", Local(10, 1, 9));
  *done.mutable_reported_complete_at() = ToProto(Local(10, 12, 9));
  done.add_notes()->set_text(Repeat("甲", 1000));
  done.set_completion_summary(Repeat("乙", 999));

  EXPECT_EQ(RowOf(done, now_).remarks(), Repeat("甲", 1000) + "\n" + Repeat("乙", 999));
}

TEST(LatenessTest, OneSecondBeforeTheCutoffIsOnTimeTheCutoffItselfIsLate) {
  const v1::Period period = SecondOctoberPeriod();
  EXPECT_FALSE(SubmittedLate(period, Local(10, 20, 17, 59, 59)));
  EXPECT_TRUE(SubmittedLate(period, Local(10, 20, 18, 0, 0)));
  const absl::Time after_digest = Local(10, 22, 18);
  EXPECT_EQ(StandingOf(period, Local(10, 20, 17, 59, 59), after_digest), Standing::kOnTime);
  EXPECT_EQ(StandingOf(period, Local(10, 20, 18), after_digest), Standing::kLate);
}

TEST(LatenessTest, MissingOnlyOnceTheDigestCutoffHasPassedAndNeverAlsoLate) {
  const v1::Period period = SecondOctoberPeriod();
  EXPECT_EQ(StandingOf(period, std::nullopt, Local(10, 22, 17, 59, 59)), Standing::kPending);
  EXPECT_EQ(StandingOf(period, std::nullopt, Local(10, 22, 18)), Standing::kMissing);
  // In after the digest cut-off: missing, not late.
  EXPECT_EQ(StandingOf(period, Local(10, 22, 18), Local(10, 23, 9)), Standing::kMissing);
}

TEST(OwingUnitsTest, ReadsUnitsFromTheReportSubjectsOfThePeriod) {
  std::vector<scheduler::v1::Deadline> deadlines(4);
  deadlines[0].mutable_subject()->set_kind(common::v1::SUBJECT_KIND_REPORT);
  deadlines[0].mutable_subject()->set_id("u-zj@2026-10-2");
  deadlines[1].mutable_subject()->set_kind(common::v1::SUBJECT_KIND_REPORT);
  deadlines[1].mutable_subject()->set_id("u-jy@2026-10-2");
  deadlines[2].mutable_subject()->set_kind(common::v1::SUBJECT_KIND_REPORT);
  deadlines[2].mutable_subject()->set_id("u-zj@2026-10-1");
  deadlines[3] = deadlines[1];
  deadlines[3].mutable_subject()->set_id("u-x@2026-10-2");
  deadlines[3].set_state(scheduler::v1::DEADLINE_STATE_CANCELLED);
  EXPECT_THAT(OwingUnits(deadlines, "2026-10-2"), ElementsAre("u-jy", "u-zj"));
}

}  // namespace
}  // namespace duban::reporting

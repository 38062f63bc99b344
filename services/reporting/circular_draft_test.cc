#include "services/reporting/circular_draft.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time_util.h"

namespace duban::reporting {
namespace {

using supervision::v1::SupervisionCase;
using ::testing::ElementsAre;

const absl::Time kBegin = absl::FromUnixSeconds(1790784000);
const absl::Time kEnd = kBegin + absl::Hours(24 * 31);
const absl::Duration kDay = absl::Hours(24);

SupervisionCase Case(const std::string& id, const std::string& unit, common::v1::SubjectKind kind,
                     const std::string& subject_id, absl::Time opened,
                     std::optional<absl::Time> closed = std::nullopt) {
  SupervisionCase c;
  c.set_id(id);
  c.set_unit_id(unit);
  c.mutable_subject()->set_kind(kind);
  c.mutable_subject()->set_id(subject_id);
  c.set_label("label of " + id);
  *c.mutable_opened_at() = ToProto(opened);
  if (closed) *c.mutable_closed_at() = ToProto(*closed);
  return c;
}

TEST(CircularDraftTest, GroupsOverdueItemsAndCasesPerUnit) {
  const std::vector<SupervisionCase> cases = {
      // 应急局: an item overdue at month end, opened in the month.
      Case("c1", "u-yj", common::v1::SUBJECT_KIND_ITEM, "doc-1-1", kBegin + 23 * kDay),
      // 农水局: a late draft urged in the month, met later in the month.
      Case("c2", "u-ns", common::v1::SUBJECT_KIND_DRAFT, "ev-1", kBegin + 15 * kDay,
           kBegin + 16 * kDay),
      // An item case closed last month: not named.
      Case("c3", "u-old", common::v1::SUBJECT_KIND_ITEM, "doc-0-1", kBegin - 9 * kDay,
           kBegin - 2 * kDay),
      // Opened last month, still open: named as overdue.
      Case("c4", "u-yj", common::v1::SUBJECT_KIND_ITEM, "doc-0-2", kBegin - 9 * kDay),
      // Opened after the month: not named.
      Case("c5", "u-late", common::v1::SUBJECT_KIND_ITEM, "doc-2-1", kEnd),
  };
  const std::vector<v1::CircularEntry> entries = GroupCircular(
      cases, kBegin, kEnd, {{"doc-1-1", "清理河道"}}, {{"u-yj", "应急局"}, {"u-ns", "农水局"}});

  ASSERT_EQ(entries.size(), 2u);
  // Ordered by name: 农水局 (U+519C) before 应急局 (U+5E94).
  EXPECT_EQ(entries[0].unit_name(), "农水局");
  EXPECT_TRUE(entries[0].overdue_item_ids().empty());
  EXPECT_THAT(entries[0].case_ids(), ElementsAre("c2"));
  EXPECT_EQ(entries[1].unit_name(), "应急局");
  EXPECT_THAT(entries[1].overdue_item_ids(), ElementsAre("doc-1-1", "doc-0-2"));
  EXPECT_THAT(entries[1].overdue_item_contents(), ElementsAre("清理河道", "label of c4"));
  EXPECT_THAT(entries[1].case_ids(), ElementsAre("c1", "c4"));
  EXPECT_TRUE(entries[1].late_period_ids().empty());
}

void AddRung(SupervisionCase& c, common::v1::Rung rung, absl::Time at) {
  supervision::v1::RungRecord* record = c.add_rungs();
  record->set_rung(rung);
  *record->mutable_at() = ToProto(at);
}

TEST(CircularDraftTest, EachCaseCarriesTheHighestRungReachedByTheMonthsEnd) {
  // Urged only: stays 催办 even once the circular names it.
  SupervisionCase urged =
      Case("c1", "u-ns", common::v1::SUBJECT_KIND_DRAFT, "ev-1", kBegin + 15 * kDay);
  AddRung(urged, common::v1::RUNG_REMINDER, kBegin + 12 * kDay);
  AddRung(urged, common::v1::RUNG_URGING, kBegin + 15 * kDay);
  AddRung(urged, common::v1::RUNG_CIRCULAR, kEnd + 2 * kDay);
  // Raised to the supervision group in the month.
  SupervisionCase raised =
      Case("c2", "u-ns", common::v1::SUBJECT_KIND_ITEM, "doc-1-1", kBegin + 10 * kDay);
  AddRung(raised, common::v1::RUNG_URGING, kBegin + 10 * kDay);
  AddRung(raised, common::v1::RUNG_SUPERVISION, kBegin + 13 * kDay);
  // Urged at the month's end, raised only in the next month.
  SupervisionCase later = Case("c3", "u-ns", common::v1::SUBJECT_KIND_ITEM, "doc-1-2", kEnd - kDay);
  AddRung(later, common::v1::RUNG_URGING, kEnd - kDay);
  AddRung(later, common::v1::RUNG_SUPERVISION, kEnd + 3 * kDay);

  const auto entries = GroupCircular({later, urged, raised}, kBegin, kEnd, {}, {});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(entries[0].case_ids(), ElementsAre("c1", "c2", "c3"));
  EXPECT_THAT(
      entries[0].case_rungs(),
      ElementsAre(common::v1::RUNG_URGING, common::v1::RUNG_SUPERVISION, common::v1::RUNG_URGING));
}

TEST(CircularDraftTest, CaseLabelsNameTheUnitRatherThanItsId) {
  SupervisionCase report = Case("c1", "unit-06085156a5", common::v1::SUBJECT_KIND_REPORT,
                                "unit-06085156a5@2026-10-2", kBegin + 19 * kDay);
  report.set_label("report of unit-06085156a5 for period 2026-10-2");
  const auto entries = GroupCircular({report}, kBegin, kEnd, {}, {{"unit-06085156a5", "发改局"}});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].unit_name(), "发改局");
  EXPECT_THAT(entries[0].case_labels(), ElementsAre("report of 发改局 for period 2026-10-2"));
}

TEST(CircularDraftTest, ClosedItemCaseOpenedInTheMonthIsACaseNotAnOverdueItem) {
  const std::vector<SupervisionCase> cases = {
      Case("c1", "u", common::v1::SUBJECT_KIND_ITEM, "i", kBegin + kDay, kBegin + 2 * kDay)};
  const auto entries = GroupCircular(cases, kBegin, kEnd, {}, {});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].unit_name(), "u");
  EXPECT_TRUE(entries[0].overdue_item_ids().empty());
  EXPECT_THAT(entries[0].case_ids(), ElementsAre("c1"));
  EXPECT_THAT(OverdueItemIds(cases, kEnd), ElementsAre());
}

TEST(CircularDraftTest, ReferralAndDispatchCycleCasesNameNoUnit) {
  SupervisionCase referred = Case("c1", "u-ref", common::v1::SUBJECT_KIND_ITEM, "i", kBegin + kDay);
  referred.set_referred(true);
  EXPECT_FALSE(CoveredByMonth(referred, kBegin, kEnd));
  EXPECT_TRUE(GroupCircular({referred}, kBegin, kEnd, {}, {}).empty());
  const SupervisionCase cycle =
      Case("c2", "u-office", common::v1::SUBJECT_KIND_DISPATCH_CYCLE, "l-1@2026-09", kBegin);
  EXPECT_FALSE(CoveredByMonth(cycle, kBegin, kEnd));
}

TEST(CircularDraftTest, AddsLateMissingAndOverdueItemsFromTasksOncePerUnit) {
  PeriodReports reports;
  reports.period.set_id("2026-10-2");
  *reports.period.mutable_report_cutoff() = ToProto(kBegin + 19 * kDay);
  *reports.period.mutable_digest_cutoff() = ToProto(kBegin + 21 * kDay);
  reports.owing = {"u-zj", "u-jy", "u-ok"};
  reports.submitted_at["u-zj"] = kBegin + 19 * kDay;  // at the cut-off: late
  reports.report_ids["u-zj"] = "rp-1";
  reports.submitted_at["u-ok"] = kBegin + 18 * kDay;
  reports.report_ids["u-ok"] = "rp-2";
  tasks::v1::Item overdue;
  overdue.set_id("doc-1-1");
  overdue.set_lead_unit_id("u-yj");
  overdue.add_responsible_unit_ids("u-yj");
  overdue.set_content("清理河道");

  std::vector<v1::CircularEntry> entries = GroupCircular(
      {Case("c1", "u-yj", common::v1::SUBJECT_KIND_ITEM, "doc-1-1", kBegin + 23 * kDay)}, kBegin,
      kEnd, {{"doc-1-1", "清理河道"}}, {{"u-yj", "应急局"}});
  AddReportsAndItems(entries, {reports}, kEnd, {overdue},
                     {{"u-yj", "应急局"}, {"u-zj", "住建局"}, {"u-jy", "教育局"}});

  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].unit_name(), "住建局");
  EXPECT_THAT(entries[0].late_period_ids(), ElementsAre("2026-10-2"));
  EXPECT_TRUE(entries[0].missing_period_ids().empty());
  EXPECT_EQ(entries[1].unit_name(), "应急局");
  EXPECT_THAT(entries[1].overdue_item_ids(), ElementsAre("doc-1-1"));
  EXPECT_THAT(entries[1].case_ids(), ElementsAre("c1"));
  EXPECT_EQ(entries[2].unit_name(), "教育局");
  EXPECT_THAT(entries[2].missing_period_ids(), ElementsAre("2026-10-2"));
}

TEST(CircularDraftTest, OverdueItemsFromTasksAreAddedInIdOrderWhateverTheirOrder) {
  auto item = [](const std::string& id) {
    tasks::v1::Item overdue;
    overdue.set_id(id);
    overdue.set_lead_unit_id("u-yj");
    overdue.set_content("内容 " + id);
    return overdue;
  };
  std::vector<v1::CircularEntry> entries;
  AddReportsAndItems(entries, {}, kEnd, {item("doc-3-1"), item("doc-1-2"), item("doc-2-1")},
                     {{"u-yj", "应急局"}});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(entries[0].overdue_item_ids(), ElementsAre("doc-1-2", "doc-2-1", "doc-3-1"));
}

TEST(CircularDraftTest, CsvStartsWithAByteOrderMarkAndQuotesCells) {
  v1::Circular circular;
  circular.set_month("2026-10");
  v1::CircularEntry* entry = circular.add_entries();
  entry->set_unit_name("应急局");
  entry->add_overdue_item_ids("doc-1-1");
  entry->add_overdue_item_contents("清理河道, \"北段\"\n第二行");
  entry->add_missing_period_ids("2026-10-2");

  const std::string csv = CircularCsv(circular);
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(csv.substr(3),
            "月份,单位,类别,编号,内容\r\n"
            "2026-10,应急局,漏报,2026-10-2,\r\n"
            "2026-10,应急局,逾期事项,doc-1-1,\"清理河道, \"\"北段\"\"\n第二行\"\r\n");
}

}  // namespace
}  // namespace duban::reporting

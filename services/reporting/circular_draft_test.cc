#include "services/reporting/circular_draft.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time_util.h"

namespace duban::reporting {
namespace {

using supervision::v1::SupervisionCase;
using ::testing::ElementsAre;

// October 2026 in Asia/Shanghai.
const absl::Time kBegin = absl::FromUnixSeconds(1790784000);
const absl::Time kEnd = kBegin + absl::Hours(24 * 31);
const absl::Duration kDay = absl::Hours(24);

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return zone;
}

common::v1::Deadline DueOn(int month, int day) {
  common::v1::Deadline deadline;
  *deadline.mutable_date() = ToProto(absl::CivilDay(2026, month, day));
  return deadline;
}

common::v1::Deadline DueAtLocal(int month, int day, int hour) {
  common::v1::Deadline deadline;
  *deadline.mutable_instant() =
      ToProto(absl::FromCivil(absl::CivilSecond(2026, month, day, hour, 0, 0), Shanghai()));
  return deadline;
}

tasks::v1::Item ItemDue(const std::string& id, const common::v1::Deadline& deadline) {
  tasks::v1::Item item;
  item.set_id(id);
  item.set_lead_unit_id("u-yj");
  item.add_responsible_unit_ids("u-yj");
  item.set_content("清理河道");
  *item.mutable_original_deadline() = deadline;
  *item.mutable_deadline() = deadline;
  return item;
}

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
      cases, kBegin, kEnd, Shanghai(), {{"doc-1-1", ItemDue("doc-1-1", DueOn(10, 23))}},
      {{"u-yj", "应急局"}, {"u-ns", "农水局"}});

  ASSERT_EQ(entries.size(), 2u);
  // Ordered by name: 农水局 (U+519C) before 应急局 (U+5E94).
  EXPECT_EQ(entries[0].unit_name(), "农水局");
  EXPECT_TRUE(entries[0].overdue_item_ids().empty());
  EXPECT_THAT(entries[0].case_ids(), ElementsAre("c2"));
  EXPECT_EQ(entries[1].unit_name(), "应急局");
  EXPECT_THAT(entries[1].overdue_item_ids(), ElementsAre("doc-1-1", "doc-0-2"));
  EXPECT_THAT(entries[1].overdue_item_contents(), ElementsAre("清理河道", "label of c4"));
  ASSERT_EQ(entries[1].overdue_items_size(), 2);
  EXPECT_EQ(entries[1].overdue_items(0).item_id(), "doc-1-1");
  EXPECT_EQ(entries[1].overdue_items(0).content(), "清理河道");
  EXPECT_EQ(entries[1].overdue_items(0).deadline().date().day(), 23);
  EXPECT_EQ(entries[1].overdue_items(0).days_overdue(), 8);
  // An item tasks did not give: named by its case, no deadline known.
  EXPECT_EQ(entries[1].overdue_items(1).item_id(), "doc-0-2");
  EXPECT_EQ(entries[1].overdue_items(1).content(), "label of c4");
  EXPECT_FALSE(entries[1].overdue_items(1).has_deadline());
  EXPECT_EQ(entries[1].overdue_items(1).days_overdue(), 0);
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

  const auto entries = GroupCircular({later, urged, raised}, kBegin, kEnd, Shanghai(), {}, {});
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
  const auto entries =
      GroupCircular({report}, kBegin, kEnd, Shanghai(), {}, {{"unit-06085156a5", "发改局"}});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].unit_name(), "发改局");
  EXPECT_THAT(entries[0].case_labels(), ElementsAre("report of 发改局 for period 2026-10-2"));
}

TEST(CircularDraftTest, ClosedItemCaseOpenedInTheMonthIsACaseNotAnOverdueItem) {
  const std::vector<SupervisionCase> cases = {
      Case("c1", "u", common::v1::SUBJECT_KIND_ITEM, "i", kBegin + kDay, kBegin + 2 * kDay)};
  const auto entries = GroupCircular(cases, kBegin, kEnd, Shanghai(), {}, {});
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
  EXPECT_TRUE(GroupCircular({referred}, kBegin, kEnd, Shanghai(), {}, {}).empty());
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
  const tasks::v1::Item overdue = ItemDue("doc-1-1", DueOn(10, 23));
  tasks::v1::Item extended = ItemDue("doc-2-1", DueOn(10, 16));
  *extended.mutable_deadline() = DueAtLocal(10, 28, 18);
  extended.set_content("加固堤防");

  std::vector<v1::CircularEntry> entries = GroupCircular(
      {Case("c1", "u-yj", common::v1::SUBJECT_KIND_ITEM, "doc-1-1", kBegin + 23 * kDay)}, kBegin,
      kEnd, Shanghai(), {{"doc-1-1", overdue}}, {{"u-yj", "应急局"}});
  AddReportsAndItems(entries, {reports}, kEnd, kEnd, Shanghai(), {extended, overdue},
                     {{"u-yj", "应急局"}, {"u-zj", "住建局"}, {"u-jy", "教育局"}});

  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].unit_name(), "住建局");
  EXPECT_THAT(entries[0].late_period_ids(), ElementsAre("2026-10-2"));
  EXPECT_TRUE(entries[0].missing_period_ids().empty());
  EXPECT_EQ(entries[1].unit_name(), "应急局");
  EXPECT_THAT(entries[1].overdue_item_ids(), ElementsAre("doc-1-1", "doc-2-1"));
  EXPECT_THAT(entries[1].overdue_item_contents(), ElementsAre("清理河道", "加固堤防"));
  ASSERT_EQ(entries[1].overdue_items_size(), 2);
  EXPECT_EQ(entries[1].overdue_items(0).days_overdue(), 8);
  const v1::OverdueItem& second = entries[1].overdue_items(1);
  EXPECT_EQ(second.item_id(), "doc-2-1");
  EXPECT_EQ(second.content(), "加固堤防");
  EXPECT_EQ(FromProto(second.deadline().instant()), FromProto(DueAtLocal(10, 28, 18).instant()));
  EXPECT_EQ(second.original_deadline().date().day(), 16);
  EXPECT_EQ(second.days_overdue(), 3);
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
  AddReportsAndItems(entries, {}, kEnd, kEnd, Shanghai(),
                     {item("doc-3-1"), item("doc-1-2"), item("doc-2-1")}, {{"u-yj", "应急局"}});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(entries[0].overdue_item_ids(), ElementsAre("doc-1-2", "doc-2-1", "doc-3-1"));
}

TEST(CircularDraftTest, DaysOverdueCountFromTheDayTheDeadlineInForceFallsDueToTheMonthsLastDay) {
  auto days = [](const common::v1::Deadline& deadline) {
    return OverdueItemOf(ItemDue("i", deadline), kEnd, Shanghai()).days_overdue();
  };
  EXPECT_EQ(days(DueOn(10, 23)), 8);
  EXPECT_EQ(days(DueOn(10, 1)), 30);
  EXPECT_EQ(days(DueOn(9, 30)), 31);
  EXPECT_EQ(days(DueAtLocal(10, 23, 18)), 8);
  // Due at an instant on the month's last day: overdue by less than a day.
  EXPECT_EQ(days(DueAtLocal(10, 31, 17)), 0);
  // 00:00 local belongs to the day it begins.
  EXPECT_EQ(days(DueAtLocal(10, 24, 0)), 7);
}

TEST(CircularDraftTest, TheOriginalDeadlineIsGivenOnlyWhenAnExtensionMovedIt) {
  const v1::OverdueItem kept = OverdueItemOf(ItemDue("i", DueOn(10, 23)), kEnd, Shanghai());
  EXPECT_EQ(kept.deadline().date().day(), 23);
  EXPECT_FALSE(kept.has_original_deadline());

  tasks::v1::Item item = ItemDue("i", DueOn(10, 16));
  *item.mutable_deadline() = DueOn(10, 20);
  const v1::OverdueItem extended = OverdueItemOf(item, kEnd, Shanghai());
  EXPECT_EQ(extended.item_id(), "i");
  EXPECT_EQ(extended.content(), "清理河道");
  EXPECT_EQ(extended.deadline().date().day(), 20);
  EXPECT_EQ(extended.original_deadline().date().day(), 16);
  EXPECT_EQ(extended.days_overdue(), 11);
}

}  // namespace
}  // namespace duban::reporting

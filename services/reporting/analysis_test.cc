#include "services/reporting/analysis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/testing/callers.h"
#include "common/time_util.h"

namespace duban::reporting {
namespace {

using tasks::v1::Item;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::TimeZone kZone = *LoadZone("Asia/Shanghai");

absl::Time Local(int month, int day, int hour = 9) {
  return FromLocal(absl::CivilSecond(2026, month, day, hour, 0, 0), kZone);
}

Item MakeItem(const std::string& id, std::vector<std::string> units, const std::string& leader,
              absl::Time created, absl::CivilDay due) {
  Item item;
  item.set_id(id);
  item.set_lead_unit_id(units.front());
  for (const std::string& unit : units) item.add_responsible_unit_ids(unit);
  item.mutable_source()->set_leader_id(leader);
  *item.mutable_created_at() = ToProto(created);
  *item.mutable_deadline()->mutable_date() = ToProto(due);
  *item.mutable_due_at() = ToProto(EndOfLocalDay(due, kZone));
  return item;
}

v1::Period Period(const std::string& id, absl::Time after, absl::Time report, absl::Time digest) {
  v1::Period period;
  period.set_id(id);
  *period.mutable_starts_after() = ToProto(after);
  *period.mutable_report_cutoff() = ToProto(report);
  *period.mutable_digest_cutoff() = ToProto(digest);
  return period;
}

registry::v1::Person Leader(const std::string& id, const std::string& name) {
  registry::v1::Person person;
  person.set_id(id);
  person.set_name(name);
  return person;
}

supervision::v1::Notice Urging(const std::string& id, const std::string& unit) {
  supervision::v1::Notice notice;
  notice.set_id(id);
  notice.set_unit_id(unit);
  return notice;
}

// October 2026: completed on time and late, overdue at month end, an
// extension, a referral with a split, reports on time, late and missing.
AnalysisInputs October() {
  AnalysisInputs in;
  in.month = "2026-10";
  in.begin = Local(10, 1, 0);
  in.end = Local(11, 1, 0);
  in.now = Local(11, 2);
  in.zone = kZone;

  Item shared =
      MakeItem("it-a", {"u-a", "u-b"}, "l-wang", Local(10, 3), absl::CivilDay(2026, 10, 15));
  *shared.mutable_reported_complete_at() = ToProto(Local(10, 14));
  Item late = MakeItem("it-b", {"u-a"}, "l-wang", Local(10, 3), absl::CivilDay(2026, 10, 10));
  *late.mutable_reported_complete_at() = ToProto(Local(10, 12));
  Item overdue = MakeItem("it-c", {"u-yj"}, "l-zheng", Local(10, 5), absl::CivilDay(2026, 10, 23));
  Item extended = MakeItem("it-d", {"u-a"}, "l-wang", Local(9, 20), absl::CivilDay(2026, 11, 30));
  tasks::v1::Extension* extension = extended.add_extensions();
  extension->set_id("ext-1");
  extension->set_state(tasks::v1::EXTENSION_STATE_APPROVED);
  *extension->mutable_decided_at() = ToProto(Local(10, 18));
  Item referred = MakeItem("it-e", {"u-b"}, "", Local(10, 6), absl::CivilDay(2026, 10, 20));
  *referred.mutable_referred_at() = ToProto(Local(10, 10));
  *referred.mutable_split_at() = ToProto(Local(10, 11));
  referred.add_sub_item_ids("it-e-s1");
  Item sub = MakeItem("it-e-s1", {"u-b"}, "", Local(10, 11), absl::CivilDay(2026, 10, 31));
  sub.set_parent_item_id("it-e");
  *sub.mutable_reported_complete_at() = ToProto(Local(10, 30));
  Item september = MakeItem("it-f", {"u-a"}, "l-wang", Local(9, 1), absl::CivilDay(2026, 9, 20));
  *september.mutable_reported_complete_at() = ToProto(Local(9, 15));
  in.items = {shared, late, overdue, extended, referred, sub, september};

  PeriodReports first;
  first.period = Period("2026-10-1", Local(9, 21, 18), Local(10, 8, 18), Local(10, 8, 18));
  first.owing = {"u-a"};
  first.submitted_at["u-a"] = Local(10, 8, 17);
  first.report_ids["u-a"] = "rp-a1";
  PeriodReports second;
  second.period = Period("2026-10-2", Local(10, 8, 18), Local(10, 20, 18), Local(10, 22, 18));
  second.owing = {"u-a", "u-b", "u-yj"};
  second.submitted_at["u-a"] = Local(10, 20, 10);
  second.report_ids["u-a"] = "rp-a2";
  second.submitted_at["u-yj"] = Local(10, 20, 18);
  second.report_ids["u-yj"] = "rp-yj";
  in.periods = {first, second};

  in.leaders = {Leader("l-wang", "王五"), Leader("l-zheng", "郑十")};
  minutes::v1::DispatchEvent event;
  event.set_id("ev-1");
  event.set_leader_id("l-wang");
  in.events = {event};
  in.urging_notices = {Urging("n-1", "u-yj"), Urging("n-2", "u-b")};
  in.unit_names = {{"u-a", "甲局"}, {"u-b", "乙局"}, {"u-yj", "应急局"}};
  return in;
}

TEST(AnalysisTest, TotalsCountEachItemOnce) {
  const v1::Analysis analysis = ComputeAnalysis(October());
  EXPECT_EQ(analysis.id(), "analysis-2026-10");
  EXPECT_EQ(analysis.items_issued(), 4);             // it-a, it-b, it-c, it-e
  EXPECT_EQ(analysis.items_completed_on_time(), 2);  // it-a, it-e-s1
  EXPECT_EQ(analysis.items_completed_late(), 1);     // it-b
  EXPECT_EQ(analysis.items_open_overdue(), 1);       // it-c
  EXPECT_EQ(analysis.extensions_approved(), 1);      // it-d
  EXPECT_EQ(analysis.referrals(), 1);                // it-e
  EXPECT_THAT(analysis.leaders_without_dispatch(), ElementsAre("l-zheng"));
  EXPECT_THAT(analysis.leaders_without_dispatch_names(), ElementsAre("郑十"));
}

TEST(AnalysisTest, PerUnitTablesCountAnItemForEachOfItsUnits) {
  const v1::Analysis analysis = ComputeAnalysis(October());
  ASSERT_EQ(analysis.units_size(), 3);
  // By unit name: 乙局, 应急局, 甲局.
  const v1::UnitAnalysis& b = analysis.units(0);
  EXPECT_EQ(b.unit_id(), "u-b");
  EXPECT_EQ(b.items_issued(), 2);
  EXPECT_EQ(b.items_completed_on_time(), 2);
  EXPECT_EQ(b.referrals(), 1);
  EXPECT_EQ(b.missing_reports(), 1);
  const v1::UnitAnalysis& yj = analysis.units(1);
  EXPECT_EQ(yj.unit_id(), "u-yj");
  EXPECT_EQ(yj.items_open_overdue(), 1);
  EXPECT_EQ(yj.late_reports(), 1);
  EXPECT_EQ(yj.urging_notices(), 1);
  const v1::UnitAnalysis& a = analysis.units(2);
  EXPECT_EQ(a.unit_name(), "甲局");
  EXPECT_EQ(a.items_issued(), 2);
  EXPECT_EQ(a.items_completed_on_time(), 1);
  EXPECT_EQ(a.items_completed_late(), 1);
  EXPECT_EQ(a.extensions_approved(), 1);
  EXPECT_DOUBLE_EQ(a.on_time_rate(), 50.0);
}

TEST(AnalysisTest, ScoresDeductWithTheirRecordsAndChineseReasons) {
  const v1::Analysis analysis = ComputeAnalysis(October());
  std::vector<std::string> order;
  for (const auto& score : analysis.scores()) {
    order.push_back(absl::StrCat(score.unit_id(), " ", score.score()));
  }
  // From the lowest score.
  EXPECT_THAT(order, ElementsAre("u-b 89", "u-yj 92", "u-a 100"));
  const v1::UnitScore& b = analysis.scores(0);
  ASSERT_EQ(b.deductions_size(), 2);
  EXPECT_EQ(b.deductions(0).reason(), "漏报");
  EXPECT_EQ(b.deductions(0).points(), -10);
  EXPECT_EQ(b.deductions(0).record(), "report:u-b@2026-10-2");
  EXPECT_EQ(b.deductions(1).reason(), "催办通知");
  EXPECT_EQ(b.deductions(1).record(), "notice:n-2");
  const v1::UnitScore& yj = analysis.scores(1);
  ASSERT_EQ(yj.deductions_size(), 3);
  EXPECT_EQ(yj.deductions(0).points(), -5);
  EXPECT_EQ(yj.deductions(0).reason(), "迟报");
  EXPECT_EQ(yj.deductions(0).record(), "report:rp-yj");
  EXPECT_EQ(yj.deductions(1).points(), -2);
  EXPECT_EQ(yj.deductions(1).reason(), "逾期未完成事项");
  EXPECT_EQ(yj.deductions(1).record(), "item:it-c");
  EXPECT_EQ(yj.deductions(2).points(), -1);
  EXPECT_EQ(yj.deductions(2).reason(), "催办通知");
  EXPECT_EQ(yj.deductions(2).record(), "notice:n-1");
}

TEST(AnalysisTest, ScoresOfEqualValueFollowTheUnitName) {
  AnalysisInputs in = October();
  in.urging_notices = {};
  in.periods = {};
  in.items = {};
  in.unit_names = {{"u-a", "甲局"}, {"u-b", "乙局"}, {"u-yj", "应急局"}};
  in.urging_notices = {Urging("n-3", "u-a"), Urging("n-4", "u-yj"), Urging("n-5", "u-b")};
  const v1::Analysis analysis = ComputeAnalysis(in);
  std::vector<std::string> order;
  for (const auto& score : analysis.scores()) order.push_back(score.unit_id());
  EXPECT_THAT(order, ElementsAre("u-b", "u-yj", "u-a"));
}

TEST(AnalysisTest, TheSameRecordsInAnotherOrderGiveTheSameAnalysis) {
  const AnalysisInputs in = October();
  AnalysisInputs reversed = in;
  std::reverse(reversed.items.begin(), reversed.items.end());
  std::reverse(reversed.urging_notices.begin(), reversed.urging_notices.end());
  std::reverse(reversed.leaders.begin(), reversed.leaders.end());
  reversed.urging_notices.push_back(Urging("n-0", "u-yj"));
  AnalysisInputs with_extra = in;
  with_extra.urging_notices.insert(with_extra.urging_notices.begin(), Urging("n-0", "u-yj"));
  const v1::Analysis first = ComputeAnalysis(with_extra);
  const v1::Analysis second = ComputeAnalysis(reversed);
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  EXPECT_THAT(first.detail_json(), HasSubstr("\"urging_notices\":[\"n-0\",\"n-1\"]"));
}

TEST(AnalysisTest, LeadersLinesAndDetailNameTheRecords) {
  const v1::Analysis analysis = ComputeAnalysis(October());
  ASSERT_EQ(analysis.leaders_size(), 2);
  EXPECT_EQ(analysis.leaders(0).leader_name(), "王五");
  EXPECT_EQ(analysis.leaders(0).dispatch_events(), 1);
  EXPECT_EQ(analysis.leaders(0).items_completed_on_time(), 1);
  EXPECT_EQ(analysis.leaders(0).items_completed_late(), 1);
  EXPECT_EQ(analysis.leaders(0).items_open(), 1);  // it-d, extended
  EXPECT_EQ(analysis.leaders(1).items_overdue(), 1);
  EXPECT_THAT(analysis.detail_json(), HasSubstr("\"items_open_overdue\":[\"it-c\"]"));
  EXPECT_THAT(analysis.detail_json(), HasSubstr("\"extensions_approved\":[\"it-d/ext-1\"]"));
}

TEST(AnalysisTest, OnlyThoseWhoReadEverythingReadTheAnalysis) {
  EXPECT_EQ(MayReadAnalysis(testing::UnitLiaisonCaller("u-yj")).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(MayReadAnalysis(testing::ServiceCaller("service:supervision")).ok());
}

TEST(AnalysisTest, AUnitLiaisonReadsTheScoresOfTheirUnitOnly) {
  const v1::Analysis analysis = ComputeAnalysis(October());
  const std::vector<v1::UnitScore> scores =
      VisibleScores(testing::UnitLiaisonCaller("u-yj"), analysis, "");
  ASSERT_EQ(scores.size(), 1u);
  EXPECT_EQ(scores[0].unit_id(), "u-yj");
  EXPECT_EQ(scores[0].score(), 92);
  EXPECT_EQ(scores[0].deductions_size(), 3);
  EXPECT_TRUE(VisibleScores(testing::UnitLiaisonCaller("u-yj"), analysis, "u-b").empty());
}

}  // namespace
}  // namespace duban::reporting

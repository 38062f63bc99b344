#include "services/supervision/case_ladder.h"

#include <gtest/gtest.h>

#include "common/time_util.h"

namespace duban::supervision {
namespace {

using common::v1::Rung;

const absl::Time kDue = absl::FromUnixSeconds(1792771200);

RungArrival Arrival(Rung rung, absl::Duration after_due, const std::string& event_id) {
  RungArrival arrival;
  arrival.subject.set_kind(common::v1::SUBJECT_KIND_ITEM);
  arrival.subject.set_id("doc-1-1");
  arrival.rung = rung;
  arrival.at = kDue + after_due;
  arrival.unit_id = "unit-a";
  arrival.source_event_id = event_id;
  arrival.label = "repair the road";
  arrival.due_at = kDue;
  arrival.deadline_id = "dl-1";
  return arrival;
}

TEST(CaseLadderTest, ReminderWithoutCaseIsOnlyANotice) {
  std::optional<SupervisionCase> current;
  const RungOutcome outcome =
      ApplyRung(current, Arrival(common::v1::RUNG_REMINDER, -absl::Hours(72), "s:1"), "case-1");
  EXPECT_FALSE(current.has_value());
  EXPECT_FALSE(outcome.case_changed);
  EXPECT_EQ(outcome.notice, v1::NOTICE_KIND_REMINDER);
}

TEST(CaseLadderTest, UrgingOpensTheCaseWithAnUrgingNotice) {
  std::optional<SupervisionCase> current;
  v1::RungRecord reminder;
  reminder.set_rung(common::v1::RUNG_REMINDER);
  reminder.set_source_event_id("s:1");
  const RungOutcome outcome = ApplyRung(
      current, Arrival(common::v1::RUNG_URGING, absl::ZeroDuration(), "s:2"), "case-1", reminder);

  ASSERT_TRUE(current.has_value());
  EXPECT_TRUE(outcome.opened);
  EXPECT_TRUE(outcome.case_changed);
  EXPECT_EQ(outcome.notice, v1::NOTICE_KIND_URGING);
  EXPECT_EQ(current->id(), "case-1");
  EXPECT_EQ(current->state(), v1::CASE_STATE_OPEN);
  EXPECT_EQ(current->unit_id(), "unit-a");
  EXPECT_EQ(FromProto(current->opened_at()), kDue);
  EXPECT_EQ(FromProto(current->due_at()), kDue);
  ASSERT_EQ(current->rungs_size(), 2);
  EXPECT_EQ(current->rungs(0).rung(), common::v1::RUNG_REMINDER);
  EXPECT_EQ(current->rungs(1).rung(), common::v1::RUNG_URGING);
  EXPECT_EQ(current->rungs(1).source_event_id(), "s:2");
}

TEST(CaseLadderTest, EachRungIsRecordedOnce) {
  std::optional<SupervisionCase> current;
  ApplyRung(current, Arrival(common::v1::RUNG_URGING, absl::ZeroDuration(), "s:2"), "case-1");
  const SupervisionCase after_first = *current;

  const RungOutcome again =
      ApplyRung(current, Arrival(common::v1::RUNG_URGING, absl::Hours(1), "s:9"), "case-2");
  EXPECT_FALSE(again.case_changed);
  EXPECT_FALSE(again.opened);
  EXPECT_EQ(again.notice, v1::NOTICE_KIND_UNSPECIFIED);
  EXPECT_EQ(current->SerializeAsString(), after_first.SerializeAsString());
}

TEST(CaseLadderTest, SupervisionRaisesTheOpenCase) {
  std::optional<SupervisionCase> current;
  ApplyRung(current, Arrival(common::v1::RUNG_URGING, absl::ZeroDuration(), "s:2"), "case-1");
  const RungOutcome outcome =
      ApplyRung(current, Arrival(common::v1::RUNG_SUPERVISION, absl::Hours(72), "s:3"), "x");
  EXPECT_TRUE(outcome.case_changed);
  EXPECT_EQ(outcome.notice, v1::NOTICE_KIND_SUPERVISION);
  EXPECT_EQ(current->state(), v1::CASE_STATE_RAISED);
  EXPECT_EQ(current->id(), "case-1");
  EXPECT_EQ(current->rungs_size(), 2);
}

TEST(CaseLadderTest, ReferralOpensAtTheSupervisionRungAtOnce) {
  std::optional<SupervisionCase> current;
  RungArrival referral = Arrival(common::v1::RUNG_UNSPECIFIED, -absl::Hours(240), "tasks:7");
  referral.referral = true;
  const RungOutcome outcome = ApplyRung(current, referral, "case-1");

  ASSERT_TRUE(current.has_value());
  EXPECT_TRUE(outcome.opened);
  EXPECT_TRUE(current->referred());
  EXPECT_EQ(current->state(), v1::CASE_STATE_RAISED);
  ASSERT_EQ(current->rungs_size(), 1);
  EXPECT_EQ(current->rungs(0).rung(), common::v1::RUNG_SUPERVISION);

  // The later urging of the same item is recorded on the same case, still raised.
  ApplyRung(current, Arrival(common::v1::RUNG_URGING, absl::ZeroDuration(), "s:2"), "case-2");
  EXPECT_EQ(current->id(), "case-1");
  EXPECT_EQ(current->state(), v1::CASE_STATE_RAISED);
  EXPECT_EQ(current->rungs_size(), 2);
}

TEST(CaseLadderTest, ReferralOfARaisedCaseOnlyMarksItReferred) {
  std::optional<SupervisionCase> current;
  ApplyRung(current, Arrival(common::v1::RUNG_SUPERVISION, absl::Hours(72), "s:3"), "case-1");
  RungArrival referral = Arrival(common::v1::RUNG_UNSPECIFIED, absl::Hours(80), "tasks:7");
  referral.referral = true;
  const RungOutcome outcome = ApplyRung(current, referral, "case-2");
  EXPECT_TRUE(outcome.case_changed);
  EXPECT_EQ(outcome.notice, v1::NOTICE_KIND_UNSPECIFIED);
  EXPECT_TRUE(current->referred());
  EXPECT_EQ(current->rungs_size(), 1);
}

TEST(CaseLadderTest, CircularIsRecordedOncePerCircular) {
  std::optional<SupervisionCase> current;
  ApplyRung(current, Arrival(common::v1::RUNG_URGING, absl::ZeroDuration(), "s:2"), "case-1");
  RungArrival october = Arrival(common::v1::RUNG_CIRCULAR, absl::Hours(200), "");
  october.circular_id = "circular-2026-10";

  EXPECT_TRUE(ApplyRung(current, october, "x").case_changed);
  EXPECT_FALSE(ApplyRung(current, october, "x").case_changed);
  RungArrival november = october;
  november.circular_id = "circular-2026-11";
  EXPECT_TRUE(ApplyRung(current, november, "x").case_changed);
  EXPECT_EQ(current->rungs_size(), 3);
  EXPECT_EQ(current->state(), v1::CASE_STATE_OPEN);
}

TEST(CaseLadderTest, CircularWithoutCaseChangesNothing) {
  std::optional<SupervisionCase> current;
  RungArrival circular = Arrival(common::v1::RUNG_CIRCULAR, absl::Hours(200), "");
  const RungOutcome outcome = ApplyRung(current, circular, "case-1");
  EXPECT_FALSE(current.has_value());
  EXPECT_FALSE(outcome.case_changed);
}

TEST(CaseLadderTest, ClosingKeepsTheRungsAndHappensOnce) {
  std::optional<SupervisionCase> current;
  ApplyRung(current, Arrival(common::v1::RUNG_URGING, absl::ZeroDuration(), "s:2"), "case-1");
  EXPECT_TRUE(CloseCase(*current, kDue + absl::Hours(5)));
  EXPECT_FALSE(CloseCase(*current, kDue + absl::Hours(6)));
  EXPECT_EQ(current->state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(FromProto(current->closed_at()), kDue + absl::Hours(5));
  EXPECT_EQ(current->rungs_size(), 1);
}

TEST(CaseLadderTest, OpenAtCoversOpeningAndClosingInstants) {
  std::optional<SupervisionCase> current;
  ApplyRung(current, Arrival(common::v1::RUNG_URGING, absl::ZeroDuration(), "s:2"), "case-1");
  EXPECT_FALSE(OpenAt(*current, kDue));
  EXPECT_TRUE(OpenAt(*current, kDue + absl::Seconds(1)));
  CloseCase(*current, kDue + absl::Hours(1));
  EXPECT_TRUE(OpenAt(*current, kDue + absl::Hours(1)));
  EXPECT_FALSE(OpenAt(*current, kDue + absl::Hours(1) + absl::Seconds(1)));
}

}  // namespace
}  // namespace duban::supervision

#include "services/tasks/item_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"

namespace duban::tasks {
namespace {

using duban::tasks::v1::Item;
using ::testing::HasSubstr;

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}

absl::Time Local(absl::CivilSecond t) { return absl::FromCivil(t, Shanghai()); }

Item ItemOf(v1::ItemStatus status) {
  Item item;
  item.set_id("doc-1-1");
  item.set_lead_unit_id("lead");
  item.add_responsible_unit_ids("resp-a");
  item.add_responsible_unit_ids("resp-b");
  item.mutable_source()->set_leader_id("leader-2");
  item.set_status(status);
  return item;
}

Actor LiaisonOf(const std::string& unit) {
  Actor actor;
  actor.subject = "p-" + unit;
  actor.person_id = "p-" + unit;
  actor.liaison_units = {unit};
  return actor;
}

TEST(LightAtTest, DateOnlyDeadlineTurnsYellowThreeDaysBeforeAndRedAfterItsDay) {
  // A date-only deadline of 2026-12-31 falls due at the end of that local day.
  const absl::Time due = Local(absl::CivilDay(2027, 1, 1));
  const absl::Duration lead = absl::Hours(72);
  const auto assigned = v1::ITEM_STATUS_ASSIGNED;

  EXPECT_EQ(LightAt(assigned, due, Local(absl::CivilSecond(2026, 12, 28, 23, 59, 59)), lead),
            v1::LIGHT_GREEN);
  EXPECT_EQ(LightAt(assigned, due, Local(absl::CivilDay(2026, 12, 29)), lead), v1::LIGHT_YELLOW);
  EXPECT_EQ(LightAt(assigned, due, Local(absl::CivilSecond(2026, 12, 31, 23, 59, 59)), lead),
            v1::LIGHT_YELLOW);
  EXPECT_EQ(LightAt(assigned, due, Local(absl::CivilDay(2027, 1, 1)), lead), v1::LIGHT_RED);
}

TEST(LightAtTest, ReportedCompleteOrClosedIsDoneWhateverTheClock) {
  const absl::Time due = Local(absl::CivilDay(2027, 1, 1));
  const absl::Time late = due + absl::Hours(24 * 30);
  EXPECT_EQ(LightAt(v1::ITEM_STATUS_REPORTED_COMPLETE, due, late, absl::Hours(72)), v1::LIGHT_DONE);
  EXPECT_EQ(LightAt(v1::ITEM_STATUS_CLOSED, due, late, absl::Hours(72)), v1::LIGHT_DONE);
}

TEST(LightAtTest, ReworkAfterTheDeadlineIsRedAgain) {
  const absl::Time due = Local(absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(LightAt(v1::ITEM_STATUS_IN_PROGRESS, due, due + absl::Hours(1), absl::Hours(72)),
            v1::LIGHT_RED);
}

TEST(CanReadTest, UnitLiaisonSeesOnlyItemsOfTheirUnit) {
  const Item item = ItemOf(v1::ITEM_STATUS_ASSIGNED);
  EXPECT_TRUE(CanRead(LiaisonOf("lead"), item));
  EXPECT_TRUE(CanRead(LiaisonOf("resp-b"), item));
  EXPECT_FALSE(CanRead(LiaisonOf("other"), item));
}

TEST(CanReadTest, OfficeSupervisionAdminAndServicesSeeEverything) {
  Actor office;
  office.is_office_liaison = true;
  Actor group;
  group.is_supervision_group = true;
  Actor admin;
  admin.is_admin = true;
  Actor service;
  service.is_service = true;
  const Item item = ItemOf(v1::ITEM_STATUS_ASSIGNED);
  EXPECT_TRUE(CanRead(office, item));
  EXPECT_TRUE(CanRead(group, item));
  EXPECT_TRUE(CanRead(admin, item));
  EXPECT_TRUE(CanRead(service, item));
}

TEST(CanReadTest, SupervisingOfficeLeaderSeesItemsOfTheMattersTheySupervise) {
  Actor supervising;
  supervising.person_id = "p-feng";
  supervising.is_supervising_office_leader = true;
  supervising.supervised_matter_ids = {"m-2", "m-5"};
  Item item = ItemOf(v1::ITEM_STATUS_ASSIGNED);
  item.mutable_source()->add_matter_ids("m-5");
  item.mutable_source()->add_matter_ids("m-9");
  EXPECT_TRUE(CanRead(supervising, item));
  // An item belongs to the matter its document names first.
  item.mutable_source()->set_matter_ids(0, "m-9");
  item.mutable_source()->set_matter_ids(1, "m-5");
  EXPECT_FALSE(CanRead(supervising, item));
  // Without the role the list says nothing.
  supervising.is_supervising_office_leader = false;
  item.mutable_source()->set_matter_ids(0, "m-2");
  EXPECT_FALSE(CanRead(supervising, item));
}

TEST(CanReadTest, DistrictLeaderSeesItemsOfTheirOwnDispatchEvents) {
  Actor leader;
  leader.person_id = "leader-2";
  leader.is_district_leader = true;
  Actor other = leader;
  other.person_id = "leader-3";
  EXPECT_TRUE(CanRead(leader, ItemOf(v1::ITEM_STATUS_ASSIGNED)));
  EXPECT_FALSE(CanRead(other, ItemOf(v1::ITEM_STATUS_ASSIGNED)));
}

TEST(CheckActionTest, ResponsibleUnitAcceptsAndReportsComplete) {
  EXPECT_TRUE(
      CheckAction(LiaisonOf("resp-a"), ItemOf(v1::ITEM_STATUS_ASSIGNED), ItemAction::kAccept).ok());
  EXPECT_TRUE(CheckAction(LiaisonOf("resp-b"), ItemOf(v1::ITEM_STATUS_IN_PROGRESS),
                          ItemAction::kReportComplete)
                  .ok());
  EXPECT_EQ(StatusAfter(ItemAction::kReportComplete, v1::ITEM_STATUS_IN_PROGRESS),
            v1::ITEM_STATUS_REPORTED_COMPLETE);
}

TEST(CheckActionTest, AnotherUnitActingIsPermissionDenied) {
  absl::Status status =
      CheckAction(LiaisonOf("other"), ItemOf(v1::ITEM_STATUS_ASSIGNED), ItemAction::kAccept);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(status.message()), HasSubstr("doc-1-1"));
}

TEST(CheckActionTest, OnlyTheLeadUnitClosesOutOrReturns) {
  const Item item = ItemOf(v1::ITEM_STATUS_REPORTED_COMPLETE);
  EXPECT_TRUE(CheckAction(LiaisonOf("lead"), item, ItemAction::kCloseOut).ok());
  EXPECT_TRUE(CheckAction(LiaisonOf("lead"), item, ItemAction::kReturnForRework).ok());
  EXPECT_EQ(CheckAction(LiaisonOf("resp-a"), item, ItemAction::kCloseOut).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(StatusAfter(ItemAction::kReturnForRework, item.status()), v1::ITEM_STATUS_IN_PROGRESS);
}

TEST(CheckActionTest, IllegalTransitionNamesTheCurrentStatus) {
  absl::Status status =
      CheckAction(LiaisonOf("lead"), ItemOf(v1::ITEM_STATUS_ASSIGNED), ItemAction::kCloseOut);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("is ASSIGNED"));

  status =
      CheckAction(LiaisonOf("resp-a"), ItemOf(v1::ITEM_STATUS_CLOSED), ItemAction::kReportComplete);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("is CLOSED"));
}

TEST(CheckActionTest, ProgressNotesNeedTheItemAccepted) {
  EXPECT_EQ(CheckAction(LiaisonOf("resp-a"), ItemOf(v1::ITEM_STATUS_ASSIGNED),
                        ItemAction::kAddProgressNote)
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusAfter(ItemAction::kAddProgressNote, v1::ITEM_STATUS_ACCEPTED),
            v1::ITEM_STATUS_IN_PROGRESS);
}

TEST(CheckActionTest, OnlyTheSupervisionGroupSplits) {
  Actor group;
  group.is_supervision_group = true;
  const Item item = ItemOf(v1::ITEM_STATUS_IN_PROGRESS);
  EXPECT_TRUE(CheckAction(group, item, ItemAction::kSplit).ok());
  EXPECT_EQ(CheckAction(LiaisonOf("lead"), item, ItemAction::kSplit).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(StatusAfter(ItemAction::kSplit, item.status()), v1::ITEM_STATUS_SPLIT);
}

TEST(ActorFromPrincipalTest, TakesRolesAndLiaisonUnits) {
  duban::registry::v1::Principal principal;
  principal.set_subject("oa|42");
  principal.set_person_id("p-42");
  auto* role = principal.add_roles();
  role->set_kind(duban::registry::v1::ROLE_KIND_UNIT_LIAISON);
  role->set_unit_id("u-7");
  principal.add_roles()->set_kind(duban::registry::v1::ROLE_KIND_DISTRICT_LEADER);

  const Actor actor = ActorFromPrincipal(principal);
  EXPECT_EQ(actor.person_id, "p-42");
  EXPECT_THAT(actor.liaison_units, ::testing::ElementsAre("u-7"));
  EXPECT_TRUE(actor.is_district_leader);
  EXPECT_FALSE(actor.ReadsEverything());
}

}  // namespace
}  // namespace duban::tasks

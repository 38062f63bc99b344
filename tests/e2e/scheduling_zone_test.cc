// Deadlines in a zone with daylight saving time (Europe/Berlin), over the
// real services: a local time in the spring-forward gap and one in the
// repeated autumn hour, each firing its rungs once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/time_util.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

namespace duban::testing {
namespace {

namespace common = duban::common::v1;
namespace scheduler = duban::scheduler::v1;
using ::testing::ElementsAre;

absl::Time Utc(const std::string& rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) << error;
  return t;
}

struct Expected {
  std::string label;
  absl::CivilSecond local;
  absl::Time due_at;
  std::string local_due;
  // Three working days later at the deadline's local time of day.
  absl::Time supervision_at;
};

TEST(SchedulingZoneTest, BerlinGapAndRepeatedHourFallDueAtTheRightInstantAndFireOnce) {
  // 2027-03-20 12:00 +01:00.
  auto cluster = Cluster::Start({.name = "berlin",
                                 .base_port = 21340,
                                 .clock_start = absl::FromUnixSeconds(1805540400),
                                 .time_zone = "Europe/Berlin"});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  client::Session& s = (*cluster)->session();
  ASSERT_EQ(s.zone().name(), "Europe/Berlin");
  const std::string admin = *s.AdminToken();
  auto unit = CreateUnit(s, "柏林局");
  ASSERT_TRUE(unit.ok()) << unit.status();

  const std::vector<Expected> expected = {
      {"spring gap", absl::CivilSecond(2027, 3, 28, 2, 30, 0), Utc("2027-03-28T01:30:00Z"),
       "2027-03-28T03:30:00+02:00", Utc("2027-03-31T01:30:00Z")},
      {"repeated hour", absl::CivilSecond(2027, 10, 31, 2, 30, 0), Utc("2027-10-31T00:30:00Z"),
       "2027-10-31T02:30:00+02:00", Utc("2027-11-03T01:30:00Z")},
  };
  std::map<std::string, std::string> item_by_label;
  for (const Expected& e : expected) {
    // The local time as a client in the district states it.
    const absl::Time due = FromLocal(e.local, s.zone());
    ASSERT_EQ(due, e.due_at) << e.label;
    auto item = CreateItem(s, admin, *unit, {*unit}, e.label, InstantDeadline(due));
    ASSERT_TRUE(item.ok()) << item.status();
    EXPECT_EQ(FromProto(item->due_at()), e.due_at) << e.label;
    item_by_label[e.label] = item->id();
  }

  auto settled = (*cluster)->AdvanceTo(Utc("2027-11-10T12:00:00Z"));
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(settled->pending, 0) << settled->pending_detail;

  for (const Expected& e : expected) {
    SCOPED_TRACE(e.label);
    const common::Subject subject = SubjectOf(common::SUBJECT_KIND_ITEM, item_by_label[e.label]);
    scheduler::GetDeadlineRequest get;
    *get.mutable_subject() = subject;
    auto deadline =
        Call(s.clients().scheduler(), &scheduler::SchedulerService::Stub::GetDeadline, admin, get);
    ASSERT_TRUE(deadline.ok()) << deadline.status();
    EXPECT_EQ(FromProto(deadline->deadline().due_at()), e.due_at);
    scheduler::ExplainDeadlineRequest explain;
    explain.set_deadline_id(deadline->deadline().id());
    auto why = Call(s.clients().scheduler(), &scheduler::SchedulerService::Stub::ExplainDeadline,
                    admin, explain);
    ASSERT_TRUE(why.ok()) << why.status();
    EXPECT_EQ(why->explanation().local_due(), e.local_due);

    scheduler::ListRungFiringsRequest filter;
    *filter.mutable_subject() = subject;
    auto firings = ListAllRungFirings(s, filter);
    ASSERT_TRUE(firings.ok()) << firings.status();
    std::vector<common::Rung> rungs;
    std::map<common::Rung, absl::Time> due_by_rung;
    for (const auto& f : *firings) {
      rungs.push_back(f.rung());
      due_by_rung[f.rung()] = FromProto(f.due_at());
    }
    EXPECT_THAT(rungs,
                ElementsAre(common::RUNG_REMINDER, common::RUNG_URGING, common::RUNG_SUPERVISION));
    EXPECT_LT(due_by_rung[common::RUNG_REMINDER], e.due_at);
    EXPECT_EQ(due_by_rung[common::RUNG_URGING], e.due_at);
    EXPECT_EQ(due_by_rung[common::RUNG_SUPERVISION], e.supervision_at);
  }
}

}  // namespace
}  // namespace duban::testing

// The scheduler and supervision through crashes, outages, restarts and a
// second replica: every rung fires once and is applied once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "cli/dubanctl/cycle.h"
#include "common/status.h"
#include "common/time_util.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

namespace duban::testing {
namespace {

namespace common = duban::common::v1;
namespace scheduler = duban::scheduler::v1;
namespace supervision = duban::supervision::v1;
namespace tasks = duban::tasks::v1;

// Creates `count` items led by and assigned to `unit`, all due at `due`.
absl::StatusOr<std::vector<std::string>> CreateItems(client::Session& s, const std::string& unit,
                                                     int count, absl::Time due) {
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    DUBAN_ASSIGN_OR_RETURN(
        tasks::Item item,
        CreateItem(s, admin, unit, {unit}, absl::StrCat("事项", i + 1), InstantDeadline(due)));
    ids.push_back(item.id());
  }
  return ids;
}

// The outbox backlog and the age of its oldest event, of every service of
// the cluster, by service.
std::map<std::string, std::pair<double, double>> OutboxBacklogs(const Cluster& cluster) {
  std::map<std::string, std::pair<double, double>> backlog;
  for (const std::string& service : client::ServiceNames()) {
    auto text = cluster.ScrapeMetrics(service);
    EXPECT_TRUE(text.ok()) << text.status();
    if (!text.ok()) continue;
    backlog[service] = {MetricSum(*text, "duban_outbox_backlog_events"),
                        MetricSum(*text, "duban_outbox_oldest_age_seconds")};
  }
  return backlog;
}

// Counts of item rung firings per (item, rung).
std::map<std::pair<std::string, common::Rung>, int> ItemFiringCounts(
    const std::vector<scheduler::RungFiring>& firings) {
  std::map<std::pair<std::string, common::Rung>, int> counts;
  for (const auto& f : firings) {
    if (f.subject().kind() == common::SUBJECT_KIND_ITEM) ++counts[{f.subject().id(), f.rung()}];
  }
  return counts;
}

// Notices of one kind per item subject.
std::map<std::string, int> NoticesPerItem(client::Session& s, supervision::NoticeKind kind) {
  supervision::ListNoticesRequest filter;
  filter.set_kind(kind);
  auto notices = ListAllNotices(s, filter);
  EXPECT_TRUE(notices.ok()) << notices.status();
  std::map<std::string, int> counts;
  if (!notices.ok()) return counts;
  for (const auto& n : *notices) {
    if (n.subject().kind() == common::SUBJECT_KIND_ITEM) ++counts[n.subject().id()];
  }
  return counts;
}

TEST(SchedulingRecoveryTest, SchedulerKilledWhileFiring1000RungsAppliesEachExactlyOnce) {
  // 2026-11-02 09:00 +08:00.
  auto cluster = Cluster::Start(
      {.name = "killfire", .base_port = 21360, .clock_start = absl::FromUnixSeconds(1793581200)});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  Cluster& c = **cluster;
  client::Session& s = c.session();
  auto unit = CreateUnit(s, "批量局");
  ASSERT_TRUE(unit.ok()) << unit.status();
  // 500 items due 11-10 10:00: 500 reminders (11-07 10:00) and 500 urgings.
  auto items = CreateItems(s, *unit, 500, Local(s, 2026, 11, 10, 10));
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_TRUE(c.AdvanceTo(Local(s, 2026, 11, 2, 9, 1)).ok());

  // The clock jumps past both rungs of every item; the scheduler fires the
  // 1,000 of them in one pass and is killed part way.
  const absl::Time after = Local(s, 2026, 11, 10, 11);
  ASSERT_EQ(c.SetClock(after), absl::OkStatus());
  std::thread settle([&c] { (void)c.SettleOnce("scheduler"); });
  double fired_at_kill = 0;
  // Killed at the first sign of firing, to leave the widest margin before the
  // batch ends whatever the machine's load.
  absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (absl::Now() < give_up) {
    auto text = c.ScrapeMetrics("scheduler");
    if (text.ok()) fired_at_kill = MetricSum(*text, "duban_scheduler_rungs_fired_total");
    if (fired_at_kill >= 1) break;
  }
  ASSERT_EQ(c.KillService("scheduler"), absl::OkStatus());
  settle.join();
  ASSERT_GE(fired_at_kill, 1) << "the scheduler did not start firing";
  ASSERT_LT(fired_at_kill, 1000) << "the kill came after the batch had fired";

  ASSERT_EQ(c.StartService("scheduler"), absl::OkStatus());
  auto settled = c.AdvanceTo(after);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(settled->pending, 0) << settled->pending_detail;

  auto firings = ListAllRungFirings(s);
  ASSERT_TRUE(firings.ok()) << firings.status();
  auto counts = ItemFiringCounts(*firings);
  std::set<std::string> event_ids;
  for (const auto& f : *firings) event_ids.insert(f.event_id());
  EXPECT_EQ(event_ids.size(), firings->size()) << "event ids are unique";
  for (const std::string& id : *items) {
    EXPECT_EQ((counts[{id, common::RUNG_REMINDER}]), 1) << id;
    EXPECT_EQ((counts[{id, common::RUNG_URGING}]), 1) << id;
  }
  EXPECT_EQ(counts.size(), 1000u);

  auto reminders = NoticesPerItem(s, supervision::NOTICE_KIND_REMINDER);
  auto urgings = NoticesPerItem(s, supervision::NOTICE_KIND_URGING);
  ASSERT_EQ(reminders.size(), 500u);
  ASSERT_EQ(urgings.size(), 500u);
  for (const std::string& id : *items) {
    EXPECT_EQ(reminders[id], 1) << id;
    EXPECT_EQ(urgings[id], 1) << id;
  }
  supervision::ListCasesRequest item_cases;
  item_cases.set_subject_kind(common::SUBJECT_KIND_ITEM);
  auto cases = ListAllCases(s, item_cases);
  ASSERT_TRUE(cases.ok()) << cases.status();
  EXPECT_EQ(cases->size(), 500u);
  for (const auto& kase : *cases) {
    int urged = 0;
    for (const auto& rung : kase.rungs()) urged += rung.rung() == common::RUNG_URGING;
    EXPECT_EQ(urged, 1) << kase.DebugString();
  }
}

TEST(SchedulingRecoveryTest, SupervisionDownForADayGetsAll500EventsOnceInOrderAndOutboxesDrain) {
  // 2026-11-02 09:00 +08:00.
  auto cluster = Cluster::Start(
      {.name = "supday", .base_port = 21380, .clock_start = absl::FromUnixSeconds(1793581200)});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  Cluster& c = **cluster;
  client::Session& s = c.session();
  std::ostringstream out;
  ASSERT_EQ(client::ImportSample(s, SampleCycleInputs(), out), absl::OkStatus()) << out.str();
  const std::string unit = *s.UnitId("统计局");
  // 250 items due 11-03 12:00; their reminders fire (and reach supervision) now.
  auto items = CreateItems(s, unit, 250, Local(s, 2026, 11, 3, 12));
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_TRUE(c.AdvanceTo(Local(s, 2026, 11, 3, 8)).ok());
  auto before = ListAllRungFirings(s);
  ASSERT_TRUE(before.ok()) << before.status();

  // Supervision is down from 11-03 08:00 to 11-04 08:00. At 12:00 each item
  // is urged (250 events); at 15:00 its unit reports it complete and the
  // scheduler passes the met subject on (250 more).
  ASSERT_EQ(c.StopService("supervision"), absl::OkStatus());
  ASSERT_TRUE(c.AdvanceTo(Local(s, 2026, 11, 3, 15)).ok());
  const std::string liaison = *s.TokenAs("何二");
  for (const std::string& id : *items) {
    tasks::ReportCompleteRequest complete;
    complete.set_request_id(client::NewRequestId());
    complete.set_item_id(id);
    complete.set_summary("已完成");
    ASSERT_TRUE(
        Call(s.clients().tasks(), &tasks::TasksService::Stub::ReportComplete, liaison, complete)
            .ok());
  }
  auto during = c.AdvanceTo(Local(s, 2026, 11, 4, 8));
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_GT(during->pending, 0) << "supervision is down";
  auto scheduler_metrics = c.ScrapeMetrics("scheduler");
  ASSERT_TRUE(scheduler_metrics.ok()) << scheduler_metrics.status();
  EXPECT_EQ(MetricSum(*scheduler_metrics, "duban_outbox_backlog_events"), 500)
      << "250 urgings and 250 met subjects wait in the scheduler's outbox";

  ASSERT_EQ(c.StartService("supervision"), absl::OkStatus());
  auto after = c.AdvanceTo(Local(s, 2026, 11, 4, 8));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->pending, 0) << after->pending_detail;

  // Everything applied once: one urging each, and each case closed by its met subject.
  auto urgings = NoticesPerItem(s, supervision::NOTICE_KIND_URGING);
  EXPECT_EQ(urgings.size(), 250u);
  supervision::ListCasesRequest item_cases;
  item_cases.set_subject_kind(common::SUBJECT_KIND_ITEM);
  auto cases = ListAllCases(s, item_cases);
  ASSERT_TRUE(cases.ok()) << cases.status();
  EXPECT_EQ(cases->size(), 250u);
  std::set<std::string> case_subjects;
  for (const auto& kase : *cases) {
    case_subjects.insert(kase.subject().id());
    int urged = 0;
    for (const auto& rung : kase.rungs()) urged += rung.rung() == common::RUNG_URGING;
    EXPECT_EQ(urged, 1) << kase.DebugString();
    EXPECT_EQ(kase.state(), supervision::CASE_STATE_CLOSED) << kase.DebugString();
  }
  EXPECT_EQ(case_subjects, std::set<std::string>(items->begin(), items->end()));
  for (const std::string& id : *items) EXPECT_EQ(urgings[id], 1) << id;
  auto backlogs = OutboxBacklogs(c);
  EXPECT_EQ(backlogs.size(), 6u);
  for (const auto& [service, backlog] : backlogs) {
    EXPECT_EQ(backlog.first, 0) << service << "'s outbox backlog";
    EXPECT_EQ(backlog.second, 0) << service << "'s oldest undelivered event";
  }

  // In order per subject: the feed recorded each case opened, then closed.
  supervision::WatchRequest watch;
  watch.set_resume_token("wf-0");
  auto context = client::Context(*s.AdminToken(), absl::Seconds(20));
  auto reader = s.clients().supervision().Watch(context.get(), watch);
  std::map<std::string, std::vector<supervision::CaseState>> states;
  int closed = 0;
  supervision::WatchResponse response;
  while (closed < 250 && reader->Read(&response)) {
    if (!response.event().has_case_changed()) continue;
    const auto& kase = response.event().case_changed();
    if (kase.subject().kind() != common::SUBJECT_KIND_ITEM) continue;
    states[kase.subject().id()].push_back(kase.state());
    closed += kase.state() == supervision::CASE_STATE_CLOSED;
  }
  context->TryCancel();
  (void)reader->Finish();
  ASSERT_EQ(states.size(), 250u) << "Watch from the feed's beginning";
  for (const auto& [id, seen] : states) {
    EXPECT_EQ(seen.front(), supervision::CASE_STATE_OPEN) << id;
    EXPECT_EQ(seen.back(), supervision::CASE_STATE_CLOSED) << id;
  }
}

TEST(SchedulingRecoveryTest, FiveSchedulerRestartsInADaySendEachReminderOnce) {
  // 2026-11-02 00:00 +08:00.
  auto cluster = Cluster::Start(
      {.name = "restarts", .base_port = 21400, .clock_start = absl::FromUnixSeconds(1793548800)});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  Cluster& c = **cluster;
  client::Session& s = c.session();
  auto unit = CreateUnit(s, "重启局");
  ASSERT_TRUE(unit.ok()) << unit.status();
  // Twenty items due 11-05 at 01:00, 02:00, ... 20:00: their reminders fall
  // due hour by hour through 11-02.
  std::vector<std::string> items;
  const std::string admin = *s.AdminToken();
  for (int hour = 1; hour <= 20; ++hour) {
    auto item = CreateItem(s, admin, *unit, {*unit}, absl::StrCat(hour, "点到期的事项"),
                           InstantDeadline(Local(s, 2026, 11, 5, hour)));
    ASSERT_TRUE(item.ok()) << item.status();
    items.push_back(item->id());
  }
  // Restarts at 03:30 (SIGTERM), 07:00 (SIGKILL right after the clock
  // reaches a reminder), 11:30 (SIGTERM), 15:00 (SIGKILL) and 19:30 (SIGTERM).
  const std::vector<std::pair<absl::Time, bool>> restarts = {
      {Local(s, 2026, 11, 2, 3, 30), false},
      {Local(s, 2026, 11, 2, 7), true},
      {Local(s, 2026, 11, 2, 11, 30), false},
      {Local(s, 2026, 11, 2, 15), true},
      {Local(s, 2026, 11, 2, 19, 30), false}};
  for (const auto& [at, kill] : restarts) {
    if (kill) {
      ASSERT_TRUE(c.AdvanceTo(at - absl::Minutes(1)).ok());
      ASSERT_EQ(c.SetClock(at), absl::OkStatus());
      ASSERT_EQ(c.KillService("scheduler"), absl::OkStatus());
    } else {
      ASSERT_TRUE(c.AdvanceTo(at).ok());
      ASSERT_EQ(c.StopService("scheduler"), absl::OkStatus());
    }
    ASSERT_EQ(c.StartService("scheduler"), absl::OkStatus());
  }
  auto settled = c.AdvanceTo(Local(s, 2026, 11, 2, 23, 59));
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(settled->pending, 0) << settled->pending_detail;

  auto firings = ListAllRungFirings(s);
  ASSERT_TRUE(firings.ok()) << firings.status();
  auto counts = ItemFiringCounts(*firings);
  auto reminders = NoticesPerItem(s, supervision::NOTICE_KIND_REMINDER);
  EXPECT_EQ(counts.size(), 20u) << "only the twenty reminders fell due";
  EXPECT_EQ(reminders.size(), 20u);
  for (const std::string& id : items) {
    EXPECT_EQ((counts[{id, common::RUNG_REMINDER}]), 1) << id;
    EXPECT_EQ(reminders[id], 1) << id;
  }
}

// What a run produced, with ids replaced by names so that two clusters compare.
struct Outcome {
  std::multiset<std::string> firings;
  std::multiset<std::string> notices;
  std::multiset<std::string> cases;
};

std::string Stable(const common::Subject& subject,
                   const std::map<std::string, std::string>& names) {
  std::string id = subject.id();
  for (const auto& [from, to] : names) {
    for (size_t at; (at = id.find(from)) != std::string::npos;) id.replace(at, from.size(), to);
  }
  return absl::StrCat(common::SubjectKind_Name(subject.kind()), ":", id);
}

// A simulated month (2026-11) with three units, four items each and the
// 2026 calendar, under `replicas` scheduler processes.
Outcome RunMonth(const std::string& name, int base_port, int replicas) {
  Outcome outcome;
  // 2026-10-31 09:00 +08:00.
  auto cluster = Cluster::Start(
      {.name = name, .base_port = base_port, .clock_start = absl::FromUnixSeconds(1793408400)});
  EXPECT_TRUE(cluster.ok()) << cluster.status();
  if (!cluster.ok()) return outcome;
  Cluster& c = **cluster;
  client::Session& s = c.session();
  for (int replica = 2; replica <= replicas; ++replica) {
    EXPECT_EQ(c.StartService(absl::StrCat("scheduler#", replica)), absl::OkStatus());
  }
  EXPECT_EQ(ImportWorkCalendar(s, ExampleFile("work_calendar_2026.csv")), absl::OkStatus());
  std::map<std::string, std::string> names;
  const std::string admin = *s.AdminToken();
  for (const std::string unit_name : {"一局", "二局", "三局"}) {
    auto unit = CreateUnit(s, unit_name);
    EXPECT_TRUE(unit.ok()) << unit.status();
    if (!unit.ok()) return outcome;
    names[*unit] = unit_name;
    for (int week = 1; week <= 4; ++week) {
      common::Deadline due;
      *due.mutable_date() = ToProto(absl::CivilDay(2026, 11, 7 * week - 1));
      std::string content = absl::StrCat(unit_name, "第", week, "周");
      auto item = CreateItem(s, admin, *unit, {*unit}, content, due);
      EXPECT_TRUE(item.ok()) << item.status();
      if (item.ok()) names[item->id()] = content;
    }
  }
  auto settled = c.AdvanceTo(Local(s, 2026, 12, 1, 0));
  EXPECT_TRUE(settled.ok()) << settled.status();
  if (settled.ok()) {
    EXPECT_EQ(settled->pending, 0) << settled->pending_detail;
  }

  auto firings = ListAllRungFirings(s);
  EXPECT_TRUE(firings.ok()) << firings.status();
  // Every firing recorded was fired by exactly one process: the replicas'
  // counters add up to the firings, none counted twice.
  double fired = 0;
  std::string by_replica;
  for (int replica = 1; replica <= replicas; ++replica) {
    const std::string process = replica == 1 ? "scheduler" : absl::StrCat("scheduler#", replica);
    auto text = c.ScrapeMetrics(process);
    EXPECT_TRUE(text.ok()) << text.status();
    const double own = text.ok() ? MetricSum(*text, "duban_scheduler_rungs_fired_total") : 0;
    fired += own;
    absl::StrAppend(&by_replica, process, " fired ", own, "; ");
  }
  ::testing::Test::RecordProperty(absl::StrCat(name, "_firings_by_process"), by_replica);
  if (firings.ok()) {
    EXPECT_EQ(fired, firings->size()) << by_replica;
    for (const auto& f : *firings) {
      outcome.firings.insert(absl::StrCat(Stable(f.subject(), names), " ",
                                          common::Rung_Name(f.rung()), " due ",
                                          absl::FormatTime(FromProto(f.due_at()))));
    }
  }
  auto notices = ListAllNotices(s);
  EXPECT_TRUE(notices.ok()) << notices.status();
  if (notices.ok()) {
    for (const auto& n : *notices) {
      outcome.notices.insert(absl::StrCat(Stable(n.subject(), names), " ",
                                          supervision::NoticeKind_Name(n.kind()), " at ",
                                          absl::FormatTime(FromProto(n.at()))));
    }
  }
  auto cases = ListAllCases(s);
  EXPECT_TRUE(cases.ok()) << cases.status();
  if (cases.ok()) {
    for (const auto& kase : *cases) {
      std::string text = absl::StrCat(Stable(kase.subject(), names), " ",
                                      supervision::CaseState_Name(kase.state()));
      for (const auto& rung : kase.rungs()) {
        absl::StrAppend(&text, " ", common::Rung_Name(rung.rung()), "@",
                        absl::FormatTime(FromProto(rung.at())));
      }
      outcome.cases.insert(text);
    }
  }
  return outcome;
}

std::vector<std::string> Duplicates(const std::multiset<std::string>& set) {
  std::vector<std::string> duplicates;
  for (auto it = set.begin(); it != set.end(); it = set.upper_bound(*it)) {
    if (set.count(*it) > 1) duplicates.push_back(*it);
  }
  return duplicates;
}

TEST(SchedulingRecoveryTest, TwoSchedulerReplicasForAMonthGiveTheSameEventsAsOne) {
  const Outcome one = RunMonth("onereplica", 21460, 1);
  const Outcome two = RunMonth("tworeplicas", 21480, 2);
  ASSERT_FALSE(one.firings.empty()) << "the single replica fired nothing";
  EXPECT_THAT(Duplicates(one.firings), ::testing::IsEmpty());
  EXPECT_THAT(Duplicates(two.firings), ::testing::IsEmpty());
  EXPECT_THAT(Duplicates(two.notices), ::testing::IsEmpty());
  EXPECT_EQ(two.firings, one.firings);
  EXPECT_EQ(two.notices, one.notices);
  EXPECT_EQ(two.cases, one.cases);
}

}  // namespace
}  // namespace duban::testing

// The recurring report and digest cut-offs over the real services on the
// shared test clock: two simulated years of them with the 2026 calendar, and
// a report on time, late and missing around its cut-off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli/dubanctl/cycle.h"
#include "common/status.h"
#include "common/time_util.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

namespace duban::testing {
namespace {

namespace common = duban::common::v1;
namespace reporting = duban::reporting::v1;
namespace scheduler = duban::scheduler::v1;
namespace supervision = duban::supervision::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

// The test's own reading of product.md's cut-off rule, independent of the
// services' code: a cut-off day that is not a working day (a weekend day
// that is not a make-up workday, or a holiday) moves to the next working day.
class CutoffOracle {
 public:
  explicit CutoffOracle(const std::string& calendar_csv) {
    for (absl::string_view line : absl::StrSplit(calendar_csv, '\n', absl::SkipEmpty())) {
      std::vector<std::string> fields = absl::StrSplit(line, ',');
      if (fields.size() < 2 || fields[0] == "date") continue;
      absl::CivilDay day;
      if (!absl::ParseCivilTime(fields[0], &day)) continue;
      kinds_[day] = fields[1];
    }
  }
  bool IsWorkingDay(absl::CivilDay day) const {
    auto it = kinds_.find(day);
    if (it != kinds_.end()) return it->second == "workday";
    absl::Weekday weekday = absl::GetWeekday(day);
    return weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday;
  }
  absl::CivilDay Shift(absl::CivilDay day) const {
    while (!IsWorkingDay(day)) ++day;
    return day;
  }

 private:
  std::map<absl::CivilDay, std::string> kinds_;
};

struct ExpectedPeriod {
  std::string id;
  absl::CivilDay report_day;
  absl::CivilDay digest_day;
};

// The 48 periods ending in 2026 and 2027, with their shifted cut-off days.
std::vector<ExpectedPeriod> PeriodsOf2026And2027(const CutoffOracle& oracle) {
  std::vector<ExpectedPeriod> periods;
  for (int year : {2026, 2027}) {
    for (int month = 1; month <= 12; ++month) {
      for (int half : {1, 2}) {
        periods.push_back({absl::StrFormat("%04d-%02d-%d", year, month, half),
                           oracle.Shift(absl::CivilDay(year, month, half == 1 ? 5 : 20)),
                           oracle.Shift(absl::CivilDay(year, month, half == 1 ? 7 : 22))});
      }
    }
  }
  return periods;
}

std::string Describe(const std::vector<scheduler::RungFiring>& firings) {
  std::string out;
  for (const auto& f : firings) {
    absl::StrAppend(&out, "\n  ", common::Rung_Name(f.rung()), " of ", f.subject().id(), " due ",
                    absl::FormatTime(FromProto(f.due_at())));
  }
  return out;
}

// Firings grouped by deadline id.
std::map<std::string, std::vector<scheduler::RungFiring>> ByDeadline(
    const std::vector<scheduler::RungFiring>& firings) {
  std::map<std::string, std::vector<scheduler::RungFiring>> grouped;
  for (const auto& firing : firings) grouped[firing.deadline_id()].push_back(firing);
  return grouped;
}

std::vector<common::Rung> RungsOf(const std::vector<scheduler::RungFiring>& firings) {
  std::vector<common::Rung> rungs;
  for (const auto& firing : firings) rungs.push_back(firing.rung());
  std::sort(rungs.begin(), rungs.end());
  return rungs;
}

TEST(SchedulingCutoffsTest, TwoYearsGiveEachLeadUnit48ReportCutoffsAndTheOffice48Digests) {
  const std::string calendar = ExampleFile("work_calendar_2026.csv");
  auto cluster = Cluster::Start(
      {.name = "months", .base_port = 21300, .clock_start = absl::FromUnixSeconds(1767196800)});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  client::Session& s = (*cluster)->session();
  ASSERT_EQ((*cluster)->AdvanceTo(Local(s, 2026, 1, 1, 0)).status(), absl::OkStatus());
  ASSERT_EQ(ImportWorkCalendar(s, calendar), absl::OkStatus());

  // One item per lead unit, open throughout (due long after the two years).
  const std::string admin = *s.AdminToken();
  std::vector<std::string> units;
  for (const std::string name : {"甲局", "乙局", "丙局"}) {
    auto unit = CreateUnit(s, name);
    ASSERT_TRUE(unit.ok()) << unit.status();
    units.push_back(*unit);
    auto item = CreateItem(s, admin, *unit, {*unit}, absl::StrCat(name, "的长期事项"),
                           DateDeadline(2028, 12, 31));
    ASSERT_TRUE(item.ok()) << item.status();
  }
  for (int month = 2; month <= 25; ++month) {
    absl::Time first = Local(s, 2026 + (month - 1) / 12, (month - 1) % 12 + 1, 1, 0);
    auto advanced = (*cluster)->AdvanceTo(first);
    ASSERT_TRUE(advanced.ok()) << advanced.status() << "\n" << (*cluster)->LogTail("scheduler");
    ASSERT_EQ(advanced->pending, 0) << advanced->pending_detail;
  }

  const CutoffOracle oracle(calendar);
  const std::vector<ExpectedPeriod> periods = PeriodsOf2026And2027(oracle);
  ASSERT_EQ(periods.size(), 48u);
  int moved_in_2026 = 0;
  for (const auto& p : periods) {
    if (p.id.rfind("2026", 0) != 0) continue;
    int day = p.id.back() == '1' ? 5 : 20;
    moved_in_2026 += p.report_day.day() != day;
    moved_in_2026 += p.digest_day.day() != day + 2;
  }
  ASSERT_EQ(moved_in_2026, 18) << "product.md: 18 of the 48 cut-offs of 2026 move";

  scheduler::ListDeadlinesRequest reports;
  reports.set_subject_kind(common::SUBJECT_KIND_REPORT);
  *reports.mutable_due_from() = ToProto(Local(s, 2026, 1, 1, 0));
  *reports.mutable_due_to() = ToProto(Local(s, 2028, 1, 1, 0));
  auto report_deadlines = ListAllDeadlines(s, reports);
  ASSERT_TRUE(report_deadlines.ok()) << report_deadlines.status();
  std::map<std::string, std::vector<std::string>> subjects_by_unit;
  std::map<std::string, absl::Time> due_by_subject;
  for (const auto& d : *report_deadlines) {
    subjects_by_unit[d.owner_unit_id()].push_back(d.subject().id());
    due_by_subject[d.subject().id()] = FromProto(d.due_at());
    EXPECT_EQ(d.rule(), "report.cutoff") << d.DebugString();
  }
  ASSERT_EQ(subjects_by_unit.size(), 3u) << "report deadlines for exactly the three lead units";
  for (const std::string& unit : units) {
    std::vector<std::string> expected;
    for (const auto& p : periods) expected.push_back(absl::StrCat(unit, "@", p.id));
    EXPECT_THAT(subjects_by_unit[unit], UnorderedElementsAreArray(expected)) << unit;
    for (const auto& p : periods) {
      absl::Time want = FromLocal(absl::CivilSecond(p.report_day.year(), p.report_day.month(),
                                                    p.report_day.day(), 18, 0, 0),
                                  s.zone());
      EXPECT_EQ(due_by_subject[absl::StrCat(unit, "@", p.id)], want) << unit << "@" << p.id;
    }
  }

  scheduler::ListDeadlinesRequest digests = reports;
  digests.set_subject_kind(common::SUBJECT_KIND_DIGEST);
  auto digest_deadlines = ListAllDeadlines(s, digests);
  ASSERT_TRUE(digest_deadlines.ok()) << digest_deadlines.status();
  std::map<std::string, absl::Time> digest_due;
  for (const auto& d : *digest_deadlines) {
    EXPECT_EQ(digest_due.count(d.subject().id()), 0u) << "two digests for " << d.subject().id();
    digest_due[d.subject().id()] = FromProto(d.due_at());
    EXPECT_EQ(d.rule(), "digest.cutoff") << d.DebugString();
  }
  ASSERT_EQ(digest_due.size(), 48u);
  for (const auto& p : periods) {
    ASSERT_EQ(digest_due.count(p.id), 1u) << p.id;
    EXPECT_EQ(digest_due[p.id],
              FromLocal(absl::CivilSecond(p.digest_day.year(), p.digest_day.month(),
                                          p.digest_day.day(), 18, 0, 0),
                        s.zone()))
        << p.id;
  }

  // 2026-10-05 is a holiday: the report and digest cut-offs of 2026-10-1 meet on 10-08.
  const absl::Time october_8 = Local(s, 2026, 10, 8, 18);
  EXPECT_EQ(due_by_subject[absl::StrCat(units[0], "@2026-10-1")], october_8);
  EXPECT_EQ(digest_due["2026-10-1"], october_8);
  auto moved =
      Call(s.clients().scheduler(), &scheduler::SchedulerService::Stub::GetDeadline, admin, [&] {
        scheduler::GetDeadlineRequest r;
        *r.mutable_subject() = SubjectOf(common::SUBJECT_KIND_REPORT, units[0] + "@2026-10-1");
        return r;
      }());
  ASSERT_TRUE(moved.ok()) << moved.status();
  scheduler::ExplainDeadlineRequest explain;
  explain.set_deadline_id(moved->deadline().id());
  auto why = Call(s.clients().scheduler(), &scheduler::SchedulerService::Stub::ExplainDeadline,
                  admin, explain);
  ASSERT_TRUE(why.ok()) << why.status();
  EXPECT_EQ(why->explanation().local_due(), "2026-10-08T18:00:00+08:00");

  // Each rung of each cut-off fired exactly once, and nothing else fired.
  auto firings = ListAllRungFirings(s);
  ASSERT_TRUE(firings.ok()) << firings.status();
  std::set<std::string> cutoff_ids;
  for (const auto& d : *report_deadlines) cutoff_ids.insert(d.id());
  for (const auto& d : *digest_deadlines) cutoff_ids.insert(d.id());
  auto grouped = ByDeadline(*firings);
  for (const auto& [deadline_id, of_deadline] : grouped) {
    EXPECT_TRUE(cutoff_ids.count(deadline_id))
        << "a firing of no cut-off:" << Describe(of_deadline);
  }
  for (const std::string& id : cutoff_ids) {
    EXPECT_THAT(RungsOf(grouped[id]),
                ElementsAre(common::RUNG_REMINDER, common::RUNG_URGING, common::RUNG_SUPERVISION))
        << id << Describe(grouped[id]);
  }
  EXPECT_EQ(firings->size(), (48u * 3 + 48) * 3);

  // Supervision opened one case per cut-off at its urging and raised it.
  auto cases = ListAllCases(s);
  ASSERT_TRUE(cases.ok()) << cases.status();
  std::map<common::SubjectKind, int> cases_by_kind;
  std::set<std::string> case_subjects;
  for (const auto& c : *cases) {
    ++cases_by_kind[c.subject().kind()];
    EXPECT_TRUE(case_subjects.insert(c.subject().id()).second) << "two cases: " << c.DebugString();
    int urgings = 0, raisings = 0;
    for (const auto& rung : c.rungs()) {
      urgings += rung.rung() == common::RUNG_URGING;
      raisings += rung.rung() == common::RUNG_SUPERVISION;
    }
    EXPECT_EQ(urgings, 1) << c.DebugString();
    EXPECT_EQ(raisings, 1) << c.DebugString();
    EXPECT_EQ(c.state(), supervision::CASE_STATE_RAISED) << c.DebugString();
  }
  EXPECT_EQ(cases_by_kind[common::SUBJECT_KIND_REPORT], 144);
  EXPECT_EQ(cases_by_kind[common::SUBJECT_KIND_DIGEST], 48);
  EXPECT_EQ(cases->size(), 192u);
}

// One lead unit's report, the way its liaison submits it: prefilled, each
// open row given remarks and a planned completion date.
absl::StatusOr<reporting::Report> SubmitReport(client::Session& s, const std::string& liaison,
                                               const std::string& unit_id,
                                               const std::string& period_id) {
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(liaison));
  reporting::PrefillReportRequest prefill;
  prefill.set_unit_id(unit_id);
  prefill.set_period_id(period_id);
  DUBAN_ASSIGN_OR_RETURN(reporting::PrefillReportResponse prefilled,
                         Call(s.clients().reporting(),
                              &reporting::ReportingService::Stub::PrefillReport, token, prefill));
  reporting::SubmitReportRequest submit;
  submit.set_request_id(client::NewRequestId());
  *submit.mutable_report() = prefilled.report();
  for (auto& section : *submit.mutable_report()->mutable_sections()) {
    for (auto& row : *section.mutable_rows()) {
      if (row.completed()) continue;
      row.set_remarks("按计划推进");
      *row.mutable_planned_completion_date() = ToProto(absl::CivilDay(2027, 6, 30));
    }
  }
  DUBAN_ASSIGN_OR_RETURN(reporting::SubmitReportResponse submitted,
                         Call(s.clients().reporting(),
                              &reporting::ReportingService::Stub::SubmitReport, token, submit));
  return submitted.report();
}

TEST(SchedulingCutoffsTest, ReportAt175959IsOnTimeAt1800IsLateAndNeverIsMissingAndUrged) {
  // 2026-10-25 09:00 +08:00; period 2026-11-1: report cut-off Thu 11-05
  // 18:00, digest cut-off Sat 11-07 moved to Mon 11-09 18:00.
  auto cluster = Cluster::Start(
      {.name = "lateness", .base_port = 21320, .clock_start = absl::FromUnixSeconds(1792890000)});
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  client::Session& s = (*cluster)->session();
  ASSERT_EQ(ImportSampleWithCalendar(s), absl::OkStatus());
  const std::string admin = *s.AdminToken();
  const std::string on_time = *s.UnitId("发改局"), late = *s.UnitId("统计局"),
                    missing = *s.UnitId("应急局");
  for (const std::string& unit : {on_time, late, missing}) {
    auto item = CreateItem(s, admin, unit, {unit}, "全年重点工作", DateDeadline(2027, 6, 30));
    ASSERT_TRUE(item.ok()) << item.status();
  }

  ASSERT_TRUE((*cluster)->AdvanceTo(Local(s, 2026, 11, 5, 17, 59, 59)).ok());
  auto first = SubmitReport(s, "许一", on_time, "2026-11-1");
  ASSERT_TRUE(first.ok()) << "reporting's SubmitReport: " << first.status();
  EXPECT_FALSE(first->late()) << first->DebugString();

  ASSERT_TRUE((*cluster)->AdvanceTo(Local(s, 2026, 11, 5, 18)).ok());
  auto second = SubmitReport(s, "何二", late, "2026-11-1");
  ASSERT_TRUE(second.ok()) << "reporting's SubmitReport: " << second.status();
  EXPECT_TRUE(second->late()) << second->DebugString();

  auto settled = (*cluster)->AdvanceTo(Local(s, 2026, 11, 10, 9));
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(settled->pending, 0) << settled->pending_detail;

  // Reporting: one on time, one late, one missing.
  reporting::ListReportsRequest list;
  list.set_period_id("2026-11-1");
  list.set_page_size(100);
  auto listed =
      Call(s.clients().reporting(), &reporting::ReportingService::Stub::ListReports, admin, list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::map<std::string, bool> late_by_unit;
  for (const auto& r : listed->reports()) late_by_unit[r.unit_id()] = r.late();
  EXPECT_THAT(late_by_unit, UnorderedElementsAre(std::pair(on_time, false), std::pair(late, true)));
  EXPECT_THAT(listed->missing_unit_ids(), ElementsAre(missing));

  // The scheduler: the three report deadlines of the period and what fired.
  std::map<std::string, std::vector<scheduler::RungFiring>> fired;
  for (const std::string& unit : {on_time, late, missing}) {
    scheduler::ListRungFiringsRequest filter;
    *filter.mutable_subject() = SubjectOf(common::SUBJECT_KIND_REPORT, unit + "@2026-11-1");
    auto firings = ListAllRungFirings(s, filter);
    ASSERT_TRUE(firings.ok()) << firings.status();
    fired[unit] = *firings;
  }
  const std::map<std::string, std::pair<scheduler::DeadlineState, absl::Time>> met = {
      {on_time, {scheduler::DEADLINE_STATE_MET, Local(s, 2026, 11, 5, 17, 59, 59)}},
      {late, {scheduler::DEADLINE_STATE_MET, Local(s, 2026, 11, 5, 18)}},
      {missing, {scheduler::DEADLINE_STATE_PENDING, absl::UnixEpoch()}}};
  for (const auto& [unit, want] : met) {
    scheduler::GetDeadlineRequest get;
    *get.mutable_subject() = SubjectOf(common::SUBJECT_KIND_REPORT, unit + "@2026-11-1");
    auto deadline =
        Call(s.clients().scheduler(), &scheduler::SchedulerService::Stub::GetDeadline, admin, get);
    ASSERT_TRUE(deadline.ok()) << deadline.status();
    EXPECT_EQ(deadline->deadline().state(), want.first) << deadline->DebugString();
    EXPECT_EQ(FromProto(deadline->deadline().met_at()), want.second) << deadline->DebugString();
  }
  EXPECT_THAT(RungsOf(fired[on_time]), ElementsAre(common::RUNG_REMINDER))
      << Describe(fired[on_time]);
  EXPECT_THAT(RungsOf(fired[late]), ElementsAre(common::RUNG_REMINDER, common::RUNG_URGING))
      << Describe(fired[late]);
  EXPECT_THAT(RungsOf(fired[missing]), ElementsAre(common::RUNG_REMINDER, common::RUNG_URGING))
      << Describe(fired[missing]);

  // Supervision: the late report's case closed when it came in; the missing one is urged, open.
  supervision::ListCasesRequest report_cases;
  report_cases.set_subject_kind(common::SUBJECT_KIND_REPORT);
  auto cases = ListAllCases(s, report_cases);
  ASSERT_TRUE(cases.ok()) << cases.status();
  std::map<std::string, supervision::CaseState> state_by_unit;
  std::string case_history;
  for (const auto& c : *cases) {
    state_by_unit[c.unit_id()] = c.state();
    supervision::ListAuditRecordsRequest audit;
    audit.mutable_filter()->set_entity_id(c.id());
    audit.set_page_size(100);
    auto records = Call(s.clients().supervision(),
                        &supervision::SupervisionService::Stub::ListAuditRecords, admin, audit);
    absl::StrAppend(&case_history, "\n", c.DebugString());
    if (records.ok()) {
      for (const auto& r : records->records()) {
        absl::StrAppend(&case_history, "  audit: ", r.action(), " at ",
                        absl::FormatTime(FromProto(r.at())), "\n");
      }
    }
  }
  EXPECT_THAT(state_by_unit, UnorderedElementsAre(std::pair(late, supervision::CASE_STATE_CLOSED),
                                                  std::pair(missing, supervision::CASE_STATE_OPEN)))
      << case_history;
  supervision::ListNoticesRequest urgings;
  urgings.set_kind(supervision::NOTICE_KIND_URGING);
  auto notices = ListAllNotices(s, urgings);
  ASSERT_TRUE(notices.ok()) << notices.status();
  std::vector<std::string> urged;
  for (const auto& n : *notices) {
    if (n.subject().kind() == common::SUBJECT_KIND_REPORT) urged.push_back(n.subject().id());
  }
  EXPECT_THAT(urged, UnorderedElementsAre(late + "@2026-11-1", missing + "@2026-11-1"));

  supervision::GetFiguresRequest figures_request;
  *figures_request.mutable_from() = ToProto(Local(s, 2026, 11, 1, 0));
  *figures_request.mutable_to() = ToProto(Local(s, 2026, 12, 1, 0));
  auto figures = Call(s.clients().supervision(), &supervision::SupervisionService::Stub::GetFigures,
                      admin, figures_request);
  ASSERT_TRUE(figures.ok()) << figures.status();
  std::map<std::string, supervision::UnitFigures> by_unit;
  for (const auto& f : figures->units()) by_unit[f.unit_id()] = f;
  EXPECT_EQ(by_unit[on_time].late_reports(), 0);
  EXPECT_EQ(by_unit[on_time].missing_reports(), 0);
  EXPECT_EQ(by_unit[on_time].urging_notices(), 0);
  EXPECT_EQ(by_unit[late].late_reports(), 1) << by_unit[late].DebugString();
  EXPECT_EQ(by_unit[late].missing_reports(), 0) << by_unit[late].DebugString();
  EXPECT_EQ(by_unit[missing].late_reports(), 0) << by_unit[missing].DebugString();
  EXPECT_EQ(by_unit[missing].missing_reports(), 1) << by_unit[missing].DebugString();
  EXPECT_EQ(by_unit[missing].urging_notices(), 1) << by_unit[missing].DebugString();
  EXPECT_THAT(by_unit[on_time].case_ids(), IsEmpty());
}

}  // namespace
}  // namespace duban::testing

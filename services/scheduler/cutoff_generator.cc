#include "services/scheduler/cutoff_generator.h"

#include "absl/strings/str_cat.h"
#include "common/calendar/periods.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::scheduler {
namespace {

// Catching up after a long downtime goes this many steps per call at most.
constexpr int kMaxStepsPerCall = 1000;

absl::Time MonthStart(absl::CivilMonth month, absl::TimeZone zone) {
  return FromLocal(absl::CivilSecond(month), zone);
}

std::string UnitName(const RegistryNames* names, const std::string& unit_id) {
  return names == nullptr ? unit_id : names->UnitName(unit_id);
}

}  // namespace

CutoffGenerator::CutoffGenerator(db::ConnectionPool* pool, DeadlineStore* store,
                                 DeadlineKeeper* keeper, RegistryNames* names)
    : pool_(pool), store_(store), keeper_(keeper), names_(names) {}

absl::StatusOr<int> CutoffGenerator::GenerateDue(absl::Time now) {
  DUBAN_ASSIGN_OR_RETURN(int periods, GeneratePeriods(now));
  DUBAN_ASSIGN_OR_RETURN(int cycles, GenerateDispatchCycles(now));
  return periods + cycles;
}

absl::StatusOr<int> CutoffGenerator::GeneratePeriods(absl::Time now) {
  int created = 0;
  for (int step = 0; step < kMaxStepsPerCall; ++step) {
    DUBAN_ASSIGN_OR_RETURN(std::optional<int> one, GenerateNextPeriod(now));
    if (!one) break;
    created += *one;
  }
  return created;
}

absl::StatusOr<std::optional<int>> CutoffGenerator::GenerateNextPeriod(absl::Time now) {
  const std::shared_ptr<const calendar::WorkCalendar> calendar = keeper_->work_calendar();
  const calendar::PeriodRules& rules = keeper_->period_rules();
  const absl::TimeZone zone = keeper_->zone();
  std::optional<int> created;
  DUBAN_RETURN_IF_ERROR(db::InTransaction(*pool_, [&](sql::Connection& conn) -> absl::Status {
    created.reset();
    const std::string initial = calendar::PeriodContaining(now, *calendar, zone, rules).id;
    DUBAN_ASSIGN_OR_RETURN(std::string mark, store_->LockMark(conn, kPeriodSeries, initial, now));
    DUBAN_ASSIGN_OR_RETURN(calendar::Period period,
                           calendar::PeriodById(mark, "generation mark", *calendar, zone, rules));
    if (period.starts_after > now) return absl::OkStatus();

    int count = 0;
    DUBAN_ASSIGN_OR_RETURN(
        bool digest, keeper_->EnsureGenerated(conn, DigestDeadline(period, rules, zone), now));
    count += digest ? 1 : 0;
    DUBAN_ASSIGN_OR_RETURN(
        std::vector<std::string> units,
        store_->UnitsLeadingOpenItems(conn, period.starts_after, period.report_cutoff()));
    for (const std::string& unit : units) {
      DUBAN_ASSIGN_OR_RETURN(
          bool report,
          keeper_->EnsureGenerated(
              conn, ReportDeadline(period, unit, rules, zone, UnitName(names_, unit)), now));
      count += report ? 1 : 0;
    }
    DUBAN_RETURN_IF_ERROR(store_->SetMark(
        conn, kPeriodSeries, calendar::NextPeriod(period, *calendar, zone, rules).id, now));
    created = count;
    return absl::OkStatus();
  }));
  return created;
}

absl::StatusOr<int> CutoffGenerator::GenerateDispatchCycles(absl::Time now) {
  if (names_ == nullptr) return 0;
  const absl::TimeZone zone = keeper_->zone();
  std::optional<std::string> mark;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(mark, store_->ReadMark(conn, kDispatchCycleSeries));
    return absl::OkStatus();
  }));
  std::optional<absl::CivilMonth> next_month;
  if (mark) {
    DUBAN_ASSIGN_OR_RETURN(next_month, calendar::ParseMonth(*mark, "generation mark"));
  }
  int created = 0;
  if (!next_month || MonthStart(*next_month, zone) <= now) {
    // A month is due: its leaders are asked for afresh.
    DUBAN_RETURN_IF_ERROR(names_->Refresh());
    const std::vector<std::string> leaders = names_->DistrictLeaders();
    for (int step = 0; step < kMaxStepsPerCall; ++step) {
      DUBAN_ASSIGN_OR_RETURN(std::optional<int> one, GenerateNextMonth(now, leaders));
      if (!one) break;
      created += *one;
    }
  } else if (!names_->loaded()) {
    DUBAN_RETURN_IF_ERROR(names_->Refresh());
  }
  // A leader owes the dispatch cycle of each month that begins while they are
  // a district leader: one appointed after the month's cycles were generated
  // (in particular everyone on the day the registry is first imported) owes
  // from the next month on, rather than being urged for days that were over
  // before they took office.
  return created;
}

absl::StatusOr<std::optional<int>> CutoffGenerator::GenerateNextMonth(
    absl::Time now, const std::vector<std::string>& leaders) {
  const absl::TimeZone zone = keeper_->zone();
  std::optional<int> created;
  DUBAN_RETURN_IF_ERROR(db::InTransaction(*pool_, [&](sql::Connection& conn) -> absl::Status {
    created.reset();
    const std::string initial =
        calendar::FormatMonth(absl::CivilMonth(absl::ToCivilSecond(now, zone)));
    DUBAN_ASSIGN_OR_RETURN(std::string mark,
                           store_->LockMark(conn, kDispatchCycleSeries, initial, now));
    DUBAN_ASSIGN_OR_RETURN(absl::CivilMonth month, calendar::ParseMonth(mark, "generation mark"));
    if (MonthStart(month, zone) > now) return absl::OkStatus();
    int count = 0;
    for (const std::string& leader : leaders) {
      DUBAN_ASSIGN_OR_RETURN(
          bool one,
          keeper_->EnsureGenerated(
              conn, DispatchCycleDeadline(leader, month, zone, names_->LeaderName(leader)), now));
      count += one ? 1 : 0;
    }
    DUBAN_RETURN_IF_ERROR(
        store_->SetMark(conn, kDispatchCycleSeries, calendar::FormatMonth(month + 1), now));
    created = count;
    return absl::OkStatus();
  }));
  return created;
}

absl::StatusOr<absl::Time> CutoffGenerator::NextBoundary(absl::Time now) {
  const std::shared_ptr<const calendar::WorkCalendar> calendar = keeper_->work_calendar();
  const absl::TimeZone zone = keeper_->zone();
  std::optional<std::string> period_mark;
  std::optional<std::string> month_mark;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(period_mark, store_->ReadMark(conn, kPeriodSeries));
    DUBAN_ASSIGN_OR_RETURN(month_mark, store_->ReadMark(conn, kDispatchCycleSeries));
    return absl::OkStatus();
  }));
  absl::Time next = absl::InfiniteFuture();
  if (period_mark) {
    DUBAN_ASSIGN_OR_RETURN(calendar::Period period,
                           calendar::PeriodById(*period_mark, "generation mark", *calendar, zone,
                                                keeper_->period_rules()));
    if (period.starts_after > now) next = std::min(next, period.starts_after);
  }
  if (month_mark && names_ != nullptr) {
    DUBAN_ASSIGN_OR_RETURN(absl::CivilMonth month, calendar::ParseMonth(*month_mark, "mark"));
    if (MonthStart(month, zone) > now) next = std::min(next, MonthStart(month, zone));
  }
  return next;
}

}  // namespace duban::scheduler

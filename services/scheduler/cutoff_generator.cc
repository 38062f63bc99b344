#include "services/scheduler/cutoff_generator.h"

#include <grpcpp/client_context.h>

#include "common/calendar/periods.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::scheduler {
namespace {

namespace rv1 = registry::v1;

// Network timeouts run on real time, whatever the test clock says.
constexpr absl::Duration kCallTimeout = absl::Seconds(5);
// Catching up after a long downtime goes this many steps per call at most.
constexpr int kMaxStepsPerCall = 1000;

class RegistryLeaderDirectory final : public LeaderDirectory {
 public:
  explicit RegistryLeaderDirectory(std::shared_ptr<rv1::RegistryService::StubInterface> stub)
      : stub_(std::move(stub)) {}

  absl::StatusOr<std::vector<std::string>> DistrictLeaders() override {
    std::vector<std::string> leaders;
    rv1::ListPeopleRequest request;
    request.set_role(rv1::ROLE_KIND_DISTRICT_LEADER);
    request.set_page_size(100);
    do {
      rv1::ListPeopleResponse page;
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
      DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->ListPeople(&context, request, &page)));
      for (const rv1::Person& person : page.people()) leaders.push_back(person.id());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return leaders;
  }

 private:
  std::shared_ptr<rv1::RegistryService::StubInterface> stub_;
};

absl::Time MonthStart(absl::CivilMonth month, absl::TimeZone zone) {
  return FromLocal(absl::CivilSecond(month), zone);
}

}  // namespace

std::unique_ptr<LeaderDirectory> NewRegistryLeaderDirectory(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub) {
  return std::make_unique<RegistryLeaderDirectory>(std::move(stub));
}

CutoffGenerator::CutoffGenerator(db::ConnectionPool* pool, DeadlineStore* store,
                                 DeadlineKeeper* keeper, LeaderDirectory* leaders)
    : pool_(pool), store_(store), keeper_(keeper), leaders_(leaders) {}

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
          keeper_->EnsureGenerated(conn, ReportDeadline(period, unit, rules, zone), now));
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
  if (leaders_ == nullptr) return 0;
  // Ask the registry only when a month is due.
  std::optional<std::string> mark;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(mark, store_->ReadMark(conn, kDispatchCycleSeries));
    return absl::OkStatus();
  }));
  if (mark) {
    DUBAN_ASSIGN_OR_RETURN(absl::CivilMonth month, calendar::ParseMonth(*mark, "generation mark"));
    if (MonthStart(month, keeper_->zone()) > now) return 0;
  }
  // TODO(#4): a leader appointed after a month was generated gets dispatch
  // cycles from the next month on.
  DUBAN_ASSIGN_OR_RETURN(std::vector<std::string> leaders, leaders_->DistrictLeaders());
  int created = 0;
  for (int step = 0; step < kMaxStepsPerCall; ++step) {
    DUBAN_ASSIGN_OR_RETURN(std::optional<int> one, GenerateNextMonth(now, leaders));
    if (!one) break;
    created += *one;
  }
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
      DUBAN_ASSIGN_OR_RETURN(bool one, keeper_->EnsureGenerated(
                                           conn, DispatchCycleDeadline(leader, month, zone), now));
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
  if (month_mark && leaders_ != nullptr) {
    DUBAN_ASSIGN_OR_RETURN(absl::CivilMonth month, calendar::ParseMonth(*month_mark, "mark"));
    if (MonthStart(month, zone) > now) next = std::min(next, MonthStart(month, zone));
  }
  return next;
}

}  // namespace duban::scheduler

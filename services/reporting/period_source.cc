#include "services/reporting/period_source.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/reporting/periods.h"

namespace duban::reporting {

namespace {

class NominalPeriodSource final : public PeriodSource {
 public:
  NominalPeriodSource(absl::TimeZone zone, const calendar::PeriodRules& rules)
      : zone_(zone), rules_(rules) {}

  absl::StatusOr<std::vector<v1::Period>> PeriodsEnding(absl::CivilMonth month) override {
    return PeriodsOf(month, zone_, rules_);
  }

 private:
  const absl::TimeZone zone_;
  const calendar::PeriodRules rules_;
};

class CalendarPeriodSource final : public PeriodSource {
 public:
  CalendarPeriodSource(const calendar::CalendarSource* calendar,
                       std::function<absl::Status()> refresh, absl::TimeZone zone,
                       const calendar::PeriodRules& rules)
      : calendar_(calendar), refresh_(std::move(refresh)), zone_(zone), rules_(rules) {}

  absl::StatusOr<std::vector<v1::Period>> PeriodsEnding(absl::CivilMonth month) override {
    // A registry that does not answer leaves the calendar held, which only
    // differs when the calendar was re-imported meanwhile.
    if (refresh_) (void)refresh_();
    return PeriodsOf(month, *calendar_->Current(), zone_, rules_);
  }

 private:
  const calendar::CalendarSource* calendar_;
  const std::function<absl::Status()> refresh_;
  const absl::TimeZone zone_;
  const calendar::PeriodRules rules_;
};

absl::Status NotAPeriod(const std::string& id, const std::string& field) {
  return InvalidField(field, absl::StrCat("\"", id, "\" is not a period id <yyyy-mm>-<1|2>"));
}

}  // namespace

absl::StatusOr<absl::CivilMonth> MonthOfPeriod(const std::string& id, const std::string& field) {
  if (id.size() != 9 || id[7] != '-' || (id[8] != '1' && id[8] != '2')) {
    return NotAPeriod(id, field);
  }
  absl::StatusOr<absl::CivilMonth> month = ParseMonth(id.substr(0, 7), field);
  if (!month.ok()) return NotAPeriod(id, field);
  return *month;
}

absl::StatusOr<v1::Period> PeriodById(PeriodSource& periods, const std::string& id,
                                      const std::string& field) {
  DUBAN_ASSIGN_OR_RETURN(absl::CivilMonth month, MonthOfPeriod(id, field));
  DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Period> ending, periods.PeriodsEnding(month));
  for (v1::Period& period : ending) {
    if (period.id() == id) return std::move(period);
  }
  return NotAPeriod(id, field);
}

std::unique_ptr<PeriodSource> NewNominalPeriodSource(absl::TimeZone zone,
                                                     const calendar::PeriodRules& rules) {
  return std::make_unique<NominalPeriodSource>(zone, rules);
}

std::unique_ptr<PeriodSource> NewCalendarPeriodSource(const calendar::CalendarSource* calendar,
                                                      std::function<absl::Status()> refresh,
                                                      absl::TimeZone zone,
                                                      const calendar::PeriodRules& rules) {
  return std::make_unique<CalendarPeriodSource>(calendar, std::move(refresh), zone, rules);
}

}  // namespace duban::reporting

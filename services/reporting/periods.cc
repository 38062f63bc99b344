#include "services/reporting/periods.h"

#include "common/status.h"
#include "common/time_util.h"

namespace duban::reporting {

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field) {
  return calendar::ParseMonth(std::string_view(text.data(), text.size()),
                              std::string_view(field.data(), field.size()));
}

std::string FormatMonth(absl::CivilMonth month) { return calendar::FormatMonth(month); }

MonthSpan SpanOf(absl::CivilMonth month, absl::TimeZone zone) {
  return {FromLocal(absl::CivilSecond(month), zone), FromLocal(absl::CivilSecond(month + 1), zone)};
}

v1::Period ToProto(const calendar::Period& period) {
  v1::Period message;
  message.set_id(period.id);
  *message.mutable_starts_after() = duban::ToProto(period.starts_after);
  *message.mutable_report_cutoff() = duban::ToProto(period.report_cutoff());
  *message.mutable_digest_cutoff() = duban::ToProto(period.digest_cutoff());
  return message;
}

std::vector<v1::Period> PeriodsOf(absl::CivilMonth month, const calendar::WorkCalendar& calendar,
                                  absl::TimeZone zone, const PeriodRules& rules) {
  std::vector<v1::Period> periods;
  for (const calendar::Period& period : calendar::PeriodsEndingIn(month, calendar, zone, rules)) {
    periods.push_back(ToProto(period));
  }
  return periods;
}

std::vector<v1::Period> PeriodsOf(absl::CivilMonth month, absl::TimeZone zone,
                                  const PeriodRules& rules) {
  PeriodRules nominal = rules;
  nominal.policy = calendar::NonWorkingDayPolicy::kKeep;
  return PeriodsOf(month, calendar::WorkCalendar(), zone, nominal);
}

}  // namespace duban::reporting

#include "services/reporting/periods.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::reporting {
namespace {

absl::Time Cutoff(absl::CivilMonth month, int day, int hour, absl::TimeZone zone) {
  return FromLocal(absl::CivilSecond(month.year(), month.month(), day, hour, 0, 0), zone);
}

v1::Period MakePeriod(absl::CivilMonth month, int index, absl::Time starts_after,
                      absl::Time report_cutoff, absl::Time digest_cutoff) {
  v1::Period period;
  period.set_id(absl::StrCat(FormatMonth(month), "-", index));
  *period.mutable_starts_after() = ToProto(starts_after);
  *period.mutable_report_cutoff() = ToProto(report_cutoff);
  *period.mutable_digest_cutoff() = ToProto(digest_cutoff);
  return period;
}

}  // namespace

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field) {
  int year = 0;
  int month = 0;
  if (text.size() != 7 || text[4] != '-' || !absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) || month < 1 || month > 12 || year < 1900) {
    return InvalidField(std::string(field), absl::StrCat("\"", text, "\" is not a month yyyy-mm"));
  }
  return absl::CivilMonth(year, month);
}

std::string FormatMonth(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

MonthSpan SpanOf(absl::CivilMonth month, absl::TimeZone zone) {
  return {FromLocal(absl::CivilSecond(month), zone), FromLocal(absl::CivilSecond(month + 1), zone)};
}

std::vector<v1::Period> PeriodsOf(absl::CivilMonth month, absl::TimeZone zone,
                                  const PeriodRules& rules) {
  const absl::Time previous = Cutoff(month - 1, rules.second_report_day, rules.cutoff_hour, zone);
  const absl::Time first = Cutoff(month, rules.first_report_day, rules.cutoff_hour, zone);
  const absl::Time second = Cutoff(month, rules.second_report_day, rules.cutoff_hour, zone);
  return {
      MakePeriod(month, 1, previous, first,
                 Cutoff(month, rules.first_digest_day, rules.cutoff_hour, zone)),
      MakePeriod(month, 2, first, second,
                 Cutoff(month, rules.second_digest_day, rules.cutoff_hour, zone)),
  };
}

}  // namespace duban::reporting

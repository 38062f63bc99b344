#include "common/calendar/periods.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::calendar {
namespace {

int ReportDay(const PeriodRules& rules, int index) {
  return index == 1 ? rules.first_report_day : rules.second_report_day;
}

int DigestDay(const PeriodRules& rules, int index) {
  return index == 1 ? rules.first_digest_day : rules.second_digest_day;
}

absl::CivilDay DayOf(absl::CivilMonth month, int day) {
  return absl::CivilDay(month.year(), month.month(), day);
}

Cutoff ReportCutoff(absl::CivilMonth month, int index, const WorkCalendar& calendar,
                    absl::TimeZone zone, const PeriodRules& rules) {
  return CutoffOn(DayOf(month, ReportDay(rules, index)), calendar, zone, rules);
}

Period MakePeriod(absl::CivilMonth month, int index, const WorkCalendar& calendar,
                  absl::TimeZone zone, const PeriodRules& rules) {
  Period period;
  period.id = PeriodId(month, index);
  period.month = month;
  period.index = index;
  period.starts_after = index == 1 ? ReportCutoff(month - 1, 2, calendar, zone, rules).at
                                   : ReportCutoff(month, 1, calendar, zone, rules).at;
  period.report = ReportCutoff(month, index, calendar, zone, rules);
  period.digest = CutoffOn(DayOf(month, DigestDay(rules, index)), calendar, zone, rules);
  return period;
}

}  // namespace

absl::Status CheckRules(const PeriodRules& rules) {
  for (auto [name, day] : {std::pair{"first_report_day", rules.first_report_day},
                           std::pair{"second_report_day", rules.second_report_day},
                           std::pair{"first_digest_day", rules.first_digest_day},
                           std::pair{"second_digest_day", rules.second_digest_day}}) {
    if (day < 1 || day > 28) return InvalidField(name, "must be a day from 1 to 28");
  }
  if (rules.second_report_day <= rules.first_report_day) {
    return InvalidField("second_report_day", "must be after first_report_day");
  }
  if (rules.first_digest_day < rules.first_report_day ||
      rules.first_digest_day >= rules.second_report_day) {
    return InvalidField("first_digest_day",
                        "must be on or after first_report_day and before second_report_day");
  }
  if (rules.second_digest_day < rules.second_report_day) {
    return InvalidField("second_digest_day", "must be on or after second_report_day");
  }
  if (rules.cutoff_hour < 0 || rules.cutoff_hour > 23) {
    return InvalidField("cutoff_hour", "must be from 0 to 23");
  }
  if (rules.cutoff_minute < 0 || rules.cutoff_minute > 59) {
    return InvalidField("cutoff_minute", "must be from 0 to 59");
  }
  return absl::OkStatus();
}

std::string FormatMonth(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

absl::StatusOr<absl::CivilMonth> ParseMonth(std::string_view text, std::string_view field) {
  const absl::string_view view = AbslView(text);
  int year = 0;
  int month = 0;
  if (view.size() != 7 || view[4] != '-' || !absl::SimpleAtoi(view.substr(0, 4), &year) ||
      !absl::SimpleAtoi(view.substr(5, 2), &month) || month < 1 || month > 12 || year < 1900) {
    return InvalidField(field, absl::StrCat("\"", view, "\" is not a month yyyy-mm"));
  }
  return absl::CivilMonth(year, month);
}

std::string PeriodId(absl::CivilMonth month, int index) {
  return absl::StrCat(FormatMonth(month), "-", index);
}

Cutoff CutoffOn(absl::CivilDay day, const WorkCalendar& calendar, absl::TimeZone zone,
                const PeriodRules& rules) {
  Cutoff cutoff;
  cutoff.nominal = day;
  cutoff.shifted = calendar.Shift(day, rules.policy);
  const absl::CivilDay at = cutoff.shifted.day;
  cutoff.at = FromLocal(
      absl::CivilSecond(at.year(), at.month(), at.day(), rules.cutoff_hour, rules.cutoff_minute, 0),
      zone);
  return cutoff;
}

std::vector<Period> PeriodsEndingIn(absl::CivilMonth month, const WorkCalendar& calendar,
                                    absl::TimeZone zone, const PeriodRules& rules) {
  return {MakePeriod(month, 1, calendar, zone, rules), MakePeriod(month, 2, calendar, zone, rules)};
}

Period PeriodContaining(absl::Time t, const WorkCalendar& calendar, absl::TimeZone zone,
                        const PeriodRules& rules) {
  // A shifted cut-off stays within a few weeks of its nominal day, so the
  // period is one of those ending in the month before, of, or after t.
  const absl::CivilMonth month(absl::ToCivilSecond(t, zone));
  for (absl::CivilMonth m : {month - 1, month, month + 1}) {
    for (Period& period : PeriodsEndingIn(m, calendar, zone, rules)) {
      if (period.starts_after < t && t <= period.report.at) return period;
    }
  }
  return MakePeriod(month + 2, 1, calendar, zone, rules);  // Not reached with sane calendars.
}

absl::StatusOr<Period> PeriodById(std::string_view id, std::string_view field,
                                  const WorkCalendar& calendar, absl::TimeZone zone,
                                  const PeriodRules& rules) {
  if (id.size() != 9 || id[7] != '-' || (id[8] != '1' && id[8] != '2')) {
    return InvalidField(field, absl::StrCat("\"", AbslView(id), "\" is not a period yyyy-mm-1|2"));
  }
  absl::StatusOr<absl::CivilMonth> month = ParseMonth(id.substr(0, 7), field);
  if (!month.ok()) {
    return InvalidField(field, absl::StrCat("\"", AbslView(id), "\" is not a period yyyy-mm-1|2"));
  }
  return MakePeriod(*month, id[8] - '0', calendar, zone, rules);
}

Period NextPeriod(const Period& period, const WorkCalendar& calendar, absl::TimeZone zone,
                  const PeriodRules& rules) {
  return period.index == 1 ? MakePeriod(period.month, 2, calendar, zone, rules)
                           : MakePeriod(period.month + 1, 1, calendar, zone, rules);
}

}  // namespace duban::calendar

#include "common/calendar/work_calendar.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::calendar {
namespace {

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday;
}

}  // namespace

std::string PolicyName(NonWorkingDayPolicy policy) {
  switch (policy) {
    case NonWorkingDayPolicy::kKeep:
      return "keep";
    case NonWorkingDayPolicy::kPreviousWorkingDay:
      return "previous_working_day";
    case NonWorkingDayPolicy::kNextWorkingDay:
      break;
  }
  return "next_working_day";
}

absl::StatusOr<NonWorkingDayPolicy> ParsePolicy(std::string_view text, std::string_view field) {
  for (NonWorkingDayPolicy policy :
       {NonWorkingDayPolicy::kNextWorkingDay, NonWorkingDayPolicy::kKeep,
        NonWorkingDayPolicy::kPreviousWorkingDay}) {
    if (text == PolicyName(policy)) return policy;
  }
  return InvalidField(field, absl::StrCat("\"", AbslView(text),
                                          "\" is not one of next_working_day, keep, "
                                          "previous_working_day"));
}

absl::StatusOr<WorkCalendar> WorkCalendar::FromCsv(std::string_view csv) {
  WorkCalendar calendar;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(AbslView(csv), '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line_number == 1 || line.empty()) continue;
    std::vector<std::string> cells = absl::StrSplit(line, absl::MaxSplits(',', 2));
    const std::string where = absl::StrCat("line ", line_number, ": ");
    if (cells.size() != 3) return InvalidField("csv", absl::StrCat(where, "want date,kind,name"));
    absl::StatusOr<absl::CivilDay> day = ParseDay(cells[0], "date");
    if (!day.ok()) return InvalidField("csv", absl::StrCat(where, day.status().message()));
    if (cells[1] == "holiday") {
      calendar.AddHoliday(*day, cells[2]);
    } else if (cells[1] == "workday") {
      calendar.AddMakeUpWorkday(*day, cells[2]);
    } else {
      return InvalidField(
          "csv", absl::StrCat(where, "kind \"", cells[1], "\" is neither holiday nor workday"));
    }
  }
  return calendar;
}

void WorkCalendar::AddHoliday(absl::CivilDay day, std::string name) {
  listed_[day] = ListedDay{ListedDay::Kind::kHoliday, std::move(name)};
}

void WorkCalendar::AddMakeUpWorkday(absl::CivilDay day, std::string name) {
  listed_[day] = ListedDay{ListedDay::Kind::kMakeUpWorkday, std::move(name)};
}

bool WorkCalendar::IsWorkingDay(absl::CivilDay day) const {
  auto it = listed_.find(day);
  if (it != listed_.end()) return it->second.kind == ListedDay::Kind::kMakeUpWorkday;
  return !IsWeekend(day);
}

std::string WorkCalendar::WhyNotWorking(absl::CivilDay day) const {
  if (IsWorkingDay(day)) return "";
  auto it = listed_.find(day);
  if (it != listed_.end()) return absl::StrCat("a holiday (", it->second.name, ")");
  return absl::GetWeekday(day) == absl::Weekday::saturday ? "a Saturday" : "a Sunday";
}

absl::CivilDay WorkCalendar::AddWorkingDays(absl::CivilDay day, int n,
                                            std::vector<absl::CivilDay>* skipped) const {
  while (n > 0) {
    ++day;
    if (IsWorkingDay(day)) {
      --n;
    } else if (skipped != nullptr) {
      skipped->push_back(day);
    }
  }
  return day;
}

ShiftedDay WorkCalendar::Shift(absl::CivilDay day, NonWorkingDayPolicy policy) const {
  ShiftedDay shifted{day, {}};
  if (policy == NonWorkingDayPolicy::kKeep) return shifted;
  const int step = policy == NonWorkingDayPolicy::kNextWorkingDay ? 1 : -1;
  while (!IsWorkingDay(shifted.day)) {
    shifted.passed_over.push_back(shifted.day);
    shifted.day += step;
  }
  return shifted;
}

std::vector<std::string> DescribeShift(const WorkCalendar& calendar, absl::CivilDay nominal,
                                       const ShiftedDay& shifted) {
  std::vector<std::string> steps;
  for (absl::CivilDay day : shifted.passed_over) {
    steps.push_back(absl::StrCat(FormatDay(day), " is ", calendar.WhyNotWorking(day), ": ",
                                 day == nominal ? absl::StrCat("moved to ", FormatDay(shifted.day))
                                                : std::string("passed over")));
  }
  return steps;
}

}  // namespace duban::calendar

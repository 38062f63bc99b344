#include "services/scheduler/work_calendar.h"

namespace duban::scheduler {

bool WeekdayCalendar::IsWorkingDay(absl::CivilDay day) const {
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday;
}

std::string WeekdayCalendar::WhyNotWorking(absl::CivilDay day) const {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::saturday:
      return "Saturday";
    case absl::Weekday::sunday:
      return "Sunday";
    default:
      return "";
  }
}

absl::CivilDay AddWorkingDays(const WorkCalendar& calendar, absl::CivilDay day, int n,
                              std::vector<absl::CivilDay>* skipped) {
  while (n > 0) {
    ++day;
    if (calendar.IsWorkingDay(day)) {
      --n;
    } else if (skipped != nullptr) {
      skipped->push_back(day);
    }
  }
  return day;
}

}  // namespace duban::scheduler

// The district's work calendar (product.md, "Time"): a working day is a
// weekday that is not a holiday, or a make-up workday (调休上班). Pure.
#ifndef DUBAN_COMMON_CALENDAR_WORK_CALENDAR_H_
#define DUBAN_COMMON_CALENDAR_WORK_CALENDAR_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace duban::calendar {

// Where a cut-off that falls on a non-working day goes.
enum class NonWorkingDayPolicy {
  kNextWorkingDay,  // The default: the next working day, same time of day.
  kKeep,            // The day itself.
  kPreviousWorkingDay,
};

// "next_working_day", "keep", "previous_working_day".
std::string PolicyName(NonWorkingDayPolicy policy);
// Parses PolicyName's names; INVALID_ARGUMENT "<field>: ..." otherwise.
absl::StatusOr<NonWorkingDayPolicy> ParsePolicy(std::string_view text, std::string_view field);

// A day listed in the calendar.
struct ListedDay {
  enum class Kind { kHoliday, kMakeUpWorkday };
  Kind kind = Kind::kHoliday;
  std::string name;  // e.g. "国庆节", "国庆节调休上班"
  bool operator==(const ListedDay&) const = default;
};

// The result of WorkCalendar::Shift.
struct ShiftedDay {
  absl::CivilDay day;
  // The non-working days passed over, in the order met (starting with the
  // nominal day itself when it moved); empty when the day did not move.
  std::vector<absl::CivilDay> passed_over;
  bool moved() const { return !passed_over.empty(); }
};

// A value: copyable, immutable once built; const methods are thread-safe.
// Days not listed follow the week (Monday to Friday work).
class WorkCalendar {
 public:
  // Weekdays only, no holidays.
  WorkCalendar() = default;

  // Parses "date,kind,name" lines (a header line first; kind "holiday" or
  // "workday"), as examples/work_calendar_2026.csv. INVALID_ARGUMENT
  // "csv: line N: ..." for a malformed line.
  static absl::StatusOr<WorkCalendar> FromCsv(std::string_view csv);

  // Lists a day, replacing what was listed for it.
  void AddHoliday(absl::CivilDay day, std::string name);
  void AddMakeUpWorkday(absl::CivilDay day, std::string name);

  bool IsWorkingDay(absl::CivilDay day) const;

  // What a non-working day is, to follow "<day> is ": "a holiday (国庆节)",
  // "a Saturday", "a Sunday"; "" for a working day.
  std::string WhyNotWorking(absl::CivilDay day) const;

  // The `n`th working day after `day` (n >= 1; n <= 0 returns `day`); the
  // non-working days passed over are appended to `skipped` when not null.
  absl::CivilDay AddWorkingDays(absl::CivilDay day, int n,
                                std::vector<absl::CivilDay>* skipped = nullptr) const;

  // Where `day` goes under `policy` when it is not a working day.
  ShiftedDay Shift(absl::CivilDay day, NonWorkingDayPolicy policy) const;

  // The listed days, by date.
  const std::map<absl::CivilDay, ListedDay>& listed() const { return listed_; }

  bool operator==(const WorkCalendar& other) const { return listed_ == other.listed_; }

 private:
  std::map<absl::CivilDay, ListedDay> listed_;
};

// In words, where `nominal` moved and every day passed over on the way:
// {"2026-10-05 is a holiday (国庆节): moved to 2026-10-08",
//  "2026-10-06 is a holiday (国庆节): passed over", ...}; empty when nothing moved.
std::vector<std::string> DescribeShift(const WorkCalendar& calendar, absl::CivilDay nominal,
                                       const ShiftedDay& shifted);

}  // namespace duban::calendar

#endif  // DUBAN_COMMON_CALENDAR_WORK_CALENDAR_H_

// The official 2026 calendar (examples/work_calendar_2026.csv) for tests.
#ifndef DUBAN_COMMON_CALENDAR_CALENDAR_TESTING_H_
#define DUBAN_COMMON_CALENDAR_CALENDAR_TESTING_H_

#include <fstream>
#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "common/calendar/work_calendar.h"

namespace duban::calendar::testing {

// The CSV text of examples/work_calendar_2026.csv; needs DUBAN_SOURCE_DIR.
inline std::string Calendar2026Csv() {
  std::ifstream in(std::string(DUBAN_SOURCE_DIR) + "/examples/work_calendar_2026.csv");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Aborts the test binary when the file is missing or malformed.
inline WorkCalendar Calendar2026() {
  absl::StatusOr<WorkCalendar> calendar = WorkCalendar::FromCsv(Calendar2026Csv());
  if (!calendar.ok() || calendar->listed().size() != 39) std::abort();
  return *std::move(calendar);
}

inline absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Asia/Shanghai", &zone)) std::abort();
  return zone;
}

}  // namespace duban::calendar::testing

#endif  // DUBAN_COMMON_CALENDAR_CALENDAR_TESTING_H_

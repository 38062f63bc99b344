// The spreadsheets the registry imports, read into plain values: form 2 (the
// dispatch matter registry), the unit liaison list and the work calendar.
// Reading validates everything that can be checked without the database, and
// the first problem is returned as INVALID_ARGUMENT "csv: line L, ...".
// Pure functions; thread-safe.
#ifndef DUBAN_SERVICES_REGISTRY_SHEETS_H_
#define DUBAN_SERVICES_REGISTRY_SHEETS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "duban/registry/v1/registry.pb.h"

namespace duban::registry {

// The lead-unit cell meaning "every district unit" rather than a unit.
inline constexpr std::string_view kAllUnitsMarker = "区直各相关部门";

// One row of form 2, names normalized (NormalizePersonName, NormalizeUnitName).
struct MatterRow {
  int line = 0;    // Where the row starts in the file.
  int number = 0;  // 序号.
  std::string leader;
  // Position among the leader's rows in the file (1-based).
  int leader_order = 0;
  std::string content;  // Kept whole, trimmed.
  v1::DispatchCycle cycle = v1::DISPATCH_CYCLE_UNSPECIFIED;
  std::vector<std::string> lead_units;  // Empty when all_units.
  bool all_units = false;
  std::string supervising_leader;
  std::vector<std::string> office_liaisons;
};

// Reads form 2. The header must name the seven columns (序号, 牵头区领导, 调度内容,
// 调度周期, 牵头单位, 办公室挂钩督导领导, 办公室调度联络员), in any order, a
// parenthesised suffix such as （包括但不限于） ignored. Blank rows are skipped.
absl::StatusOr<std::vector<MatterRow>> ReadMatterSheet(std::string_view csv);

struct LiaisonRow {
  int line = 0;
  std::string unit;
  std::string name;
  std::string phone;
};

// Reads the liaison list: columns 单位, 联络员, 联系电话 (phone may be empty).
// A unit listed twice is refused.
absl::StatusOr<std::vector<LiaisonRow>> ReadLiaisonSheet(std::string_view csv);

struct CalendarRow {
  int line = 0;
  absl::CivilDay day;
  v1::CalendarDayKind kind = v1::CALENDAR_DAY_KIND_UNSPECIFIED;
  std::string name;
};

// Reads the work calendar: columns date (YYYY-MM-DD), kind (holiday or
// workday) and an optional name. A date listed twice is refused.
absl::StatusOr<std::vector<CalendarRow>> ReadCalendarSheet(std::string_view csv);

}  // namespace duban::registry

#endif  // DUBAN_SERVICES_REGISTRY_SHEETS_H_

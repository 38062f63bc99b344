// What the exports print besides the contract messages: the names behind the
// ids, and the district's time zone.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_NAMES_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_NAMES_H_

#include <map>
#include <string>

#include "absl/time/time.h"

namespace duban::reporting::exports {

struct ExportNames {
  // Unit id -> unit name (e.g. "u-zjj" -> "住建局").
  std::map<std::string, std::string> unit_names;
  // District leader (person) id -> name.
  std::map<std::string, std::string> leader_names;
  // Instants print as local times of this zone.
  absl::TimeZone zone = absl::UTCTimeZone();

  // The unit's name, else its id.
  std::string UnitName(const std::string& unit_id) const;
  // The leader's name, else the id.
  std::string LeaderName(const std::string& leader_id) const;
};

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_EXPORT_NAMES_H_

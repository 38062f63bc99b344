#include "services/reporting/export/export_names.h"

namespace duban::reporting::exports {

std::string ExportNames::UnitName(const std::string& unit_id) const {
  const auto found = unit_names.find(unit_id);
  return found == unit_names.end() ? unit_id : found->second;
}

std::string ExportNames::LeaderName(const std::string& leader_id) const {
  const auto found = leader_names.find(leader_id);
  return found == leader_names.end() ? leader_id : found->second;
}

}  // namespace duban::reporting::exports

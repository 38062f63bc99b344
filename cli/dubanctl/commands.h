// dubanctl's commands, apart from flag parsing so that tests can run them.
#ifndef DUBAN_CLI_DUBANCTL_COMMANDS_H_
#define DUBAN_CLI_DUBANCTL_COMMANDS_H_

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cli/dubanctl/client.h"
#include "duban/registry/v1/registry.pb.h"
#include "duban/reporting/v1/reporting.pb.h"

namespace duban::client {

struct CommandFlags {
  std::string as = "admin";
  std::string service;
  std::string matters;
  std::string liaisons;
  std::string month;
  // october: the work calendar as CSV, and where the exported files go.
  std::string calendar;
  std::string out_dir;
  // import-liaisons: why a unit's liaison is replaced.
  std::string reason;
  // export: the period and unit (name or id) of a form, and the format (xlsx, csv or json).
  std::string period;
  std::string unit;
  std::string format = "xlsx";
  // The deadline of each call to a service (settling the clock has its own).
  absl::Duration timeout = absl::Seconds(30);
};

// Runs `args` (the command and its arguments); returns the process exit code:
// 0 on success, 1 when a call failed (the status is printed to `err`), 2 on
// bad usage.
int RunCommand(const std::vector<std::string>& args, const CommandFlags& flags, std::ostream& out,
               std::ostream& err);

// Prints a circular: per unit named, its late and missing reports, overdue
// items (with their deadlines, as OverdueDeadlineText) and supervision cases.
// `unit_name` names a unit by id (for entries that carry no name).
void PrintCircular(const duban::reporting::v1::Circular& circular,
                   const std::function<std::string(const std::string&)>& unit_name,
                   absl::TimeZone zone, std::ostream& out);

// When the entry's i-th overdue item fell due, in `zone`: "due 2026-10-23, 8 days overdue at
// month end", with ", originally 2026-10-16" after the deadline when an extension moved it; ""
// when the circular carries no deadline for the item.
std::string OverdueDeadlineText(const duban::reporting::v1::CircularEntry& entry, int i,
                                absl::TimeZone zone);

// One line saying what an import of form 2 did: the version and the matters
// it added, changed and retired.
std::string DescribeMatterImport(const duban::registry::v1::ImportMatterRegistryResponse& response);

// The warning about the district leaders an import of form 2 made, "" when it made none: a
// heading line, then one line per leader, e.g.
//   new leader 王伍 (line 10): not in the registry before this import
//   new leader 沈三 (line 22): in the registry before this import, but not as a district leader
std::string NewLeaderWarning(const duban::registry::v1::ImportMatterRegistryResponse& response);

// Prints where the clock moved to and what settling did; FAILED_PRECONDITION
// (saying that the clock has moved nonetheless) when work is still pending or
// a service could not be settled.
absl::Status ReportSettle(const SettleReport& report, absl::TimeZone zone, std::ostream& out);

}  // namespace duban::client

#endif  // DUBAN_CLI_DUBANCTL_COMMANDS_H_

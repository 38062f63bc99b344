// dubanctl's commands for a clerk's work between a dispatch event and the
// items on the units' desks: recording an event, drafting minutes or an
// assignment sheet (form 4 from a CSV), routing, countersigning, sign-off and
// issue; listing a unit's items with their lights; accepting, progress,
// completion, close-out, rework; extensions; referral and splitting.
#ifndef DUBAN_CLI_DUBANCTL_CLERK_COMMANDS_H_
#define DUBAN_CLI_DUBANCTL_CLERK_COMMANDS_H_

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/dubanctl/session.h"
#include "duban/minutes/v1/minutes.pb.h"
#include "duban/tasks/v1/tasks.pb.h"

namespace duban::client {

// The clerk commands by name, each running `args` (the command and its
// arguments) as the person `as` (a name or id) and printing to `out`.
// INVALID_ARGUMENT with the command's usage on bad arguments.
using ClerkCommand = std::function<absl::Status(Session& session, const std::vector<std::string>&,
                                                const std::string& as, std::ostream& out)>;
const std::map<std::string, ClerkCommand>& ClerkCommands();

// One line per clerk command: its usage.
std::vector<std::string> ClerkUsage();

// The agreed items of a form-4 CSV (序号,事项名称,难点痛点堵点,解决措施,责任单位,
// 完成情况,完成时限; a header line first; several responsible units separated
// by 、 , ; or a line break inside the cell; deadlines as YYYY-MM-DD,
// YYYY/M/D or YYYY年M月D日). `unit_id` turns a unit's name into its id.
// INVALID_ARGUMENT "line N: ..." for a malformed row.
absl::StatusOr<std::vector<duban::minutes::v1::AgreedItem>> ReadAssignmentSheet(
    const std::string& csv,
    const std::function<absl::StatusOr<std::string>(const std::string&)>& unit_id);

}  // namespace duban::client

#endif  // DUBAN_CLI_DUBANCTL_CLERK_COMMANDS_H_

// dubanctl's commands, apart from flag parsing so that tests can run them.
#ifndef DUBAN_CLI_DUBANCTL_COMMANDS_H_
#define DUBAN_CLI_DUBANCTL_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

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
};

// Runs `args` (the command and its arguments); returns the process exit code:
// 0 on success, 1 when a call failed (the status is printed to `err`), 2 on
// bad usage.
int RunCommand(const std::vector<std::string>& args, const CommandFlags& flags, std::ostream& out,
               std::ostream& err);

}  // namespace duban::client

#endif  // DUBAN_CLI_DUBANCTL_COMMANDS_H_

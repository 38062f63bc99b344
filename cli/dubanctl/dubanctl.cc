// dubanctl: what an office clerk or an operator does from a terminal.
//
//   dubanctl health [--service=NAME]          health of the six services
//   dubanctl token SUBJECT_OR_NAME            a development token (from the local secret)
//   dubanctl import-matters FILE.csv          import form 2 (the matter registry)
//   dubanctl import-liaisons FILE.csv [--reason=R]  import unit liaisons (unit, name, phone);
//                                             R: why a current liaison is replaced
//   dubanctl import-calendar FILE.csv         import the work calendar (date, kind, name)
//   dubanctl units | people | matters         list the registry
//   dubanctl clock now | advance-to TIME | advance DURATION | settle
//   dubanctl cycle --matters=F --liaisons=F   run the walking-skeleton dispatch cycle
//   dubanctl october [--calendar=F --out_dir=D]  run October 2026 (the README's command 1)
//   dubanctl circular --month=YYYY-MM         show a month's circular
//   dubanctl export form3|form4 --period=P --unit=UNIT | circular|analysis --month=M
//                   [--format=xlsx|csv|json] [--out_dir=D]  write an export under its file name
//
// A clerk's work from a dispatch event to the items (see clerk_commands.h):
//   dubanctl record-event --leader=NAME --held_at=TIME --matter=ROW --drafting_unit=UNIT
//   dubanctl draft EVENT_ID FORM4.csv [--document_kind=minutes|sheet --number=N --title=T]
//   dubanctl route DOCUMENT_ID [--units=UNIT,...] | countersign DOCUMENT_ID --unit=UNIT
//   dubanctl return-draft DOCUMENT_ID COMMENT [--unit=UNIT] | issue DOCUMENT_ID
//   dubanctl items [--unit=UNIT]              a unit's items with their lights
//   dubanctl accept | progress | complete | close | return ITEM_ID [TEXT]
//   dubanctl extend ITEM_ID REASON --deadline=D | decide-extension ITEM_ID EXT approve|refuse
//   dubanctl refer ITEM_ID REASON | split ITEM_ID PARTS.csv
//
// Commands act as --as (a person's name or id; default "admin"). Each call to a
// service gives up after --timeout (default 30s). Addresses,
// the token secret and the test clock come from the services' flags or their
// DUBAN_* environment variables (--registry_addr, --jwt_secret_file,
// --test_clock_file, ...).
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli/dubanctl/commands.h"

ABSL_FLAG(std::string, as, "admin", "The person (name or id) the command acts as.");
ABSL_FLAG(std::string, service, "", "health: only this service.");
ABSL_FLAG(std::string, matters, "examples/dispatch_matters.csv", "cycle: form 2 as CSV.");
ABSL_FLAG(std::string, liaisons, "examples/unit_liaisons.csv", "cycle: unit liaisons as CSV.");
ABSL_FLAG(std::string, month, "", "circular, export: the month, YYYY-MM.");
ABSL_FLAG(std::string, calendar, "examples/work_calendar_2026.csv",
          "october: the work calendar as CSV.");
ABSL_FLAG(std::string, out_dir, "",
          "october, export: where the exported files are written (export: default '.').");
ABSL_FLAG(std::string, period, "", "export: the reporting period of a form, e.g. 2026-10-2.");
ABSL_FLAG(std::string, format, "xlsx", "export: xlsx, csv (the circular) or json (the analysis).");
// Defined with the clerk commands: the unit acted or listed for.
ABSL_DECLARE_FLAG(std::string, unit);
ABSL_FLAG(std::string, reason, "",
          "import-liaisons: why a unit's current liaison is replaced (required then).");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30),
          "How long each call to a service may take, reconnecting included.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("dubanctl COMMAND [ARGS] [--flags]; see the README");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (args.empty()) {
    std::cerr << "usage: dubanctl COMMAND [ARGS]; commands: health token import-matters "
                 "import-liaisons import-calendar units people matters clock cycle october "
                 "circular export record-event draft route countersign return-draft issue items "
                 "accept progress complete close return extend decide-extension refer split\n";
    return 2;
  }
  duban::client::CommandFlags flags;
  flags.as = absl::GetFlag(FLAGS_as);
  flags.service = absl::GetFlag(FLAGS_service);
  flags.matters = absl::GetFlag(FLAGS_matters);
  flags.liaisons = absl::GetFlag(FLAGS_liaisons);
  flags.month = absl::GetFlag(FLAGS_month);
  flags.calendar = absl::GetFlag(FLAGS_calendar);
  flags.out_dir = absl::GetFlag(FLAGS_out_dir);
  flags.reason = absl::GetFlag(FLAGS_reason);
  flags.period = absl::GetFlag(FLAGS_period);
  flags.unit = absl::GetFlag(FLAGS_unit);
  flags.format = absl::GetFlag(FLAGS_format);
  flags.timeout = absl::GetFlag(FLAGS_timeout);
  return duban::client::RunCommand(args, flags, std::cout, std::cerr);
}

#include "common/calendar/period_flags.h"

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/marshalling.h"
#include "absl/flags/reflection.h"
#include "common/flag_env.h"
#include "common/status.h"

ABSL_FLAG(std::string, non_working_day_policy, "next_working_day",
          "Where a report or digest cut-off on a non-working day goes: next_working_day, keep "
          "or previous_working_day (env DUBAN_NON_WORKING_DAY_POLICY; default next_working_day).");
ABSL_FLAG(int, first_report_day, 5,
          "Day of the month of the first period's report cut-off (env DUBAN_FIRST_REPORT_DAY; "
          "default 5).");
ABSL_FLAG(int, second_report_day, 20,
          "Day of the month of the second period's report cut-off (env DUBAN_SECOND_REPORT_DAY; "
          "default 20).");
ABSL_FLAG(int, first_digest_day, 7,
          "Day of the month of the first period's digest cut-off (env DUBAN_FIRST_DIGEST_DAY; "
          "default 7).");
ABSL_FLAG(int, second_digest_day, 22,
          "Day of the month of the second period's digest cut-off (env DUBAN_SECOND_DIGEST_DAY; "
          "default 22).");
ABSL_FLAG(int, cutoff_hour, 18,
          "Local hour of report and digest cut-offs (env DUBAN_CUTOFF_HOUR; default 18).");
ABSL_FLAG(int, cutoff_minute, 0,
          "Minute of report and digest cut-offs (env DUBAN_CUTOFF_MINUTE; default 0).");

namespace duban::calendar {

absl::StatusOr<PeriodRules> PeriodRulesFromFlags() {
  PeriodRules rules;
  DUBAN_ASSIGN_OR_RETURN(std::string policy,
                         FlagOrEnv(FLAGS_non_working_day_policy, "DUBAN_NON_WORKING_DAY_POLICY"));
  DUBAN_ASSIGN_OR_RETURN(rules.policy, ParsePolicy(policy, "non_working_day_policy"));
  DUBAN_ASSIGN_OR_RETURN(rules.first_report_day,
                         FlagOrEnv(FLAGS_first_report_day, "DUBAN_FIRST_REPORT_DAY"));
  DUBAN_ASSIGN_OR_RETURN(rules.second_report_day,
                         FlagOrEnv(FLAGS_second_report_day, "DUBAN_SECOND_REPORT_DAY"));
  DUBAN_ASSIGN_OR_RETURN(rules.first_digest_day,
                         FlagOrEnv(FLAGS_first_digest_day, "DUBAN_FIRST_DIGEST_DAY"));
  DUBAN_ASSIGN_OR_RETURN(rules.second_digest_day,
                         FlagOrEnv(FLAGS_second_digest_day, "DUBAN_SECOND_DIGEST_DAY"));
  DUBAN_ASSIGN_OR_RETURN(rules.cutoff_hour, FlagOrEnv(FLAGS_cutoff_hour, "DUBAN_CUTOFF_HOUR"));
  DUBAN_ASSIGN_OR_RETURN(rules.cutoff_minute,
                         FlagOrEnv(FLAGS_cutoff_minute, "DUBAN_CUTOFF_MINUTE"));
  DUBAN_RETURN_IF_ERROR(CheckRules(rules));
  return rules;
}

}  // namespace duban::calendar

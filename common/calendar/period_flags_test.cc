#include "common/calendar/period_flags.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"

ABSL_DECLARE_FLAG(int, first_report_day);
ABSL_DECLARE_FLAG(int, second_digest_day);
ABSL_DECLARE_FLAG(int, cutoff_minute);
ABSL_DECLARE_FLAG(std::string, non_working_day_policy);

namespace duban::calendar {
namespace {

class PeriodFlagsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    absl::SetFlag(&FLAGS_first_report_day, 5);
    absl::SetFlag(&FLAGS_second_digest_day, 22);
    absl::SetFlag(&FLAGS_cutoff_minute, 0);
    absl::SetFlag(&FLAGS_non_working_day_policy, "next_working_day");
    unsetenv("DUBAN_CUTOFF_HOUR");
    unsetenv("DUBAN_FIRST_REPORT_DAY");
  }
};

TEST_F(PeriodFlagsTest, DefaultsAreProductMds) {
  absl::StatusOr<PeriodRules> rules = PeriodRulesFromFlags();
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->first_report_day, 5);
  EXPECT_EQ(rules->second_report_day, 20);
  EXPECT_EQ(rules->first_digest_day, 7);
  EXPECT_EQ(rules->second_digest_day, 22);
  EXPECT_EQ(rules->cutoff_hour, 18);
  EXPECT_EQ(rules->cutoff_minute, 0);
  EXPECT_EQ(rules->policy, NonWorkingDayPolicy::kNextWorkingDay);
}

TEST_F(PeriodFlagsTest, FlagsThenTheEnvironmentGiveTheRules) {
  absl::SetFlag(&FLAGS_first_report_day, 4);
  absl::SetFlag(&FLAGS_second_digest_day, 23);
  absl::SetFlag(&FLAGS_cutoff_minute, 30);
  absl::SetFlag(&FLAGS_non_working_day_policy, "previous_working_day");
  setenv("DUBAN_CUTOFF_HOUR", "17", 1);
  setenv("DUBAN_FIRST_REPORT_DAY", "6", 1);  // the flag was set: it wins
  absl::StatusOr<PeriodRules> rules = PeriodRulesFromFlags();
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->first_report_day, 4);
  EXPECT_EQ(rules->second_digest_day, 23);
  EXPECT_EQ(rules->cutoff_hour, 17);
  EXPECT_EQ(rules->cutoff_minute, 30);
  EXPECT_EQ(rules->policy, NonWorkingDayPolicy::kPreviousWorkingDay);
}

TEST_F(PeriodFlagsTest, BadValuesAreRefusedNamingTheSetting) {
  setenv("DUBAN_CUTOFF_HOUR", "six", 1);
  absl::Status status = PeriodRulesFromFlags().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().substr(0, 18), "DUBAN_CUTOFF_HOUR:");
  unsetenv("DUBAN_CUTOFF_HOUR");

  absl::SetFlag(&FLAGS_non_working_day_policy, "sometimes");
  status = PeriodRulesFromFlags().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().substr(0, 23), "non_working_day_policy:");
}

}  // namespace
}  // namespace duban::calendar

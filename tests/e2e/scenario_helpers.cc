#include "tests/e2e/scenario_helpers.h"

#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/time_util.h"
#include "tests/e2e/cluster.h"

namespace duban::testing {
namespace {

std::string ValueOrFail(const absl::StatusOr<std::string>& value) {
  EXPECT_TRUE(value.ok()) << value.status();
  return value.value_or("");
}

}  // namespace

absl::Time Local(client::Session& s, int y, int m, int d, int hh, int mm, int ss) {
  return client::LocalTime(s.zone(), y, m, d, hh, mm, ss);
}

duban::common::v1::Deadline DateDeadline(int y, int m, int d) {
  duban::common::v1::Deadline deadline;
  *deadline.mutable_date() = ToProto(absl::CivilDay(y, m, d));
  return deadline;
}

duban::common::v1::Deadline InstantDeadline(absl::Time t) {
  duban::common::v1::Deadline deadline;
  *deadline.mutable_instant() = ToProto(t);
  return deadline;
}

std::string TokenOf(client::Session& s, const std::string& person) {
  return ValueOrFail(s.TokenAs(person));
}

std::string UnitIdOf(client::Session& s, const std::string& unit_name) {
  return ValueOrFail(s.UnitId(unit_name));
}

std::string PersonIdOf(client::Session& s, const std::string& person) {
  return ValueOrFail(s.PersonId(person));
}

client::CycleInputs SampleCycleInputs() {
  return {ExampleFile("dispatch_matters.csv"), ExampleFile("unit_liaisons.csv")};
}

absl::Status ImportSampleWithCalendar(client::Session& s) {
  DUBAN_RETURN_IF_ERROR(ImportWorkCalendar(s, ExampleFile("work_calendar_2026.csv")));
  std::ostringstream out;
  const absl::Status imported = client::ImportSample(s, SampleCycleInputs(), out);
  if (imported.ok()) return imported;
  return absl::Status(imported.code(), absl::StrCat(imported.message(), "\n", out.str()));
}

}  // namespace duban::testing

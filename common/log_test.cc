#include "common/log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace duban {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(LogTest, WritesOneJsonLine) {
  SetLogService("tasks");
  ::testing::internal::CaptureStderr();
  Log(LogLevel::kInfo, "start", {{"port", "50053"}});
  const std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, MatchesRegex(R"(\{"ts":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})"
                                R"(\.[0-9]{3}Z","level":"info","service":"tasks","event":"start",)"
                                R"("port":"50053"\}
)"));
}

TEST(LogTest, EscapesJsonAndKeepsUtf8) {
  SetLogService("minutes");
  ::testing::internal::CaptureStderr();
  Log(LogLevel::kError, "failure",
      {{"error", "bad \"quote\" \\ back\nline\ttab\x01"},
       {"unit", "区政府办"},
       {"broken", std::string("a\xff"
                              "b")}});
  const std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, HasSubstr(R"("level":"error")"));
  EXPECT_THAT(out, HasSubstr(R"("error":"bad \"quote\" \\ back\nline\ttab\u0001")"));
  EXPECT_THAT(out, HasSubstr(R"("unit":"区政府办")"));
  EXPECT_THAT(out, HasSubstr(R"("broken":"a\ufffdb")"));
  EXPECT_EQ(Lines(out).size(), 1u);
}

TEST(LogEveryTest, SuppressesAndCountsRepeats) {
  SetLogService("scheduler");
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 5; ++i) {
    LogEvery(absl::Hours(1), "db-down", LogLevel::kWarning, "db_unavailable");
  }
  LogEvery(absl::Hours(1), "other-key", LogLevel::kWarning, "other");
  LogEvery(absl::ZeroDuration(), "db-down-now", LogLevel::kWarning, "db_unavailable");
  const std::vector<std::string> lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr(R"("event":"db_unavailable")"));
  EXPECT_THAT(lines[0], ::testing::Not(HasSubstr("suppressed")));
  EXPECT_THAT(lines[1], HasSubstr(R"("event":"other")"));
}

TEST(LogEveryTest, ReportsSuppressedCountOnTheNextLine) {
  SetLogService("scheduler");
  ::testing::internal::CaptureStderr();
  LogEvery(absl::Milliseconds(50), "flaky", LogLevel::kWarning, "retry");
  LogEvery(absl::Milliseconds(50), "flaky", LogLevel::kWarning, "retry");
  LogEvery(absl::Milliseconds(50), "flaky", LogLevel::kWarning, "retry");
  absl::SleepFor(absl::Milliseconds(80));
  LogEvery(absl::Milliseconds(50), "flaky", LogLevel::kWarning, "retry", {{"attempt", "4"}});
  const std::vector<std::string> lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[1], HasSubstr(R"("attempt":"4","suppressed":"2"})"));
}

TEST(LogTest, ConcurrentLinesDoNotInterleave) {
  SetLogService("reporting");
  ::testing::internal::CaptureStderr();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 200; ++i) Log(LogLevel::kInfo, "tick", {{"n", std::to_string(i)}});
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::vector<std::string> lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 800u);
  for (const std::string& line : lines) EXPECT_THAT(line, StartsWith("{\"ts\":"));
}

}  // namespace
}  // namespace duban

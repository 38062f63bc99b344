#include "common/clock.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace duban {
namespace {

absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) << error;
  return t;
}

// A fresh path in a private temporary directory, removed at the end.
class SharedTestClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/duban-clock-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/clock";
  }
  void TearDown() override {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }

  std::string dir_;
  std::string path_;
};

TEST_F(SharedTestClockTest, NewFileStartsAtTheInitialTime) {
  auto clock = SharedTestClock::Open(path_, At("2026-10-01T00:00:00Z"));
  ASSERT_TRUE(clock.ok()) << clock.status();
  EXPECT_EQ((*clock)->Now(), At("2026-10-01T00:00:00Z"));

  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 8);
}

TEST_F(SharedTestClockTest, ExistingFileKeepsItsTime) {
  auto first = SharedTestClock::Open(path_, At("2026-10-01T00:00:00Z"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->AdvanceTo(At("2026-10-05T18:00:00Z")).ok());

  auto second = SharedTestClock::Open(path_, At("2030-01-01T00:00:00Z"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)->Now(), At("2026-10-05T18:00:00Z"));
}

TEST_F(SharedTestClockTest, AdvancingOneHandleMovesEveryHandle) {
  auto a = SharedTestClock::Open(path_, At("2026-10-01T00:00:00Z"));
  auto b = SharedTestClock::Open(path_, At("2026-10-01T00:00:00Z"));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->AdvanceTo(At("2026-10-02T08:30:00.5Z")).ok());
  EXPECT_EQ((*b)->Now(), At("2026-10-02T08:30:00.5Z"));
}

TEST_F(SharedTestClockTest, AdvancingAcrossProcessesIsSeen) {
  auto clock = SharedTestClock::Open(path_, At("2026-10-01T00:00:00Z"));
  ASSERT_TRUE(clock.ok());
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto other = SharedTestClock::Open(path_, absl::UnixEpoch());
    _exit(other.ok() && (*other)->AdvanceTo(At("2026-11-01T00:00:00Z")).ok() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ((*clock)->Now(), At("2026-11-01T00:00:00Z"));
}

TEST_F(SharedTestClockTest, RefusesToGoBack) {
  auto clock = SharedTestClock::Open(path_, At("2026-10-05T00:00:00Z"));
  ASSERT_TRUE(clock.ok());
  absl::Status status = (*clock)->AdvanceTo(At("2026-10-04T00:00:00Z"));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "test clock: cannot go back from 2026-10-05T00:00:00+00:00 to "
            "2026-10-04T00:00:00+00:00");
  EXPECT_EQ((*clock)->Now(), At("2026-10-05T00:00:00Z"));
  EXPECT_TRUE((*clock)->AdvanceTo(At("2026-10-05T00:00:00Z")).ok());
}

TEST_F(SharedTestClockTest, ConcurrentAdvancesKeepTheLatest) {
  auto clock = SharedTestClock::Open(path_, absl::FromUnixSeconds(0));
  ASSERT_TRUE(clock.ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        (*clock)->AdvanceTo(absl::FromUnixSeconds(i * 4 + t)).IgnoreError();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ((*clock)->Now(), absl::FromUnixSeconds(3999));
}

TEST_F(SharedTestClockTest, RefusesAFileOfTheWrongSize) {
  FILE* f = fopen(path_.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("not a clock", f);
  fclose(f);
  auto clock = SharedTestClock::Open(path_, absl::UnixEpoch());
  EXPECT_EQ(clock.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(FakeClockTest, SetAndAdvance) {
  FakeClock clock(At("2026-10-01T00:00:00Z"));
  clock.Advance(absl::Hours(2));
  EXPECT_EQ(clock.Now(), At("2026-10-01T02:00:00Z"));
  clock.Set(At("2027-01-01T00:00:00Z"));
  EXPECT_EQ(clock.Now(), At("2027-01-01T00:00:00Z"));
}

TEST(SystemClockTest, IsTheRealTime) {
  const absl::Time before = absl::FromUnixSeconds(1704067200);  // 2024-01-01.
  EXPECT_GT(SystemClock::Get()->Now(), before);
  EXPECT_EQ(SystemClock::Get(), SystemClock::Get());
}

}  // namespace
}  // namespace duban

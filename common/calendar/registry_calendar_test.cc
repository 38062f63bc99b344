#include "common/calendar/registry_calendar.h"

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include "common/time_util.h"

namespace duban::calendar {
namespace {

namespace rv1 = registry::v1;

// Serves a calendar that the test changes; records the window asked for.
class FakeRegistry final : public rv1::RegistryService::Service {
 public:
  grpc::Status ListCalendarDays(grpc::ServerContext*, const rv1::ListCalendarDaysRequest* request,
                                rv1::ListCalendarDaysResponse* response) override {
    absl::MutexLock lock(&mu_);
    if (down_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
    last_request_ = *request;
    *response = days_;
    return grpc::Status::OK;
  }

  void AddDay(absl::CivilDay day, rv1::CalendarDayKind kind, const std::string& name) {
    absl::MutexLock lock(&mu_);
    rv1::CalendarDay* listed = days_.add_days();
    *listed->mutable_date() = ToProto(day);
    listed->set_kind(kind);
    listed->set_name(name);
  }
  void SetDown(bool down) {
    absl::MutexLock lock(&mu_);
    down_ = down;
  }
  rv1::ListCalendarDaysRequest last_request() {
    absl::MutexLock lock(&mu_);
    return last_request_;
  }

 private:
  absl::Mutex mu_;
  rv1::ListCalendarDaysResponse days_ ABSL_GUARDED_BY(mu_);
  rv1::ListCalendarDaysRequest last_request_ ABSL_GUARDED_BY(mu_);
  bool down_ ABSL_GUARDED_BY(mu_) = false;
};

class RegistryCalendarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&registry_);
    server_ = builder.BuildAndStart();
    stub_ = rv1::RegistryService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override { server_->Shutdown(); }

  FakeRegistry registry_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<rv1::RegistryService::StubInterface> stub_;
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 6, 1, 0, 0, 0), absl::UTCTimeZone())};
};

TEST_F(RegistryCalendarTest, WeekdaysOnlyUntilLoadedThenTheRegistrysDays) {
  RegistryCalendar calendar(stub_, &clock_);
  EXPECT_FALSE(calendar.loaded());
  EXPECT_TRUE(calendar.Current()->IsWorkingDay(absl::CivilDay(2026, 10, 1)));

  registry_.AddDay(absl::CivilDay(2026, 10, 1), rv1::CALENDAR_DAY_KIND_HOLIDAY, "国庆节");
  registry_.AddDay(absl::CivilDay(2026, 10, 10), rv1::CALENDAR_DAY_KIND_WORKDAY, "国庆节调休上班");
  absl::StatusOr<bool> changed = calendar.Refresh();
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_TRUE(*changed);
  EXPECT_TRUE(calendar.loaded());
  EXPECT_EQ(calendar.Current()->WhyNotWorking(absl::CivilDay(2026, 10, 1)), "a holiday (国庆节)");
  EXPECT_TRUE(calendar.Current()->IsWorkingDay(absl::CivilDay(2026, 10, 10)));
  EXPECT_EQ(FormatDay(FromProto(registry_.last_request().from(), "from").value()), "2021-06-27");
  EXPECT_EQ(FormatDay(FromProto(registry_.last_request().to(), "to").value()), "2031-05-06");
}

TEST_F(RegistryCalendarTest, ARefreshReportsAChangeOnlyWhenTheDaysChanged) {
  RegistryCalendar calendar(stub_, &clock_);
  registry_.AddDay(absl::CivilDay(2026, 10, 1), rv1::CALENDAR_DAY_KIND_HOLIDAY, "国庆节");
  ASSERT_TRUE(calendar.Refresh().value());
  EXPECT_FALSE(calendar.Refresh().value());
  registry_.AddDay(absl::CivilDay(2026, 10, 2), rv1::CALENDAR_DAY_KIND_HOLIDAY, "国庆节");
  EXPECT_TRUE(calendar.Refresh().value());
  EXPECT_FALSE(calendar.Current()->IsWorkingDay(absl::CivilDay(2026, 10, 2)));
}

TEST_F(RegistryCalendarTest, AnUnavailableRegistryKeepsTheCalendarHeld) {
  RegistryCalendar calendar(stub_, &clock_);
  registry_.AddDay(absl::CivilDay(2026, 10, 1), rv1::CALENDAR_DAY_KIND_HOLIDAY, "国庆节");
  ASSERT_TRUE(calendar.Refresh().ok());
  registry_.SetDown(true);
  absl::StatusOr<bool> failed = calendar.Refresh();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(calendar.Current()->IsWorkingDay(absl::CivilDay(2026, 10, 1)));
}

}  // namespace
}  // namespace duban::calendar

#include "common/calendar/registry_calendar.h"

#include <grpcpp/client_context.h>

#include "common/status.h"
#include "common/time_util.h"

namespace duban::calendar {
namespace {

// Network timeouts run on real time, whatever the test clock says.
constexpr absl::Duration kCallTimeout = absl::Seconds(5);

}  // namespace

WorkCalendar FromRegistryDays(const registry::v1::ListCalendarDaysResponse& response) {
  WorkCalendar calendar;
  for (const registry::v1::CalendarDay& listed : response.days()) {
    const auto& d = listed.date();
    const absl::CivilDay day(d.year(), d.month(), d.day());
    if (listed.kind() == registry::v1::CALENDAR_DAY_KIND_HOLIDAY) {
      calendar.AddHoliday(day, listed.name());
    } else if (listed.kind() == registry::v1::CALENDAR_DAY_KIND_WORKDAY) {
      calendar.AddMakeUpWorkday(day, listed.name());
    }
  }
  return calendar;
}

RegistryCalendar::RegistryCalendar(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub, const Clock* clock,
    Options options)
    : stub_(std::move(stub)),
      clock_(clock),
      options_(options),
      current_(std::make_shared<const WorkCalendar>()) {}

RegistryCalendar::~RegistryCalendar() { Stop(); }

std::shared_ptr<const WorkCalendar> RegistryCalendar::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

bool RegistryCalendar::loaded() const {
  absl::MutexLock lock(&mu_);
  return loaded_;
}

absl::StatusOr<bool> RegistryCalendar::Refresh() {
  absl::MutexLock serial(&refresh_mu_);
  const absl::CivilDay today = LocalDay(clock_->Now(), absl::UTCTimeZone());
  registry::v1::ListCalendarDaysRequest request;
  *request.mutable_from() = ToProto(today - options_.span_days);
  *request.mutable_to() = ToProto(today + options_.span_days);
  registry::v1::ListCalendarDaysResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
  DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->ListCalendarDays(&context, request, &response)));

  auto fresh = std::make_shared<const WorkCalendar>(FromRegistryDays(response));
  absl::MutexLock lock(&mu_);
  const bool changed = !(*fresh == *current_);
  if (changed) current_ = std::move(fresh);
  loaded_ = true;
  return changed;
}

void RegistryCalendar::Start(std::function<void(const absl::StatusOr<bool>&)> on_refresh) {
  if (thread_ != nullptr) return;
  thread_ = std::make_unique<std::thread>([this, on_refresh = std::move(on_refresh)] {
    do {
      absl::StatusOr<bool> result = Refresh();
      if (on_refresh) on_refresh(result);
    } while (!stop_.WaitForNotificationWithTimeout(options_.refresh_interval));
  });
}

void RegistryCalendar::Stop() {
  if (thread_ == nullptr) return;
  if (!stop_.HasBeenNotified()) stop_.Notify();
  thread_->join();
  thread_.reset();
}

}  // namespace duban::calendar

// The work calendar as the registry holds it (ListCalendarDays), loaded with
// the service identity and refreshed so that a re-import reaches every service.
#ifndef DUBAN_COMMON_CALENDAR_REGISTRY_CALENDAR_H_
#define DUBAN_COMMON_CALENDAR_REGISTRY_CALENDAR_H_

#include <functional>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/calendar/work_calendar.h"
#include "common/clock.h"
#include "duban/registry/v1/registry.grpc.pb.h"

namespace duban::calendar {

// Where the current calendar comes from; thread-safe.
class CalendarSource {
 public:
  virtual ~CalendarSource() = default;
  // A snapshot that stays valid while held.
  virtual std::shared_ptr<const WorkCalendar> Current() const = 0;
};

// Always the same calendar (tests, tools).
class FixedCalendarSource final : public CalendarSource {
 public:
  explicit FixedCalendarSource(WorkCalendar calendar = {})
      : calendar_(std::make_shared<const WorkCalendar>(std::move(calendar))) {}
  std::shared_ptr<const WorkCalendar> Current() const override { return calendar_; }

 private:
  std::shared_ptr<const WorkCalendar> calendar_;
};

// Thread-safe. Until the first successful load, Current() is weekdays only.
class RegistryCalendar final : public CalendarSource {
 public:
  struct Options {
    // The days loaded: this many days either side of the clock's day (the
    // registry serves at most ten years per call).
    int span_days = 1800;
    // Real time between refreshes of the background loop.
    absl::Duration refresh_interval = absl::Seconds(30);
  };

  // `stub` is a client of the registry authenticated as the service (e.g.
  // through Runtime::Channel("registry")); `clock` (not owned) centres the window.
  RegistryCalendar(std::shared_ptr<registry::v1::RegistryService::StubInterface> stub,
                   const Clock* clock, Options options);
  RegistryCalendar(std::shared_ptr<registry::v1::RegistryService::StubInterface> stub,
                   const Clock* clock)
      : RegistryCalendar(std::move(stub), clock, Options{}) {}
  ~RegistryCalendar() override;

  std::shared_ptr<const WorkCalendar> Current() const override;
  // Whether a load has succeeded yet.
  bool loaded() const;

  // Loads the calendar now. Returns whether it differs from the one held
  // before (the first load counts as a change when it lists any day); the
  // registry's error (e.g. UNAVAILABLE) otherwise, keeping the one held.
  absl::StatusOr<bool> Refresh();

  // Starts a loop calling Refresh() every refresh_interval (the first at once)
  // and passing each result to `on_refresh`. Start and Stop once each.
  void Start(std::function<void(const absl::StatusOr<bool>&)> on_refresh);
  // Waits for a refresh in flight.
  void Stop();

 private:
  std::shared_ptr<registry::v1::RegistryService::StubInterface> stub_;
  const Clock* clock_;
  const Options options_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const WorkCalendar> current_ ABSL_GUARDED_BY(mu_);
  bool loaded_ ABSL_GUARDED_BY(mu_) = false;
  // Serialises Refresh calls so that an older answer never replaces a newer.
  absl::Mutex refresh_mu_;
  absl::Notification stop_;
  std::unique_ptr<std::thread> thread_;
};

// The calendar of a ListCalendarDays answer (days of unknown kind are ignored).
WorkCalendar FromRegistryDays(const registry::v1::ListCalendarDaysResponse& response);

}  // namespace duban::calendar

#endif  // DUBAN_COMMON_CALENDAR_REGISTRY_CALENDAR_H_

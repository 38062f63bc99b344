// The work calendar: holidays and make-up workdays by date.
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/validation.h"
#include "services/registry/registry.h"
#include "services/registry/registry_internal.h"
#include "services/registry/registry_policies.h"
#include "services/registry/sheets.h"

namespace duban::registry {
namespace {

constexpr int kMaxCalendarSpan = 3660;  // Days ListCalendarDays and AddWorkingDays may span.

// The calendar days of a window, loaded once.
class CalendarWindow {
 public:
  static absl::StatusOr<CalendarWindow> Load(RegistryTransaction& tx, absl::CivilDay from,
                                             absl::CivilDay to) {
    CalendarWindow window;
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::CalendarDay> days, tx.CalendarDays(from, to));
    for (v1::CalendarDay& day : days) {
      const auto& d = day.date();
      window.days_.emplace(absl::CivilDay(d.year(), d.month(), d.day()), std::move(day));
    }
    return window;
  }

  bool Working(absl::CivilDay day) const {
    auto it = days_.find(day);
    if (it != days_.end()) return it->second.kind() == v1::CALENDAR_DAY_KIND_WORKDAY;
    const absl::Weekday weekday = absl::GetWeekday(day);
    return weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday;
  }

  const v1::CalendarDay* Find(absl::CivilDay day) const {
    auto it = days_.find(day);
    return it == days_.end() ? nullptr : &it->second;
  }

 private:
  std::map<absl::CivilDay, v1::CalendarDay> days_;
};

}  // namespace

absl::StatusOr<v1::ImportWorkCalendarResponse> Registry::ImportWorkCalendar(
    const Caller& caller, const v1::ImportWorkCalendarRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(std::vector<CalendarRow> rows, ReadCalendarSheet(request.csv()));
  if (rows.empty()) return absl::InvalidArgumentError("csv: no days below the header");
  for (const CalendarRow& row : rows) {
    const std::string line = absl::StrCat("csv: line ", row.line, ": ");
    DUBAN_RETURN_IF_ERROR(CheckDay(line + "date", row.day));
    DUBAN_RETURN_IF_ERROR(CheckText(line + "name", row.name, kMaxNameChars, TextLines::kSingle));
  }
  v1::ImportWorkCalendarResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Change(
      kImportWorkCalendar, request.request_id(), caller.subject(), request, &response,
      [&](RegistryTransaction& tx) -> absl::Status {
        const absl::Time now = Now();
        absl::CivilDay first = rows.front().day, last = rows.front().day;
        for (const CalendarRow& row : rows) {
          v1::CalendarDay day;
          *day.mutable_date() = ToProto(row.day);
          day.set_kind(row.kind);
          day.set_name(row.name);
          DUBAN_RETURN_IF_ERROR(tx.PutCalendarDay(day));
          first = std::min(first, row.day);
          last = std::max(last, row.day);
        }
        response.set_days(static_cast<int>(rows.size()));
        return tx.Audit(internal::AuditOf(caller, now, kImportWorkCalendar, "work_calendar",
                                          absl::StrCat(FormatDay(first), "..", FormatDay(last)),
                                          nullptr, &response, request.request_id()));
      }));
  return response;
}

absl::StatusOr<v1::ListCalendarDaysResponse> Registry::ListCalendarDays(
    const v1::ListCalendarDaysRequest& request) {
  DUBAN_RETURN_IF_ERROR(CheckDate("from", request.from()));
  DUBAN_RETURN_IF_ERROR(CheckDate("to", request.to()));
  DUBAN_ASSIGN_OR_RETURN(absl::CivilDay from, FromProto(request.from(), "from"));
  DUBAN_ASSIGN_OR_RETURN(absl::CivilDay to, FromProto(request.to(), "to"));
  if (to < from) return InvalidField("to", "before from");
  if (to - from > kMaxCalendarSpan) return InvalidField("to", "at most ten years after from");
  v1::ListCalendarDaysResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::CalendarDay> days, tx.CalendarDays(from, to));
    for (v1::CalendarDay& day : days) *response.add_days() = std::move(day);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::IsWorkingDayResponse> Registry::IsWorkingDay(
    const v1::IsWorkingDayRequest& request) {
  DUBAN_RETURN_IF_ERROR(CheckDate("date", request.date()));
  DUBAN_ASSIGN_OR_RETURN(absl::CivilDay day, FromProto(request.date(), "date"));
  v1::IsWorkingDayResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(CalendarWindow window, CalendarWindow::Load(tx, day, day));
    response.set_working(window.Working(day));
    if (const v1::CalendarDay* listed = window.Find(day)) *response.mutable_day() = *listed;
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::AddWorkingDaysResponse> Registry::AddWorkingDays(
    const v1::AddWorkingDaysRequest& request) {
  DUBAN_RETURN_IF_ERROR(CheckDate("date", request.date()));
  DUBAN_ASSIGN_OR_RETURN(absl::CivilDay start, FromProto(request.date(), "date"));
  const int days = request.days();
  if (days > 1000 || days < -1000) return InvalidField("days", "at most 1000 either way");
  const int step = days < 0 ? -1 : 1;
  // Weekends and holidays never take more than two thirds of a window this wide.
  const int span = std::abs(days) * 3 + 60;
  v1::AddWorkingDaysResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(CalendarWindow window,
                           CalendarWindow::Load(tx, start - span, start + span));
    absl::CivilDay day = start;
    for (int counted = 0; counted < std::abs(days);) {
      day += step;
      if (window.Working(day)) {
        ++counted;
      } else {
        *response.add_skipped() = ToProto(day);
      }
    }
    *response.mutable_date() = ToProto(day);
    return absl::OkStatus();
  }));
  return response;
}

}  // namespace duban::registry

#include "common/time_util.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"

namespace duban {
namespace {

// Years a deadline or report date can sensibly name; keeps formatting at
// four digits and arithmetic far from overflow.
constexpr int kMinYear = 1;
constexpr int kMaxYear = 9999;

// The day when (year, month, day) names a real calendar date.
bool IsCalendarDate(int64_t year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) return false;
  const absl::CivilDay civil(year, month, day);
  return civil.year() == year && civil.month() == month && civil.day() == day;
}

std::string DateText(int64_t year, int month, int day) {
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

// The value of a run of decimal digits; -1 when `text` is empty or holds
// anything else.
int DigitsValue(std::string_view text) {
  if (text.empty()) return -1;
  int value = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// The most protobuf's Timestamp allows (0001-01-01 .. 9999-12-31).
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

}  // namespace

absl::StatusOr<absl::TimeZone> LoadZone(const std::string& name) {
  absl::TimeZone zone;
  if (name.empty() || !absl::LoadTimeZone(name, &zone)) {
    return InvalidField("time_zone", absl::StrCat("unknown time zone \"", name, "\""));
  }
  return zone;
}

absl::Time FromLocal(absl::CivilSecond local, absl::TimeZone zone) {
  // For a skipped time `pre` applies the offset in force before the gap; for
  // a repeated one it is the first occurrence; for a unique one all agree.
  return zone.At(local).pre;
}

absl::Time EndOfLocalDay(absl::CivilDay day, absl::TimeZone zone) {
  return FromLocal(absl::CivilSecond(day + 1), zone);
}

absl::CivilDay LocalDay(absl::Time t, absl::TimeZone zone) { return absl::ToCivilDay(t, zone); }

std::string FormatLocal(absl::Time t, absl::TimeZone zone) {
  return absl::FormatTime(absl::RFC3339_full, t, zone);
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  const int64_t seconds = absl::ToUnixSeconds(t);  // Rounds toward the past.
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return ts;
}

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

duban::common::v1::Date ToProto(absl::CivilDay day) {
  duban::common::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::StatusOr<absl::CivilDay> FromProto(const duban::common::v1::Date& date,
                                         std::string_view field) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) {
    return InvalidField(field, "date is not set");
  }
  if (!IsCalendarDate(date.year(), date.month(), date.day())) {
    return InvalidField(field, absl::StrCat(DateText(date.year(), date.month(), date.day()),
                                            " is not a calendar date"));
  }
  return absl::CivilDay(date.year(), date.month(), date.day());
}

std::string FormatDay(absl::CivilDay day) { return DateText(day.year(), day.month(), day.day()); }

absl::StatusOr<absl::CivilDay> ParseDay(std::string_view text, std::string_view field) {
  const auto malformed = [&] {
    return InvalidField(field, absl::StrCat("\"", AbslView(text), "\" is not a date (YYYY-MM-DD)"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return malformed();
  const int year = DigitsValue(text.substr(0, 4));
  const int month = DigitsValue(text.substr(5, 2));
  const int day = DigitsValue(text.substr(8, 2));
  if (year < 0 || month < 0 || day < 0) return malformed();
  if (!IsCalendarDate(year, month, day)) {
    return InvalidField(field, absl::StrCat("\"", AbslView(text), "\" is not a calendar date"));
  }
  return absl::CivilDay(year, month, day);
}

absl::StatusOr<absl::Time> DueInstant(const duban::common::v1::Deadline& deadline,
                                      absl::TimeZone zone, std::string_view field) {
  switch (deadline.kind_case()) {
    case duban::common::v1::Deadline::kDate: {
      DUBAN_ASSIGN_OR_RETURN(absl::CivilDay day, FromProto(deadline.date(), field));
      return EndOfLocalDay(day, zone);
    }
    case duban::common::v1::Deadline::kInstant: {
      const google::protobuf::Timestamp& ts = deadline.instant();
      if (ts.seconds() < kMinTimestampSeconds || ts.seconds() > kMaxTimestampSeconds ||
          ts.nanos() < 0 || ts.nanos() > 999999999) {
        return InvalidField(field, "instant is out of range");
      }
      return FromProto(ts);
    }
    case duban::common::v1::Deadline::KIND_NOT_SET:
      break;
  }
  return InvalidField(field, "deadline is not set (a date or an instant)");
}

}  // namespace duban

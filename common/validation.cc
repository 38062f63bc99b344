#include "common/validation.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"

namespace duban {
namespace {

// Decodes one UTF-8 sequence at `text[*pos]`, advancing *pos; -1 when the
// bytes there are not a well-formed sequence (overlong, surrogate or beyond
// U+10FFFF included).
int32_t NextCodePoint(std::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(*pos);
  int length = 0;
  int32_t code = 0;
  int32_t min_code = 0;
  if (lead < 0x80) {
    ++*pos;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, min_code = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, min_code = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, min_code = 0x10000;
  } else {
    return -1;
  }
  if (*pos + length > text.size()) return -1;
  for (int i = 1; i < length; ++i) {
    const unsigned char next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) return -1;
    code = (code << 6) | (next & 0x3F);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return -1;
  *pos += length;
  return code;
}

bool IsControl(int32_t code) { return code < 0x20 || (code >= 0x7F && code < 0xA0); }

// Characters that reorder or hide text: the bidirectional embeddings,
// overrides, isolates and marks, which make one name display as another.
bool IsBidiControl(int32_t code) {
  return code == 0x061C || code == 0x200E || code == 0x200F || (code >= 0x202A && code <= 0x202E) ||
         (code >= 0x2066 && code <= 0x2069);
}

// Zero-width characters that make two single-line values (names, numbers)
// look the same while comparing different.
bool IsInvisible(int32_t code) {
  return (code >= 0x200B && code <= 0x200D) || code == 0x2060 || code == 0xFEFF;
}

bool AllowedControl(int32_t code, TextLines lines) {
  return lines == TextLines::kMulti && (code == '\n' || code == '\t' || code == '\r');
}

}  // namespace

absl::Status CheckText(std::string_view field, std::string_view value, size_t max_chars,
                       TextLines lines) {
  size_t chars = 0;
  size_t pos = 0;
  while (pos < value.size()) {
    const int32_t code = NextCodePoint(value, &pos);
    if (code < 0) return InvalidField(field, "not valid UTF-8");
    if (IsControl(code) && !AllowedControl(code, lines)) {
      return InvalidField(field, absl::StrFormat("contains control character U+%04X", code));
    }
    if (IsBidiControl(code)) {
      return InvalidField(field,
                          absl::StrFormat("contains bidirectional control character U+%04X", code));
    }
    if (lines == TextLines::kSingle && IsInvisible(code)) {
      return InvalidField(field, absl::StrFormat("contains invisible character U+%04X", code));
    }
    ++chars;
  }
  if (chars > max_chars) {
    return InvalidField(field,
                        absl::StrCat("at most ", max_chars, " characters (got ", chars, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckCount(std::string_view field, size_t count, size_t max) {
  if (count <= max) return absl::OkStatus();
  return InvalidField(field, absl::StrCat("at most ", max, " entries (got ", count, ")"));
}

absl::Status CheckRecordSize(std::string_view field, const google::protobuf::Message& message,
                             size_t max_bytes) {
  const size_t bytes = message.ByteSizeLong();
  if (bytes <= max_bytes) return absl::OkStatus();
  return InvalidField(field,
                      absl::StrCat("at most ", max_bytes, " bytes in all (got ", bytes, ")"));
}

absl::Status CheckInstant(std::string_view field, absl::Time t) {
  const absl::CivilSecond utc = absl::ToCivilSecond(t, absl::UTCTimeZone());
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast() || utc.year() < kFirstYear ||
      utc.year() > kLastYear) {
    return InvalidField(field,
                        absl::StrCat("must fall in the years ", kFirstYear, " to ", kLastYear));
  }
  return absl::OkStatus();
}

absl::Status CheckTimestamp(std::string_view field, const google::protobuf::Timestamp& ts) {
  if (ts.nanos() < 0 || ts.nanos() > 999'999'999) {
    return InvalidField(field, absl::StrCat("nanos must be 0 to 999999999 (got ", ts.nanos(), ")"));
  }
  // Bounds in seconds first, so that no conversion below overflows.
  static const int64_t kFirst = absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(kFirstYear, 1, 1), absl::UTCTimeZone()));
  static const int64_t kEnd = absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(kLastYear + 1, 1, 1), absl::UTCTimeZone()));
  if (ts.seconds() < kFirst || ts.seconds() >= kEnd) {
    return InvalidField(field,
                        absl::StrCat("must fall in the years ", kFirstYear, " to ", kLastYear));
  }
  return absl::OkStatus();
}

absl::Status CheckDay(std::string_view field, absl::CivilDay day) {
  if (day.year() < kFirstYear || day.year() > kLastYear) {
    return InvalidField(field, absl::StrCat("must fall in the years ", kFirstYear, " to ",
                                            kLastYear, " (got ", day.year(), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckDate(std::string_view field, const duban::common::v1::Date& date) {
  if (date.year() < kFirstYear || date.year() > kLastYear) {
    return InvalidField(field, absl::StrCat("must fall in the years ", kFirstYear, " to ",
                                            kLastYear, " (got ", date.year(), ")"));
  }
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.month() < 1 || date.month() > 12 || date.day() < 1 || day.month() != date.month() ||
      day.day() != date.day()) {
    return InvalidField(field, absl::StrFormat("%04d-%02d-%02d is not a calendar date", date.year(),
                                               date.month(), date.day()));
  }
  return absl::OkStatus();
}

absl::Status CheckDeadline(std::string_view field, const duban::common::v1::Deadline& deadline) {
  if (deadline.has_date()) return CheckDate(field, deadline.date());
  if (deadline.has_instant()) return CheckTimestamp(field, deadline.instant());
  return absl::OkStatus();
}

}  // namespace duban

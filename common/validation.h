// Checks every state-changing call applies to what a caller sends: free text
// within a documented size, instants and dates within a sane range, and lists
// within a count, so that no stored record can outgrow a gRPC message.
//
// Every check returns OK or INVALID_ARGUMENT whose message names the field
// first ("<field>: ..."). All functions are pure and thread safe.
#ifndef DUBAN_COMMON_VALIDATION_H_
#define DUBAN_COMMON_VALIDATION_H_

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "duban/common/v1/common.pb.h"

namespace duban {

// Text limits, in UTF-8 characters (code points). The SQL columns that hold
// these fields are at least this wide.
//
// Names of units, people, liaisons and holidays.
inline constexpr size_t kMaxNameChars = 100;
// Telephone numbers (free text: "0595-87012345 转 8012").
inline constexpr size_t kMaxPhoneChars = 64;
// Titles of dispatch events and documents, document numbers.
inline constexpr size_t kMaxTitleChars = 200;
// Item content, blockers, measures, reasons and comments.
inline constexpr size_t kMaxContentChars = 2000;
// Progress notes and summaries.
inline constexpr size_t kMaxNoteChars = 4000;
// Remarks in reports and digests.
inline constexpr size_t kMaxRemarkChars = 2000;

// Count limits: an item keeps at most this many progress notes; a draft, a
// report or a digest has at most this many rows.
inline constexpr size_t kMaxProgressNotesPerItem = 200;
inline constexpr size_t kMaxRowsPerList = 500;

// The most a single stored record (an item, a document, a report) may take
// serialized: half of gRPC's 4 MiB message limit, so that the record, an
// event carrying it and an audit record of its change all stay deliverable.
inline constexpr size_t kMaxRecordBytes = 2 * 1024 * 1024;

// What one page of a list call may take: a page ends early (with a token for
// the rest) rather than outgrow gRPC's 4 MiB message limit.
inline constexpr size_t kMaxPageBytes = 3 * 1024 * 1024;

// INVALID_ARGUMENT "<field>: at most N bytes in all (got M)" when `message`
// serializes to more than `max_bytes`.
absl::Status CheckRecordSize(std::string_view field, const google::protobuf::Message& message,
                             size_t max_bytes = kMaxRecordBytes);

// Whether a text may span lines. Multi-line text may hold newlines and tabs;
// single-line text (names, titles, numbers) may hold neither. A carriage
// return counts with the newline, as text pasted from Windows carries CRLF.
enum class TextLines { kSingle, kMulti };

// OK when `value` is valid UTF-8 of at most `max_chars` characters without
// control characters (other than newline and tab in multi-line text), without
// bidirectional controls (U+202E and the like), and, in single-line text,
// without zero-width characters (U+200B..U+200D, U+2060, U+FEFF).
// INVALID_ARGUMENT "<field>: at most N characters (got M)" when too long,
// "<field>: not valid UTF-8", "<field>: contains control character U+00XX",
// "<field>: contains bidirectional control character U+202E" or
// "<field>: contains invisible character U+200B".
absl::Status CheckText(std::string_view field, std::string_view value, size_t max_chars,
                       TextLines lines = TextLines::kMulti);

// INVALID_ARGUMENT "<field>: at most N entries (got M)" when `count` > `max`.
absl::Status CheckCount(std::string_view field, size_t count, size_t max);

// The range of years the district's records may name: 2000 to 2199.
inline constexpr int kFirstYear = 2000;
inline constexpr int kLastYear = 2199;

// OK when the instant falls in years kFirstYear..kLastYear (UTC) with nanos in
// [0, 1e9); INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckTimestamp(std::string_view field, const google::protobuf::Timestamp& ts);
absl::Status CheckInstant(std::string_view field, absl::Time t);

// OK when the date is a real calendar date in years kFirstYear..kLastYear.
absl::Status CheckDate(std::string_view field, const duban::common::v1::Date& date);
absl::Status CheckDay(std::string_view field, absl::CivilDay day);

// Checks whichever of date or instant is set; an unset deadline is OK here
// (callers that need one say so).
absl::Status CheckDeadline(std::string_view field, const duban::common::v1::Deadline& deadline);

}  // namespace duban

#endif  // DUBAN_COMMON_VALIDATION_H_

// The district's time rules: instants stored in UTC, reasoned about in the
// district's zone; conversions to and from the wire types.
#ifndef DUBAN_COMMON_TIME_UTIL_H_
#define DUBAN_COMMON_TIME_UTIL_H_

#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "duban/common/v1/common.pb.h"

namespace duban {

// Loads an IANA zone by name (e.g. "Asia/Shanghai"); INVALID_ARGUMENT if unknown.
absl::StatusOr<absl::TimeZone> LoadZone(const std::string& name);

// The instant of a local civil time. A time in a DST gap is taken under the
// offset before the gap (02:30 in a one-hour gap is 03:30 after it); a time
// that happens twice means its first occurrence.
absl::Time FromLocal(absl::CivilSecond local, absl::TimeZone zone);

// 00:00 local of the day after `day`: a date-only deadline on `day` is met by
// anything done strictly before this instant.
absl::Time EndOfLocalDay(absl::CivilDay day, absl::TimeZone zone);

absl::CivilDay LocalDay(absl::Time t, absl::TimeZone zone);

// "2026-10-08T18:00:00+08:00".
std::string FormatLocal(absl::Time t, absl::TimeZone zone);

google::protobuf::Timestamp ToProto(absl::Time t);
absl::Time FromProto(const google::protobuf::Timestamp& ts);

duban::common::v1::Date ToProto(absl::CivilDay day);
// INVALID_ARGUMENT naming `field` when the date is not a real calendar date.
absl::StatusOr<absl::CivilDay> FromProto(const duban::common::v1::Date& date,
                                         std::string_view field);

// "2026-10-08" <-> CivilDay.
std::string FormatDay(absl::CivilDay day);
absl::StatusOr<absl::CivilDay> ParseDay(std::string_view text, std::string_view field);

// The instant by which a deadline must be met: the end of the local day for a
// date-only deadline, the instant itself otherwise. INVALID_ARGUMENT naming
// `field` when unset or malformed.
absl::StatusOr<absl::Time> DueInstant(const duban::common::v1::Deadline& deadline,
                                      absl::TimeZone zone, std::string_view field);

}  // namespace duban

#endif  // DUBAN_COMMON_TIME_UTIL_H_

// How contract values read in a printed cell. Pure functions.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_CELL_TEXT_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_CELL_TEXT_H_

#include <google/protobuf/repeated_field.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "duban/common/v1/common.pb.h"
#include "services/reporting/export/export_names.h"

namespace duban::reporting::exports {

// "2026-10-23"; "" when the date is unset (all zero).
std::string DateText(const common::v1::Date& date);

// A date-only deadline as its date, an instant as "2026-10-20 18:00" local; "" when unset.
std::string DeadlineText(const common::v1::Deadline& deadline, absl::TimeZone zone);

// The deadline in force, followed by the original one when an approved extension moved it:
// "2026-11-13（原定2026-10-16，已批准延期）". Just the deadline in force when they agree or the
// original is unset.
std::string DeadlineInForceText(const common::v1::Deadline& in_force,
                                const common::v1::Deadline& original, absl::TimeZone zone);

// The rung a supervision case reached as the circular names it: 提醒, 催办 or 督办 (督办 too when
// unknown: every case is under supervision).
std::string CaseRungText(common::v1::Rung rung);

// "2026-10-20 18:00" local; "" when the timestamp is unset (zero).
std::string InstantText(const google::protobuf::Timestamp& instant, absl::TimeZone zone);

// The units' names joined with "、".
std::string UnitNamesText(const google::protobuf::RepeatedPtrField<std::string>& unit_ids,
                          const ExportNames& names);

// "2026-10-2" -> "2026年10月第2期"; any other text unchanged.
std::string PeriodText(const std::string& period_id);

// "2026-10" -> "2026年10月"; any other text unchanged.
std::string MonthText(const std::string& month);

// The printed width of `text` in character cells: 2 for wide (CJK) characters, 1 otherwise,
// for its longest line.
int DisplayWidth(const std::string& text);

// Lines `text` takes in a wrapped cell `width` character cells wide (at least 1).
int WrappedLines(const std::string& text, double width);

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_CELL_TEXT_H_

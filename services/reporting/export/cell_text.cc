#include "services/reporting/export/cell_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/time_util.h"

namespace duban::reporting::exports {
namespace {

// Character cells of one line of UTF-8 text: lead bytes of 3- and 4-byte sequences are wide
// (CJK and its punctuation), everything else narrow.
int LineWidth(absl::string_view line) {
  int width = 0;
  for (unsigned char byte : line) {
    if ((byte & 0xC0) == 0x80) continue;
    width += byte >= 0xE0 ? 2 : 1;
  }
  return width;
}

}  // namespace

std::string DateText(const common::v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::string DeadlineText(const common::v1::Deadline& deadline, absl::TimeZone zone) {
  if (deadline.has_date()) return DateText(deadline.date());
  if (deadline.has_instant()) return InstantText(deadline.instant(), zone);
  return "";
}

std::string DeadlineInForceText(const common::v1::Deadline& in_force,
                                const common::v1::Deadline& original, absl::TimeZone zone) {
  const std::string now_due = DeadlineText(in_force, zone);
  const std::string first_due = DeadlineText(original, zone);
  if (first_due.empty() || first_due == now_due) return now_due;
  return absl::StrCat(now_due, "（原定", first_due, "，已批准延期）");
}

std::string CaseRungText(common::v1::Rung rung) {
  switch (rung) {
    case common::v1::RUNG_REMINDER:
      return "提醒";
    case common::v1::RUNG_URGING:
      return "催办";
    default:
      return "督办";
  }
}

std::string InstantText(const google::protobuf::Timestamp& instant, absl::TimeZone zone) {
  if (instant.seconds() == 0 && instant.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProto(instant), zone);
}

std::string UnitNamesText(const google::protobuf::RepeatedPtrField<std::string>& unit_ids,
                          const ExportNames& names) {
  std::vector<std::string> unit_names;
  for (const std::string& id : unit_ids) unit_names.push_back(names.UnitName(id));
  return absl::StrJoin(unit_names, "、");
}

std::string PeriodText(const std::string& period_id) {
  int year = 0, month = 0, half = 0;
  char tail = 0;
  if (std::sscanf(period_id.c_str(), "%4d-%2d-%1d%c", &year, &month, &half, &tail) != 3) {
    return period_id;
  }
  return absl::StrFormat("%d年%d月第%d期", year, month, half);
}

std::string MonthText(const std::string& month_text) {
  int year = 0, month = 0;
  char tail = 0;
  if (std::sscanf(month_text.c_str(), "%4d-%2d%c", &year, &month, &tail) != 2) return month_text;
  return absl::StrFormat("%d年%d月", year, month);
}

int DisplayWidth(const std::string& text) {
  int widest = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    widest = std::max(widest, LineWidth(line));
  }
  return widest;
}

int WrappedLines(const std::string& text, double width) {
  const double usable = std::max(1.0, width - 1);
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    lines += std::max(1, static_cast<int>(std::ceil(LineWidth(line) / usable)));
  }
  return std::max(1, lines);
}

}  // namespace duban::reporting::exports

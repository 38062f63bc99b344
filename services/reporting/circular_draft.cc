#include "services/reporting/circular_draft.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/time_util.h"
#include "services/reporting/export/cell_text.h"

namespace duban::reporting {
namespace {

using supervision::v1::SupervisionCase;

bool OpenAt(const SupervisionCase& c, absl::Time t) {
  if (FromProto(c.opened_at()) >= t) return false;
  return !c.has_closed_at() || FromProto(c.closed_at()) >= t;
}

// The highest of reminder, urging and supervision the case reached before `end`.
common::v1::Rung HighestRungBefore(const SupervisionCase& c, absl::Time end) {
  common::v1::Rung highest = common::v1::RUNG_UNSPECIFIED;
  for (const auto& record : c.rungs()) {
    if (record.rung() == common::v1::RUNG_CIRCULAR || FromProto(record.at()) >= end) continue;
    highest = std::max(highest, record.rung());
  }
  return highest;
}

// The case's label as the circular prints it: the unit's name where its id would show.
std::string CaseLabel(const SupervisionCase& c, const std::string& unit_name) {
  if (unit_name.empty() || unit_name == c.unit_id()) return c.label();
  return absl::StrReplaceAll(c.label(), {{c.unit_id(), unit_name}});
}

std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

void AddRow(std::string& csv, const std::vector<std::string>& cells) {
  std::vector<std::string> escaped;
  for (const std::string& cell : cells) escaped.push_back(CsvCell(cell));
  absl::StrAppend(&csv, absl::StrJoin(escaped, ","), "\r\n");
}

}  // namespace

bool CoveredByMonth(const SupervisionCase& c, absl::Time begin, absl::Time end) {
  if (c.referred() || c.unit_id().empty()) return false;
  if (c.subject().kind() == common::v1::SUBJECT_KIND_DISPATCH_CYCLE) return false;
  const absl::Time opened = FromProto(c.opened_at());
  return OpenAt(c, end) || (opened >= begin && opened < end);
}

std::vector<std::string> OverdueItemIds(const std::vector<SupervisionCase>& cases, absl::Time end) {
  std::vector<std::string> ids;
  for (const SupervisionCase& c : cases) {
    if (c.subject().kind() == common::v1::SUBJECT_KIND_ITEM && OpenAt(c, end)) {
      ids.push_back(c.subject().id());
    }
  }
  return ids;
}

std::vector<v1::CircularEntry> GroupCircular(
    const std::vector<SupervisionCase>& cases, absl::Time begin, absl::Time end,
    const std::map<std::string, std::string>& item_contents,
    const std::map<std::string, std::string>& unit_names) {
  std::vector<SupervisionCase> covered;
  for (const SupervisionCase& c : cases) {
    if (CoveredByMonth(c, begin, end)) covered.push_back(c);
  }
  std::sort(covered.begin(), covered.end(), [](const auto& a, const auto& b) {
    return std::tie(a.unit_id(), a.id()) < std::tie(b.unit_id(), b.id());
  });

  std::map<std::string, v1::CircularEntry> by_unit;
  for (const SupervisionCase& c : covered) {
    v1::CircularEntry& entry = by_unit[c.unit_id()];
    entry.set_unit_id(c.unit_id());
    const auto name = unit_names.find(c.unit_id());
    entry.set_unit_name(name == unit_names.end() ? c.unit_id() : name->second);
    if (c.subject().kind() == common::v1::SUBJECT_KIND_ITEM && OpenAt(c, end)) {
      entry.add_overdue_item_ids(c.subject().id());
      const auto content = item_contents.find(c.subject().id());
      entry.add_overdue_item_contents(content == item_contents.end() ? c.label() : content->second);
    }
    entry.add_case_ids(c.id());
    entry.add_case_labels(CaseLabel(c, entry.unit_name()));
    entry.add_case_rungs(HighestRungBefore(c, end));
  }

  std::vector<v1::CircularEntry> entries;
  for (auto& [unit_id, entry] : by_unit) entries.push_back(std::move(entry));
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.unit_name(), a.unit_id()) < std::tie(b.unit_name(), b.unit_id());
  });
  return entries;
}

void AddReportsAndItems(std::vector<v1::CircularEntry>& entries,
                        const std::vector<PeriodReports>& periods, absl::Time now,
                        const std::vector<tasks::v1::Item>& overdue_items,
                        const std::map<std::string, std::string>& unit_names) {
  std::map<std::string, v1::CircularEntry> by_unit;
  for (v1::CircularEntry& entry : entries) by_unit[entry.unit_id()] = std::move(entry);
  auto entry_of = [&](const std::string& unit_id) -> v1::CircularEntry& {
    v1::CircularEntry& entry = by_unit[unit_id];
    if (entry.unit_id().empty()) {
      entry.set_unit_id(unit_id);
      const auto name = unit_names.find(unit_id);
      entry.set_unit_name(name == unit_names.end() ? unit_id : name->second);
    }
    return entry;
  };
  for (const PeriodReports& period : periods) {
    for (const std::string& unit : period.Late(now)) {
      entry_of(unit).add_late_period_ids(period.period.id());
    }
    for (const std::string& unit : period.Missing(now)) {
      entry_of(unit).add_missing_period_ids(period.period.id());
    }
  }
  std::vector<const tasks::v1::Item*> by_id;
  for (const tasks::v1::Item& item : overdue_items) by_id.push_back(&item);
  std::sort(by_id.begin(), by_id.end(),
            [](const auto* a, const auto* b) { return a->id() < b->id(); });
  for (const tasks::v1::Item* each : by_id) {
    const tasks::v1::Item& item = *each;
    for (const std::string& unit : UnitsOf(item)) {
      v1::CircularEntry& entry = entry_of(unit);
      const auto& named = entry.overdue_item_ids();
      if (std::find(named.begin(), named.end(), item.id()) != named.end()) continue;
      entry.add_overdue_item_ids(item.id());
      entry.add_overdue_item_contents(item.content());
    }
  }

  entries.clear();
  for (auto& [unit_id, entry] : by_unit) entries.push_back(std::move(entry));
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.unit_name(), a.unit_id()) < std::tie(b.unit_name(), b.unit_id());
  });
}

std::string CircularCsv(const v1::Circular& circular) {
  std::string csv = "\xEF\xBB\xBF";
  AddRow(csv, {"月份", "单位", "类别", "编号", "内容"});
  for (const v1::CircularEntry& entry : circular.entries()) {
    for (const std::string& period : entry.late_period_ids()) {
      AddRow(csv, {circular.month(), entry.unit_name(), "迟报", period, ""});
    }
    for (const std::string& period : entry.missing_period_ids()) {
      AddRow(csv, {circular.month(), entry.unit_name(), "漏报", period, ""});
    }
    for (int i = 0; i < entry.overdue_item_ids_size(); ++i) {
      AddRow(csv, {circular.month(), entry.unit_name(), "逾期事项", entry.overdue_item_ids(i),
                   i < entry.overdue_item_contents_size() ? entry.overdue_item_contents(i) : ""});
    }
    for (int i = 0; i < entry.case_ids_size(); ++i) {
      const common::v1::Rung rung =
          i < entry.case_rungs_size() ? entry.case_rungs(i) : common::v1::RUNG_UNSPECIFIED;
      AddRow(csv, {circular.month(), entry.unit_name(), exports::CaseRungText(rung),
                   entry.case_ids(i), i < entry.case_labels_size() ? entry.case_labels(i) : ""});
    }
  }
  return csv;
}

}  // namespace duban::reporting

#include "services/reporting/circular_draft.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>

#include "absl/strings/str_replace.h"
#include "common/time_util.h"
#include "services/reporting/report_rules.h"

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

// The local day a deadline falls due on: a date-only deadline's date, an instant's local day.
absl::CivilDay DueDay(const tasks::v1::Item& item, absl::TimeZone zone) {
  if (item.deadline().has_date()) {
    absl::StatusOr<absl::CivilDay> day = FromProto(item.deadline().date(), "deadline");
    if (day.ok()) return *day;
  }
  if (item.deadline().has_instant()) return LocalDay(FromProto(item.deadline().instant()), zone);
  return LocalDay(DueAt(item, zone), zone);
}

// Adds `overdue` to the entry, keeping overdue_item_ids and overdue_item_contents alongside.
void AddOverdue(v1::CircularEntry& entry, v1::OverdueItem overdue) {
  entry.add_overdue_item_ids(overdue.item_id());
  entry.add_overdue_item_contents(overdue.content());
  *entry.add_overdue_items() = std::move(overdue);
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

v1::OverdueItem OverdueItemOf(const tasks::v1::Item& item, absl::Time end, absl::TimeZone zone) {
  v1::OverdueItem overdue;
  overdue.set_item_id(item.id());
  overdue.set_content(item.content());
  *overdue.mutable_deadline() = item.deadline();
  if (item.has_original_deadline() && !google::protobuf::util::MessageDifferencer::Equals(
                                          item.original_deadline(), item.deadline())) {
    *overdue.mutable_original_deadline() = item.original_deadline();
  }
  const absl::CivilDay last_day = LocalDay(end, zone) - 1;
  overdue.set_days_overdue(
      static_cast<int32_t>(std::max<absl::civil_diff_t>(0, last_day - DueDay(item, zone))));
  return overdue;
}

std::vector<v1::CircularEntry> GroupCircular(const std::vector<SupervisionCase>& cases,
                                             absl::Time begin, absl::Time end, absl::TimeZone zone,
                                             const std::map<std::string, tasks::v1::Item>& items,
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
      const auto item = items.find(c.subject().id());
      v1::OverdueItem overdue;
      if (item != items.end()) {
        overdue = OverdueItemOf(item->second, end, zone);
      } else {
        overdue.set_item_id(c.subject().id());
        overdue.set_content(c.label());
      }
      AddOverdue(entry, std::move(overdue));
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
                        const std::vector<PeriodReports>& periods, absl::Time now, absl::Time end,
                        absl::TimeZone zone, const std::vector<tasks::v1::Item>& overdue_items,
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
      AddOverdue(entry, OverdueItemOf(item, end, zone));
    }
  }

  entries.clear();
  for (auto& [unit_id, entry] : by_unit) entries.push_back(std::move(entry));
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.unit_name(), a.unit_id()) < std::tie(b.unit_name(), b.unit_id());
  });
}

}  // namespace duban::reporting

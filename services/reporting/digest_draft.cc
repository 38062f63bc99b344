#include "services/reporting/digest_draft.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/time_util.h"
#include "services/reporting/report_rules.h"

namespace duban::reporting {
namespace {

// The row the unit reported for the item, if any.
const v1::ReportRow* ReportedRow(const std::map<std::string, v1::Report>& submitted,
                                 const tasks::v1::Item& item) {
  const auto report = submitted.find(item.lead_unit_id());
  if (report == submitted.end()) return nullptr;
  for (const auto& section : report->second.sections()) {
    for (const auto& row : section.rows()) {
      if (row.item_id() == item.id()) return &row;
    }
  }
  return nullptr;
}

std::string Names(const std::vector<std::string>& ids,
                  const std::map<std::string, std::string>& unit_names) {
  std::vector<std::string> names;
  for (const std::string& id : ids) {
    const auto name = unit_names.find(id);
    names.push_back(name == unit_names.end() ? id : name->second);
  }
  return names.empty() ? "无" : absl::StrJoin(names, "、");
}

}  // namespace

bool HardItem(const tasks::v1::Item& item, absl::Time now, absl::TimeZone zone) {
  const std::optional<absl::Time> ended = EndedAt(item);
  if (ended && *ended <= now) return false;
  return !item.blockers().empty() || DueAt(item, zone) <= now || item.has_referred_at();
}

v1::Digest PrefillDigestFrom(const PeriodReports& reports,
                             const std::map<std::string, v1::Report>& submitted,
                             const std::vector<tasks::v1::Item>& items, absl::Time now,
                             absl::TimeZone zone,
                             const std::map<std::string, std::string>& unit_names) {
  const v1::Period& period = reports.period;
  v1::Digest digest;
  digest.set_period_id(period.id());
  digest.set_state(v1::REPORT_STATE_DRAFT);

  std::vector<const tasks::v1::Item*> hard;
  for (const auto& item : items) {
    if (OpenDuring(item, FromProto(period.starts_after()), FromProto(period.report_cutoff())) &&
        HardItem(item, now, zone)) {
      hard.push_back(&item);
    }
  }
  std::sort(hard.begin(), hard.end(), [](auto* a, auto* b) { return a->id() < b->id(); });
  for (const tasks::v1::Item* item : hard) {
    const v1::ReportRow* reported = ReportedRow(submitted, *item);
    *digest.add_hard_items() = reported != nullptr ? *reported : RowOf(*item, now);
  }

  const std::vector<std::string> late = reports.Late(now);
  std::vector<std::string> not_in;
  for (const std::string& unit : reports.owing) {
    const auto at = reports.submitted_at.find(unit);
    if (at == reports.submitted_at.end() ||
        StandingOf(period, at->second, now) == Standing::kMissing) {
      not_in.push_back(unit);
    }
  }
  for (const auto& unit : late) digest.add_late_unit_ids(unit);
  for (const auto& unit : not_in) digest.add_missing_unit_ids(unit);
  digest.set_summary(absl::StrCat("本期难点事项 ", hard.size(), " 项；迟报单位：",
                                  Names(late, unit_names), "；未报单位：",
                                  Names(not_in, unit_names), "。"));
  return digest;
}

}  // namespace duban::reporting

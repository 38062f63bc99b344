#include "services/reporting/report_rules.h"

#include <algorithm>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/validation.h"

namespace duban::reporting {
namespace {

using tasks::v1::Item;

std::optional<absl::Time> Earliest(std::optional<absl::Time> a, std::optional<absl::Time> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

std::optional<absl::Time> Set(bool has, const google::protobuf::Timestamp& t) {
  if (!has) return std::nullopt;
  return FromProto(t);
}

// The mark at the start of prefilled remarks whose older text was cut.
constexpr char kCutMark[] = "\u2026";

// `text` within kMaxRemarkChars characters, the limit a submission holds
// remarks to: when longer, its latest characters preceded by kCutMark. The cut
// falls on a UTF-8 character boundary (`text` is valid UTF-8).
std::string WithinRemarkLimit(std::string text) {
  size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars <= kMaxRemarkChars) return text;
  // Walk back over the kMaxRemarkChars - 1 latest characters.
  size_t start = text.size();
  for (size_t kept = 0; kept < kMaxRemarkChars - 1;) {
    --start;
    if ((static_cast<unsigned char>(text[start]) & 0xC0) != 0x80) ++kept;
  }
  return std::string(kCutMark).append(text, start);
}

std::string WhatWasDone(const Item& item) {
  std::vector<std::string> parts;
  for (const auto& note : item.notes()) parts.push_back(note.text());
  if (!item.completion_summary().empty()) parts.push_back(item.completion_summary());
  return WithinRemarkLimit(absl::StrJoin(parts, "\n"));
}

// The deadline as agreed; an item recorded without one never had another.
const common::v1::Deadline& OriginalDeadline(const Item& item) {
  return item.has_original_deadline() ? item.original_deadline() : item.deadline();
}

void SetDispatchDate(v1::ReportSection& section, const Item& item,
                     const DispatchDates& dispatch_dates) {
  const auto date = dispatch_dates.find(item.source().event_id());
  if (date != dispatch_dates.end()) *section.mutable_dispatch_date() = date->second;
}

bool CompletedBy(const Item& item, absl::Time now) {
  const std::optional<absl::Time> completed = CompletedAt(item);
  return completed && *completed <= now;
}

absl::Status CheckRow(const v1::ReportRow& row, const std::string& path, const Item& item,
                      absl::Time now, absl::TimeZone zone) {
  if (row.completed()) {
    if (CompletedBy(item, now)) return absl::OkStatus();
    return InvalidField(path + ".completed",
                        absl::StrCat("item ", item.id(), " is not reported complete"));
  }
  if (!row.has_planned_completion_date()) {
    return InvalidField(
        path + ".planned_completion_date",
        absl::StrCat("item ", item.id(), " is uncompleted without a planned completion date"));
  }
  DUBAN_ASSIGN_OR_RETURN(absl::CivilDay planned, FromProto(row.planned_completion_date(),
                                                           path + ".planned_completion_date"));
  const absl::CivilDay today = LocalDay(now, zone);
  if (planned < today) {
    return InvalidField(path + ".planned_completion_date",
                        absl::StrCat("item ", item.id(), " is planned for ", FormatDay(planned),
                                     ", in the past (today is ", FormatDay(today), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<absl::Time> CompletedAt(const Item& item) {
  return Earliest(Set(item.has_reported_complete_at(), item.reported_complete_at()),
                  item.status() == tasks::v1::ITEM_STATUS_CLOSED
                      ? Set(item.has_closed_at(), item.closed_at())
                      : std::nullopt);
}

std::optional<absl::Time> EndedAt(const Item& item) {
  return Earliest(Earliest(Set(item.has_reported_complete_at(), item.reported_complete_at()),
                           Set(item.has_split_at(), item.split_at())),
                  Set(item.has_closed_at(), item.closed_at()));
}

bool OpenDuring(const Item& item, absl::Time after, absl::Time until) {
  if (FromProto(item.created_at()) > until) return false;
  const std::optional<absl::Time> ended = EndedAt(item);
  return !ended || *ended > after;
}

absl::Time DueAt(const Item& item, absl::TimeZone zone) {
  if (item.has_due_at()) return FromProto(item.due_at());
  absl::StatusOr<absl::Time> due = DueInstant(item.deadline(), zone, "deadline");
  return due.ok() ? *due : absl::InfiniteFuture();
}

std::vector<Item> OwedItems(const std::vector<Item>& items, const std::string& unit_id,
                            const v1::Period& period) {
  std::vector<Item> owed;
  for (const Item& item : items) {
    if (item.lead_unit_id() != unit_id) continue;
    // Split by the cut-off: its sub-items carry the work and are reported instead.
    if (item.has_split_at() && FromProto(item.split_at()) <= FromProto(period.report_cutoff())) {
      continue;
    }
    if (OpenDuring(item, FromProto(period.starts_after()), FromProto(period.report_cutoff()))) {
      owed.push_back(item);
    }
  }
  std::sort(owed.begin(), owed.end(), [](const Item& a, const Item& b) { return a.id() < b.id(); });
  return owed;
}

v1::ReportRow RowOf(const Item& item, absl::Time now) {
  v1::ReportRow row;
  row.set_item_id(item.id());
  row.set_content(item.content());
  *row.mutable_responsible_unit_ids() = item.responsible_unit_ids();
  *row.mutable_deadline() = item.deadline();
  *row.mutable_original_deadline() = OriginalDeadline(item);
  row.set_completed(CompletedBy(item, now));
  row.set_blockers(item.blockers());
  row.set_measures(item.measures());
  if (row.completed()) {
    row.set_remarks(WhatWasDone(item));
    return row;
  }
  if (item.notes_size() > 0) {
    row.set_remarks(WithinRemarkLimit(item.notes(item.notes_size() - 1).text()));
  }
  if (item.has_planned_completion_date()) {
    *row.mutable_planned_completion_date() = item.planned_completion_date();
  }
  return row;
}

std::set<std::string> DispatchEventIds(const std::vector<Item>& owed) {
  std::set<std::string> ids;
  for (const Item& item : owed) {
    if (!item.source().event_id().empty()) ids.insert(item.source().event_id());
  }
  return ids;
}

v1::Report PrefillReportFrom(const std::string& unit_id, const v1::Period& period,
                             const std::vector<Item>& owed, absl::Time now,
                             const DispatchDates& dispatch_dates) {
  v1::Report report;
  report.set_unit_id(unit_id);
  report.set_period_id(period.id());
  report.set_state(v1::REPORT_STATE_DRAFT);
  std::map<std::string, v1::ReportSection> sections;
  for (const Item& item : owed) {
    v1::ReportSection& section = sections[item.source().document_id()];
    if (section.rows_size() == 0) {
      section.set_document_id(item.source().document_id());
      section.set_document_number(item.source().document_number());
      section.set_document_title(item.source().document_title());
      section.set_leader_id(item.source().leader_id());
      section.set_assignment_sheet(item.source().kind() == tasks::v1::SOURCE_KIND_ASSIGNMENT_SHEET);
      SetDispatchDate(section, item, dispatch_dates);
    }
    *section.add_rows() = RowOf(item, now);
  }
  for (auto& [id, section] : sections) *report.add_sections() = std::move(section);
  return report;
}

void StampRecordedFacts(v1::Report& report, const std::vector<Item>& owed,
                        const DispatchDates& dispatch_dates) {
  std::map<std::string, const Item*> by_id;
  for (const Item& item : owed) by_id[item.id()] = &item;
  for (v1::ReportSection& section : *report.mutable_sections()) {
    for (v1::ReportRow& row : *section.mutable_rows()) {
      const auto item = by_id.find(row.item_id());
      if (item == by_id.end()) continue;
      *row.mutable_deadline() = item->second->deadline();
      *row.mutable_original_deadline() = OriginalDeadline(*item->second);
      SetDispatchDate(section, *item->second, dispatch_dates);
    }
  }
}

absl::Status CheckReport(const v1::Report& report, const std::vector<Item>& owed, absl::Time now,
                         absl::TimeZone zone) {
  std::map<std::string, const Item*> by_id;
  for (const Item& item : owed) by_id[item.id()] = &item;
  std::map<std::string, std::string> seen;  // item id -> where it was first counted
  for (int i = 0; i < report.sections_size(); ++i) {
    const v1::ReportSection& section = report.sections(i);
    for (int j = 0; j < section.rows_size(); ++j) {
      const v1::ReportRow& row = section.rows(j);
      const std::string path = absl::StrCat("report.sections[", i, "].rows[", j, "]");
      if (row.item_id().empty()) return InvalidField(path + ".item_id", "required");
      const auto [first, inserted] = seen.emplace(row.item_id(), path);
      if (!inserted) {
        return InvalidField(path, absl::StrCat("item ", row.item_id(), " is counted twice (also ",
                                               first->second, ")"));
      }
      const auto item = by_id.find(row.item_id());
      if (item == by_id.end()) {
        return InvalidField(
            path, absl::StrCat("item ", row.item_id(), " is not an item unit ", report.unit_id(),
                               " led open in period ", report.period_id()));
      }
      DUBAN_RETURN_IF_ERROR(CheckRow(row, path, *item->second, now, zone));
    }
  }
  for (const Item& item : owed) {
    if (seen.count(item.id()) == 0) {
      return InvalidField("report.sections", absl::StrCat("item ", item.id(), " is missing"));
    }
  }
  return absl::OkStatus();
}

bool SubmittedLate(const v1::Period& period, absl::Time submitted_at) {
  return submitted_at >= FromProto(period.report_cutoff());
}

Standing StandingOf(const v1::Period& period, std::optional<absl::Time> submitted_at,
                    absl::Time now) {
  const absl::Time digest_cutoff = FromProto(period.digest_cutoff());
  if (submitted_at && *submitted_at < digest_cutoff) {
    return SubmittedLate(period, *submitted_at) ? Standing::kLate : Standing::kOnTime;
  }
  return now >= digest_cutoff ? Standing::kMissing : Standing::kPending;
}

std::set<std::string> OwingUnits(const std::vector<scheduler::v1::Deadline>& deadlines,
                                 const std::string& period_id) {
  std::set<std::string> units;
  const std::string suffix = absl::StrCat("@", period_id);
  for (const auto& deadline : deadlines) {
    const std::string& id = deadline.subject().id();
    if (deadline.subject().kind() != common::v1::SUBJECT_KIND_REPORT) continue;
    if (deadline.state() == scheduler::v1::DEADLINE_STATE_CANCELLED) continue;
    if (id.size() <= suffix.size() || id.compare(id.size() - suffix.size(), suffix.size(), suffix))
      continue;
    units.insert(id.substr(0, id.size() - suffix.size()));
  }
  return units;
}

std::string ReportSubjectId(const std::string& unit_id, const std::string& period_id) {
  return absl::StrCat(unit_id, "@", period_id);
}

}  // namespace duban::reporting

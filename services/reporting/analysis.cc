#include "services/reporting/analysis.h"

#include <google/protobuf/struct.pb.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/time_util.h"
#include "services/reporting/export/json_writer.h"

namespace duban::reporting {
namespace {

using tasks::v1::Item;

constexpr int kStartingScore = 100;
constexpr int kMissingReportPoints = -10;
constexpr int kLateReportPoints = -5;
constexpr int kOverdueItemPoints = -2;
constexpr int kUrgingNoticePoints = -1;

// The reasons of deductions, as the printed analysis reads them.
constexpr char kMissingReason[] = "漏报";
constexpr char kLateReason[] = "迟报";
constexpr char kOverdueReason[] = "逾期未完成事项";
constexpr char kUrgingReason[] = "催办通知";

// The records behind each figure.
struct Tally {
  std::vector<std::string> issued;
  std::vector<std::string> on_time;
  std::vector<std::string> late;
  std::vector<std::string> overdue;
  std::vector<std::string> extensions;
  std::vector<std::string> referrals;
  std::vector<std::string> late_reports;
  std::vector<std::string> missing_reports;
  std::vector<std::string> urging;

  // Every list in id order, so that the same records always read the same.
  void Sort() {
    for (auto* ids : {&issued, &on_time, &late, &overdue, &extensions, &referrals, &late_reports,
                      &missing_reports, &urging}) {
      std::sort(ids->begin(), ids->end());
    }
  }
};

bool In(absl::Time t, absl::Time begin, absl::Time end) { return t >= begin && t < end; }

// A split item's work is carried on by its sub-items.
bool Tracked(const Item& item) { return !item.has_split_at() && item.sub_item_ids_size() == 0; }

// Adds the item's figures to `tally`.
void CountItem(const Item& item, const AnalysisInputs& in, Tally& tally) {
  if (In(FromProto(item.created_at()), in.begin, in.end) && item.parent_item_id().empty()) {
    tally.issued.push_back(item.id());
  }
  for (const auto& extension : item.extensions()) {
    if (extension.state() == tasks::v1::EXTENSION_STATE_APPROVED &&
        In(FromProto(extension.decided_at()), in.begin, in.end)) {
      tally.extensions.push_back(absl::StrCat(item.id(), "/", extension.id()));
    }
  }
  if (item.has_referred_at() && In(FromProto(item.referred_at()), in.begin, in.end)) {
    tally.referrals.push_back(item.id());
  }
  if (!Tracked(item)) return;
  const absl::Time due = DueAt(item, in.zone);
  const std::optional<absl::Time> completed = CompletedAt(item);
  if (completed && In(*completed, in.begin, in.end)) {
    (*completed < due ? tally.on_time : tally.late).push_back(item.id());
  }
  if (OverdueAt(item, in.end, in.zone)) tally.overdue.push_back(item.id());
}

bool Relevant(const Item& item, const AnalysisInputs& in) {
  return OpenDuring(item, in.begin, in.end) || In(FromProto(item.created_at()), in.begin, in.end);
}

google::protobuf::Value Ids(const std::vector<std::string>& ids) {
  google::protobuf::Value value;
  for (const std::string& id : ids) value.mutable_list_value()->add_values()->set_string_value(id);
  if (ids.empty()) value.mutable_list_value();
  return value;
}

google::protobuf::Struct TallyJson(const Tally& tally) {
  google::protobuf::Struct json;
  auto& fields = *json.mutable_fields();
  fields["items_issued"] = Ids(tally.issued);
  fields["items_completed_on_time"] = Ids(tally.on_time);
  fields["items_completed_late"] = Ids(tally.late);
  fields["items_open_overdue"] = Ids(tally.overdue);
  fields["extensions_approved"] = Ids(tally.extensions);
  fields["referrals"] = Ids(tally.referrals);
  fields["late_reports"] = Ids(tally.late_reports);
  fields["missing_reports"] = Ids(tally.missing_reports);
  fields["urging_notices"] = Ids(tally.urging);
  return json;
}

std::string Name(const std::map<std::string, std::string>& names, const std::string& id) {
  const auto found = names.find(id);
  return found == names.end() ? id : found->second;
}

v1::UnitAnalysis UnitLine(const std::string& unit_id, const std::string& name, const Tally& t) {
  v1::UnitAnalysis line;
  line.set_unit_id(unit_id);
  line.set_unit_name(name);
  line.set_items_issued(t.issued.size());
  line.set_items_completed_on_time(t.on_time.size());
  line.set_items_completed_late(t.late.size());
  line.set_items_open_overdue(t.overdue.size());
  line.set_extensions_approved(t.extensions.size());
  line.set_referrals(t.referrals.size());
  line.set_late_reports(t.late_reports.size());
  line.set_missing_reports(t.missing_reports.size());
  line.set_urging_notices(t.urging.size());
  const size_t completed = t.on_time.size() + t.late.size();
  line.set_on_time_rate(completed == 0 ? 0.0 : 100.0 * t.on_time.size() / completed);
  return line;
}

void Deduct(v1::UnitScore& score, int points, const std::string& reason,
            const std::string& record) {
  v1::Deduction* deduction = score.add_deductions();
  deduction->set_points(points);
  deduction->set_reason(reason);
  deduction->set_record(record);
  score.set_score(score.score() + points);
}

v1::UnitScore ScoreOf(const std::string& unit_id, const std::string& month, const Tally& t) {
  v1::UnitScore score;
  score.set_unit_id(unit_id);
  score.set_month(month);
  score.set_score(kStartingScore);
  for (const auto& r : t.missing_reports) Deduct(score, kMissingReportPoints, kMissingReason, r);
  for (const auto& r : t.late_reports) Deduct(score, kLateReportPoints, kLateReason, r);
  for (const auto& id : t.overdue) {
    Deduct(score, kOverdueItemPoints, kOverdueReason, absl::StrCat("item:", id));
  }
  for (const auto& id : t.urging) {
    Deduct(score, kUrgingNoticePoints, kUrgingReason, absl::StrCat("notice:", id));
  }
  return score;
}

// Reports late and missing per unit, as records "report:<id>" (late) and
// "report:<unit>@<period>" (missing, as there is no report).
void CountReports(const AnalysisInputs& in, Tally& totals, std::map<std::string, Tally>& units) {
  for (const PeriodReports& period : in.periods) {
    for (const std::string& unit : period.Late(in.now)) {
      const std::string record = absl::StrCat("report:", period.report_ids.at(unit));
      totals.late_reports.push_back(record);
      units[unit].late_reports.push_back(record);
    }
    for (const std::string& unit : period.Missing(in.now)) {
      const std::string record = absl::StrCat("report:", ReportSubjectId(unit, period.period.id()));
      totals.missing_reports.push_back(record);
      units[unit].missing_reports.push_back(record);
    }
  }
}

void CountLeaders(const AnalysisInputs& in, v1::Analysis& analysis,
                  google::protobuf::Struct& detail) {
  std::map<std::string, v1::LeaderAnalysis> leaders;
  std::map<std::string, Tally> leader_items;
  for (const auto& person : in.leaders) {
    leaders[person.id()].set_leader_id(person.id());
    leaders[person.id()].set_leader_name(person.name());
  }
  for (const auto& event : in.events) {
    v1::LeaderAnalysis& line = leaders[event.leader_id()];
    line.set_leader_id(event.leader_id());
    line.set_dispatch_events(line.dispatch_events() + 1);
  }
  for (const Item& item : in.items) {
    if (!Tracked(item) || !OpenDuring(item, in.begin, in.end)) continue;
    const std::string& leader = item.source().leader_id();
    if (leader.empty()) continue;
    v1::LeaderAnalysis& line = leaders[leader];
    line.set_leader_id(leader);
    Tally& tally = leader_items[leader];
    const absl::Time due = DueAt(item, in.zone);
    const std::optional<absl::Time> completed = CompletedAt(item);
    if (completed && *completed < in.end) {
      const bool on_time = *completed < due;
      (on_time ? tally.on_time : tally.late).push_back(item.id());
      on_time ? line.set_items_completed_on_time(line.items_completed_on_time() + 1)
              : line.set_items_completed_late(line.items_completed_late() + 1);
    } else if (due < in.end) {
      tally.overdue.push_back(item.id());
      line.set_items_overdue(line.items_overdue() + 1);
    } else {
      tally.issued.push_back(item.id());
      line.set_items_open(line.items_open() + 1);
    }
  }

  auto& json = *detail.mutable_fields();
  auto* list = json["leaders"].mutable_list_value();
  for (auto& [id, line] : leaders) {
    if (line.dispatch_events() == 0 && !line.leader_name().empty()) {
      analysis.add_leaders_without_dispatch(id);
      analysis.add_leaders_without_dispatch_names(line.leader_name());
    }
    google::protobuf::Struct entry;
    auto& fields = *entry.mutable_fields();
    fields["leader_id"].set_string_value(id);
    fields["leader_name"].set_string_value(line.leader_name());
    fields["dispatch_events"].set_number_value(line.dispatch_events());
    const Tally& tally = leader_items[id];
    fields["items_open"] = Ids(tally.issued);
    fields["items_overdue"] = Ids(tally.overdue);
    fields["items_completed_on_time"] = Ids(tally.on_time);
    fields["items_completed_late"] = Ids(tally.late);
    *list->add_values()->mutable_struct_value() = std::move(entry);
    *analysis.add_leaders() = std::move(line);
  }
  json["leaders_without_dispatch"] =
      Ids({analysis.leaders_without_dispatch().begin(), analysis.leaders_without_dispatch().end()});
}

// Compact JSON of `value` with every object's keys in order (a Struct's fields are a hash map,
// which protobuf's own printer walks in no fixed order).
void AppendSortedJson(std::string& out, const google::protobuf::Value& value) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kStructValue: {
      std::map<std::string, const google::protobuf::Value*> fields;
      for (const auto& [key, field] : value.struct_value().fields()) fields[key] = &field;
      out.push_back('{');
      for (auto field = fields.begin(); field != fields.end(); ++field) {
        if (field != fields.begin()) out.push_back(',');
        absl::StrAppend(&out, exports::JsonQuote(field->first), ":");
        AppendSortedJson(out, *field->second);
      }
      out.push_back('}');
      return;
    }
    case google::protobuf::Value::kListValue: {
      out.push_back('[');
      const auto& values = value.list_value().values();
      for (int i = 0; i < values.size(); ++i) {
        if (i > 0) out.push_back(',');
        AppendSortedJson(out, values.Get(i));
      }
      out.push_back(']');
      return;
    }
    case google::protobuf::Value::kStringValue:
      absl::StrAppend(&out, exports::JsonQuote(value.string_value()));
      return;
    case google::protobuf::Value::kNumberValue:
      absl::StrAppend(&out, value.number_value());
      return;
    case google::protobuf::Value::kBoolValue:
      absl::StrAppend(&out, value.bool_value() ? "true" : "false");
      return;
    default:
      absl::StrAppend(&out, "null");
  }
}

}  // namespace

std::vector<std::string> UnitsOf(const Item& item) {
  if (item.responsible_unit_ids_size() == 0) return {item.lead_unit_id()};
  std::vector<std::string> units(item.responsible_unit_ids().begin(),
                                 item.responsible_unit_ids().end());
  std::sort(units.begin(), units.end());
  units.erase(std::unique(units.begin(), units.end()), units.end());
  return units;
}

bool OverdueAt(const Item& item, absl::Time end, absl::TimeZone zone) {
  if (!Tracked(item) || FromProto(item.created_at()) >= end) return false;
  const std::optional<absl::Time> ended = EndedAt(item);
  return (!ended || *ended >= end) && DueAt(item, zone) < end;
}

std::vector<std::string> PeriodReports::Late(absl::Time now) const {
  std::vector<std::string> late;
  for (const std::string& unit : owing) {
    const auto at = submitted_at.find(unit);
    if (at == submitted_at.end()) continue;
    if (StandingOf(period, at->second, now) == Standing::kLate) late.push_back(unit);
  }
  return late;
}

std::vector<std::string> PeriodReports::Missing(absl::Time now) const {
  std::vector<std::string> missing;
  for (const std::string& unit : owing) {
    const auto at = submitted_at.find(unit);
    const std::optional<absl::Time> submitted =
        at == submitted_at.end() ? std::nullopt : std::optional<absl::Time>(at->second);
    if (StandingOf(period, submitted, now) == Standing::kMissing) missing.push_back(unit);
  }
  return missing;
}

v1::Analysis ComputeAnalysis(const AnalysisInputs& in) {
  Tally totals;
  std::map<std::string, Tally> units;
  for (const Item& item : in.items) {
    if (!Relevant(item, in)) continue;
    CountItem(item, in, totals);
    for (const std::string& unit : UnitsOf(item)) CountItem(item, in, units[unit]);
  }
  CountReports(in, totals, units);
  for (const auto& notice : in.urging_notices) {
    // A leader's dispatch cycle is urged on no unit.
    if (notice.unit_id().empty()) continue;
    totals.urging.push_back(notice.id());
    units[notice.unit_id()].urging.push_back(notice.id());
  }

  totals.Sort();
  // Units in name order (then id), scores from the lowest (then by unit name and id).
  std::vector<std::string> unit_order;
  for (auto& [unit_id, tally] : units) {
    tally.Sort();
    unit_order.push_back(unit_id);
  }
  std::sort(unit_order.begin(), unit_order.end(), [&](const std::string& a, const std::string& b) {
    return std::make_pair(Name(in.unit_names, a), a) < std::make_pair(Name(in.unit_names, b), b);
  });

  v1::Analysis analysis;
  analysis.set_id(absl::StrCat("analysis-", in.month));
  analysis.set_month(in.month);
  analysis.set_items_issued(totals.issued.size());
  analysis.set_items_completed_on_time(totals.on_time.size());
  analysis.set_items_completed_late(totals.late.size());
  analysis.set_items_open_overdue(totals.overdue.size());
  analysis.set_extensions_approved(totals.extensions.size());
  analysis.set_referrals(totals.referrals.size());

  google::protobuf::Struct detail = TallyJson(totals);
  auto& fields = *detail.mutable_fields();
  fields["month"].set_string_value(in.month);
  auto* unit_list = fields["units"].mutable_list_value();
  for (const std::string& unit_id : unit_order) {
    const Tally& tally = units.at(unit_id);
    *analysis.add_units() = UnitLine(unit_id, Name(in.unit_names, unit_id), tally);
    *analysis.add_scores() = ScoreOf(unit_id, in.month, tally);
    google::protobuf::Struct entry = TallyJson(tally);
    (*entry.mutable_fields())["unit_id"].set_string_value(unit_id);
    (*entry.mutable_fields())["unit_name"].set_string_value(Name(in.unit_names, unit_id));
    *unit_list->add_values()->mutable_struct_value() = std::move(entry);
  }
  std::stable_sort(
      analysis.mutable_scores()->begin(), analysis.mutable_scores()->end(),
      [](const v1::UnitScore& a, const v1::UnitScore& b) { return a.score() < b.score(); });
  CountLeaders(in, analysis, detail);

  google::protobuf::Value root;
  *root.mutable_struct_value() = std::move(detail);
  std::string json;
  AppendSortedJson(json, root);
  analysis.set_detail_json(std::move(json));
  return analysis;
}

absl::Status MayReadAnalysis(const Caller& caller) {
  if (caller.ReadsEverything()) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(caller.subject(),
                   " may not read the monthly analysis, a district-wide document; a unit "
                   "liaison reads their unit's score and deductions through GetScores"));
}

std::vector<v1::UnitScore> VisibleScores(const Caller& caller, const v1::Analysis& analysis,
                                         const std::string& unit_id) {
  std::vector<v1::UnitScore> scores;
  for (const auto& score : analysis.scores()) {
    if (!unit_id.empty() && score.unit_id() != unit_id) continue;
    if (caller.ReadsEverything() || caller.IsLiaisonOf(score.unit_id())) scores.push_back(score);
  }
  return scores;
}

}  // namespace duban::reporting

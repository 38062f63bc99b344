#include "services/supervision/figures.h"

#include <map>
#include <string>

#include "common/time_util.h"
#include "services/supervision/case_ladder.h"

namespace duban::supervision {
namespace {

bool Within(const google::protobuf::Timestamp& at, absl::Time from, absl::Time to) {
  const absl::Time t = FromProto(at);
  return t >= from && t < to;
}

bool RaisedWithin(const v1::SupervisionCase& supervision_case, absl::Time from, absl::Time to) {
  for (const v1::RungRecord& record : supervision_case.rungs()) {
    if (record.rung() == common::v1::RUNG_SUPERVISION && Within(record.at(), from, to)) {
      return true;
    }
  }
  return false;
}

bool OverdueAt(const v1::SupervisionCase& supervision_case, absl::Time to) {
  if (supervision_case.subject().kind() != common::v1::SUBJECT_KIND_ITEM) return false;
  if (!OpenAt(supervision_case, to)) return false;
  return !supervision_case.has_due_at() || FromProto(supervision_case.due_at()) < to;
}

// The standing of a REPORT case whose cut-off is in [from, to).
ReportStanding ReportWithin(const v1::SupervisionCase& supervision_case, absl::Time from,
                            absl::Time to, absl::Time now) {
  if (supervision_case.subject().kind() != common::v1::SUBJECT_KIND_REPORT) {
    return ReportStanding::kNone;
  }
  const google::protobuf::Timestamp& cutoff =
      supervision_case.has_due_at() ? supervision_case.due_at() : supervision_case.opened_at();
  if (!Within(cutoff, from, to)) return ReportStanding::kNone;
  return StandingOf(supervision_case, now);
}

}  // namespace

ReportStanding StandingOf(const v1::SupervisionCase& report_case, absl::Time now) {
  const bool met = report_case.has_closed_at();
  if (!report_case.has_digest_cutoff_at()) {
    return met ? ReportStanding::kLate : ReportStanding::kNone;
  }
  const absl::Time digest_cutoff = FromProto(report_case.digest_cutoff_at());
  if (met && FromProto(report_case.closed_at()) < digest_cutoff) return ReportStanding::kLate;
  if (now >= digest_cutoff) return ReportStanding::kMissing;
  return ReportStanding::kNone;
}

std::vector<v1::UnitFigures> ComputeFigures(const std::vector<v1::SupervisionCase>& cases,
                                            const std::vector<v1::Notice>& notices, absl::Time from,
                                            absl::Time to, absl::Time now) {
  std::map<std::string, v1::UnitFigures> by_unit;
  auto unit = [&](const std::string& unit_id) -> v1::UnitFigures& {
    v1::UnitFigures& figures = by_unit[unit_id];
    figures.set_unit_id(unit_id);
    return figures;
  };

  for (const v1::Notice& notice : notices) {
    if (notice.kind() == v1::NOTICE_KIND_URGING && Within(notice.at(), from, to)) {
      v1::UnitFigures& figures = unit(notice.unit_id());
      figures.set_urging_notices(figures.urging_notices() + 1);
    }
  }

  for (const v1::SupervisionCase& supervision_case : cases) {
    const bool open = OpenAt(supervision_case, to);
    const bool raised = RaisedWithin(supervision_case, from, to);
    const bool closed =
        supervision_case.has_closed_at() && Within(supervision_case.closed_at(), from, to);
    const bool opened = Within(supervision_case.opened_at(), from, to);
    const ReportStanding report = ReportWithin(supervision_case, from, to, now);
    if (!open && !raised && !closed && !opened && report == ReportStanding::kNone) continue;

    v1::UnitFigures& figures = unit(supervision_case.unit_id());
    if (open) figures.set_cases_open(figures.cases_open() + 1);
    if (OverdueAt(supervision_case, to)) figures.set_items_overdue(figures.items_overdue() + 1);
    if (raised) figures.set_cases_raised(figures.cases_raised() + 1);
    if (closed) figures.set_cases_closed(figures.cases_closed() + 1);
    if (report == ReportStanding::kLate) figures.set_late_reports(figures.late_reports() + 1);
    if (report == ReportStanding::kMissing) {
      figures.set_missing_reports(figures.missing_reports() + 1);
    }
    figures.add_case_ids(supervision_case.id());
  }

  std::vector<v1::UnitFigures> result;
  for (auto& [unit_id, figures] : by_unit) result.push_back(std::move(figures));
  return result;
}

}  // namespace duban::supervision

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

}  // namespace

std::vector<v1::UnitFigures> ComputeFigures(const std::vector<v1::SupervisionCase>& cases,
                                            const std::vector<v1::Notice>& notices, absl::Time from,
                                            absl::Time to) {
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
    if (!open && !raised && !closed && !opened) continue;

    v1::UnitFigures& figures = unit(supervision_case.unit_id());
    if (open) figures.set_cases_open(figures.cases_open() + 1);
    if (open && supervision_case.subject().kind() == common::v1::SUBJECT_KIND_ITEM) {
      figures.set_items_overdue(figures.items_overdue() + 1);
    }
    if (raised) figures.set_cases_raised(figures.cases_raised() + 1);
    if (closed) figures.set_cases_closed(figures.cases_closed() + 1);
    figures.add_case_ids(supervision_case.id());
  }

  std::vector<v1::UnitFigures> result;
  for (auto& [unit_id, figures] : by_unit) result.push_back(std::move(figures));
  return result;
}

}  // namespace duban::supervision

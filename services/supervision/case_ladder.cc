#include "services/supervision/case_ladder.h"

#include "common/time_util.h"

namespace duban::supervision {
namespace {

using common::v1::Rung;

v1::RungRecord Record(const RungArrival& arrival) {
  v1::RungRecord record;
  record.set_rung(arrival.rung);
  *record.mutable_at() = ToProto(arrival.at);
  record.set_source_event_id(arrival.source_event_id);
  record.set_circular_id(arrival.circular_id);
  return record;
}

v1::NoticeKind NoticeFor(Rung rung) {
  switch (rung) {
    case common::v1::RUNG_REMINDER:
      return v1::NOTICE_KIND_REMINDER;
    case common::v1::RUNG_URGING:
      return v1::NOTICE_KIND_URGING;
    case common::v1::RUNG_SUPERVISION:
      return v1::NOTICE_KIND_SUPERVISION;
    default:
      return v1::NOTICE_KIND_UNSPECIFIED;
  }
}

SupervisionCase Open(const RungArrival& arrival, const std::string& id,
                     const std::optional<v1::RungRecord>& earlier_reminder) {
  SupervisionCase opened;
  opened.set_id(id);
  *opened.mutable_subject() = arrival.subject;
  opened.set_unit_id(arrival.unit_id);
  opened.set_state(v1::CASE_STATE_OPEN);
  opened.set_label(arrival.label);
  if (arrival.due_at) *opened.mutable_due_at() = ToProto(*arrival.due_at);
  *opened.mutable_opened_at() = ToProto(arrival.at);
  opened.set_deadline_id(arrival.deadline_id);
  if (arrival.digest_cutoff) *opened.mutable_digest_cutoff_at() = ToProto(*arrival.digest_cutoff);
  if (earlier_reminder) *opened.add_rungs() = *earlier_reminder;
  return opened;
}

// The state a case is in once `rung` is recorded on it.
v1::CaseState StateAfter(const SupervisionCase& supervision_case, Rung rung) {
  if (rung == common::v1::RUNG_SUPERVISION ||
      HasRung(supervision_case, common::v1::RUNG_SUPERVISION)) {
    return v1::CASE_STATE_RAISED;
  }
  return v1::CASE_STATE_OPEN;
}

}  // namespace

bool HasRung(const SupervisionCase& supervision_case, Rung rung, const std::string& circular_id) {
  for (const v1::RungRecord& record : supervision_case.rungs()) {
    if (record.rung() != rung) continue;
    if (rung != common::v1::RUNG_CIRCULAR || record.circular_id() == circular_id) return true;
  }
  return false;
}

RungOutcome ApplyRung(std::optional<SupervisionCase>& current, const RungArrival& arrival,
                      const std::string& new_case_id,
                      const std::optional<v1::RungRecord>& earlier_reminder) {
  const Rung rung = arrival.referral ? common::v1::RUNG_SUPERVISION : arrival.rung;
  RungOutcome outcome;

  if (!current) {
    if (rung == common::v1::RUNG_REMINDER) {
      outcome.notice = v1::NOTICE_KIND_REMINDER;
      return outcome;
    }
    if (rung != common::v1::RUNG_URGING && rung != common::v1::RUNG_SUPERVISION) return outcome;
    current = Open(arrival, new_case_id, earlier_reminder);
    outcome.opened = true;
  }

  SupervisionCase& supervision_case = *current;
  if (arrival.referral && !supervision_case.referred()) {
    supervision_case.set_referred(true);
    outcome.case_changed = true;
  }
  if (HasRung(supervision_case, rung, arrival.circular_id)) return outcome;

  RungArrival recorded = arrival;
  recorded.rung = rung;
  *supervision_case.add_rungs() = Record(recorded);
  outcome.case_changed = true;
  outcome.notice = NoticeFor(rung);
  if (rung == common::v1::RUNG_URGING || rung == common::v1::RUNG_SUPERVISION) {
    // A subject urged again after it was met is open again, on the same case.
    supervision_case.set_state(StateAfter(supervision_case, rung));
    supervision_case.clear_closed_at();
  }
  return outcome;
}

bool CloseCase(SupervisionCase& supervision_case, absl::Time at) {
  if (supervision_case.state() == v1::CASE_STATE_CLOSED) return false;
  supervision_case.set_state(v1::CASE_STATE_CLOSED);
  *supervision_case.mutable_closed_at() = ToProto(at);
  return true;
}

bool OpenAt(const SupervisionCase& supervision_case, absl::Time t) {
  if (FromProto(supervision_case.opened_at()) >= t) return false;
  return !supervision_case.has_closed_at() || FromProto(supervision_case.closed_at()) >= t;
}

}  // namespace duban::supervision

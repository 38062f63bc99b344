// How a rung, a referral, a circular or a met subject changes a subject's
// supervision case (product.md, "The ladder"). Pure functions on the
// SupervisionCase message; thread-compatible.
//
//   reminder     a notice to the owner's liaison; no case yet
//   urging       opens the case (OPEN) with an urging notice
//   supervision  raises the case (RAISED); a referral opens it here at once
//   circular     records the circular that named the case's unit
//   met          closes the case (CLOSED)
//
// One case per subject; each rung is recorded on it once, with its time and
// the event that recorded it, and stays.
#ifndef DUBAN_SERVICES_SUPERVISION_CASE_LADDER_H_
#define DUBAN_SERVICES_SUPERVISION_CASE_LADDER_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "duban/supervision/v1/supervision.pb.h"

namespace duban::supervision {

using v1::SupervisionCase;

// One rung arriving for a subject.
struct RungArrival {
  common::v1::Subject subject;
  common::v1::Rung rung = common::v1::RUNG_UNSPECIFIED;
  absl::Time at;
  std::string unit_id;
  std::string source_event_id;
  // RUNG_CIRCULAR only.
  std::string circular_id;
  // A referral: opens at the supervision rung and marks the case referred.
  bool referral = false;
  std::string label;
  std::optional<absl::Time> due_at;
  std::string deadline_id;
  // REPORT subjects: when the period's digest is due.
  std::optional<absl::Time> digest_cutoff;
};

struct RungOutcome {
  // The case was created or changed and must be stored.
  bool case_changed = false;
  bool opened = false;
  // The notice to record for the unit's liaison, or UNSPECIFIED for none.
  v1::NoticeKind notice = v1::NOTICE_KIND_UNSPECIFIED;
};

// Applies `arrival` to the subject's case `current` (nullopt: the subject has
// none). A case that opens gets `new_case_id`; `earlier_reminder`, when set,
// is recorded first on a case that opens (the reminder fired before the case
// existed). A rung already recorded changes nothing and sends no notice. A
// circular for a subject without a case changes nothing.
RungOutcome ApplyRung(std::optional<SupervisionCase>& current, const RungArrival& arrival,
                      const std::string& new_case_id,
                      const std::optional<v1::RungRecord>& earlier_reminder = std::nullopt);

// Closes an open or raised case at `at`; false when it was closed already.
bool CloseCase(SupervisionCase& supervision_case, absl::Time at);

// True when the case holds `rung` (for RUNG_CIRCULAR: of `circular_id`).
bool HasRung(const SupervisionCase& supervision_case, common::v1::Rung rung,
             const std::string& circular_id = "");

// The case's state at the end of [.., t): opened before t and not closed before t.
bool OpenAt(const SupervisionCase& supervision_case, absl::Time t);

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_CASE_LADDER_H_

// The states of a minutes document or assignment sheet and the transitions
// between them, as pure functions on the Document message:
//
//   DRAFTING ──route──> COUNTERSIGNING ──(all countersigned)──> AWAITING_SIGN_OFF ──issue──> ISSUED
//      ^   └──route, nobody to countersign─────────────────────────^       │
//      │                 │ return (a countersigning unit)                  │ return (the leader)
//      └──save── RETURNED <───────────────────────────────────────────────┘
//
// Every function either applies its transition completely or returns an error
// and leaves the document untouched. An illegal transition is
// FAILED_PRECONDITION naming the current state. Who may act is checked by the
// caller; these functions only know the document. Thread-compatible.
#ifndef DUBAN_SERVICES_MINUTES_DOCUMENT_LIFECYCLE_H_
#define DUBAN_SERVICES_MINUTES_DOCUMENT_LIFECYCLE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "duban/minutes/v1/minutes.pb.h"

namespace duban::minutes {

using v1::Document;

// "DRAFTING", "ISSUED", ...
std::string StateName(v1::DocumentState state);

// Replaces the content of a draft (kind, title, number, items) while DRAFTING
// or RETURNED; a RETURNED draft goes back to DRAFTING. Items with ordinal 0 get
// their position (1-based). INVALID_ARGUMENT for duplicate or negative
// ordinals, naming the item.
absl::Status ReviseDraft(Document& document, const Document& content);

// Checks that every agreed item names a task, at least one responsible unit
// and a deadline. INVALID_ARGUMENT "items[<i>].<field>: ..." for the first
// that does not, or "items: ..." when there are none.
absl::Status CheckItemsComplete(const Document& document);

// Routes the draft for countersigning (送签) at `now`: from DRAFTING or
// RETURNED, with complete items. With no countersigning units the draft goes
// straight to AWAITING_SIGN_OFF. Sets routed_at the first time only (the
// draft deadline is met once).
absl::Status RouteForCountersign(Document& document,
                                 const std::vector<std::string>& countersigning_unit_ids,
                                 absl::Time now);

// Records `unit_id`'s countersignature by `person_id`; the last one moves the
// document to AWAITING_SIGN_OFF. FAILED_PRECONDITION unless COUNTERSIGNING or
// when the unit already countersigned; INVALID_ARGUMENT "unit_id: ..." when the
// unit was not asked to countersign.
absl::Status Countersign(Document& document, const std::string& unit_id,
                         const std::string& person_id, absl::Time now);

// Returns the draft for redrafting with `comment`: by a countersigning unit
// (`unit_id` set) while COUNTERSIGNING, or by the leader (`unit_id` empty)
// while COUNTERSIGNING or AWAITING_SIGN_OFF.
absl::Status ReturnDraft(Document& document, const std::string& unit_id,
                         const std::string& comment);

// Signs off and issues (签发) from AWAITING_SIGN_OFF: sets issued_at and
// issued_by and gives every item its id "<document id>-<ordinal>".
absl::Status SignOffAndIssue(Document& document, const std::string& issued_by, absl::Time now);

// The id an item of `document_id` gets in tasks.
std::string ItemId(const std::string& document_id, int ordinal);

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_DOCUMENT_LIFECYCLE_H_

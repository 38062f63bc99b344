// The rules of an item's lifecycle, free of storage and RPC: who may read or
// change an item, which transitions its status allows, and its traffic light.
// Every function is pure and thread-safe.
#ifndef DUBAN_SERVICES_TASKS_ITEM_RULES_H_
#define DUBAN_SERVICES_TASKS_ITEM_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "duban/registry/v1/registry.pb.h"
#include "duban/tasks/v1/tasks.pb.h"

namespace duban::tasks {

// What the item rules need to know about a caller, taken from their principal.
struct Actor {
  std::string subject;
  // The person id ("" for a service).
  std::string person_id;
  bool is_service = false;
  bool is_admin = false;
  bool is_office_liaison = false;
  bool is_supervision_group = false;
  bool is_district_leader = false;
  bool is_supervising_office_leader = false;
  // Units this caller is currently the liaison of.
  std::vector<std::string> liaison_units;
  // For a supervising office leader: the matters they supervise (filled in
  // from the registry by the tracker before a read).
  std::vector<std::string> supervised_matter_ids;

  // Services, admins, office liaisons and the supervision group read every item.
  bool ReadsEverything() const;
  bool IsLiaisonOf(absl::string_view unit_id) const;
};

Actor ActorFromPrincipal(const duban::registry::v1::Principal& principal);

// What a caller asks to do with an existing item.
enum class ItemAction {
  kAccept,
  kAddProgressNote,
  kSetPlannedCompletionDate,
  kReportComplete,
  kCloseOut,
  kReturnForRework,
  kRequestExtension,
  kDecideExtension,
  kRefer,
  kSplit,
};

const char* ActionName(ItemAction action);

// Whether `actor` may see `item` at all. A unit liaison sees items their unit
// leads or is responsible for; a district leader the items of their own
// dispatch events; a supervising office leader the items whose matter (the
// first one their document names) is one they supervise.
bool CanRead(const Actor& actor, const duban::tasks::v1::Item& item);

// Checks that `actor` may do `action` on `item` in its current status:
// PERMISSION_DENIED when the caller's role or unit does not allow it,
// FAILED_PRECONDITION naming the current status when the status does not.
absl::Status CheckAction(const Actor& actor, const duban::tasks::v1::Item& item, ItemAction action);

// The status the item is in after `action` (for the actions that move it).
duban::tasks::v1::ItemStatus StatusAfter(ItemAction action, duban::tasks::v1::ItemStatus from);

// "ASSIGNED", "REPORTED_COMPLETE", ...
std::string StatusName(duban::tasks::v1::ItemStatus status);

// Reported complete or closed: the responsible unit's work is done.
bool IsDone(duban::tasks::v1::ItemStatus status);
// Not closed and not split.
bool IsOpen(duban::tasks::v1::ItemStatus status);

// The traffic light at `now`: DONE once reported complete or closed; RED from
// `due_at` on; YELLOW from `due_at - warning_lead`; GREEN before.
duban::tasks::v1::Light LightAt(duban::tasks::v1::ItemStatus status, absl::Time due_at,
                                absl::Time now, absl::Duration warning_lead);

}  // namespace duban::tasks

#endif  // DUBAN_SERVICES_TASKS_ITEM_RULES_H_

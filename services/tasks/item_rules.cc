#include "services/tasks/item_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace duban::tasks {
namespace {

using duban::registry::v1::RoleKind;
using duban::tasks::v1::Item;
using duban::tasks::v1::ItemStatus;
using duban::tasks::v1::Light;

// Which unit a caller must speak for to do an action.
enum class Party { kResponsible, kLead, kLeadOrResponsible, kSupervisionGroup };

struct ActionRule {
  Party party;
  std::vector<ItemStatus> from;
};

ActionRule RuleOf(ItemAction action) {
  const std::vector<ItemStatus> kWorking = {duban::tasks::v1::ITEM_STATUS_ASSIGNED,
                                            duban::tasks::v1::ITEM_STATUS_ACCEPTED,
                                            duban::tasks::v1::ITEM_STATUS_IN_PROGRESS};
  switch (action) {
    case ItemAction::kAccept:
      return {Party::kResponsible, {duban::tasks::v1::ITEM_STATUS_ASSIGNED}};
    case ItemAction::kAddProgressNote:
      return {Party::kResponsible,
              {duban::tasks::v1::ITEM_STATUS_ACCEPTED, duban::tasks::v1::ITEM_STATUS_IN_PROGRESS}};
    case ItemAction::kSetPlannedCompletionDate:
      return {Party::kResponsible, kWorking};
    // Reporting complete straight from ASSIGNED accepts the item implicitly: a
    // unit that has done the work need not first say it will.
    case ItemAction::kReportComplete:
      return {Party::kResponsible, kWorking};
    case ItemAction::kCloseOut:
      return {Party::kLead, {duban::tasks::v1::ITEM_STATUS_REPORTED_COMPLETE}};
    case ItemAction::kReturnForRework:
      return {Party::kLead, {duban::tasks::v1::ITEM_STATUS_REPORTED_COMPLETE}};
    case ItemAction::kRequestExtension:
      return {Party::kResponsible, kWorking};
    case ItemAction::kDecideExtension:
      return {Party::kLead, kWorking};
    case ItemAction::kRefer:
      return {Party::kLeadOrResponsible, kWorking};
    case ItemAction::kSplit:
      return {Party::kSupervisionGroup, kWorking};
  }
  return {Party::kSupervisionGroup, {}};
}

bool IsResponsible(const Actor& actor, const Item& item) {
  return std::any_of(item.responsible_unit_ids().begin(), item.responsible_unit_ids().end(),
                     [&](const std::string& unit) { return actor.IsLiaisonOf(unit); });
}

bool Speaks(const Actor& actor, const Item& item, Party party) {
  switch (party) {
    case Party::kResponsible:
      return IsResponsible(actor, item);
    case Party::kLead:
      return actor.IsLiaisonOf(item.lead_unit_id());
    case Party::kLeadOrResponsible:
      return actor.IsLiaisonOf(item.lead_unit_id()) || IsResponsible(actor, item);
    case Party::kSupervisionGroup:
      return actor.is_supervision_group || actor.is_service;
  }
  return false;
}

const char* PartyName(Party party) {
  switch (party) {
    case Party::kResponsible:
      return "the liaison of a responsible unit";
    case Party::kLead:
      return "the liaison of the lead unit";
    case Party::kLeadOrResponsible:
      return "the liaison of the lead unit or of a responsible unit";
    case Party::kSupervisionGroup:
      return "the supervision group";
  }
  return "";
}

}  // namespace

bool Actor::ReadsEverything() const {
  return is_service || is_admin || is_office_liaison || is_supervision_group;
}

bool Actor::IsLiaisonOf(absl::string_view unit_id) const {
  return !unit_id.empty() &&
         std::find(liaison_units.begin(), liaison_units.end(), unit_id) != liaison_units.end();
}

Actor ActorFromPrincipal(const duban::registry::v1::Principal& principal) {
  Actor actor;
  actor.subject = principal.subject();
  actor.person_id = principal.person_id();
  actor.is_service = principal.is_service();
  for (const auto& role : principal.roles()) {
    switch (role.kind()) {
      case duban::registry::v1::ROLE_KIND_ADMIN:
        actor.is_admin = true;
        break;
      case duban::registry::v1::ROLE_KIND_OFFICE_LIAISON:
        actor.is_office_liaison = true;
        break;
      case duban::registry::v1::ROLE_KIND_UNIT_LIAISON:
        if (!role.unit_id().empty()) actor.liaison_units.push_back(role.unit_id());
        break;
      case duban::registry::v1::ROLE_KIND_DISTRICT_LEADER:
        actor.is_district_leader = true;
        break;
      case duban::registry::v1::ROLE_KIND_SUPERVISING_OFFICE_LEADER:
        actor.is_supervising_office_leader = true;
        break;
      case duban::registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER:
        actor.is_supervision_group = true;
        break;
      default:
        break;
    }
  }
  return actor;
}

const char* ActionName(ItemAction action) {
  switch (action) {
    case ItemAction::kAccept:
      return "accept";
    case ItemAction::kAddProgressNote:
      return "add a progress note to";
    case ItemAction::kSetPlannedCompletionDate:
      return "set the planned completion date of";
    case ItemAction::kReportComplete:
      return "report complete";
    case ItemAction::kCloseOut:
      return "close out";
    case ItemAction::kReturnForRework:
      return "return for rework";
    case ItemAction::kRequestExtension:
      return "request an extension of";
    case ItemAction::kDecideExtension:
      return "decide an extension of";
    case ItemAction::kRefer:
      return "refer";
    case ItemAction::kSplit:
      return "split";
  }
  return "change";
}

bool CanRead(const Actor& actor, const Item& item) {
  if (actor.ReadsEverything()) return true;
  if (actor.IsLiaisonOf(item.lead_unit_id()) || IsResponsible(actor, item)) return true;
  if (actor.is_district_leader && !actor.person_id.empty() &&
      item.source().leader_id() == actor.person_id) {
    return true;
  }
  const auto& supervised = actor.supervised_matter_ids;
  return actor.is_supervising_office_leader && !item.source().matter_ids().empty() &&
         std::find(supervised.begin(), supervised.end(), item.source().matter_ids(0)) !=
             supervised.end();
}

absl::Status CheckAction(const Actor& actor, const Item& item, ItemAction action) {
  const ActionRule rule = RuleOf(action);
  if (!Speaks(actor, item, rule.party)) {
    return absl::PermissionDeniedError(absl::StrCat("only ", PartyName(rule.party), " may ",
                                                    ActionName(action), " item ", item.id()));
  }
  if (std::find(rule.from.begin(), rule.from.end(), item.status()) == rule.from.end()) {
    std::vector<std::string> allowed;
    for (ItemStatus status : rule.from) allowed.push_back(StatusName(status));
    return absl::FailedPreconditionError(
        absl::StrCat("item ", item.id(), " is ", StatusName(item.status()), ": cannot ",
                     ActionName(action), " it (only when ", absl::StrJoin(allowed, " or "), ")"));
  }
  return absl::OkStatus();
}

ItemStatus StatusAfter(ItemAction action, ItemStatus from) {
  switch (action) {
    case ItemAction::kAccept:
      return duban::tasks::v1::ITEM_STATUS_ACCEPTED;
    case ItemAction::kAddProgressNote:
      return duban::tasks::v1::ITEM_STATUS_IN_PROGRESS;
    case ItemAction::kReportComplete:
      return duban::tasks::v1::ITEM_STATUS_REPORTED_COMPLETE;
    case ItemAction::kCloseOut:
      return duban::tasks::v1::ITEM_STATUS_CLOSED;
    case ItemAction::kReturnForRework:
      return duban::tasks::v1::ITEM_STATUS_IN_PROGRESS;
    case ItemAction::kSplit:
      return duban::tasks::v1::ITEM_STATUS_SPLIT;
    default:
      return from;
  }
}

std::string StatusName(ItemStatus status) {
  constexpr std::string_view kPrefix = "ITEM_STATUS_";
  std::string name = duban::tasks::v1::ItemStatus_Name(status);
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  return name;
}

bool IsDone(ItemStatus status) {
  return status == duban::tasks::v1::ITEM_STATUS_REPORTED_COMPLETE ||
         status == duban::tasks::v1::ITEM_STATUS_CLOSED;
}

bool IsOpen(ItemStatus status) {
  return status != duban::tasks::v1::ITEM_STATUS_CLOSED &&
         status != duban::tasks::v1::ITEM_STATUS_SPLIT;
}

Light LightAt(ItemStatus status, absl::Time due_at, absl::Time now, absl::Duration warning_lead) {
  if (IsDone(status)) return duban::tasks::v1::LIGHT_DONE;
  if (now >= due_at) return duban::tasks::v1::LIGHT_RED;
  if (now >= due_at - warning_lead) return duban::tasks::v1::LIGHT_YELLOW;
  return duban::tasks::v1::LIGHT_GREEN;
}

}  // namespace duban::tasks

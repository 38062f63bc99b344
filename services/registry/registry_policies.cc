#include "services/registry/registry_policies.h"

namespace duban::registry {
namespace {

using v1::ROLE_KIND_ADMIN;
using v1::ROLE_KIND_DISTRICT_LEADER;
using v1::ROLE_KIND_OFFICE_LIAISON;
using v1::ROLE_KIND_SUPERVISING_OFFICE_LEADER;
using v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER;
using v1::ROLE_KIND_UNIT_LIAISON;

MethodPolicy AdminsOnly() { return {.roles = {ROLE_KIND_ADMIN}, .services = true}; }

// Every authenticated person, with or without a role: each may learn their own roles.
MethodPolicy AnyoneAuthenticated() {
  return {.roles = {}, .services = true, .any_person = true, .without_role = true};
}

// Anyone who holds a role in the registry: a valid token for a subject the
// registry does not know reads nothing.
MethodPolicy AnyRoleHolder() {
  return {.roles = {ROLE_KIND_ADMIN, ROLE_KIND_OFFICE_LIAISON, ROLE_KIND_UNIT_LIAISON,
                    ROLE_KIND_DISTRICT_LEADER, ROLE_KIND_SUPERVISING_OFFICE_LEADER,
                    ROLE_KIND_SUPERVISION_GROUP_MEMBER},
          .services = true};
}

}  // namespace

std::map<std::string, MethodPolicy> RegistryPolicies() {
  std::map<std::string, MethodPolicy> policies;
  for (const char* method : {kCreateUnit, kCreatePerson, kGrantRole, kRevokeRole, kAssignLiaison,
                             kImportLiaisons, kImportMatterRegistry, kImportWorkCalendar}) {
    policies[method] = AdminsOnly();
  }
  for (const char* method :
       {kGetUnit, kListUnits, kGetPerson, kListPeople, kGetLiaison, kListLiaisonTerms, kGetMatter,
        kListMatters, kListRegistryVersions, kListCalendarDays, kIsWorkingDay, kAddWorkingDays}) {
    policies[method] = AnyRoleHolder();
  }
  // Everyone may learn their own roles (the handler refuses others' to non-services).
  policies[kResolvePrincipal] = AnyoneAuthenticated();
  policies[kListAuditRecords] = {.roles = {ROLE_KIND_ADMIN, ROLE_KIND_SUPERVISION_GROUP_MEMBER},
                                 .services = true};
  return policies;
}

}  // namespace duban::registry

#include "services/registry/registry_policies.h"

namespace duban::registry {
namespace {

using v1::ROLE_KIND_ADMIN;
using v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER;

MethodPolicy AdminsOnly() { return {.roles = {ROLE_KIND_ADMIN}, .services = true}; }

MethodPolicy AnyPerson() { return {.roles = {}, .services = true, .any_person = true}; }

}  // namespace

std::map<std::string, MethodPolicy> RegistryPolicies() {
  std::map<std::string, MethodPolicy> policies;
  for (const char* method : {kCreateUnit, kCreatePerson, kGrantRole, kRevokeRole, kAssignLiaison,
                             kImportLiaisons, kImportMatterRegistry, kImportWorkCalendar}) {
    policies[method] = AdminsOnly();
  }
  for (const char* method :
       {kGetUnit, kListUnits, kGetPerson, kListPeople, kGetLiaison, kListLiaisonTerms, kGetMatter,
        kListMatters, kListRegistryVersions, kListCalendarDays, kIsWorkingDay, kAddWorkingDays,
        kResolvePrincipal}) {
    policies[method] = AnyPerson();
  }
  policies[kListAuditRecords] = {.roles = {ROLE_KIND_ADMIN, ROLE_KIND_SUPERVISION_GROUP_MEMBER},
                                 .services = true};
  return policies;
}

}  // namespace duban::registry

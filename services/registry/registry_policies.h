// Who may call each RegistryService method (see registry_policies.cc).
#ifndef DUBAN_SERVICES_REGISTRY_REGISTRY_POLICIES_H_
#define DUBAN_SERVICES_REGISTRY_REGISTRY_POLICIES_H_

#include <map>
#include <string>

#include "common/auth.h"

namespace duban::registry {

#define DUBAN_REGISTRY_METHOD(name) "/duban.registry.v1.RegistryService/" #name
inline constexpr char kCreateUnit[] = DUBAN_REGISTRY_METHOD(CreateUnit);
inline constexpr char kGetUnit[] = DUBAN_REGISTRY_METHOD(GetUnit);
inline constexpr char kListUnits[] = DUBAN_REGISTRY_METHOD(ListUnits);
inline constexpr char kCreatePerson[] = DUBAN_REGISTRY_METHOD(CreatePerson);
inline constexpr char kGetPerson[] = DUBAN_REGISTRY_METHOD(GetPerson);
inline constexpr char kListPeople[] = DUBAN_REGISTRY_METHOD(ListPeople);
inline constexpr char kGrantRole[] = DUBAN_REGISTRY_METHOD(GrantRole);
inline constexpr char kRevokeRole[] = DUBAN_REGISTRY_METHOD(RevokeRole);
inline constexpr char kResolvePrincipal[] = DUBAN_REGISTRY_METHOD(ResolvePrincipal);
inline constexpr char kAssignLiaison[] = DUBAN_REGISTRY_METHOD(AssignLiaison);
inline constexpr char kGetLiaison[] = DUBAN_REGISTRY_METHOD(GetLiaison);
inline constexpr char kListLiaisonTerms[] = DUBAN_REGISTRY_METHOD(ListLiaisonTerms);
inline constexpr char kImportLiaisons[] = DUBAN_REGISTRY_METHOD(ImportLiaisons);
inline constexpr char kImportMatterRegistry[] = DUBAN_REGISTRY_METHOD(ImportMatterRegistry);
inline constexpr char kGetMatter[] = DUBAN_REGISTRY_METHOD(GetMatter);
inline constexpr char kListMatters[] = DUBAN_REGISTRY_METHOD(ListMatters);
inline constexpr char kListRegistryVersions[] = DUBAN_REGISTRY_METHOD(ListRegistryVersions);
inline constexpr char kImportWorkCalendar[] = DUBAN_REGISTRY_METHOD(ImportWorkCalendar);
inline constexpr char kListCalendarDays[] = DUBAN_REGISTRY_METHOD(ListCalendarDays);
inline constexpr char kIsWorkingDay[] = DUBAN_REGISTRY_METHOD(IsWorkingDay);
inline constexpr char kAddWorkingDays[] = DUBAN_REGISTRY_METHOD(AddWorkingDays);
inline constexpr char kListAuditRecords[] = DUBAN_REGISTRY_METHOD(ListAuditRecords);
#undef DUBAN_REGISTRY_METHOD

// Changes: admins (and the service identity); reads: any authenticated
// person; ResolvePrincipal: services and any person (for their own subject,
// checked by the domain); ListAuditRecords: admins and the supervision group.
std::map<std::string, MethodPolicy> RegistryPolicies();

}  // namespace duban::registry

#endif  // DUBAN_SERVICES_REGISTRY_REGISTRY_POLICIES_H_

// The registry's domain: units, people and roles, unit liaisons, the matter
// registry of form 2 with its versions, and the work calendar. Knows nothing
// of gRPC: requests and responses are the contract's messages, errors are
// absl::Status (INVALID_ARGUMENT naming the field, NOT_FOUND naming the id,
// FAILED_PRECONDITION naming the state). Who may call what is checked before
// (registry_policies.cc); the few resource-level rules are checked here.
// Thread-safe.
#ifndef DUBAN_SERVICES_REGISTRY_REGISTRY_H_
#define DUBAN_SERVICES_REGISTRY_REGISTRY_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/clock.h"
#include "duban/registry/v1/registry.pb.h"
#include "services/registry/registry_store.h"

namespace duban::registry {

class Registry {
 public:
  // Neither `store` nor `clock` is owned; both must outlive the registry.
  Registry(RegistryStore* store, const Clock* clock) : store_(store), clock_(clock) {}

  // Units.
  absl::StatusOr<v1::CreateUnitResponse> CreateUnit(const Caller& caller,
                                                    const v1::CreateUnitRequest& request);
  absl::StatusOr<v1::GetUnitResponse> GetUnit(const v1::GetUnitRequest& request);
  absl::StatusOr<v1::ListUnitsResponse> ListUnits(const v1::ListUnitsRequest& request);

  // People and roles. The unit liaison role follows liaison terms
  // (AssignLiaison), so GrantRole and RevokeRole refuse it.
  absl::StatusOr<v1::CreatePersonResponse> CreatePerson(const Caller& caller,
                                                        const v1::CreatePersonRequest& request);
  absl::StatusOr<v1::GetPersonResponse> GetPerson(const v1::GetPersonRequest& request);
  absl::StatusOr<v1::ListPeopleResponse> ListPeople(const v1::ListPeopleRequest& request);
  absl::StatusOr<v1::GrantRoleResponse> GrantRole(const Caller& caller,
                                                  const v1::GrantRoleRequest& request);
  absl::StatusOr<v1::RevokeRoleResponse> RevokeRole(const Caller& caller,
                                                    const v1::RevokeRoleRequest& request);

  // The principal of `request.subject()` (the caller's when empty); a subject
  // the registry does not know has no roles. A person may only resolve their
  // own subject (PERMISSION_DENIED otherwise); services and admins any.
  absl::StatusOr<v1::ResolvePrincipalResponse> ResolvePrincipal(
      const Caller& caller, const v1::ResolvePrincipalRequest& request);
  // The same lookup without the caller check (the local PrincipalResolver).
  absl::StatusOr<v1::Principal> PrincipalOf(const std::string& subject);

  // Unit liaisons: at most one current liaison per unit; replacing one needs
  // a reason (FAILED_PRECONDITION "reason: ..." otherwise) and moves the unit
  // liaison role from the old person to the new one at once.
  absl::StatusOr<v1::AssignLiaisonResponse> AssignLiaison(const Caller& caller,
                                                          const v1::AssignLiaisonRequest& request);
  absl::StatusOr<v1::GetLiaisonResponse> GetLiaison(const v1::GetLiaisonRequest& request);
  absl::StatusOr<v1::ListLiaisonTermsResponse> ListLiaisonTerms(
      const v1::ListLiaisonTermsRequest& request);
  // The whole file in one transaction; a row naming an unknown unit is
  // INVALID_ARGUMENT naming the line and the unit.
  absl::StatusOr<v1::ImportLiaisonsResponse> ImportLiaisons(
      const Caller& caller, const v1::ImportLiaisonsRequest& request);

  // The matter registry. An import is a full statement of form 2: it makes a
  // new version holding exactly the matters added, changed and retired, or
  // none when nothing differs (changed = false, the current version reported).
  // A leader's name the registry does not hold as a district leader makes a
  // new one (created, or granted the role), listed in new_leaders with the
  // line naming them first, so that a misspelt name does not pass unseen.
  absl::StatusOr<v1::ImportMatterRegistryResponse> ImportMatterRegistry(
      const Caller& caller, const v1::ImportMatterRegistryRequest& request);
  absl::StatusOr<v1::GetMatterResponse> GetMatter(const v1::GetMatterRequest& request);
  absl::StatusOr<v1::ListMattersResponse> ListMatters(const v1::ListMattersRequest& request);
  absl::StatusOr<v1::ListRegistryVersionsResponse> ListRegistryVersions(
      const v1::ListRegistryVersionsRequest& request);

  // The work calendar: a working day is a weekday that is not a holiday, or a
  // make-up workday.
  absl::StatusOr<v1::ImportWorkCalendarResponse> ImportWorkCalendar(
      const Caller& caller, const v1::ImportWorkCalendarRequest& request);
  absl::StatusOr<v1::ListCalendarDaysResponse> ListCalendarDays(
      const v1::ListCalendarDaysRequest& request);
  absl::StatusOr<v1::IsWorkingDayResponse> IsWorkingDay(const v1::IsWorkingDayRequest& request);
  absl::StatusOr<v1::AddWorkingDaysResponse> AddWorkingDays(
      const v1::AddWorkingDaysRequest& request);

  absl::StatusOr<v1::ListAuditRecordsResponse> ListAuditRecords(
      const v1::ListAuditRecordsRequest& request);

 private:
  // The clock's time at the database's precision (microseconds), so that an
  // answer reads the same before and after it is stored.
  absl::Time Now() const { return absl::FromUnixMicros(absl::ToUnixMicros(clock_->Now())); }

  RegistryStore* store_;
  const Clock* clock_;
};

}  // namespace duban::registry

#endif  // DUBAN_SERVICES_REGISTRY_REGISTRY_H_

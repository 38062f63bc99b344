#include "services/registry/registry.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/validation.h"
#include "services/registry/names.h"
#include "services/registry/registry_internal.h"
#include "services/registry/registry_policies.h"

namespace duban::registry {
namespace {

using internal::AuditOf;
using internal::DecodePageToken;
using internal::EncodePageToken;
using internal::NewId;
using internal::PageSize;

// The names a new unit is found by: its own, and for 政府办（效能办） also 政府办
// and 效能办; then any explicit aliases. Duplicates are dropped.
std::vector<UnitName> NamesOf(const std::string& name, const std::vector<std::string>& aliases) {
  std::vector<UnitName> names = {{name, UnitNameKind::kName}};
  const auto add = [&](const std::string& text, UnitNameKind kind) {
    if (text.empty()) return;
    for (const UnitName& existing : names) {
      if (existing.name == text) return;
    }
    names.push_back({text, kind});
  };
  UnitNameParts parts = SplitUnitName(name);
  add(parts.base, UnitNameKind::kBase);
  add(parts.alias, UnitNameKind::kAlias);
  for (const std::string& alias : aliases) add(alias, UnitNameKind::kAlias);
  return names;
}

absl::Status CheckPlainRole(const v1::Role& role) {
  if (role.kind() == v1::ROLE_KIND_UNSPECIFIED || !v1::RoleKind_IsValid(role.kind())) {
    return InvalidField("role.kind", "required");
  }
  if (role.kind() == v1::ROLE_KIND_UNIT_LIAISON) {
    return InvalidField("role.kind",
                        "the unit liaison role follows the unit's liaison (use AssignLiaison)");
  }
  if (!role.unit_id().empty()) {
    return InvalidField("role.unit_id", "only the unit liaison role names a unit");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Person> RequirePerson(RegistryTransaction& tx, const std::string& id) {
  if (id.empty()) return InvalidField("person_id", "required");
  DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Person> person, tx.GetPerson(id));
  if (!person) return absl::NotFoundError(absl::StrCat("person_id: no person ", id));
  return *person;
}

}  // namespace

absl::StatusOr<v1::CreateUnitResponse> Registry::CreateUnit(const Caller& caller,
                                                            const v1::CreateUnitRequest& request) {
  const std::string name = NormalizeUnitName(request.name());
  if (name.empty()) return InvalidField("name", "required");
  DUBAN_RETURN_IF_ERROR(CheckText("name", name, kMaxNameChars, TextLines::kSingle));
  std::vector<std::string> aliases;
  for (const std::string& alias : request.aliases()) {
    std::string normalized = NormalizeUnitName(alias);
    if (normalized.empty()) return InvalidField("aliases", "an alias is empty");
    DUBAN_RETURN_IF_ERROR(CheckText("aliases", normalized, kMaxNameChars, TextLines::kSingle));
    aliases.push_back(std::move(normalized));
  }
  v1::CreateUnitResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Change(kCreateUnit, request.request_id(), caller.subject(), request,
                                       &response, [&](RegistryTransaction& tx) {
                                         const absl::Time now = Now();
                                         v1::Unit unit;
                                         unit.set_id(NewId("unit-"));
                                         unit.set_name(name);
                                         unit.set_active(true);
                                         *unit.mutable_created_at() = ToProto(now);
                                         std::vector<UnitName> names = NamesOf(name, aliases);
                                         for (const UnitName& n : names) {
                                           if (n.kind == UnitNameKind::kAlias)
                                             unit.add_aliases(n.name);
                                         }
                                         DUBAN_RETURN_IF_ERROR(tx.InsertUnit(unit, names));
                                         *response.mutable_unit() = unit;
                                         return tx.Audit(AuditOf(caller, now, kCreateUnit, "unit",
                                                                 unit.id(), nullptr, &unit,
                                                                 request.request_id()));
                                       }));
  return response;
}

absl::StatusOr<v1::GetUnitResponse> Registry::GetUnit(const v1::GetUnitRequest& request) {
  if (request.unit_id().empty()) return InvalidField("unit_id", "required");
  v1::GetUnitResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Unit> unit, tx.GetUnit(request.unit_id()));
    if (!unit) return absl::NotFoundError(absl::StrCat("unit_id: no unit ", request.unit_id()));
    *response.mutable_unit() = *unit;
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::ListUnitsResponse> Registry::ListUnits(const v1::ListUnitsRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  UnitQuery query;
  query.name_contains = NormalizeUnitName(request.name_contains());
  query.without_liaison = request.without_liaison();
  query.limit = page_size + 1;
  if (!request.page_token().empty()) {
    DUBAN_ASSIGN_OR_RETURN(auto key, DecodePageToken("units", request.page_token(), 2));
    query.after_name = key[0];
    query.after_id = key[1];
  }
  v1::ListUnitsResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Unit> units, tx.ListUnits(query));
    if (static_cast<int>(units.size()) > page_size) {
      units.resize(page_size);
      response.set_next_page_token(
          EncodePageToken("units", {units.back().name(), units.back().id()}));
    }
    for (v1::Unit& unit : units) *response.add_units() = std::move(unit);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::CreatePersonResponse> Registry::CreatePerson(
    const Caller& caller, const v1::CreatePersonRequest& request) {
  const std::string name = NormalizePersonName(request.name());
  if (name.empty()) return InvalidField("name", "required");
  DUBAN_RETURN_IF_ERROR(CheckText("name", name, kMaxNameChars, TextLines::kSingle));
  DUBAN_RETURN_IF_ERROR(CheckText("phone", request.phone(), kMaxPhoneChars, TextLines::kSingle));
  DUBAN_RETURN_IF_ERROR(
      CheckText("oa_subject", request.oa_subject(), kMaxTitleChars, TextLines::kSingle));
  v1::CreatePersonResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Change(
      kCreatePerson, request.request_id(), caller.subject(), request, &response,
      [&](RegistryTransaction& tx) -> absl::Status {
        const absl::Time now = Now();
        if (!request.oa_subject().empty()) {
          DUBAN_ASSIGN_OR_RETURN(auto holder, tx.FindPersonBySubject(request.oa_subject()));
          if (holder) {
            return absl::AlreadyExistsError(absl::StrCat(
                "oa_subject: ", request.oa_subject(), " already belongs to person ", holder->id()));
          }
        }
        v1::Person person;
        person.set_id(NewId("p-"));
        person.set_name(name);
        person.set_phone(std::string(request.phone()));
        person.set_oa_subject(request.oa_subject());
        DUBAN_RETURN_IF_ERROR(tx.InsertPerson(person, now));
        *response.mutable_person() = person;
        return tx.Audit(AuditOf(caller, now, kCreatePerson, "person", person.id(), nullptr, &person,
                                request.request_id()));
      }));
  return response;
}

absl::StatusOr<v1::GetPersonResponse> Registry::GetPerson(const v1::GetPersonRequest& request) {
  v1::GetPersonResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(*response.mutable_person(), RequirePerson(tx, request.person_id()));
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::ListPeopleResponse> Registry::ListPeople(const v1::ListPeopleRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  if (!v1::RoleKind_IsValid(request.role())) return InvalidField("role", "unknown role");
  PersonQuery query;
  query.role = request.role();
  query.name_contains = NormalizePersonName(request.name_contains());
  query.limit = page_size + 1;
  if (!request.page_token().empty()) {
    DUBAN_ASSIGN_OR_RETURN(auto key, DecodePageToken("people", request.page_token(), 2));
    query.after_name = key[0];
    query.after_id = key[1];
  }
  v1::ListPeopleResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Person> people, tx.ListPeople(query));
    if (static_cast<int>(people.size()) > page_size) {
      people.resize(page_size);
      response.set_next_page_token(
          EncodePageToken("people", {people.back().name(), people.back().id()}));
    }
    for (v1::Person& person : people) *response.add_people() = std::move(person);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::GrantRoleResponse> Registry::GrantRole(const Caller& caller,
                                                          const v1::GrantRoleRequest& request) {
  DUBAN_RETURN_IF_ERROR(CheckPlainRole(request.role()));
  v1::GrantRoleResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Change(
      kGrantRole, request.request_id(), caller.subject(), request, &response,
      [&](RegistryTransaction& tx) -> absl::Status {
        const absl::Time now = Now();
        DUBAN_ASSIGN_OR_RETURN(v1::Person before, RequirePerson(tx, request.person_id()));
        DUBAN_ASSIGN_OR_RETURN(bool granted, tx.GrantRole(before.id(), request.role(), now));
        DUBAN_ASSIGN_OR_RETURN(*response.mutable_person(), RequirePerson(tx, before.id()));
        if (!granted) return absl::OkStatus();
        return tx.Audit(AuditOf(caller, now, kGrantRole, "person", before.id(), &before,
                                &response.person(), request.request_id()));
      }));
  return response;
}

absl::StatusOr<v1::RevokeRoleResponse> Registry::RevokeRole(const Caller& caller,
                                                            const v1::RevokeRoleRequest& request) {
  DUBAN_RETURN_IF_ERROR(CheckPlainRole(request.role()));
  v1::RevokeRoleResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Change(
      kRevokeRole, request.request_id(), caller.subject(), request, &response,
      [&](RegistryTransaction& tx) -> absl::Status {
        const absl::Time now = Now();
        DUBAN_ASSIGN_OR_RETURN(v1::Person before, RequirePerson(tx, request.person_id()));
        DUBAN_ASSIGN_OR_RETURN(bool revoked, tx.RevokeRole(before.id(), request.role()));
        DUBAN_ASSIGN_OR_RETURN(*response.mutable_person(), RequirePerson(tx, before.id()));
        if (!revoked) return absl::OkStatus();
        return tx.Audit(AuditOf(caller, now, kRevokeRole, "person", before.id(), &before,
                                &response.person(), request.request_id()));
      }));
  return response;
}

absl::StatusOr<v1::ResolvePrincipalResponse> Registry::ResolvePrincipal(
    const Caller& caller, const v1::ResolvePrincipalRequest& request) {
  const std::string subject = request.subject().empty() ? caller.subject() : request.subject();
  const bool own = subject == caller.subject() || subject == caller.principal().person_id();
  if (!own && !caller.is_service() && !caller.Has(v1::ROLE_KIND_ADMIN)) {
    return absl::PermissionDeniedError("subject: a person may only resolve their own subject");
  }
  v1::ResolvePrincipalResponse response;
  DUBAN_ASSIGN_OR_RETURN(*response.mutable_principal(), PrincipalOf(subject));
  return response;
}

absl::StatusOr<v1::Principal> Registry::PrincipalOf(const std::string& subject) {
  v1::Principal principal;
  principal.set_subject(subject);
  principal.set_is_service(absl::StartsWith(subject, "service:"));
  if (subject.empty() || principal.is_service()) return principal;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Person> person, tx.FindPersonBySubject(subject));
    if (!person) return absl::OkStatus();
    principal.set_person_id(person->id());
    principal.set_name(person->name());
    *principal.mutable_roles() = person->roles();
    return absl::OkStatus();
  }));
  return principal;
}

absl::StatusOr<v1::ListAuditRecordsResponse> Registry::ListAuditRecords(
    const v1::ListAuditRecordsRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  DUBAN_ASSIGN_OR_RETURN(db::AuditPage page,
                         store_->ListAudit(request.filter(), page_size, request.page_token()));
  v1::ListAuditRecordsResponse response;
  for (auto& record : page.records) *response.add_records() = std::move(record);
  response.set_next_page_token(page.next_page_token);
  return response;
}

}  // namespace duban::registry

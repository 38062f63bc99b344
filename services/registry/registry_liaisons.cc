// Unit liaisons: at most one current liaison per unit, history kept.
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/validation.h"
#include "services/registry/names.h"
#include "services/registry/registry.h"
#include "services/registry/registry_internal.h"
#include "services/registry/registry_policies.h"
#include "services/registry/sheets.h"

namespace duban::registry {
namespace {

using internal::AuditOf;
using internal::DecodePageToken;
using internal::EncodePageToken;
using internal::NewId;
using internal::PageSize;

v1::Role LiaisonRole(const std::string& unit_id) {
  v1::Role role;
  role.set_kind(v1::ROLE_KIND_UNIT_LIAISON);
  role.set_unit_id(unit_id);
  return role;
}

// Makes `person` the liaison of `unit` in one transaction. Keeps the current
// term when it is already theirs (returned with changed = false).
class LiaisonChange {
 public:
  LiaisonChange(RegistryTransaction& tx, const Caller& caller, absl::Time now, const char* method,
                const std::string& request_id)
      : tx_(tx), caller_(caller), now_(now), method_(method), request_id_(request_id) {}

  struct Result {
    v1::LiaisonTerm term;
    bool changed = false;
  };

  absl::StatusOr<Result> Assign(const v1::Unit& unit, const v1::Person& person,
                                const std::string& phone, const std::string& reason) {
    DUBAN_ASSIGN_OR_RETURN(std::optional<v1::LiaisonTerm> current, tx_.CurrentLiaison(unit.id()));
    if (current && current->person_id() == person.id()) return Result{*current, false};
    if (current && reason.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("reason: required to replace the liaison of ", unit.name(), " (currently ",
                       current->person_name(), ")"));
    }
    if (current) {
      DUBAN_RETURN_IF_ERROR(tx_.EndLiaisonTerm(unit.id(), now_));
      DUBAN_RETURN_IF_ERROR(tx_.RevokeRole(current->person_id(), LiaisonRole(unit.id())).status());
      *current->mutable_ended_at() = ToProto(now_);
    }
    v1::LiaisonTerm term;
    term.set_unit_id(unit.id());
    term.set_person_id(person.id());
    term.set_person_name(person.name());
    term.set_phone(phone.empty() ? person.phone() : phone);
    *term.mutable_started_at() = ToProto(now_);
    term.set_reason(reason);
    term.set_changed_by(caller_.subject());
    DUBAN_RETURN_IF_ERROR(tx_.InsertLiaisonTerm(term));
    DUBAN_RETURN_IF_ERROR(tx_.GrantRole(person.id(), LiaisonRole(unit.id()), now_).status());
    DUBAN_RETURN_IF_ERROR(tx_.Audit(AuditOf(caller_, now_, method_, "liaison_term", unit.id(),
                                            current ? &*current : nullptr, &term, request_id_)));
    return Result{term, true};
  }

  // The person named `name`: one with this phone if any, else the only one,
  // else a new person.
  absl::StatusOr<v1::Person> PersonNamed(const std::string& name, const std::string& phone) {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Person> people, tx_.FindPeopleByName(name));
    for (const v1::Person& person : people) {
      if (!phone.empty() && person.phone() == phone) return person;
    }
    if (people.size() == 1 && (phone.empty() || people.front().phone().empty())) {
      return people.front();
    }
    v1::Person person;
    person.set_id(NewId("p-"));
    person.set_name(name);
    person.set_phone(phone);
    DUBAN_RETURN_IF_ERROR(tx_.InsertPerson(person, now_));
    DUBAN_RETURN_IF_ERROR(tx_.Audit(
        AuditOf(caller_, now_, method_, "person", person.id(), nullptr, &person, request_id_)));
    return person;
  }

 private:
  RegistryTransaction& tx_;
  const Caller& caller_;
  const absl::Time now_;
  const char* method_;
  const std::string& request_id_;
};

absl::StatusOr<v1::Unit> RequireUnit(RegistryTransaction& tx, const std::string& id) {
  if (id.empty()) return InvalidField("unit_id", "required");
  DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Unit> unit, tx.GetUnit(id));
  if (!unit) return absl::NotFoundError(absl::StrCat("unit_id: no unit ", id));
  return *unit;
}

}  // namespace

absl::StatusOr<v1::AssignLiaisonResponse> Registry::AssignLiaison(
    const Caller& caller, const v1::AssignLiaisonRequest& request) {
  const std::string name = NormalizePersonName(request.person_name());
  if (request.person_id().empty() && name.empty()) {
    return InvalidField("person_id", "give a person_id or a person_name");
  }
  DUBAN_RETURN_IF_ERROR(CheckText("person_name", name, kMaxNameChars, TextLines::kSingle));
  DUBAN_RETURN_IF_ERROR(CheckText("phone", request.phone(), kMaxPhoneChars, TextLines::kSingle));
  DUBAN_RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxContentChars));
  v1::AssignLiaisonResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Change(
      kAssignLiaison, request.request_id(), caller.subject(), request, &response,
      [&](RegistryTransaction& tx) -> absl::Status {
        LiaisonChange change(tx, caller, Now(), kAssignLiaison, request.request_id());
        DUBAN_ASSIGN_OR_RETURN(v1::Unit unit, RequireUnit(tx, request.unit_id()));
        v1::Person person;
        if (!request.person_id().empty()) {
          DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Person> found,
                                 tx.GetPerson(request.person_id()));
          if (!found) {
            return absl::NotFoundError(absl::StrCat("person_id: no person ", request.person_id()));
          }
          person = *found;
        } else {
          DUBAN_ASSIGN_OR_RETURN(person, change.PersonNamed(name, request.phone()));
        }
        DUBAN_ASSIGN_OR_RETURN(LiaisonChange::Result result,
                               change.Assign(unit, person, request.phone(), request.reason()));
        *response.mutable_term() = result.term;
        return absl::OkStatus();
      }));
  return response;
}

absl::StatusOr<v1::GetLiaisonResponse> Registry::GetLiaison(const v1::GetLiaisonRequest& request) {
  if (request.has_as_of()) DUBAN_RETURN_IF_ERROR(CheckTimestamp("as_of", request.as_of()));
  const absl::Time at = request.has_as_of() ? FromProto(request.as_of()) : Now();
  v1::GetLiaisonResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_RETURN_IF_ERROR(RequireUnit(tx, request.unit_id()).status());
    DUBAN_ASSIGN_OR_RETURN(std::optional<v1::LiaisonTerm> term,
                           tx.LiaisonAt(request.unit_id(), at));
    if (term) *response.mutable_term() = *term;
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::ListLiaisonTermsResponse> Registry::ListLiaisonTerms(
    const v1::ListLiaisonTermsRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  int64_t after = 0;
  if (!request.page_token().empty()) {
    DUBAN_ASSIGN_OR_RETURN(auto key, DecodePageToken("liaison_terms", request.page_token(), 2));
    if (key[0] != request.unit_id() || !absl::SimpleAtoi(key[1], &after)) {
      return InvalidField("page_token", "not a token of this unit's liaison terms");
    }
  }
  v1::ListLiaisonTermsResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_RETURN_IF_ERROR(RequireUnit(tx, request.unit_id()).status());
    DUBAN_ASSIGN_OR_RETURN(auto terms,
                           tx.ListLiaisonTerms(request.unit_id(), after, page_size + 1));
    if (static_cast<int>(terms.size()) > page_size) {
      terms.resize(page_size);
      response.set_next_page_token(
          EncodePageToken("liaison_terms", {request.unit_id(), absl::StrCat(terms.back().first)}));
    }
    for (auto& [sequence, term] : terms) *response.add_terms() = std::move(term);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::ImportLiaisonsResponse> Registry::ImportLiaisons(
    const Caller& caller, const v1::ImportLiaisonsRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(std::vector<LiaisonRow> rows, ReadLiaisonSheet(request.csv()));
  DUBAN_RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxContentChars));
  for (const LiaisonRow& row : rows) {
    const std::string line = absl::StrCat("csv: line ", row.line, ": ");
    DUBAN_RETURN_IF_ERROR(CheckText(line + "unit", row.unit, kMaxNameChars, TextLines::kSingle));
    DUBAN_RETURN_IF_ERROR(CheckText(line + "name", row.name, kMaxNameChars, TextLines::kSingle));
    DUBAN_RETURN_IF_ERROR(CheckText(line + "phone", row.phone, kMaxPhoneChars, TextLines::kSingle));
  }
  v1::ImportLiaisonsResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Change(
      kImportLiaisons, request.request_id(), caller.subject(), request, &response,
      [&](RegistryTransaction& tx) -> absl::Status {
        LiaisonChange change(tx, caller, Now(), kImportLiaisons, request.request_id());
        for (const LiaisonRow& row : rows) {
          DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Unit> unit, tx.FindUnitByName(row.unit));
          if (!unit) {
            return absl::InvalidArgumentError(
                absl::StrCat("csv: line ", row.line, ": unknown unit ", row.unit));
          }
          DUBAN_ASSIGN_OR_RETURN(std::optional<v1::LiaisonTerm> current,
                                 tx.CurrentLiaison(unit->id()));
          if (current && current->person_name() == row.name) {
            response.set_unchanged(response.unchanged() + 1);
            continue;
          }
          DUBAN_ASSIGN_OR_RETURN(v1::Person person, change.PersonNamed(row.name, row.phone));
          DUBAN_ASSIGN_OR_RETURN(LiaisonChange::Result result,
                                 change.Assign(*unit, person, row.phone, request.reason()));
          if (result.changed) {
            response.set_assigned(response.assigned() + 1);
          } else {
            response.set_unchanged(response.unchanged() + 1);
          }
        }
        return absl::OkStatus();
      }));
  return response;
}

}  // namespace duban::registry

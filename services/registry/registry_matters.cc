// The matter registry of form 2: import, versions and queries.
#include <algorithm>
#include <map>
#include <set>

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

// One import's work inside its transaction: finds or creates the units and
// people form 2 names, then states the matters as a new version.
class MatterImport {
 public:
  MatterImport(RegistryTransaction& tx, const Caller& caller, absl::Time now,
               const std::string& request_id)
      : tx_(tx), caller_(caller), now_(now), request_id_(request_id) {}

  absl::StatusOr<v1::ImportMatterRegistryResponse> Run(const std::vector<MatterRow>& rows) {
    std::vector<v1::Matter> stated;
    for (const MatterRow& row : rows) {
      DUBAN_ASSIGN_OR_RETURN(v1::Matter matter, Resolve(row));
      stated.push_back(std::move(matter));
    }
    DUBAN_ASSIGN_OR_RETURN(v1::RegistryVersion version, StateMatters(stated));
    v1::ImportMatterRegistryResponse response;
    response.set_changed(changed_);
    *response.mutable_version() = version;
    response.set_matters(static_cast<int>(rows.size()));
    response.set_units(static_cast<int>(units_.size()));
    response.set_leaders(static_cast<int>(leaders_.size()));
    response.set_supervising_leaders(static_cast<int>(supervisors_.size()));
    response.set_office_liaisons(static_cast<int>(liaisons_.size()));
    for (v1::NewLeader& leader : new_leaders_) *response.add_new_leaders() = std::move(leader);
    return response;
  }

 private:
  // The matter a row states, as the next version would hold it (id and
  // version filled in later).
  absl::StatusOr<v1::Matter> Resolve(const MatterRow& row) {
    v1::Matter matter;
    matter.set_number(row.number);
    DUBAN_ASSIGN_OR_RETURN(RoleHolder leader, Person(row.leader, v1::ROLE_KIND_DISTRICT_LEADER));
    if (leader.new_in_role) {
      v1::NewLeader& added = new_leaders_.emplace_back();
      added.set_person_id(leader.id);
      added.set_name(row.leader);
      added.set_line(row.line);
      added.set_created(leader.created);
    }
    leaders_.insert(leader.id);
    matter.set_leader_id(leader.id);
    matter.set_leader_name(row.leader);
    matter.set_leader_order(row.leader_order);
    matter.set_content(row.content);
    matter.set_cycle(row.cycle);
    matter.set_all_units(row.all_units);
    for (const std::string& name : row.lead_units) {
      DUBAN_ASSIGN_OR_RETURN(std::string unit, Unit(name));
      units_.insert(unit);
      matter.add_lead_unit_ids(unit);
    }
    DUBAN_ASSIGN_OR_RETURN(RoleHolder supervisor,
                           Person(row.supervising_leader, v1::ROLE_KIND_SUPERVISING_OFFICE_LEADER));
    supervisors_.insert(supervisor.id);
    matter.set_supervising_leader_id(supervisor.id);
    for (const std::string& name : row.office_liaisons) {
      DUBAN_ASSIGN_OR_RETURN(RoleHolder liaison, Person(name, v1::ROLE_KIND_OFFICE_LIAISON));
      liaisons_.insert(liaison.id);
      matter.add_office_liaison_ids(liaison.id);
    }
    return matter;
  }

  absl::StatusOr<std::string> Unit(const std::string& name) {
    DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Unit> existing, tx_.FindUnitByName(name));
    if (existing) return existing->id();
    v1::Unit unit;
    unit.set_id(NewId("unit-"));
    unit.set_name(name);
    unit.set_active(true);
    *unit.mutable_created_at() = ToProto(now_);
    std::vector<UnitName> names = {{name, UnitNameKind::kName}};
    UnitNameParts parts = SplitUnitName(name);
    if (!parts.base.empty()) {
      names.push_back({parts.base, UnitNameKind::kBase});
      names.push_back({parts.alias, UnitNameKind::kAlias});
      unit.add_aliases(parts.alias);
    }
    DUBAN_RETURN_IF_ERROR(tx_.InsertUnit(unit, names));
    DUBAN_RETURN_IF_ERROR(Audit("unit", unit.id(), nullptr, &unit));
    return unit.id();
  }

  // A person holding a role, and whether this import gave it to them.
  struct RoleHolder {
    std::string id;
    bool new_in_role = false;  // granted the role by this import
    bool created = false;      // not in the registry before this import
  };

  // The person of that name (preferring one who already holds `role`),
  // created when there is none, and granted `role`.
  absl::StatusOr<RoleHolder> Person(const std::string& name, v1::RoleKind role) {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Person> people, tx_.FindPeopleByName(name));
    auto holder = std::find_if(people.begin(), people.end(), [&](const v1::Person& p) {
      return std::any_of(p.roles().begin(), p.roles().end(),
                         [&](const v1::Role& r) { return r.kind() == role; });
    });
    if (holder != people.end()) return RoleHolder{.id = holder->id()};
    v1::Person person;
    if (!people.empty()) {
      person = people.front();
    } else {
      person.set_id(NewId("p-"));
      person.set_name(name);
      DUBAN_RETURN_IF_ERROR(tx_.InsertPerson(person, now_));
      DUBAN_RETURN_IF_ERROR(Audit("person", person.id(), nullptr, &person));
    }
    const v1::Person before = person;
    v1::Role granted;
    granted.set_kind(role);
    DUBAN_RETURN_IF_ERROR(tx_.GrantRole(person.id(), granted, now_).status());
    *person.add_roles() = granted;
    DUBAN_RETURN_IF_ERROR(Audit("person", person.id(), &before, &person));
    return RoleHolder{.id = person.id(), .new_in_role = true, .created = people.empty()};
  }

  static bool SameState(const v1::Matter& a, const v1::Matter& b) {
    return a.number() == b.number() && a.content() == b.content() && a.cycle() == b.cycle() &&
           a.all_units() == b.all_units() && a.retired() == b.retired() &&
           a.supervising_leader_id() == b.supervising_leader_id() &&
           std::equal(a.lead_unit_ids().begin(), a.lead_unit_ids().end(), b.lead_unit_ids().begin(),
                      b.lead_unit_ids().end()) &&
           std::equal(a.office_liaison_ids().begin(), a.office_liaison_ids().end(),
                      b.office_liaison_ids().begin(), b.office_liaison_ids().end());
  }

  // Compares `stated` with the current version and writes a new version
  // holding the differences, if there are any.
  absl::StatusOr<v1::RegistryVersion> StateMatters(std::vector<v1::Matter>& stated) {
    DUBAN_ASSIGN_OR_RETURN(std::optional<v1::RegistryVersion> current, tx_.CurrentVersion(true));
    const int64_t current_number = current ? current->version() : 0;
    MatterQuery query;
    query.version = current_number;
    query.limit = 1 << 20;
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Matter> before, tx_.ListMatters(query));
    std::map<std::string, v1::Matter> remaining;
    for (v1::Matter& matter : before) remaining.emplace(matter.id(), std::move(matter));

    const int64_t next = current_number + 1;
    std::vector<std::pair<std::optional<v1::Matter>, v1::Matter>> changes;
    for (v1::Matter& matter : stated) {
      DUBAN_ASSIGN_OR_RETURN(auto identity,
                             tx_.FindMatter(matter.leader_id(), matter.leader_order()));
      matter.set_version(next);
      if (!identity) {
        matter.set_id(NewId("m-"));
        changes.emplace_back(std::nullopt, matter);
        continue;
      }
      matter.set_id(identity->id);
      auto old = remaining.find(identity->id);
      if (old == remaining.end()) {
        changes.emplace_back(std::nullopt, matter);  // Back from retirement.
        continue;
      }
      if (!SameState(old->second, matter)) changes.emplace_back(old->second, matter);
      remaining.erase(old);
    }
    for (auto& [id, matter] : remaining) {
      v1::Matter retired = matter;
      retired.set_retired(true);
      retired.set_version(next);
      changes.emplace_back(matter, retired);
    }
    if (changes.empty()) return current ? *current : v1::RegistryVersion();
    return WriteVersion(next, changes);
  }

  absl::StatusOr<v1::RegistryVersion> WriteVersion(
      int64_t next, const std::vector<std::pair<std::optional<v1::Matter>, v1::Matter>>& changes) {
    changed_ = true;
    v1::RegistryVersion version;
    version.set_version(next);
    *version.mutable_created_at() = ToProto(now_);
    version.set_created_by(caller_.subject());
    version.set_source("import");
    for (const auto& [before, after] : changes) {
      if (!before) {
        version.set_matters_added(version.matters_added() + 1);
        DUBAN_ASSIGN_OR_RETURN(auto identity,
                               tx_.FindMatter(after.leader_id(), after.leader_order()));
        if (!identity) {
          DUBAN_RETURN_IF_ERROR(
              tx_.InsertMatter({after.id(), after.leader_id(), after.leader_order()}, next));
        }
      } else if (after.retired()) {
        version.set_matters_retired(version.matters_retired() + 1);
      } else {
        version.set_matters_changed(version.matters_changed() + 1);
      }
      DUBAN_RETURN_IF_ERROR(tx_.CloseMatterState(after.id(), next));
      DUBAN_RETURN_IF_ERROR(tx_.InsertMatterState(after));
      DUBAN_RETURN_IF_ERROR(Audit("matter", after.id(), before ? &*before : nullptr, &after));
    }
    DUBAN_RETURN_IF_ERROR(tx_.InsertVersion(version, ""));
    DUBAN_RETURN_IF_ERROR(Audit("registry_version", absl::StrCat(next), nullptr, &version));
    return version;
  }

  absl::Status Audit(std::string_view type, const std::string& id,
                     const google::protobuf::Message* before,
                     const google::protobuf::Message* after) {
    return tx_.Audit(
        AuditOf(caller_, now_, kImportMatterRegistry, type, id, before, after, request_id_));
  }

  RegistryTransaction& tx_;
  const Caller& caller_;
  const absl::Time now_;
  const std::string& request_id_;
  bool changed_ = false;
  std::set<std::string> units_, leaders_, supervisors_, liaisons_;
  std::vector<v1::NewLeader> new_leaders_;
};

// The version a query asks for: `version`, or the one current at `as_of`, or
// the current one. INVALID_ARGUMENT naming the field for one that does not exist.
absl::StatusOr<int64_t> VersionOf(RegistryTransaction& tx, int64_t version,
                                  const google::protobuf::Timestamp* as_of) {
  if (as_of != nullptr) {
    DUBAN_RETURN_IF_ERROR(CheckTimestamp("as_of", *as_of));
    return tx.VersionAt(FromProto(*as_of));
  }
  DUBAN_ASSIGN_OR_RETURN(std::optional<v1::RegistryVersion> current, tx.CurrentVersion(false));
  const int64_t current_number = current ? current->version() : 0;
  if (version == 0) return current_number;
  if (version < 0 || version > current_number) {
    return InvalidField("version", absl::StrCat("no registry version ", version,
                                                " (the current one is ", current_number, ")"));
  }
  return version;
}

}  // namespace

namespace {

// The text of each row within the limits of its kind, naming the line.
absl::Status CheckMatterRows(const std::vector<MatterRow>& rows) {
  for (const MatterRow& row : rows) {
    const std::string line = absl::StrCat("csv: line ", row.line, ": ");
    DUBAN_RETURN_IF_ERROR(CheckText(line + "content", row.content, kMaxContentChars));
    std::vector<std::string> names = {row.leader, row.supervising_leader};
    names.insert(names.end(), row.lead_units.begin(), row.lead_units.end());
    names.insert(names.end(), row.office_liaisons.begin(), row.office_liaisons.end());
    for (const std::string& name : names) {
      DUBAN_RETURN_IF_ERROR(CheckText(line + "name", name, kMaxNameChars, TextLines::kSingle));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ImportMatterRegistryResponse> Registry::ImportMatterRegistry(
    const Caller& caller, const v1::ImportMatterRegistryRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(std::vector<MatterRow> rows, ReadMatterSheet(request.csv()));
  DUBAN_RETURN_IF_ERROR(CheckMatterRows(rows));
  v1::ImportMatterRegistryResponse response;
  const auto body = [&](RegistryTransaction& tx) -> absl::Status {
    MatterImport import(tx, caller, Now(), request.request_id());
    DUBAN_ASSIGN_OR_RETURN(response, import.Run(rows));
    return absl::OkStatus();
  };
  if (request.dry_run()) {
    DUBAN_RETURN_IF_ERROR(store_->Read(body));
  } else {
    DUBAN_RETURN_IF_ERROR(store_->Change(kImportMatterRegistry, request.request_id(),
                                         caller.subject(), request, &response, body));
  }
  return response;
}

absl::StatusOr<v1::GetMatterResponse> Registry::GetMatter(const v1::GetMatterRequest& request) {
  if (request.matter_id().empty()) return InvalidField("matter_id", "required");
  v1::GetMatterResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(int64_t version,
                           VersionOf(tx, 0, request.has_as_of() ? &request.as_of() : nullptr));
    DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Matter> matter,
                           tx.MatterAt(request.matter_id(), version));
    if (!matter) {
      return absl::NotFoundError(absl::StrCat("matter_id: no matter ", request.matter_id(),
                                              " in registry version ", version));
    }
    *response.mutable_matter() = *matter;
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::ListMattersResponse> Registry::ListMatters(
    const v1::ListMattersRequest& request) {
  if (request.has_as_of() && request.version() != 0) {
    return InvalidField("as_of", "give at most one of as_of and version");
  }
  DUBAN_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size(), 100));
  MatterQuery query;
  query.leader_id = request.leader_id();
  query.lead_unit_id = request.lead_unit_id();
  query.include_retired = request.include_retired();
  query.limit = page_size + 1;
  int64_t token_version = 0;
  if (!request.page_token().empty()) {
    DUBAN_ASSIGN_OR_RETURN(auto key, DecodePageToken("matters", request.page_token(), 3));
    if (!absl::SimpleAtoi(key[0], &token_version) ||
        !absl::SimpleAtoi(key[1], &query.after_number)) {
      return InvalidField("page_token", "not a token of matters");
    }
    query.after_id = key[2];
  }
  v1::ListMattersResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    // A page token pins the version its first page was read from.
    if (token_version > 0) {
      query.version = token_version;
    } else {
      DUBAN_ASSIGN_OR_RETURN(
          query.version,
          VersionOf(tx, request.version(), request.has_as_of() ? &request.as_of() : nullptr));
    }
    response.set_version(query.version);
    if (query.version == 0) return absl::OkStatus();
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Matter> matters, tx.ListMatters(query));
    if (static_cast<int>(matters.size()) > page_size) {
      matters.resize(page_size);
      response.set_next_page_token(
          EncodePageToken("matters", {absl::StrCat(query.version),
                                      absl::StrCat(matters.back().number()), matters.back().id()}));
    }
    for (v1::Matter& matter : matters) *response.add_matters() = std::move(matter);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::ListRegistryVersionsResponse> Registry::ListRegistryVersions(
    const v1::ListRegistryVersionsRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  int64_t after = 0;
  if (!request.page_token().empty()) {
    DUBAN_ASSIGN_OR_RETURN(auto key, DecodePageToken("versions", request.page_token(), 1));
    if (!absl::SimpleAtoi(key[0], &after)) return InvalidField("page_token", "not a page token");
  }
  v1::ListRegistryVersionsResponse response;
  DUBAN_RETURN_IF_ERROR(store_->Read([&](RegistryTransaction& tx) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::RegistryVersion> versions,
                           tx.ListVersions(after, page_size + 1));
    if (static_cast<int>(versions.size()) > page_size) {
      versions.resize(page_size);
      response.set_next_page_token(
          EncodePageToken("versions", {absl::StrCat(versions.back().version())}));
    }
    for (v1::RegistryVersion& version : versions) *response.add_versions() = std::move(version);
    return absl::OkStatus();
  }));
  return response;
}

}  // namespace duban::registry

// Storage of the registry behind an interface: the domain (registry.h) works
// on a RegistryTransaction; MySqlRegistryStore implements it over MariaDB.
#ifndef DUBAN_SERVICES_REGISTRY_REGISTRY_STORE_H_
#define DUBAN_SERVICES_REGISTRY_REGISTRY_STORE_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/audit.h"
#include "duban/common/v1/common.pb.h"
#include "duban/registry/v1/registry.pb.h"

namespace duban::registry {

// Which names a unit is found by (unit_names.kind).
enum class UnitNameKind { kName, kBase, kAlias };

struct UnitName {
  std::string name;
  UnitNameKind kind = UnitNameKind::kName;
};

struct UnitQuery {
  std::string name_contains;
  bool without_liaison = false;
  // Keyset paging: units ordered by (name, id) after this position.
  std::string after_name;
  std::string after_id;
  int limit = 100;
};

struct PersonQuery {
  v1::RoleKind role = v1::ROLE_KIND_UNSPECIFIED;
  std::string name_contains;
  // Keyset paging: people ordered by (name, id) after this position.
  std::string after_name;
  std::string after_id;
  int limit = 100;
};

struct MatterQuery {
  int64_t version = 0;
  std::string leader_id;
  std::string lead_unit_id;
  bool include_retired = false;
  // Keyset paging: matters ordered by (number, id) after this position.
  int after_number = 0;
  std::string after_id;
  int limit = 1000;
};

// What identifies a matter across versions: its leader and its order among
// the leader's rows. A v1::Matter read for a version carries, in its version
// field, the version that introduced that state.
struct MatterIdentity {
  std::string id;
  std::string leader_id;
  int leader_order = 0;
};

// The operations of one transaction. Every method returns UNAVAILABLE when
// the database is unreachable and INTERNAL for anything unexpected; lookups
// return std::nullopt (not NOT_FOUND) for what does not exist. Not thread-safe:
// one transaction belongs to one call.
class RegistryTransaction {
 public:
  virtual ~RegistryTransaction() = default;

  // Units. InsertUnit gives ALREADY_EXISTS when one of `names` is taken.
  virtual absl::Status InsertUnit(const v1::Unit& unit, const std::vector<UnitName>& names) = 0;
  virtual absl::StatusOr<std::optional<v1::Unit>> GetUnit(const std::string& id) = 0;
  // By any of the unit's names (full name, base name or alias).
  virtual absl::StatusOr<std::optional<v1::Unit>> FindUnitByName(const std::string& name) = 0;
  virtual absl::StatusOr<std::vector<v1::Unit>> ListUnits(const UnitQuery& query) = 0;

  // People, with their current roles.
  virtual absl::Status InsertPerson(const v1::Person& person, absl::Time created_at) = 0;
  virtual absl::Status UpdatePhone(const std::string& person_id, const std::string& phone) = 0;
  virtual absl::StatusOr<std::optional<v1::Person>> GetPerson(const std::string& id) = 0;
  // The person whose id or oa_subject is `subject`.
  virtual absl::StatusOr<std::optional<v1::Person>> FindPersonBySubject(
      const std::string& subject) = 0;
  // Everyone with exactly this (normalized) name, oldest first.
  virtual absl::StatusOr<std::vector<v1::Person>> FindPeopleByName(const std::string& name) = 0;
  virtual absl::StatusOr<std::vector<v1::Person>> ListPeople(const PersonQuery& query) = 0;
  // Both return whether anything changed.
  virtual absl::StatusOr<bool> GrantRole(const std::string& person_id, const v1::Role& role,
                                         absl::Time at) = 0;
  virtual absl::StatusOr<bool> RevokeRole(const std::string& person_id, const v1::Role& role) = 0;

  // Liaison terms (person_name filled in from people).
  virtual absl::StatusOr<std::optional<v1::LiaisonTerm>> LiaisonAt(const std::string& unit_id,
                                                                   absl::Time at) = 0;
  virtual absl::StatusOr<std::optional<v1::LiaisonTerm>> CurrentLiaison(
      const std::string& unit_id) = 0;
  // Ends the unit's open term at `at` (no-op without one).
  virtual absl::Status EndLiaisonTerm(const std::string& unit_id, absl::Time at) = 0;
  virtual absl::Status InsertLiaisonTerm(const v1::LiaisonTerm& term) = 0;
  // Terms oldest first, after the term with sequence `after` (0: from the start).
  virtual absl::StatusOr<std::vector<std::pair<int64_t, v1::LiaisonTerm>>> ListLiaisonTerms(
      const std::string& unit_id, int64_t after, int limit) = 0;

  // Registry versions. The current version is the highest (0 before any).
  // With `lock`, holds it until the transaction ends, so that concurrent
  // changes of the registry line up one after the other.
  virtual absl::StatusOr<std::optional<v1::RegistryVersion>> CurrentVersion(bool lock) = 0;
  virtual absl::StatusOr<std::optional<v1::RegistryVersion>> GetVersion(int64_t version) = 0;
  // The highest version created at or before `at` (0 when none).
  virtual absl::StatusOr<int64_t> VersionAt(absl::Time at) = 0;
  virtual absl::Status InsertVersion(const v1::RegistryVersion& version,
                                     const std::string& content_sha256) = 0;
  virtual absl::StatusOr<std::vector<v1::RegistryVersion>> ListVersions(int64_t after,
                                                                        int limit) = 0;

  // Matters. A matter's states never overlap: InsertMatterState opens a state
  // valid from matter.version(); CloseMatterState ends the open one at `version`.
  virtual absl::StatusOr<std::optional<MatterIdentity>> FindMatter(const std::string& leader_id,
                                                                   int leader_order) = 0;
  virtual absl::Status InsertMatter(const MatterIdentity& matter, int64_t version) = 0;
  virtual absl::Status CloseMatterState(const std::string& matter_id, int64_t version) = 0;
  virtual absl::Status InsertMatterState(const v1::Matter& matter) = 0;
  virtual absl::StatusOr<std::optional<v1::Matter>> MatterAt(const std::string& matter_id,
                                                             int64_t version) = 0;
  virtual absl::StatusOr<std::vector<v1::Matter>> ListMatters(const MatterQuery& query) = 0;

  // The work calendar.
  virtual absl::Status PutCalendarDay(const v1::CalendarDay& day) = 0;
  virtual absl::StatusOr<std::vector<v1::CalendarDay>> CalendarDays(absl::CivilDay from,
                                                                    absl::CivilDay to) = 0;

  // The audit trail, in this transaction.
  virtual absl::Status Audit(const db::AuditEntry& entry) = 0;
};

using TransactionBody = std::function<absl::Status(RegistryTransaction&)>;

// Thread-safe: each call runs on its own transaction.
class RegistryStore {
 public:
  virtual ~RegistryStore() = default;

  // Runs `body` in one transaction recorded under `request_id` for `method`:
  // a retry with the same id and request fills `response` with the first
  // answer without running `body`; the same id with another request is
  // INVALID_ARGUMENT "request_id: ...". Nothing is written when `body` fails.
  virtual absl::Status Change(const std::string& method, const std::string& request_id,
                              const std::string& caller, const google::protobuf::Message& request,
                              google::protobuf::Message* response, const TransactionBody& body) = 0;

  // Runs `body` in a transaction that is always rolled back (reads, dry runs).
  virtual absl::Status Read(const TransactionBody& body) = 0;

  // The audit records matching `filter`, oldest first.
  virtual absl::StatusOr<db::AuditPage> ListAudit(const duban::common::v1::AuditFilter& filter,
                                                  int page_size, const std::string& page_token) = 0;
};

}  // namespace duban::registry

#endif  // DUBAN_SERVICES_REGISTRY_REGISTRY_STORE_H_

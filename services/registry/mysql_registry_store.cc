#include "services/registry/mysql_registry_store.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>

#include <cstdint>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/db/idempotency.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::registry {
namespace {

using db::Execute;
using db::Param;
using db::Query;

std::string Text(const sql::ResultSet& rs, const char* column) {
  return rs.getString(column).asStdString();
}

// A LIKE pattern matching `text` anywhere.
std::string Contains(const std::string& text) {
  return absl::StrCat("%", absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"%", "\\%"}, {"_", "\\_"}}),
                      "%");
}

std::string UnitNameKindText(UnitNameKind kind) {
  switch (kind) {
    case UnitNameKind::kName:
      return "name";
    case UnitNameKind::kBase:
      return "base";
    case UnitNameKind::kAlias:
      return "alias";
  }
  return "name";
}

constexpr char kMatterColumns[] =
    "SELECT s.state_id, s.matter_id, s.valid_from_version, s.number, s.content, s.cycle, "
    "s.all_units, s.supervising_leader_id, s.retired, m.leader_id, m.leader_order, "
    "COALESCE(p.name, '') AS leader_name "
    "FROM matter_states s JOIN matters m ON m.id = s.matter_id "
    "LEFT JOIN people p ON p.id = m.leader_id "
    "WHERE s.valid_from_version <= ? AND (s.valid_to_version IS NULL OR s.valid_to_version > ?)";

constexpr char kTermColumns[] =
    "SELECT t.id, t.unit_id, t.person_id, COALESCE(p.name, '') AS person_name, t.phone, "
    "t.started_at, t.ended_at, t.reason, t.changed_by "
    "FROM liaison_terms t LEFT JOIN people p ON p.id = t.person_id ";

class MySqlTransaction final : public RegistryTransaction {
 public:
  explicit MySqlTransaction(sql::Connection& conn) : conn_(conn) {}

  absl::Status InsertUnit(const v1::Unit& unit, const std::vector<UnitName>& names) override {
    for (const UnitName& name : names) {
      auto taken = Query(conn_, "SELECT unit_id FROM unit_names WHERE name = ?", {name.name});
      if (taken->next()) {
        return absl::AlreadyExistsError(
            absl::StrCat("name: ", name.name, " already names unit ", Text(*taken, "unit_id")));
      }
    }
    Execute(conn_, "INSERT INTO units (id, name, active, created_at) VALUES (?, ?, ?, ?)",
            {unit.id(), unit.name(), unit.active(), db::ToSqlTime(FromProto(unit.created_at()))});
    for (const UnitName& name : names) {
      Execute(conn_, "INSERT INTO unit_names (name, unit_id, kind) VALUES (?, ?, ?)",
              {name.name, unit.id(), UnitNameKindText(name.kind)});
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<v1::Unit>> GetUnit(const std::string& id) override {
    return OneUnit(Query(conn_, "SELECT * FROM units WHERE id = ?", {id}));
  }

  absl::StatusOr<std::optional<v1::Unit>> FindUnitByName(const std::string& name) override {
    return OneUnit(Query(conn_,
                         "SELECT u.* FROM units u JOIN unit_names n ON n.unit_id = u.id "
                         "WHERE n.name = ?",
                         {name}));
  }

  absl::StatusOr<std::vector<v1::Unit>> ListUnits(const UnitQuery& query) override {
    std::string sql = "SELECT u.* FROM units u WHERE (u.name, u.id) > (?, ?)";
    std::vector<Param> params = {query.after_name, query.after_id};
    if (!query.name_contains.empty()) {
      sql += " AND EXISTS (SELECT 1 FROM unit_names n WHERE n.unit_id = u.id AND n.name LIKE ?)";
      params.emplace_back(Contains(query.name_contains));
    }
    if (query.without_liaison) {
      sql +=
          " AND NOT EXISTS (SELECT 1 FROM liaison_terms t WHERE t.unit_id = u.id "
          "AND t.ended_at IS NULL)";
    }
    sql += " ORDER BY u.name, u.id LIMIT ?";
    params.emplace_back(query.limit);
    auto rs = Query(conn_, sql, params);
    std::vector<v1::Unit> units;
    while (rs->next()) units.push_back(UnitFromRow(*rs));
    for (v1::Unit& unit : units) LoadAliases(unit);
    return units;
  }

  absl::Status InsertPerson(const v1::Person& person, absl::Time created_at) override {
    Execute(conn_,
            "INSERT INTO people (id, name, phone, oa_subject, created_at) VALUES (?, ?, ?, ?, ?)",
            {person.id(), person.name(), person.phone(),
             person.oa_subject().empty() ? Param(nullptr) : Param(person.oa_subject()),
             db::ToSqlTime(created_at)});
    return absl::OkStatus();
  }

  absl::Status UpdatePhone(const std::string& person_id, const std::string& phone) override {
    Execute(conn_, "UPDATE people SET phone = ? WHERE id = ?", {phone, person_id});
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<v1::Person>> GetPerson(const std::string& id) override {
    return OnePerson(Query(conn_, "SELECT * FROM people WHERE id = ?", {id}));
  }

  absl::StatusOr<std::optional<v1::Person>> FindPersonBySubject(
      const std::string& subject) override {
    return OnePerson(Query(conn_,
                           "SELECT * FROM people WHERE id = ? OR oa_subject = ? "
                           "ORDER BY id = ? DESC LIMIT 1",
                           {subject, subject, subject}));
  }

  absl::StatusOr<std::vector<v1::Person>> FindPeopleByName(const std::string& name) override {
    return People(
        Query(conn_, "SELECT * FROM people WHERE name = ? ORDER BY created_at, id", {name}));
  }

  absl::StatusOr<std::vector<v1::Person>> ListPeople(const PersonQuery& query) override {
    std::string sql = "SELECT p.* FROM people p WHERE (p.name, p.id) > (?, ?)";
    std::vector<Param> params = {query.after_name, query.after_id};
    if (query.role != v1::ROLE_KIND_UNSPECIFIED) {
      sql += " AND EXISTS (SELECT 1 FROM role_grants g WHERE g.person_id = p.id AND g.kind = ?)";
      params.emplace_back(static_cast<int>(query.role));
    }
    if (!query.name_contains.empty()) {
      sql += " AND p.name LIKE ?";
      params.emplace_back(Contains(query.name_contains));
    }
    sql += " ORDER BY p.name, p.id LIMIT ?";
    params.emplace_back(query.limit);
    return People(Query(conn_, sql, params));
  }

  absl::StatusOr<bool> GrantRole(const std::string& person_id, const v1::Role& role,
                                 absl::Time at) override {
    return Execute(conn_,
                   "INSERT IGNORE INTO role_grants (person_id, kind, unit_id, granted_at) "
                   "VALUES (?, ?, ?, ?)",
                   {person_id, static_cast<int>(role.kind()), role.unit_id(), db::ToSqlTime(at)}) >
           0;
  }

  absl::StatusOr<bool> RevokeRole(const std::string& person_id, const v1::Role& role) override {
    return Execute(conn_,
                   "DELETE FROM role_grants WHERE person_id = ? AND kind = ? AND unit_id = ?",
                   {person_id, static_cast<int>(role.kind()), role.unit_id()}) > 0;
  }

  absl::StatusOr<std::optional<v1::LiaisonTerm>> LiaisonAt(const std::string& unit_id,
                                                           absl::Time at) override {
    const std::string when = db::ToSqlTime(at);
    auto rs = Query(conn_,
                    std::string(kTermColumns) +
                        "WHERE t.unit_id = ? AND t.started_at <= ? "
                        "AND (t.ended_at IS NULL OR t.ended_at > ?) ORDER BY t.id DESC LIMIT 1",
                    {unit_id, when, when});
    if (!rs->next()) return std::nullopt;
    return TermFromRow(*rs);
  }

  absl::StatusOr<std::optional<v1::LiaisonTerm>> CurrentLiaison(
      const std::string& unit_id) override {
    auto rs = Query(
        conn_, std::string(kTermColumns) + "WHERE t.unit_id = ? AND t.ended_at IS NULL FOR UPDATE",
        {unit_id});
    if (!rs->next()) return std::nullopt;
    return TermFromRow(*rs);
  }

  absl::Status EndLiaisonTerm(const std::string& unit_id, absl::Time at) override {
    Execute(conn_, "UPDATE liaison_terms SET ended_at = ? WHERE unit_id = ? AND ended_at IS NULL",
            {db::ToSqlTime(at), unit_id});
    return absl::OkStatus();
  }

  absl::Status InsertLiaisonTerm(const v1::LiaisonTerm& term) override {
    Execute(
        conn_,
        "INSERT INTO liaison_terms (unit_id, person_id, phone, started_at, ended_at, reason, "
        "changed_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {term.unit_id(), term.person_id(), term.phone(),
         db::ToSqlTime(FromProto(term.started_at())),
         term.has_ended_at() ? Param(db::ToSqlTime(FromProto(term.ended_at()))) : Param(nullptr),
         term.reason(), term.changed_by()});
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::pair<int64_t, v1::LiaisonTerm>>> ListLiaisonTerms(
      const std::string& unit_id, int64_t after, int limit) override {
    auto rs = Query(
        conn_, std::string(kTermColumns) + "WHERE t.unit_id = ? AND t.id > ? ORDER BY t.id LIMIT ?",
        {unit_id, after, limit});
    std::vector<std::pair<int64_t, v1::LiaisonTerm>> terms;
    while (rs->next()) terms.emplace_back(rs->getInt64("id"), TermFromRow(*rs));
    return terms;
  }

  absl::StatusOr<std::optional<v1::RegistryVersion>> CurrentVersion(bool lock) override {
    return OneVersion(Query(conn_, std::string("SELECT * FROM registry_versions "
                                               "ORDER BY version DESC LIMIT 1") +
                                       (lock ? " FOR UPDATE" : "")));
  }

  absl::StatusOr<std::optional<v1::RegistryVersion>> GetVersion(int64_t version) override {
    return OneVersion(Query(conn_, "SELECT * FROM registry_versions WHERE version = ?", {version}));
  }

  absl::StatusOr<int64_t> VersionAt(absl::Time at) override {
    auto rs = Query(conn_,
                    "SELECT COALESCE(MAX(version), 0) AS v FROM registry_versions "
                    "WHERE created_at <= ?",
                    {db::ToSqlTime(at)});
    rs->next();
    return rs->getInt64("v");
  }

  absl::Status InsertVersion(const v1::RegistryVersion& version,
                             const std::string& content_sha256) override {
    Execute(conn_,
            "INSERT INTO registry_versions (version, created_at, created_by, source, "
            "content_sha256, matters_added, matters_changed, matters_retired) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {version.version(), db::ToSqlTime(FromProto(version.created_at())),
             version.created_by(), version.source(), content_sha256, version.matters_added(),
             version.matters_changed(), version.matters_retired()});
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<v1::RegistryVersion>> ListVersions(int64_t after, int limit) override {
    auto rs =
        Query(conn_, "SELECT * FROM registry_versions WHERE version > ? ORDER BY version LIMIT ?",
              {after, limit});
    std::vector<v1::RegistryVersion> versions;
    while (rs->next()) versions.push_back(VersionFromRow(*rs));
    return versions;
  }

  absl::StatusOr<std::optional<MatterIdentity>> FindMatter(const std::string& leader_id,
                                                           int leader_order) override {
    auto rs = Query(conn_, "SELECT id FROM matters WHERE leader_id = ? AND leader_order = ?",
                    {leader_id, leader_order});
    if (!rs->next()) return std::nullopt;
    return MatterIdentity{Text(*rs, "id"), leader_id, leader_order};
  }

  absl::Status InsertMatter(const MatterIdentity& matter, int64_t version) override {
    Execute(conn_,
            "INSERT INTO matters (id, leader_id, leader_order, created_version) "
            "VALUES (?, ?, ?, ?)",
            {matter.id, matter.leader_id, matter.leader_order, version});
    return absl::OkStatus();
  }

  absl::Status CloseMatterState(const std::string& matter_id, int64_t version) override {
    Execute(conn_,
            "UPDATE matter_states SET valid_to_version = ? "
            "WHERE matter_id = ? AND valid_to_version IS NULL",
            {version, matter_id});
    return absl::OkStatus();
  }

  absl::Status InsertMatterState(const v1::Matter& matter) override {
    Execute(conn_,
            "INSERT INTO matter_states (matter_id, valid_from_version, number, content, cycle, "
            "all_units, supervising_leader_id, retired) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {matter.id(), matter.version(), matter.number(), matter.content(),
             static_cast<int>(matter.cycle()), matter.all_units(), matter.supervising_leader_id(),
             matter.retired()});
    auto rs = Query(conn_, "SELECT LAST_INSERT_ID() AS id");
    rs->next();
    const int64_t state_id = rs->getInt64("id");
    for (int i = 0; i < matter.lead_unit_ids_size(); ++i) {
      Execute(conn_,
              "INSERT INTO matter_state_lead_units (state_id, position, unit_id) VALUES (?, ?, ?)",
              {state_id, i, matter.lead_unit_ids(i)});
    }
    for (int i = 0; i < matter.office_liaison_ids_size(); ++i) {
      Execute(conn_,
              "INSERT INTO matter_state_office_liaisons (state_id, position, person_id) "
              "VALUES (?, ?, ?)",
              {state_id, i, matter.office_liaison_ids(i)});
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<v1::Matter>> MatterAt(const std::string& matter_id,
                                                     int64_t version) override {
    auto rs = Query(conn_, std::string(kMatterColumns) + " AND s.matter_id = ?",
                    {version, version, matter_id});
    std::vector<v1::Matter> matters = Matters(*rs);
    if (matters.empty()) return std::nullopt;
    return matters.front();
  }

  absl::StatusOr<std::vector<v1::Matter>> ListMatters(const MatterQuery& query) override {
    std::string sql = std::string(kMatterColumns) + " AND (s.number, s.matter_id) > (?, ?)";
    std::vector<Param> params = {query.version, query.version, query.after_number, query.after_id};
    if (!query.include_retired) sql += " AND NOT s.retired";
    if (!query.leader_id.empty()) {
      sql += " AND m.leader_id = ?";
      params.emplace_back(query.leader_id);
    }
    if (!query.lead_unit_id.empty()) {
      sql +=
          " AND (s.all_units OR EXISTS (SELECT 1 FROM matter_state_lead_units lu "
          "WHERE lu.state_id = s.state_id AND lu.unit_id = ?))";
      params.emplace_back(query.lead_unit_id);
    }
    sql += " ORDER BY s.number, s.matter_id LIMIT ?";
    params.emplace_back(query.limit);
    auto rs = Query(conn_, sql, params);
    return Matters(*rs);
  }

  absl::Status PutCalendarDay(const v1::CalendarDay& day) override {
    Execute(conn_,
            "INSERT INTO calendar_days (day, kind, name) VALUES (?, ?, ?) "
            "ON DUPLICATE KEY UPDATE kind = VALUES(kind), name = VALUES(name)",
            {DayText(day.date()), static_cast<int>(day.kind()), day.name()});
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<v1::CalendarDay>> CalendarDays(absl::CivilDay from,
                                                            absl::CivilDay to) override {
    auto rs = Query(conn_,
                    "SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, kind, name FROM calendar_days "
                    "WHERE day BETWEEN ? AND ? ORDER BY day",
                    {FormatDay(from), FormatDay(to)});
    std::vector<v1::CalendarDay> days;
    while (rs->next()) {
      v1::CalendarDay day;
      DUBAN_ASSIGN_OR_RETURN(absl::CivilDay date, ParseDay(Text(*rs, "day"), "day"));
      *day.mutable_date() = ToProto(date);
      day.set_kind(static_cast<v1::CalendarDayKind>(rs->getInt("kind")));
      day.set_name(Text(*rs, "name"));
      days.push_back(std::move(day));
    }
    return days;
  }

  absl::Status Audit(const db::AuditEntry& entry) override { return db::WriteAudit(conn_, entry); }

 private:
  static std::string DayText(const duban::common::v1::Date& date) {
    return FormatDay(absl::CivilDay(date.year(), date.month(), date.day()));
  }

  static v1::Unit UnitFromRow(const sql::ResultSet& rs) {
    v1::Unit unit;
    unit.set_id(Text(rs, "id"));
    unit.set_name(Text(rs, "name"));
    unit.set_active(rs.getBoolean("active"));
    *unit.mutable_created_at() = ToProto(db::FromSqlTime(Text(rs, "created_at")));
    return unit;
  }

  void LoadAliases(v1::Unit& unit) {
    auto rs = Query(conn_,
                    "SELECT name FROM unit_names WHERE unit_id = ? AND kind = 'alias' "
                    "ORDER BY name",
                    {unit.id()});
    while (rs->next()) unit.add_aliases(Text(*rs, "name"));
  }

  std::optional<v1::Unit> OneUnit(std::unique_ptr<sql::ResultSet> rs) {
    if (!rs->next()) return std::nullopt;
    v1::Unit unit = UnitFromRow(*rs);
    LoadAliases(unit);
    return unit;
  }

  void LoadRoles(v1::Person& person) {
    auto rs = Query(conn_,
                    "SELECT kind, unit_id FROM role_grants WHERE person_id = ? "
                    "ORDER BY kind, unit_id",
                    {person.id()});
    while (rs->next()) {
      v1::Role* role = person.add_roles();
      role->set_kind(static_cast<v1::RoleKind>(rs->getInt("kind")));
      role->set_unit_id(Text(*rs, "unit_id"));
    }
  }

  std::vector<v1::Person> People(std::unique_ptr<sql::ResultSet> rs) {
    std::vector<v1::Person> people;
    while (rs->next()) {
      v1::Person person;
      person.set_id(Text(*rs, "id"));
      person.set_name(Text(*rs, "name"));
      person.set_phone(Text(*rs, "phone"));
      if (!rs->isNull("oa_subject")) person.set_oa_subject(Text(*rs, "oa_subject"));
      people.push_back(std::move(person));
    }
    for (v1::Person& person : people) LoadRoles(person);
    return people;
  }

  std::optional<v1::Person> OnePerson(std::unique_ptr<sql::ResultSet> rs) {
    std::vector<v1::Person> people = People(std::move(rs));
    if (people.empty()) return std::nullopt;
    return people.front();
  }

  static v1::LiaisonTerm TermFromRow(const sql::ResultSet& rs) {
    v1::LiaisonTerm term;
    term.set_unit_id(Text(rs, "unit_id"));
    term.set_person_id(Text(rs, "person_id"));
    term.set_person_name(Text(rs, "person_name"));
    term.set_phone(Text(rs, "phone"));
    *term.mutable_started_at() = ToProto(db::FromSqlTime(Text(rs, "started_at")));
    if (!rs.isNull("ended_at")) {
      *term.mutable_ended_at() = ToProto(db::FromSqlTime(Text(rs, "ended_at")));
    }
    term.set_reason(Text(rs, "reason"));
    term.set_changed_by(Text(rs, "changed_by"));
    return term;
  }

  static v1::RegistryVersion VersionFromRow(const sql::ResultSet& rs) {
    v1::RegistryVersion version;
    version.set_version(rs.getInt64("version"));
    *version.mutable_created_at() = ToProto(db::FromSqlTime(Text(rs, "created_at")));
    version.set_created_by(Text(rs, "created_by"));
    version.set_source(Text(rs, "source"));
    version.set_matters_added(rs.getInt("matters_added"));
    version.set_matters_changed(rs.getInt("matters_changed"));
    version.set_matters_retired(rs.getInt("matters_retired"));
    return version;
  }

  static std::optional<v1::RegistryVersion> OneVersion(std::unique_ptr<sql::ResultSet> rs) {
    if (!rs->next()) return std::nullopt;
    return VersionFromRow(*rs);
  }

  // Reads matter rows, then each state's lead units and office liaisons.
  std::vector<v1::Matter> Matters(sql::ResultSet& rs) {
    std::vector<std::pair<int64_t, v1::Matter>> rows;
    while (rs.next()) {
      v1::Matter matter;
      matter.set_id(Text(rs, "matter_id"));
      matter.set_number(rs.getInt("number"));
      matter.set_leader_id(Text(rs, "leader_id"));
      matter.set_leader_name(Text(rs, "leader_name"));
      matter.set_leader_order(rs.getInt("leader_order"));
      matter.set_content(Text(rs, "content"));
      matter.set_cycle(static_cast<v1::DispatchCycle>(rs.getInt("cycle")));
      matter.set_all_units(rs.getBoolean("all_units"));
      matter.set_supervising_leader_id(Text(rs, "supervising_leader_id"));
      matter.set_version(rs.getInt64("valid_from_version"));
      matter.set_retired(rs.getBoolean("retired"));
      rows.emplace_back(rs.getInt64("state_id"), std::move(matter));
    }
    std::vector<v1::Matter> matters;
    for (auto& [state_id, matter] : rows) {
      auto units = Query(conn_,
                         "SELECT unit_id FROM matter_state_lead_units WHERE state_id = ? "
                         "ORDER BY position",
                         {state_id});
      while (units->next()) matter.add_lead_unit_ids(Text(*units, "unit_id"));
      auto liaisons = Query(conn_,
                            "SELECT person_id FROM matter_state_office_liaisons "
                            "WHERE state_id = ? ORDER BY position",
                            {state_id});
      while (liaisons->next()) matter.add_office_liaison_ids(Text(*liaisons, "person_id"));
      matters.push_back(std::move(matter));
    }
    return matters;
  }

  sql::Connection& conn_;
};

// Runs `body` on a transaction over `conn`, turning Connector errors into statuses.
absl::Status RunBody(sql::Connection& conn, const TransactionBody& body) {
  MySqlTransaction transaction(conn);
  try {
    return body(transaction);
  } catch (const sql::SQLException& e) {
    return db::SqlError(e, "registry");
  }
}

// Returned by a read body to roll its transaction back; never leaves this file.
constexpr char kRollBack[] = "registry: read-only transaction rolled back";

}  // namespace

absl::Status MySqlRegistryStore::Change(const std::string& method, const std::string& request_id,
                                        const std::string& caller,
                                        const google::protobuf::Message& request,
                                        google::protobuf::Message* response,
                                        const TransactionBody& body) {
  return db::RunOnce(*pool_, method, request_id, caller, request, response,
                     [&](sql::Connection& conn) { return RunBody(conn, body); });
}

absl::Status MySqlRegistryStore::Read(const TransactionBody& body) {
  absl::Status result;
  absl::Status status = db::InTransaction(*pool_, [&](sql::Connection& conn) {
    result = RunBody(conn, body);
    return result.ok() ? absl::CancelledError(kRollBack) : result;
  });
  if (status.code() == absl::StatusCode::kCancelled && status.message() == kRollBack) {
    return absl::OkStatus();
  }
  return status;
}

absl::StatusOr<db::AuditPage> MySqlRegistryStore::ListAudit(
    const duban::common::v1::AuditFilter& filter, int page_size, const std::string& page_token) {
  return db::ListAudit(*pool_, filter, page_size, page_token);
}

}  // namespace duban::registry

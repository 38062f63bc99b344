#include "services/scheduler/mysql_deadline_store.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/util/json_util.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/db/pool.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::scheduler {
namespace {

using duban::scheduler::v1::Deadline;

using db::Param;

template <typename Fn>
auto Guarded(std::string_view what, Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const sql::SQLException& e) {
    return db::SqlError(e, what);
  }
}

std::string InputsJson(const Deadline& deadline) {
  Deadline inputs_only;
  *inputs_only.mutable_inputs() = deadline.inputs();
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(inputs_only, &json);
  return json;
}

constexpr char kDeadlineColumns[] =
    "id, subject_kind, subject_id, owner_unit_id, owner_person_id, rule, inputs_json, "
    "deadline_kind, deadline_date, due_at, state, met_at, label, revision";

std::vector<Param> Row(const StoredDeadline& stored) {
  const Deadline& d = stored.deadline;
  Param date = Param::Null();
  if (stored.given.has_date()) {
    const auto& g = stored.given.date();
    date = FormatDay(absl::CivilDay(g.year(), g.month(), g.day()));
  }
  Param met = Param::Null();
  if (d.has_met_at()) met = db::ToSqlTime(FromProto(d.met_at()));
  return {d.id(),
          static_cast<int64_t>(d.subject().kind()),
          d.subject().id(),
          d.owner_unit_id(),
          d.owner_person_id(),
          d.rule(),
          InputsJson(d),
          std::string(stored.given.has_date() ? "D" : "I"),
          date,
          db::ToSqlTime(FromProto(d.due_at())),
          static_cast<int64_t>(d.state()),
          met,
          d.label(),
          d.revision()};
}

absl::StatusOr<StoredDeadline> FromRow(sql::ResultSet& rows) {
  StoredDeadline stored;
  Deadline& d = stored.deadline;
  d.set_id(rows.getString("id"));
  d.mutable_subject()->set_kind(
      static_cast<duban::common::v1::SubjectKind>(rows.getInt("subject_kind")));
  d.mutable_subject()->set_id(rows.getString("subject_id"));
  d.set_owner_unit_id(rows.getString("owner_unit_id"));
  d.set_owner_person_id(rows.getString("owner_person_id"));
  d.set_rule(rows.getString("rule"));
  Deadline inputs_only;
  if (!google::protobuf::util::JsonStringToMessage(std::string(rows.getString("inputs_json")),
                                                   &inputs_only)
           .ok()) {
    return absl::DataLossError(absl::StrCat("deadline ", d.id(), ": inputs_json unreadable"));
  }
  *d.mutable_inputs() = inputs_only.inputs();
  const absl::Time due = db::FromSqlTime(rows.getString("due_at"));
  *d.mutable_due_at() = ToProto(due);
  d.set_state(static_cast<duban::scheduler::v1::DeadlineState>(rows.getInt("state")));
  if (!rows.isNull("met_at"))
    *d.mutable_met_at() = ToProto(db::FromSqlTime(rows.getString("met_at")));
  d.set_label(rows.getString("label"));
  d.set_revision(rows.getInt64("revision"));
  if (std::string(rows.getString("deadline_kind")) == "D") {
    DUBAN_ASSIGN_OR_RETURN(absl::CivilDay day,
                           ParseDay(std::string(rows.getString("deadline_date")), "deadline_date"));
    *stored.given.mutable_date() = ToProto(day);
  } else {
    *stored.given.mutable_instant() = ToProto(due);
  }
  return stored;
}

absl::Status LoadLadder(sql::Connection& conn, Deadline& deadline) {
  std::unique_ptr<sql::PreparedStatement> statement(
      conn.prepareStatement("SELECT rung, due_at, fired_at FROM ladder_rungs WHERE deadline_id = ? "
                            "ORDER BY due_at, id"));
  statement->setString(1, deadline.id());
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
  while (rows->next()) {
    auto& rung = *deadline.add_ladder();
    rung.set_rung(static_cast<duban::common::v1::Rung>(rows->getInt(1)));
    *rung.mutable_due_at() = ToProto(db::FromSqlTime(rows->getString(2)));
    if (!rows->isNull(3)) *rung.mutable_fired_at() = ToProto(db::FromSqlTime(rows->getString(3)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<StoredDeadline>> LoadWhere(sql::Connection& conn,
                                                        const char* condition,
                                                        const std::vector<Param>& params,
                                                        bool for_update) {
  const std::string sql_text(absl::StrCat("SELECT ", kDeadlineColumns, " FROM deadlines WHERE ",
                                          condition, for_update ? " FOR UPDATE" : ""));
  std::unique_ptr<sql::ResultSet> rows = db::Query(conn, sql_text, params);
  if (!rows->next()) return std::optional<StoredDeadline>();
  DUBAN_ASSIGN_OR_RETURN(StoredDeadline stored, FromRow(*rows));
  DUBAN_RETURN_IF_ERROR(LoadLadder(conn, stored.deadline));
  return std::optional<StoredDeadline>(std::move(stored));
}

std::string Marks(size_t n) { return absl::StrJoin(std::vector<std::string>(n, "?"), ", "); }

}  // namespace

absl::StatusOr<std::optional<StoredDeadline>> MysqlDeadlineStore::LoadBySubject(
    sql::Connection& conn, const duban::common::v1::Subject& subject, bool for_update) {
  return Guarded("load deadline", [&] {
    return LoadWhere(conn, "subject_kind = ? AND subject_id = ?",
                     {static_cast<int64_t>(subject.kind()), subject.id()}, for_update);
  });
}

absl::StatusOr<std::optional<StoredDeadline>> MysqlDeadlineStore::LoadById(sql::Connection& conn,
                                                                           const std::string& id,
                                                                           bool for_update) {
  return Guarded("load deadline", [&] { return LoadWhere(conn, "id = ?", {id}, for_update); });
}

absl::Status MysqlDeadlineStore::Insert(sql::Connection& conn, const StoredDeadline& stored,
                                        absl::Time now) {
  return Guarded("insert deadline", [&]() -> absl::Status {
    const std::string sql_text(absl::StrCat("INSERT INTO deadlines (", kDeadlineColumns,
                                            ", created_at, updated_at) VALUES (", Marks(16), ")"));
    std::vector<Param> row = Row(stored);
    row.push_back(db::ToSqlTime(now));
    row.push_back(db::ToSqlTime(now));
    db::Execute(conn, sql_text, row);
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> MysqlDeadlineStore::InsertIfAbsent(sql::Connection& conn,
                                                        const StoredDeadline& stored,
                                                        absl::Time now) {
  return Guarded("insert deadline", [&]() -> absl::StatusOr<bool> {
    const std::string sql_text(absl::StrCat("INSERT IGNORE INTO deadlines (", kDeadlineColumns,
                                            ", created_at, updated_at) VALUES (", Marks(16), ")"));
    std::vector<Param> row = Row(stored);
    row.push_back(db::ToSqlTime(now));
    row.push_back(db::ToSqlTime(now));
    return db::Execute(conn, sql_text, row) == 1;
  });
}

absl::Status MysqlDeadlineStore::Update(sql::Connection& conn, const StoredDeadline& stored,
                                        absl::Time now) {
  return Guarded("update deadline", [&]() -> absl::Status {
    const std::string sql_text(
        "UPDATE deadlines SET id = ?, subject_kind = ?, subject_id = ?, owner_unit_id = ?, "
        "owner_person_id = ?, rule = ?, inputs_json = ?, deadline_kind = ?, deadline_date = ?, "
        "due_at = ?, state = ?, met_at = ?, label = ?, revision = ?, updated_at = ? "
        "WHERE id = ?");
    std::vector<Param> row = Row(stored);
    row.push_back(db::ToSqlTime(now));
    row.push_back(stored.deadline.id());
    db::Execute(conn, sql_text, row);
    return absl::OkStatus();
  });
}

absl::Status MysqlDeadlineStore::DeleteUnfiredRungs(sql::Connection& conn,
                                                    const std::string& deadline_id) {
  return Guarded("delete unfired rungs", [&]() -> absl::Status {
    std::unique_ptr<sql::PreparedStatement> statement(conn.prepareStatement(
        "DELETE FROM ladder_rungs WHERE deadline_id = ? AND fired_at IS NULL"));
    statement->setString(1, deadline_id);
    statement->executeUpdate();
    return absl::OkStatus();
  });
}

absl::Status MysqlDeadlineStore::AddRungs(sql::Connection& conn, const std::string& deadline_id,
                                          int64_t generation, const std::vector<RungDue>& rungs) {
  return Guarded("add rungs", [&]() -> absl::Status {
    const std::string sql_text(
        "INSERT INTO ladder_rungs (deadline_id, generation, rung, due_at) VALUES (?, ?, ?, ?)");
    for (const RungDue& rung : rungs) {
      db::Execute(
          conn, sql_text,
          {deadline_id, generation, static_cast<int64_t>(rung.rung), db::ToSqlTime(rung.due_at)});
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<ClaimedRung>> MysqlDeadlineStore::ClaimDueRung(sql::Connection& conn,
                                                                            absl::Time now) {
  return Guarded("claim due rung", [&]() -> absl::StatusOr<std::optional<ClaimedRung>> {
    // Locks the rung and its deadline; rows another replica holds are skipped,
    // so two replicas never fire the same rung, and a deadline being met or
    // moved is left alone until that change commits.
    std::unique_ptr<sql::PreparedStatement> statement(
        conn.prepareStatement("SELECT r.id, r.deadline_id, r.rung, r.due_at FROM ladder_rungs r "
                              "JOIN deadlines d ON d.id = r.deadline_id "
                              "WHERE r.fired_at IS NULL AND r.due_at <= ? AND d.state = 1 "
                              "ORDER BY r.due_at, r.id LIMIT 1 FOR UPDATE SKIP LOCKED"));
    statement->setString(1, db::ToSqlTime(now));
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    if (!rows->next()) return std::optional<ClaimedRung>();
    ClaimedRung claimed;
    claimed.id = rows->getInt64(1);
    claimed.deadline_id = rows->getString(2);
    claimed.rung = static_cast<duban::common::v1::Rung>(rows->getInt(3));
    claimed.due_at = db::FromSqlTime(rows->getString(4));
    return std::optional<ClaimedRung>(claimed);
  });
}

absl::Status MysqlDeadlineStore::MarkFired(sql::Connection& conn, int64_t rung_id,
                                           absl::Time fired_at, int64_t event_seq) {
  return Guarded("mark rung fired", [&]() -> absl::Status {
    const std::string sql_text(
        "UPDATE ladder_rungs SET fired_at = ?, event_seq = ? WHERE id = ? AND fired_at IS NULL");
    if (db::Execute(conn, sql_text, {db::ToSqlTime(fired_at), event_seq, rung_id}) != 1) {
      return absl::AbortedError(absl::StrCat("rung ", rung_id, " fired concurrently"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> MysqlDeadlineStore::LastEventSeq(sql::Connection& conn) {
  return Guarded("read event sequence", [&]() -> absl::StatusOr<int64_t> {
    std::unique_ptr<sql::PreparedStatement> statement(
        conn.prepareStatement("SELECT LAST_INSERT_ID()"));
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    if (!rows->next()) return absl::InternalError("LAST_INSERT_ID() returned no row");
    return static_cast<int64_t>(rows->getInt64(1));
  });
}

absl::StatusOr<std::vector<Deadline>> MysqlDeadlineStore::List(sql::Connection& conn,
                                                               const DeadlineQuery& query) {
  std::vector<std::string> conditions;
  std::vector<Param> params;
  if (query.restricted) {
    if (query.scope_units.empty()) {
      conditions.push_back("FALSE");
    } else {
      conditions.push_back(
          absl::StrCat("owner_unit_id IN (", Marks(query.scope_units.size()), ")"));
      for (const auto& unit : query.scope_units) params.push_back(unit);
    }
  }
  if (query.subject_kind != duban::common::v1::SUBJECT_KIND_UNSPECIFIED) {
    conditions.push_back("subject_kind = ?");
    params.push_back(static_cast<int64_t>(query.subject_kind));
  }
  if (!query.owner_unit_id.empty()) {
    conditions.push_back("owner_unit_id = ?");
    params.push_back(query.owner_unit_id);
  }
  if (query.state != duban::scheduler::v1::DEADLINE_STATE_UNSPECIFIED) {
    conditions.push_back("state = ?");
    params.push_back(static_cast<int64_t>(query.state));
  }
  if (query.due_from) {
    conditions.push_back("due_at >= ?");
    params.push_back(db::ToSqlTime(*query.due_from));
  }
  if (query.due_to) {
    conditions.push_back("due_at < ?");
    params.push_back(db::ToSqlTime(*query.due_to));
  }
  if (query.after) {
    const std::string due = db::ToSqlTime(query.after->first);
    conditions.push_back("(due_at > ? OR (due_at = ? AND id > ?))");
    params.insert(params.end(), {due, due, query.after->second});
  }
  const std::string where =
      conditions.empty() ? "" : absl::StrCat(" WHERE ", absl::StrJoin(conditions, " AND "));
  return Guarded("list deadlines", [&]() -> absl::StatusOr<std::vector<Deadline>> {
    const std::string sql_text(absl::StrCat("SELECT ", kDeadlineColumns, " FROM deadlines", where,
                                            " ORDER BY due_at, id LIMIT ", query.limit));
    std::unique_ptr<sql::ResultSet> rows = db::Query(conn, sql_text, params);
    std::vector<Deadline> deadlines;
    while (rows->next()) {
      DUBAN_ASSIGN_OR_RETURN(StoredDeadline stored, FromRow(*rows));
      deadlines.push_back(std::move(stored.deadline));
    }
    for (auto& deadline : deadlines) DUBAN_RETURN_IF_ERROR(LoadLadder(conn, deadline));
    return deadlines;
  });
}

absl::StatusOr<std::vector<duban::scheduler::v1::RungFiring>> MysqlDeadlineStore::ListFirings(
    sql::Connection& conn, const FiringQuery& query, std::vector<int64_t>* ids) {
  std::vector<std::string> conditions = {"r.fired_at IS NOT NULL", "r.id > ?"};
  std::vector<Param> params = {query.after_id};
  if (query.restricted) {
    if (query.scope_units.empty()) {
      conditions.push_back("FALSE");
    } else {
      conditions.push_back(
          absl::StrCat("d.owner_unit_id IN (", Marks(query.scope_units.size()), ")"));
      for (const auto& unit : query.scope_units) params.push_back(unit);
    }
  }
  if (query.subject) {
    conditions.push_back("d.subject_kind = ? AND d.subject_id = ?");
    params.push_back(static_cast<int64_t>(query.subject->kind()));
    params.push_back(query.subject->id());
  }
  if (query.rung != duban::common::v1::RUNG_UNSPECIFIED) {
    conditions.push_back("r.rung = ?");
    params.push_back(static_cast<int64_t>(query.rung));
  }
  return Guarded(
      "list rung firings", [&]() -> absl::StatusOr<std::vector<duban::scheduler::v1::RungFiring>> {
        const std::string sql_text(
            absl::StrCat("SELECT r.id, r.deadline_id, d.subject_kind, d.subject_id, "
                         "r.rung, r.due_at, r.fired_at, r.event_seq "
                         "FROM ladder_rungs r JOIN deadlines d ON d.id = r.deadline_id "
                         "WHERE ",
                         absl::StrJoin(conditions, " AND "), " ORDER BY r.id LIMIT ", query.limit));
        std::unique_ptr<sql::ResultSet> rows = db::Query(conn, sql_text, params);
        std::vector<duban::scheduler::v1::RungFiring> firings;
        while (rows->next()) {
          ids->push_back(rows->getInt64(1));
          auto& firing = firings.emplace_back();
          firing.set_deadline_id(rows->getString(2));
          firing.mutable_subject()->set_kind(
              static_cast<duban::common::v1::SubjectKind>(rows->getInt(3)));
          firing.mutable_subject()->set_id(rows->getString(4));
          firing.set_rung(static_cast<duban::common::v1::Rung>(rows->getInt(5)));
          *firing.mutable_due_at() = ToProto(db::FromSqlTime(rows->getString(6)));
          *firing.mutable_fired_at() = ToProto(db::FromSqlTime(rows->getString(7)));
          if (!rows->isNull(8)) {
            firing.set_event_id(absl::StrCat("scheduler:", rows->getInt64(8)));
          }
        }
        return firings;
      });
}

absl::StatusOr<std::map<duban::common::v1::SubjectKind, int64_t>> MysqlDeadlineStore::CountPending(
    sql::Connection& conn) {
  using Counts = std::map<duban::common::v1::SubjectKind, int64_t>;
  return Guarded("count pending deadlines", [&]() -> absl::StatusOr<Counts> {
    std::unique_ptr<sql::PreparedStatement> statement(conn.prepareStatement(
        "SELECT subject_kind, COUNT(*) FROM deadlines WHERE state = 1 GROUP BY subject_kind"));
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    Counts counts;
    while (rows->next()) {
      counts[static_cast<duban::common::v1::SubjectKind>(rows->getInt(1))] = rows->getInt64(2);
    }
    return counts;
  });
}

absl::StatusOr<std::vector<std::string>> MysqlDeadlineStore::ListPendingIds(
    sql::Connection& conn, const std::string& after_id, int limit) {
  return Guarded("list pending deadlines", [&]() -> absl::StatusOr<std::vector<std::string>> {
    std::unique_ptr<sql::ResultSet> rows = db::Query(
        conn,
        absl::StrCat("SELECT id FROM deadlines WHERE state = 1 AND id > ? ORDER BY id LIMIT ",
                     limit),
        {after_id});
    std::vector<std::string> ids;
    while (rows->next()) ids.push_back(rows->getString(1));
    return ids;
  });
}

absl::StatusOr<std::optional<ItemSpan>> MysqlDeadlineStore::OpenSpan(sql::Connection& conn,
                                                                     const std::string& item_id) {
  return Guarded("load item span", [&]() -> absl::StatusOr<std::optional<ItemSpan>> {
    std::unique_ptr<sql::ResultSet> rows =
        db::Query(conn,
                  "SELECT lead_unit_id, opened_at FROM item_spans WHERE item_id = ? AND "
                  "closed_at IS NULL ORDER BY opened_at DESC LIMIT 1 FOR UPDATE",
                  {item_id});
    if (!rows->next()) return std::optional<ItemSpan>();
    return std::optional<ItemSpan>(
        ItemSpan{item_id, rows->getString(1), db::FromSqlTime(rows->getString(2)), std::nullopt});
  });
}

absl::Status MysqlDeadlineStore::OpenItem(sql::Connection& conn, const ItemSpan& span) {
  return Guarded("open item span", [&]() -> absl::Status {
    db::Execute(conn,
                "INSERT INTO item_spans (item_id, opened_at, lead_unit_id, closed_at) "
                "VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE lead_unit_id = VALUES(lead_unit_id), "
                "closed_at = VALUES(closed_at)",
                {span.item_id, db::ToSqlTime(span.opened_at), span.lead_unit_id,
                 span.closed_at ? Param(db::ToSqlTime(*span.closed_at)) : Param::Null()});
    return absl::OkStatus();
  });
}

absl::Status MysqlDeadlineStore::CloseItem(sql::Connection& conn, const std::string& item_id,
                                           absl::Time at) {
  return Guarded("close item span", [&]() -> absl::Status {
    // An end recorded before the opening (clocks of two services) closes it at the opening.
    db::Execute(conn,
                "UPDATE item_spans SET closed_at = GREATEST(opened_at, ?) "
                "WHERE item_id = ? AND closed_at IS NULL",
                {db::ToSqlTime(at), item_id});
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::string>> MysqlDeadlineStore::UnitsLeadingOpenItems(
    sql::Connection& conn, absl::Time after, absl::Time until) {
  return Guarded("units leading open items", [&]() -> absl::StatusOr<std::vector<std::string>> {
    std::unique_ptr<sql::ResultSet> rows =
        db::Query(conn,
                  "SELECT DISTINCT lead_unit_id FROM item_spans WHERE lead_unit_id <> '' AND "
                  "opened_at <= ? AND (closed_at IS NULL OR closed_at > ?) ORDER BY lead_unit_id",
                  {db::ToSqlTime(until), db::ToSqlTime(after)});
    std::vector<std::string> units;
    while (rows->next()) units.push_back(rows->getString(1));
    return units;
  });
}

absl::StatusOr<std::string> MysqlDeadlineStore::LockMark(sql::Connection& conn,
                                                         const std::string& series,
                                                         const std::string& initial,
                                                         absl::Time now) {
  return Guarded("lock generation mark", [&]() -> absl::StatusOr<std::string> {
    db::Execute(conn,
                "INSERT IGNORE INTO generation_marks (series, next_key, updated_at) "
                "VALUES (?, ?, ?)",
                {series, initial, db::ToSqlTime(now)});
    std::unique_ptr<sql::ResultSet> rows = db::Query(
        conn, "SELECT next_key FROM generation_marks WHERE series = ? FOR UPDATE", {series});
    if (!rows->next()) return absl::InternalError(absl::StrCat("mark ", series, " vanished"));
    return std::string(rows->getString(1));
  });
}

absl::Status MysqlDeadlineStore::SetMark(sql::Connection& conn, const std::string& series,
                                         const std::string& next, absl::Time now) {
  return Guarded("set generation mark", [&]() -> absl::Status {
    db::Execute(conn, "UPDATE generation_marks SET next_key = ?, updated_at = ? WHERE series = ?",
                {next, db::ToSqlTime(now), series});
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<std::string>> MysqlDeadlineStore::ReadMark(sql::Connection& conn,
                                                                        const std::string& series) {
  return Guarded("read generation mark", [&]() -> absl::StatusOr<std::optional<std::string>> {
    std::unique_ptr<sql::ResultSet> rows =
        db::Query(conn, "SELECT next_key FROM generation_marks WHERE series = ?", {series});
    if (!rows->next()) return std::optional<std::string>();
    return std::optional<std::string>(rows->getString(1));
  });
}

namespace {

// The single DATETIME of `sql` (one parameter, `at`), or nullopt for NULL.
absl::StatusOr<std::optional<absl::Time>> OptionalTime(sql::Connection& conn, const char* sql,
                                                       absl::Time at) {
  std::unique_ptr<sql::PreparedStatement> statement(conn.prepareStatement(sql));
  statement->setString(1, db::ToSqlTime(at));
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
  if (!rows->next() || rows->isNull(1)) return std::optional<absl::Time>();
  return std::optional<absl::Time>(db::FromSqlTime(rows->getString(1)));
}

}  // namespace

absl::StatusOr<std::optional<absl::Time>> MysqlDeadlineStore::NextUnfiredAfter(
    sql::Connection& conn, absl::Time after) {
  return Guarded("next unfired rung", [&] {
    return OptionalTime(
        conn, "SELECT MIN(due_at) FROM ladder_rungs WHERE fired_at IS NULL AND due_at > ?", after);
  });
}

absl::StatusOr<std::optional<absl::Time>> MysqlDeadlineStore::OldestUnfiredDue(
    sql::Connection& conn, absl::Time now) {
  return Guarded("oldest unfired rung", [&] {
    return OptionalTime(
        conn, "SELECT MIN(due_at) FROM ladder_rungs WHERE fired_at IS NULL AND due_at <= ?", now);
  });
}

}  // namespace duban::scheduler

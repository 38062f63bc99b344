#include "services/supervision/supervision_store.h"

#include <cppconn/resultset.h>

#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/db/pool.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::supervision {
namespace {

using db::Param;

// closed_at and the like: the time, or NULL when there is none.
Param OptionalTime(const google::protobuf::Timestamp* at) {
  if (at == nullptr) return Param::Null();
  return db::ToSqlTime(FromProto(*at));
}

template <typename T>
absl::StatusOr<std::vector<T>> ReadBodies(sql::ResultSet& rows) {
  std::vector<T> messages;
  while (rows.next()) {
    std::unique_ptr<std::istream> blob(rows.getBlob("body"));
    std::ostringstream bytes;
    bytes << blob->rdbuf();
    T message;
    if (!message.ParseFromString(bytes.str())) {
      return absl::DataLossError("stored message does not parse");
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

struct Conditions {
  std::vector<std::string> clauses;
  std::vector<Param> params;

  void Add(std::string clause, Param param) {
    clauses.push_back(std::move(clause));
    params.push_back(std::move(param));
  }
  void AddIn(const std::string& column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::vector<std::string> marks(values.size(), "?");
    clauses.push_back(absl::StrCat(column, " IN (", absl::StrJoin(marks, ", "), ")"));
    params.insert(params.end(), values.begin(), values.end());
  }
  std::string Where() const {
    return clauses.empty() ? "" : " WHERE " + absl::StrJoin(clauses, " AND ");
  }
};

std::string Limit(const std::optional<PageRequest>& page) {
  return page ? db::LimitClause(*page) : "";
}

}  // namespace

absl::StatusOr<std::optional<v1::SupervisionCase>> SupervisionStore::FindCase(
    sql::Connection& conn, const common::v1::Subject& subject, bool for_update) {
  auto rows = db::Query(conn,
                        absl::StrCat("SELECT body FROM cases WHERE subject_kind = ? AND "
                                     "subject_id = ?",
                                     for_update ? " FOR UPDATE" : ""),
                        {int64_t{subject.kind()}, subject.id()});
  DUBAN_ASSIGN_OR_RETURN(std::vector<v1::SupervisionCase> cases,
                         ReadBodies<v1::SupervisionCase>(*rows));
  if (cases.empty()) return std::optional<v1::SupervisionCase>();
  return std::optional<v1::SupervisionCase>(std::move(cases.front()));
}

absl::StatusOr<v1::SupervisionCase> SupervisionStore::LoadCase(sql::Connection& conn,
                                                               const std::string& case_id,
                                                               bool for_update) {
  auto rows = db::Query(
      conn, absl::StrCat("SELECT body FROM cases WHERE id = ?", for_update ? " FOR UPDATE" : ""),
      {case_id});
  DUBAN_ASSIGN_OR_RETURN(std::vector<v1::SupervisionCase> cases,
                         ReadBodies<v1::SupervisionCase>(*rows));
  if (cases.empty()) return absl::NotFoundError(absl::StrCat("case ", case_id, " not found"));
  return std::move(cases.front());
}

absl::Status SupervisionStore::SaveCase(sql::Connection& conn, const v1::SupervisionCase& c) {
  db::Execute(
      conn,
      "INSERT INTO cases (id, subject_kind, subject_id, unit_id, state, referred, "
      "opened_at, closed_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON DUPLICATE KEY UPDATE unit_id = VALUES(unit_id), state = VALUES(state), "
      "referred = VALUES(referred), closed_at = VALUES(closed_at), body = VALUES(body)",
      {c.id(), int64_t{c.subject().kind()}, c.subject().id(), c.unit_id(), int64_t{c.state()},
       int64_t{c.referred() ? 1 : 0}, db::ToSqlTime(FromProto(c.opened_at())),
       OptionalTime(c.has_closed_at() ? &c.closed_at() : nullptr),
       Param::Blob(c.SerializeAsString())});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::SupervisionCase>> SupervisionStore::ListCases(
    sql::Connection& conn, const CaseFilter& filter, const std::optional<PageRequest>& page) {
  Conditions where;
  where.AddIn("unit_id", filter.unit_ids);
  if (filter.state != v1::CASE_STATE_UNSPECIFIED) where.Add("state = ?", int64_t{filter.state});
  if (filter.subject_kind != common::v1::SUBJECT_KIND_UNSPECIFIED) {
    where.Add("subject_kind = ?", int64_t{filter.subject_kind});
  }
  if (filter.opened_from) where.Add("opened_at >= ?", db::ToSqlTime(*filter.opened_from));
  if (filter.opened_to) where.Add("opened_at < ?", db::ToSqlTime(*filter.opened_to));
  if (filter.referred_only) where.Add("referred = ?", int64_t{1});
  if (filter.not_closed_before) {
    where.Add("(closed_at IS NULL OR closed_at >= ?)", db::ToSqlTime(*filter.not_closed_before));
  }
  auto rows = db::Query(
      conn,
      absl::StrCat("SELECT body FROM cases", where.Where(), " ORDER BY opened_at, id", Limit(page)),
      where.params);
  return ReadBodies<v1::SupervisionCase>(*rows);
}

absl::Status SupervisionStore::InsertNotice(sql::Connection& conn, const v1::Notice& notice) {
  db::Execute(conn,
              "INSERT INTO notices (id, kind, subject_kind, subject_id, unit_id, case_id, "
              "at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              {notice.id(), int64_t{notice.kind()}, int64_t{notice.subject().kind()},
               notice.subject().id(), notice.unit_id(), notice.case_id(),
               db::ToSqlTime(FromProto(notice.at())), Param::Blob(notice.SerializeAsString())});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Notice>> SupervisionStore::ListNotices(
    sql::Connection& conn, const NoticeFilter& filter, const std::optional<PageRequest>& page) {
  Conditions where;
  where.AddIn("unit_id", filter.unit_ids);
  if (filter.kind != v1::NOTICE_KIND_UNSPECIFIED) where.Add("kind = ?", int64_t{filter.kind});
  if (filter.from) where.Add("at >= ?", db::ToSqlTime(*filter.from));
  if (filter.to) where.Add("at < ?", db::ToSqlTime(*filter.to));
  if (filter.subject) {
    where.Add("subject_kind = ?", int64_t{filter.subject->kind()});
    where.Add("subject_id = ?", filter.subject->id());
  }
  auto rows = db::Query(
      conn,
      absl::StrCat("SELECT body FROM notices", where.Where(), " ORDER BY at, id", Limit(page)),
      where.params);
  return ReadBodies<v1::Notice>(*rows);
}

}  // namespace duban::supervision

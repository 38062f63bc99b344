#include "services/reporting/report_store.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>

#include <memory>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/db/pool.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::reporting {
namespace {

// MariaDB's ER_DUP_ENTRY: a concurrent submission got there first.
constexpr int kDuplicateEntry = 1062;

template <typename Message>
absl::StatusOr<Message> ParseBody(sql::ResultSet& row, const std::string& what) {
  std::unique_ptr<std::istream> blob(row.getBlob("body"));
  std::ostringstream bytes;
  bytes << blob->rdbuf();
  Message message;
  if (!message.ParseFromString(bytes.str())) {
    return absl::DataLossError(absl::StrCat(what, " does not parse"));
  }
  return message;
}

template <typename Message>
absl::StatusOr<std::optional<Message>> LoadOne(sql::Connection& conn, const std::string& sql,
                                               std::vector<db::Param> params, bool for_update,
                                               const std::string& what) {
  std::unique_ptr<sql::ResultSet> rows =
      db::Query(conn, absl::StrCat(sql, for_update ? " FOR UPDATE" : ""), std::move(params));
  if (!rows->next()) return std::optional<Message>();
  DUBAN_ASSIGN_OR_RETURN(Message message, ParseBody<Message>(*rows, what));
  return std::optional<Message>(std::move(message));
}

}  // namespace

absl::StatusOr<std::optional<v1::Report>> LoadReport(sql::Connection& conn,
                                                     const std::string& unit_id,
                                                     const std::string& period_id,
                                                     bool for_update) {
  return LoadOne<v1::Report>(conn, "SELECT body FROM reports WHERE unit_id = ? AND period_id = ?",
                             {unit_id, period_id}, for_update,
                             absl::StrCat("report ", unit_id, "@", period_id));
}

absl::Status InsertReport(sql::Connection& conn, const v1::Report& report) try {
  db::Execute(conn,
              "INSERT INTO reports (unit_id, period_id, id, submitted_at, late, body) "
              "VALUES (?, ?, ?, ?, ?, ?)",
              {report.unit_id(), report.period_id(), report.id(),
               db::ToSqlTime(FromProto(report.submitted_at())), report.late(),
               db::Param::Blob(report.SerializeAsString())});
  return absl::OkStatus();
} catch (const sql::SQLException& e) {
  if (e.getErrorCode() != kDuplicateEntry) throw;
  return absl::FailedPreconditionError(
      absl::StrCat("report ", report.unit_id(), "@", report.period_id(), " already submitted"));
}

absl::StatusOr<std::vector<v1::Report>> QueryReports(sql::Connection& conn,
                                                     const ReportQuery& query,
                                                     const db::PageRequest& page) {
  std::vector<std::string> conditions;
  std::vector<db::Param> params;
  if (!query.period_id.empty()) {
    conditions.push_back("period_id = ?");
    params.push_back(query.period_id);
  }
  if (!query.unit_ids.empty()) {
    conditions.push_back(absl::StrCat(
        "unit_id IN (", absl::StrJoin(std::vector<std::string>(query.unit_ids.size(), "?"), ", "),
        ")"));
    for (const std::string& unit : query.unit_ids) params.push_back(unit);
  }
  if (query.late_only) conditions.push_back("late = 1");
  std::unique_ptr<sql::ResultSet> rows =
      db::Query(conn,
                absl::StrCat("SELECT body FROM reports", db::WhereClause(conditions),
                             " ORDER BY period_id, unit_id", db::LimitClause(page)),
                std::move(params));
  std::vector<v1::Report> reports;
  while (rows->next()) {
    DUBAN_ASSIGN_OR_RETURN(v1::Report report, ParseBody<v1::Report>(*rows, "a report"));
    reports.push_back(std::move(report));
  }
  return reports;
}

absl::StatusOr<std::optional<v1::Digest>> LoadDigest(sql::Connection& conn,
                                                     const std::string& period_id,
                                                     bool for_update) {
  return LoadOne<v1::Digest>(conn, "SELECT body FROM digests WHERE period_id = ?", {period_id},
                             for_update, absl::StrCat("digest ", period_id));
}

absl::Status InsertDigest(sql::Connection& conn, const v1::Digest& digest) try {
  db::Execute(
      conn, "INSERT INTO digests (period_id, id, submitted_at, late, body) VALUES (?, ?, ?, ?, ?)",
      {digest.period_id(), digest.id(), db::ToSqlTime(FromProto(digest.submitted_at())),
       digest.late(), db::Param::Blob(digest.SerializeAsString())});
  return absl::OkStatus();
} catch (const sql::SQLException& e) {
  if (e.getErrorCode() != kDuplicateEntry) throw;
  return absl::FailedPreconditionError(
      absl::StrCat("digest ", digest.period_id(), " already submitted"));
}

absl::StatusOr<std::optional<v1::Analysis>> LoadAnalysis(sql::Connection& conn,
                                                         const std::string& month,
                                                         bool for_update) {
  return LoadOne<v1::Analysis>(conn, "SELECT body FROM analyses WHERE month = ?", {month},
                               for_update, absl::StrCat("analysis ", month));
}

absl::Status InsertAnalysis(sql::Connection& conn, const v1::Analysis& analysis) {
  db::Execute(conn, "INSERT INTO analyses (month, id, issued_at, body) VALUES (?, ?, ?, ?)",
              {analysis.month(), analysis.id(), db::ToSqlTime(FromProto(analysis.issued_at())),
               db::Param::Blob(analysis.SerializeAsString())});
  return absl::OkStatus();
}

std::string NewId(const std::string& prefix) {
  thread_local std::mt19937_64 bits{std::random_device{}()};
  return absl::StrCat(prefix, "-", absl::StrFormat("%010x", bits() & 0xFFFFFFFFFFull));
}

}  // namespace duban::reporting

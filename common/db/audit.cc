#include "common/db/audit.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/validation.h"

namespace duban::db {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

absl::StatusOr<std::string> ToJson(const google::protobuf::Message* message) {
  if (message == nullptr) return std::string();
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(*message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("audit: cannot render ", message->GetTypeName(),
                                            " as JSON: ", status.ToString()));
  }
  return json;
}

// Where a page ends: the last record's time and id. The token is opaque to
// callers; it is the web-safe base64 of "<unix micros>:<id>".
struct Position {
  int64_t at_micros;
  int64_t id;
};

std::string EncodeToken(const Position& position) {
  return absl::WebSafeBase64Escape(absl::StrCat(position.at_micros, ":", position.id));
}

absl::StatusOr<std::optional<Position>> DecodeToken(const std::string& token) {
  if (token.empty()) return std::nullopt;
  std::string text;
  std::vector<std::string> parts;
  if (absl::WebSafeBase64Unescape(token, &text)) parts = absl::StrSplit(text, ':');
  Position position;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &position.at_micros) ||
      !absl::SimpleAtoi(parts[1], &position.id) || position.id <= 0) {
    return InvalidField("page_token", "not a token returned by a previous call");
  }
  return position;
}

// The WHERE clause of a listing and its parameters, in order.
struct Conditions {
  std::string where = "TRUE";
  std::vector<Param> params;

  void Add(std::string_view condition, std::vector<Param> values) {
    absl::StrAppend(&where, " AND ", std::string(condition));
    for (auto& v : values) params.push_back(std::move(v));
  }
};

Conditions BuildQuery(const duban::common::v1::AuditFilter& filter,
                      const std::optional<Position>& after) {
  Conditions query;
  if (!filter.entity_type().empty()) query.Add("entity_type = ?", {filter.entity_type()});
  if (!filter.entity_id().empty()) query.Add("entity_id = ?", {filter.entity_id()});
  if (!filter.actor().empty()) query.Add("actor = ?", {filter.actor()});
  if (filter.has_from()) query.Add("`at` >= ?", {ToSqlTime(FromProto(filter.from()))});
  if (filter.has_to()) query.Add("`at` < ?", {ToSqlTime(FromProto(filter.to()))});
  if (after.has_value()) {
    const std::string at = ToSqlTime(absl::FromUnixMicros(after->at_micros));
    query.Add("(`at` > ? OR (`at` = ? AND id > ?))", {at, at, after->id});
  }
  return query;
}

duban::common::v1::AuditRecord ReadRecord(sql::ResultSet& rs) {
  duban::common::v1::AuditRecord record;
  record.set_id(absl::StrCat(rs.getInt64("id")));
  record.set_actor(rs.getString("actor"));
  *record.mutable_at() = ToProto(FromSqlTime(rs.getString("at")));
  record.set_action(rs.getString("action"));
  record.set_entity_type(rs.getString("entity_type"));
  record.set_entity_id(rs.getString("entity_id"));
  record.set_before_json(rs.getString("before_json"));
  record.set_after_json(rs.getString("after_json"));
  record.set_request_id(rs.getString("request_id"));
  return record;
}

}  // namespace

absl::Status WriteAudit(sql::Connection& conn, const AuditEntry& entry) {
  absl::StatusOr<std::string> before = ToJson(entry.before);
  if (!before.ok()) return before.status();
  absl::StatusOr<std::string> after = ToJson(entry.after);
  if (!after.ok()) return after.status();

  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
      "INSERT INTO audit_log (actor, `at`, action, entity_type, entity_id, before_json, "
      "after_json, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt->setString(1, entry.actor);
  stmt->setString(2, ToSqlTime(entry.at));
  stmt->setString(3, entry.action);
  stmt->setString(4, entry.entity_type);
  stmt->setString(5, entry.entity_id);
  stmt->setString(6, *before);
  stmt->setString(7, *after);
  stmt->setString(8, entry.request_id);
  stmt->executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<AuditPage> ListAudit(ConnectionPool& pool,
                                    const duban::common::v1::AuditFilter& filter, int page_size,
                                    const std::string& page_token) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  const int limit = page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  DUBAN_ASSIGN_OR_RETURN(std::optional<Position> after, DecodeToken(page_token));
  const Conditions query = BuildQuery(filter, after);

  AuditPage page;
  DUBAN_RETURN_IF_ERROR(WithConnection(pool, [&](sql::Connection& conn) {
    std::unique_ptr<sql::ResultSet> rs =
        Query(conn,
              absl::StrCat("SELECT id, actor, `at`, action, entity_type, entity_id, before_json, "
                           "after_json, request_id FROM audit_log WHERE ",
                           query.where, " ORDER BY `at`, id LIMIT ", limit + 1),
              query.params);
    while (rs->next()) page.records.push_back(ReadRecord(*rs));
    return absl::OkStatus();
  }));

  bool more = page.records.size() > static_cast<size_t>(limit);
  if (more) page.records.resize(limit);
  // A page ends early rather than outgrow a gRPC message (each record holds an
  // entity before and after its change); the rest follows on the next page.
  size_t bytes = 0;
  for (size_t i = 0; i < page.records.size(); ++i) {
    bytes += page.records[i].ByteSizeLong();
    if (i > 0 && bytes > kMaxPageBytes) {
      page.records.resize(i);
      more = true;
      break;
    }
  }
  if (more) {
    const duban::common::v1::AuditRecord& last = page.records.back();
    int64_t id = 0;
    (void)absl::SimpleAtoi(last.id(), &id);
    page.next_page_token = EncodeToken({absl::ToUnixMicros(FromProto(last.at())), id});
  }
  return page;
}

}  // namespace duban::db

#include "services/minutes/minutes_store.h"

#include <cppconn/resultset.h>

#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/pool.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::minutes {
namespace {

using db::Param;

template <typename T>
absl::StatusOr<T> ReadBody(sql::ResultSet& rows) {
  std::unique_ptr<std::istream> blob(rows.getBlob("body"));
  std::ostringstream bytes;
  bytes << blob->rdbuf();
  T message;
  if (!message.ParseFromString(bytes.str())) {
    return absl::DataLossError("stored message does not parse");
  }
  return message;
}

template <typename T>
absl::StatusOr<std::vector<T>> ReadBodies(sql::ResultSet& rows) {
  std::vector<T> messages;
  while (rows.next()) {
    DUBAN_ASSIGN_OR_RETURN(T message, ReadBody<T>(rows));
    messages.push_back(std::move(message));
  }
  return messages;
}

}  // namespace

absl::Status MinutesStore::InsertEvent(sql::Connection& conn, const v1::DispatchEvent& event) {
  db::Execute(conn,
              "INSERT INTO dispatch_events (id, leader_id, kind, held_at, held_on, "
              "drafting_unit_id, recorded_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              {event.id(), event.leader_id(), int64_t{event.kind()},
               db::ToSqlTime(FromProto(event.held_at())),
               absl::StrFormat("%04d-%02d-%02d", event.held_on().year(), event.held_on().month(),
                               event.held_on().day()),
               event.drafting_unit_id(), db::ToSqlTime(FromProto(event.recorded_at())),
               Param::Blob(event.SerializeAsString())});
  return absl::OkStatus();
}

absl::Status MinutesStore::UpdateEvent(sql::Connection& conn, const v1::DispatchEvent& event) {
  db::Execute(conn, "UPDATE dispatch_events SET body = ? WHERE id = ?",
              {Param::Blob(event.SerializeAsString()), event.id()});
  return absl::OkStatus();
}

absl::StatusOr<v1::DispatchEvent> MinutesStore::LoadEvent(sql::Connection& conn,
                                                          const std::string& event_id,
                                                          bool for_update) {
  auto rows = db::Query(conn,
                        absl::StrCat("SELECT body FROM dispatch_events WHERE id = ?",
                                     for_update ? " FOR UPDATE" : ""),
                        {event_id});
  if (!rows->next())
    return absl::NotFoundError(absl::StrCat("dispatch event ", event_id, " not found"));
  return ReadBody<v1::DispatchEvent>(*rows);
}

absl::StatusOr<int64_t> MinutesStore::DraftDueRevision(sql::Connection& conn,
                                                       const std::string& event_id) {
  auto rows =
      db::Query(conn, "SELECT draft_due_revision FROM dispatch_events WHERE id = ?", {event_id});
  if (!rows->next()) {
    return absl::NotFoundError(absl::StrCat("dispatch event ", event_id, " not found"));
  }
  return rows->getInt64(1);
}

absl::Status MinutesStore::MoveDraftDue(sql::Connection& conn, const v1::DispatchEvent& event,
                                        int64_t revision) {
  db::Execute(conn, "UPDATE dispatch_events SET body = ?, draft_due_revision = ? WHERE id = ?",
              {Param::Blob(event.SerializeAsString()), revision, event.id()});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::DispatchEvent>> MinutesStore::ListEvents(sql::Connection& conn,
                                                                        const EventFilter& filter,
                                                                        const PageRequest& page) {
  std::vector<std::string> conditions;
  std::vector<Param> params;
  if (!filter.leader_id.empty()) {
    conditions.push_back("leader_id = ?");
    params.push_back(filter.leader_id);
  }
  if (filter.kind != v1::DISPATCH_EVENT_KIND_UNSPECIFIED) {
    conditions.push_back("kind = ?");
    params.push_back(int64_t{filter.kind});
  }
  if (filter.held_from) {
    conditions.push_back("held_on >= ?");
    params.push_back(FormatDay(*filter.held_from));
  }
  if (filter.held_to) {
    conditions.push_back("held_on <= ?");
    params.push_back(FormatDay(*filter.held_to));
  }
  auto rows =
      db::Query(conn,
                absl::StrCat("SELECT body FROM dispatch_events", db::WhereClause(conditions),
                             " ORDER BY held_at, id", db::LimitClause(page)),
                params);
  return ReadBodies<v1::DispatchEvent>(*rows);
}

absl::Status MinutesStore::SaveDocument(sql::Connection& conn, const v1::Document& document,
                                        const std::optional<DocumentNumber>& number,
                                        absl::Time created_at) {
  if (number) {
    DUBAN_ASSIGN_OR_RETURN(std::optional<std::string> holder, FindDocumentByNumber(conn, *number));
    if (holder && *holder != document.id()) {
      return absl::AlreadyExistsError(absl::StrCat("document_number: ", number->Canonical(),
                                                   " is already used by document ", *holder));
    }
  }
  std::vector<Param> params = {document.id(),
                               document.event_id(),
                               document.leader_id(),
                               document.drafting_unit_id(),
                               int64_t{document.kind()},
                               int64_t{document.state()}};
  if (number) {
    params.insert(params.end(), {number->prefix, int64_t{number->year}, int64_t{number->serial}});
  } else {
    params.insert(params.end(), {Param::Null(), Param::Null(), Param::Null()});
  }
  params.insert(params.end(), {document.revision(), db::ToSqlTime(created_at),
                               Param::Blob(document.SerializeAsString())});
  const std::string statement(
      "INSERT INTO documents (id, event_id, leader_id, drafting_unit_id, kind, state, "
      "number_prefix, number_year, number_serial, revision, created_at, body) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE kind = VALUES(kind), "
      "state = VALUES(state), number_prefix = VALUES(number_prefix), "
      "number_year = VALUES(number_year), number_serial = VALUES(number_serial), "
      "revision = VALUES(revision), body = VALUES(body)");
  try {
    db::Execute(conn, statement, params);
  } catch (const std::exception& e) {
    const absl::Status status = db::SqlError(e, "saving the document");
    if (status.code() == absl::StatusCode::kAlreadyExists && number) {
      return absl::AlreadyExistsError(
          absl::StrCat("document_number: ", number->Canonical(), " is already used"));
    }
    return status;
  }
  return absl::OkStatus();
}

absl::Status MinutesStore::UpdateDocumentBody(sql::Connection& conn, const v1::Document& document) {
  db::Execute(conn, "UPDATE documents SET body = ? WHERE id = ?",
              {Param::Blob(document.SerializeAsString()), document.id()});
  return absl::OkStatus();
}

absl::StatusOr<v1::Document> MinutesStore::LoadDocument(sql::Connection& conn,
                                                        const std::string& document_id,
                                                        bool for_update) {
  auto rows = db::Query(
      conn,
      absl::StrCat("SELECT body FROM documents WHERE id = ?", for_update ? " FOR UPDATE" : ""),
      {document_id});
  if (!rows->next()) {
    return absl::NotFoundError(absl::StrCat("document ", document_id, " not found"));
  }
  return ReadBody<v1::Document>(*rows);
}

absl::StatusOr<std::optional<std::string>> MinutesStore::FindDocumentByNumber(
    sql::Connection& conn, const DocumentNumber& number) {
  auto rows = db::Query(conn,
                        "SELECT id FROM documents WHERE number_prefix = ? AND number_year = ? "
                        "AND number_serial = ? FOR UPDATE",
                        {number.prefix, int64_t{number.year}, int64_t{number.serial}});
  if (!rows->next()) return std::optional<std::string>();
  return std::optional<std::string>(rows->getString("id").asStdString());
}

absl::StatusOr<std::vector<v1::Document>> MinutesStore::ListDocuments(sql::Connection& conn,
                                                                      const DocumentFilter& filter,
                                                                      const PageRequest& page) {
  std::vector<std::string> conditions;
  std::vector<Param> params;
  if (!filter.leader_id.empty()) {
    conditions.push_back("leader_id = ?");
    params.push_back(filter.leader_id);
  }
  if (!filter.drafting_unit_id.empty()) {
    conditions.push_back("drafting_unit_id = ?");
    params.push_back(filter.drafting_unit_id);
  }
  if (filter.state != v1::DOCUMENT_STATE_UNSPECIFIED) {
    conditions.push_back("state = ?");
    params.push_back(int64_t{filter.state});
  }
  if (filter.kind != v1::DOCUMENT_KIND_UNSPECIFIED) {
    conditions.push_back("kind = ?");
    params.push_back(int64_t{filter.kind});
  }
  auto rows = db::Query(conn,
                        absl::StrCat("SELECT body FROM documents", db::WhereClause(conditions),
                                     " ORDER BY created_at, id", db::LimitClause(page)),
                        params);
  return ReadBodies<v1::Document>(*rows);
}

}  // namespace duban::minutes

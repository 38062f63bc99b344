// The minutes service's tables: dispatch events and documents. Every function
// runs on a connection the caller holds (inside its transaction when it
// writes), so a change, its audit record and its events commit together.
// Connector/C++ exceptions propagate to db::InTransaction / db::RunOnce, which
// turn them into statuses.
#ifndef DUBAN_SERVICES_MINUTES_MINUTES_STORE_H_
#define DUBAN_SERVICES_MINUTES_MINUTES_STORE_H_

#include <cppconn/connection.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/paging.h"
#include "duban/minutes/v1/minutes.pb.h"
#include "services/minutes/document_number.h"

namespace duban::minutes {

using db::NextPageToken;
using db::PageRequest;
using db::ParsePage;

struct EventFilter {
  std::string leader_id;
  v1::DispatchEventKind kind = v1::DISPATCH_EVENT_KIND_UNSPECIFIED;
  std::optional<absl::CivilDay> held_from;
  std::optional<absl::CivilDay> held_to;
};

struct DocumentFilter {
  std::string leader_id;
  std::string drafting_unit_id;
  v1::DocumentState state = v1::DOCUMENT_STATE_UNSPECIFIED;
  v1::DocumentKind kind = v1::DOCUMENT_KIND_UNSPECIFIED;
};

// Stateless; thread-safe.
class MinutesStore {
 public:
  static absl::Status InsertEvent(sql::Connection& conn, const v1::DispatchEvent& event);
  static absl::Status UpdateEvent(sql::Connection& conn, const v1::DispatchEvent& event);
  // NOT_FOUND "dispatch event <id> not found". `for_update` locks the row.
  static absl::StatusOr<v1::DispatchEvent> LoadEvent(sql::Connection& conn,
                                                     const std::string& event_id, bool for_update);
  // The scheduler's revision of the draft deadline the event's draft_due_at
  // shows: 0 until a move was applied. NOT_FOUND as LoadEvent.
  static absl::StatusOr<int64_t> DraftDueRevision(sql::Connection& conn,
                                                  const std::string& event_id);
  // Stores the event with a draft_due_at moved to the scheduler's `revision`.
  static absl::Status MoveDraftDue(sql::Connection& conn, const v1::DispatchEvent& event,
                                   int64_t revision);
  // Ordered by held_at, then id.
  static absl::StatusOr<std::vector<v1::DispatchEvent>> ListEvents(sql::Connection& conn,
                                                                   const EventFilter& filter,
                                                                   const PageRequest& page);

  // Inserts or replaces a document (by id). `number` is its parsed number, if
  // any. ALREADY_EXISTS "document_number: ..." when another document holds it.
  static absl::Status SaveDocument(sql::Connection& conn, const v1::Document& document,
                                   const std::optional<DocumentNumber>& number,
                                   absl::Time created_at);
  // Replaces the stored message of an existing document whose indexed
  // columns (kind, state, number, revision) stay as they are.
  static absl::Status UpdateDocumentBody(sql::Connection& conn, const v1::Document& document);
  // NOT_FOUND "document <id> not found".
  static absl::StatusOr<v1::Document> LoadDocument(sql::Connection& conn,
                                                   const std::string& document_id, bool for_update);
  // The id of the document holding `number`, if any.
  static absl::StatusOr<std::optional<std::string>> FindDocumentByNumber(
      sql::Connection& conn, const DocumentNumber& number);
  // Ordered by creation, then id.
  static absl::StatusOr<std::vector<v1::Document>> ListDocuments(sql::Connection& conn,
                                                                 const DocumentFilter& filter,
                                                                 const PageRequest& page);
};

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_MINUTES_STORE_H_

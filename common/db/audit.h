// The audit trail: one record per state change, in the owning service's
// database, written in the same transaction as the change.
#ifndef DUBAN_COMMON_DB_AUDIT_H_
#define DUBAN_COMMON_DB_AUDIT_H_

#include <cppconn/connection.h>
#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/pool.h"
#include "duban/common/v1/common.pb.h"

namespace duban::db {

struct AuditEntry {
  std::string actor;
  absl::Time at;
  std::string action;
  std::string entity_type;
  std::string entity_id;
  // Null pointers mean "did not exist" (before a creation, after a deletion).
  const google::protobuf::Message* before = nullptr;
  const google::protobuf::Message* after = nullptr;
  std::string request_id;
};

// Writes one record on `conn` (inside the caller's transaction).
absl::Status WriteAudit(sql::Connection& conn, const AuditEntry& entry);

struct AuditPage {
  std::vector<duban::common::v1::AuditRecord> records;
  std::string next_page_token;
};

// Records matching `filter`, oldest first (by time, then insertion order). A
// page ends early, with a next_page_token, before its records outgrow
// kMaxPageBytes (common/validation.h); it always holds at least one record.
// INVALID_ARGUMENT "page_token: ..." for a token this call did not hand out.
absl::StatusOr<AuditPage> ListAudit(ConnectionPool& pool,
                                    const duban::common::v1::AuditFilter& filter, int page_size,
                                    const std::string& page_token);

// Answers a service's ListAuditRecords: each service's contract has its own
// request and response messages of the same shape (filter, page_size,
// page_token; records, next_page_token).
template <typename Request, typename Response>
absl::Status ListAuditInto(ConnectionPool& pool, const Request& request, Response* response) {
  absl::StatusOr<AuditPage> page =
      ListAudit(pool, request.filter(), request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  for (auto& record : page->records) *response->add_records() = std::move(record);
  response->set_next_page_token(page->next_page_token);
  return absl::OkStatus();
}

}  // namespace duban::db

#endif  // DUBAN_COMMON_DB_AUDIT_H_

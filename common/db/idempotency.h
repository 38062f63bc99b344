// Request ids: a retried call returns the first answer; the same id with a
// different request is INVALID_ARGUMENT naming the request id.
#ifndef DUBAN_COMMON_DB_IDEMPOTENCY_H_
#define DUBAN_COMMON_DB_IDEMPOTENCY_H_

#include <cppconn/connection.h>
#include <google/protobuf/message.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/db/pool.h"

namespace duban::db {

// Runs `body` in one transaction together with recording `request_id` and the
// response it produced in the request log, which is keyed by `caller` (the
// subject of the caller's token) and `request_id`: two callers' identical ids
// are independent requests, and neither learns that the other used the id. If
// the caller recorded the id before for the same method and the same request
// (compared byte for byte, serialized deterministically), `response` is filled
// with the recorded answer and `body` does not run. The row is stamped with
// `pool.clock()`, the clock retention ages it by.
// INVALID_ARGUMENT "request_id: ..." when the id is empty, longer than 128
// bytes, holds control characters, or was recorded by the same caller for a
// different method or request. A failed body records nothing, so a retry runs
// it again. INVALID_ARGUMENT "caller: ..." when `caller` is longer than 255
// bytes. Thread-safe; concurrent duplicates run the body once.
absl::Status RunOnce(ConnectionPool& pool, const std::string& method, const std::string& request_id,
                     const std::string& caller, const google::protobuf::Message& request,
                     google::protobuf::Message* response,
                     const std::function<absl::Status(sql::Connection&)>& body);

}  // namespace duban::db

#endif  // DUBAN_COMMON_DB_IDEMPOTENCY_H_

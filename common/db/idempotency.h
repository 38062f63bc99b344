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
// response it produced in the request log. If the id was recorded before for
// the same method and the same request (compared byte for byte, serialized
// deterministically), `response` is filled with the recorded answer and
// `body` does not run. `caller` (the subject of the caller's token) is part of
// the comparison, so one caller can never replay another's request id.
// INVALID_ARGUMENT "request_id: ..." when the id is empty, longer than 128
// bytes, holds control characters, or was recorded for a different method,
// caller or request. A failed body records nothing, so a retry runs it again.
absl::Status RunOnce(ConnectionPool& pool, const std::string& method, const std::string& request_id,
                     const std::string& caller, const google::protobuf::Message& request,
                     google::protobuf::Message* response,
                     const std::function<absl::Status(sql::Connection&)>& body);

}  // namespace duban::db

#endif  // DUBAN_COMMON_DB_IDEMPOTENCY_H_

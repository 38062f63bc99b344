#include "common/db/idempotency.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace duban::db {
namespace {

constexpr size_t kMaxRequestIdBytes = 128;
// The request log's caller column (common/db/migrate.cc) holds this many.
constexpr size_t kMaxCallerBytes = 255;
constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY

// The same message always gives the same bytes (map fields in key order).
std::string SerializeDeterministically(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream output(&bytes);
    google::protobuf::io::CodedOutputStream coded(&output);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

absl::Status CheckRequestId(const std::string& request_id) {
  if (request_id.empty()) return InvalidField("request_id", "must be set");
  if (request_id.size() > kMaxRequestIdBytes) {
    return InvalidField("request_id", absl::StrCat("longer than ", kMaxRequestIdBytes, " bytes"));
  }
  for (const char c : request_id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return InvalidField("request_id", "must not contain control characters");
    }
  }
  return absl::OkStatus();
}

struct RecordedRequest {
  std::string method;
  std::string request;
  std::string response;
};

// One caller's request id: the request log's key.
struct RequestKey {
  const std::string& caller;
  const std::string& request_id;
};

// Claims the key with a row whose response is filled in by Finish. A
// concurrent claim of the same key waits for this transaction and then finds
// it taken, so the body runs once. False when the key was recorded before.
bool Claim(sql::Connection& conn, const RequestKey& key, const std::string& method,
           const std::string& request, absl::Time now) {
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
      "INSERT INTO request_log (caller, request_id, method, request, response, created_at) "
      "VALUES (?, ?, ?, ?, '', ?)"));
  stmt->setString(1, key.caller);
  stmt->setString(2, key.request_id);
  stmt->setString(3, method);
  stmt->setString(4, request);
  stmt->setString(5, ToSqlTime(now));
  try {
    stmt->executeUpdate();
    return true;
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kDuplicateKey) return false;
    throw;
  }
}

RecordedRequest ReadRecorded(sql::Connection& conn, const RequestKey& key) {
  std::unique_ptr<sql::PreparedStatement> stmt(
      conn.prepareStatement("SELECT method, request, response FROM request_log "
                            "WHERE caller = ? AND request_id = ? FOR UPDATE"));
  stmt->setString(1, key.caller);
  stmt->setString(2, key.request_id);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) throw sql::SQLException("request_log row vanished", "HY000", 0);
  return RecordedRequest{rs->getString(1), rs->getString(2), rs->getString(3)};
}

void Finish(sql::Connection& conn, const RequestKey& key, const std::string& response) {
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
      "UPDATE request_log SET response = ? WHERE caller = ? AND request_id = ?"));
  stmt->setString(1, response);
  stmt->setString(2, key.caller);
  stmt->setString(3, key.request_id);
  stmt->executeUpdate();
}

absl::Status Replay(const RecordedRequest& recorded, const std::string& method,
                    const std::string& request_id, const std::string& request,
                    google::protobuf::Message* response) {
  if (recorded.method != method || recorded.request != request) {
    return InvalidField(
        "request_id", absl::StrCat("'", request_id, "' was already used for a different request"));
  }
  if (!response->ParseFromString(recorded.response)) {
    return absl::InternalError(
        absl::StrCat("request_id: the recorded response of '", request_id, "' is unreadable"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunOnce(ConnectionPool& pool, const std::string& method, const std::string& request_id,
                     const std::string& caller, const google::protobuf::Message& request,
                     google::protobuf::Message* response,
                     const std::function<absl::Status(sql::Connection&)>& body) {
  DUBAN_RETURN_IF_ERROR(CheckRequestId(request_id));
  if (caller.size() > kMaxCallerBytes) {
    // Cut short, it could be another caller's.
    return absl::InvalidArgumentError(
        absl::StrCat("caller: the token's subject is longer than ", kMaxCallerBytes, " bytes"));
  }
  const RequestKey key{caller, request_id};
  // The stored request starts with the caller, as it did before the caller
  // was part of the key: rows recorded then are compared, and re-keyed by
  // common/db/migrate.cc, the same way as new ones.
  const std::string request_bytes =
      absl::StrCat(caller, std::string(1, '\0'), SerializeDeterministically(request));

  return InTransaction(pool, [&](sql::Connection& conn) -> absl::Status {
    if (!Claim(conn, key, method, request_bytes, pool.clock().Now())) {
      return Replay(ReadRecorded(conn, key), method, request_id, request_bytes, response);
    }
    response->Clear();
    DUBAN_RETURN_IF_ERROR(body(conn));
    Finish(conn, key, SerializeDeterministically(*response));
    return absl::OkStatus();
  });
}

}  // namespace duban::db

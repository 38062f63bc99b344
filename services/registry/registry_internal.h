// Helpers shared by the registry's domain files. Internal to the service.
#ifndef DUBAN_SERVICES_REGISTRY_REGISTRY_INTERNAL_H_
#define DUBAN_SERVICES_REGISTRY_REGISTRY_INTERNAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/db/audit.h"
#include "google/protobuf/message.h"

namespace duban::registry::internal {

// A new id: `prefix` followed by 10 random hex digits ("unit-3f9a1c2b7d").
std::string NewId(std::string_view prefix);

// The page size to use: `requested`, or `fallback` when 0, at most 500.
// INVALID_ARGUMENT "page_size: ..." when negative.
absl::StatusOr<int> PageSize(int requested, int fallback = 50);

// An opaque token for a keyset position in the list `list`, and its reverse.
// Decoding a token of another list, or garbage, is INVALID_ARGUMENT "page_token: ...".
std::string EncodePageToken(std::string_view list, const std::vector<std::string>& key);
absl::StatusOr<std::vector<std::string>> DecodePageToken(std::string_view list,
                                                         const std::string& token, size_t key_size);

// An audit entry by `caller` for `method` (a full method name; the action
// recorded is "registry.<Method>").
db::AuditEntry AuditOf(const Caller& caller, absl::Time at, std::string_view method,
                       std::string_view entity_type, std::string_view entity_id,
                       const google::protobuf::Message* before,
                       const google::protobuf::Message* after, std::string_view request_id);

}  // namespace duban::registry::internal

#endif  // DUBAN_SERVICES_REGISTRY_REGISTRY_INTERNAL_H_

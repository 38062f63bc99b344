#include "services/registry/registry_internal.h"

#include <random>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace duban::registry::internal {
namespace {

constexpr char kSeparator = '\x1f';
constexpr int kMaxPageSize = 500;

absl::string_view Av(std::string_view text) { return {text.data(), text.size()}; }

}  // namespace

std::string NewId(std::string_view prefix) {
  thread_local std::mt19937_64 random(std::random_device{}());
  return absl::StrCat(Av(prefix), absl::StrFormat("%010x", random() & 0xFFFFFFFFFFull));
}

absl::StatusOr<int> PageSize(int requested, int fallback) {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (requested == 0) return fallback;
  return std::min(requested, kMaxPageSize);
}

std::string EncodePageToken(std::string_view list, const std::vector<std::string>& key) {
  return absl::WebSafeBase64Escape(absl::StrCat(Av(list), std::string(1, kSeparator),
                                                absl::StrJoin(key, std::string(1, kSeparator))));
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(std::string_view list,
                                                         const std::string& token,
                                                         size_t key_size) {
  std::string text;
  if (!absl::WebSafeBase64Unescape(token, &text)) {
    return absl::InvalidArgumentError("page_token: not a page token");
  }
  std::vector<std::string> parts = absl::StrSplit(text, kSeparator);
  if (parts.size() != key_size + 1 || parts.front() != Av(list)) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_token: not a token of ", Av(list), " (ask again without one)"));
  }
  parts.erase(parts.begin());
  return parts;
}

db::AuditEntry AuditOf(const Caller& caller, absl::Time at, std::string_view method,
                       std::string_view entity_type, std::string_view entity_id,
                       const google::protobuf::Message* before,
                       const google::protobuf::Message* after, std::string_view request_id) {
  db::AuditEntry entry;
  entry.actor = caller.subject();
  entry.at = at;
  const size_t slash = method.rfind('/');
  entry.action =
      absl::StrCat("registry.", Av(method.substr(slash == std::string_view::npos ? 0 : slash + 1)));
  entry.entity_type = std::string(entity_type);
  entry.entity_id = std::string(entity_id);
  entry.before = before;
  entry.after = after;
  entry.request_id = std::string(request_id);
  return entry;
}

}  // namespace duban::registry::internal

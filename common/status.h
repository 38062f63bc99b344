// Small helpers around absl::Status that Debian's Abseil (2022) lacks, and the
// one place where absl::Status becomes grpc::Status.
#ifndef DUBAN_COMMON_STATUS_H_
#define DUBAN_COMMON_STATUS_H_

#include <grpcpp/support/status.h>

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function when `expr` is not OK.
#define DUBAN_RETURN_IF_ERROR(expr)                                 \
  do {                                                              \
    if (absl::Status duban_status_ = (expr); !duban_status_.ok()) { \
      return duban_status_;                                         \
    }                                                               \
  } while (0)

#define DUBAN_STATUS_CONCAT_INNER_(a, b) a##b
#define DUBAN_STATUS_CONCAT_(a, b) DUBAN_STATUS_CONCAT_INNER_(a, b)

// `DUBAN_ASSIGN_OR_RETURN(auto x, Foo());` declares x from Foo()'s value or
// returns Foo()'s status.
#define DUBAN_ASSIGN_OR_RETURN(lhs, expr) \
  DUBAN_ASSIGN_OR_RETURN_IMPL_(DUBAN_STATUS_CONCAT_(duban_statusor_, __LINE__), lhs, expr)
#define DUBAN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

namespace duban {

// Debian's Abseil is built with its own absl::string_view (not an alias of
// std::string_view), so absl::StrCat and friends do not take std::string_view
// directly: wrap it with AbslView(s).
inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// INVALID_ARGUMENT whose message names the field first: "<field>: <problem>".
absl::Status InvalidField(std::string_view field, std::string_view problem);

// Converts at the RPC edge, keeping code and message.
grpc::Status ToGrpc(const absl::Status& status);

// Converts a status that came back from another service.
absl::Status FromGrpc(const grpc::Status& status);

}  // namespace duban

#endif  // DUBAN_COMMON_STATUS_H_

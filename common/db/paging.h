// Offset pagination for list calls: opaque page tokens and the SQL to go with them.
#ifndef DUBAN_COMMON_DB_PAGING_H_
#define DUBAN_COMMON_DB_PAGING_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace duban::db {

// One page of a list: rows [offset, offset + limit) of the filtered order.
struct PageRequest {
  int offset = 0;
  int limit = 50;
};

// Reads a page token handed out by NextPageToken ("" is the first page) and a
// page size (0: 50; at most 500). INVALID_ARGUMENT "page_size: ..." for a
// negative size and "page_token: ..." for a token no list handed out.
absl::StatusOr<PageRequest> ParsePage(const std::string& page_token, int page_size);

// The token of the page after `page` when it came back full, else "".
std::string NextPageToken(const PageRequest& page, size_t rows_returned);

// " LIMIT n OFFSET m" for `page`.
std::string LimitClause(const PageRequest& page);

// " WHERE a = ? AND b = ?" from the conditions that apply, or "".
std::string WhereClause(const std::vector<std::string>& conditions);

}  // namespace duban::db

#endif  // DUBAN_COMMON_DB_PAGING_H_

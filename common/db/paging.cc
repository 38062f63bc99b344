#include "common/db/paging.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"

namespace duban::db {

absl::StatusOr<PageRequest> ParsePage(const std::string& page_token, int page_size) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  PageRequest page;
  page.limit = page_size == 0 ? 50 : std::min(page_size, 500);
  if (page_token.empty()) return page;
  if (page_token[0] != 'o' || !absl::SimpleAtoi(page_token.substr(1), &page.offset) ||
      page.offset < 0) {
    return InvalidField("page_token", "not a token this list handed out");
  }
  return page;
}

std::string NextPageToken(const PageRequest& page, size_t rows_returned) {
  if (rows_returned < static_cast<size_t>(page.limit)) return "";
  return absl::StrCat("o", page.offset + page.limit);
}

std::string LimitClause(const PageRequest& page) {
  return absl::StrCat(" LIMIT ", page.limit, " OFFSET ", page.offset);
}

std::string WhereClause(const std::vector<std::string>& conditions) {
  return conditions.empty() ? "" : " WHERE " + absl::StrJoin(conditions, " AND ");
}

}  // namespace duban::db

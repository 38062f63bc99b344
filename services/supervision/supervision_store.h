// The supervision service's tables: cases and notices. Every function runs on
// a connection the caller holds (inside its transaction when it writes).
// Connector/C++ exceptions propagate to db::InTransaction / db::ApplyEvents,
// which turn them into statuses.
#ifndef DUBAN_SERVICES_SUPERVISION_SUPERVISION_STORE_H_
#define DUBAN_SERVICES_SUPERVISION_SUPERVISION_STORE_H_

#include <cppconn/connection.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/paging.h"
#include "duban/supervision/v1/supervision.pb.h"

namespace duban::supervision {

using db::NextPageToken;
using db::PageRequest;
using db::ParsePage;

struct CaseFilter {
  // Empty: every unit.
  std::vector<std::string> unit_ids;
  v1::CaseState state = v1::CASE_STATE_UNSPECIFIED;
  common::v1::SubjectKind subject_kind = common::v1::SUBJECT_KIND_UNSPECIFIED;
  std::optional<absl::Time> opened_from;
  std::optional<absl::Time> opened_to;
  bool referred_only = false;
  // Cases still open at this instant or closed at or after it.
  std::optional<absl::Time> not_closed_before;
};

struct NoticeFilter {
  std::vector<std::string> unit_ids;
  v1::NoticeKind kind = v1::NOTICE_KIND_UNSPECIFIED;
  std::optional<absl::Time> from;
  std::optional<absl::Time> to;
  std::optional<common::v1::Subject> subject;
};

// Stateless; thread-safe.
class SupervisionStore {
 public:
  // The subject's case, if any; `for_update` locks it (or the gap where it would be).
  static absl::StatusOr<std::optional<v1::SupervisionCase>> FindCase(
      sql::Connection& conn, const common::v1::Subject& subject, bool for_update);
  // NOT_FOUND "case <id> not found".
  static absl::StatusOr<v1::SupervisionCase> LoadCase(sql::Connection& conn,
                                                      const std::string& case_id, bool for_update);
  // Inserts or replaces by id.
  static absl::Status SaveCase(sql::Connection& conn, const v1::SupervisionCase& supervision_case);
  // Ordered by opened_at, then id; `page` unset: every row.
  static absl::StatusOr<std::vector<v1::SupervisionCase>> ListCases(
      sql::Connection& conn, const CaseFilter& filter, const std::optional<PageRequest>& page);

  static absl::Status InsertNotice(sql::Connection& conn, const v1::Notice& notice);
  // Ordered by time, then id; `page` unset: every row.
  static absl::StatusOr<std::vector<v1::Notice>> ListNotices(
      sql::Connection& conn, const NoticeFilter& filter, const std::optional<PageRequest>& page);
};

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_SUPERVISION_STORE_H_

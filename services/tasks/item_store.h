// Storage of items, behind an interface so that the domain does not know SQL.
#ifndef DUBAN_SERVICES_TASKS_ITEM_STORE_H_
#define DUBAN_SERVICES_TASKS_ITEM_STORE_H_

#include <cppconn/connection.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "duban/tasks/v1/tasks.pb.h"

namespace duban::tasks {

// A resolved item query: the caller's access scope, the filter with its local
// days turned into instants, and a page position.
struct ItemQuery {
  // When set, only items one of `scope_units` leads or is responsible for,
  // (when `scope_leader_id` is not empty) of that leader's dispatch events, or
  // whose matter is one of `scope_matters`.
  bool restricted = false;
  std::vector<std::string> scope_units;
  std::string scope_leader_id;
  std::vector<std::string> scope_matters;

  std::string lead_unit_id;
  std::string responsible_unit_id;
  std::string unit_id;
  std::string leader_id;
  std::string matter_id;
  std::string document_id;
  std::string parent_item_id;
  std::string content_contains;
  std::vector<duban::tasks::v1::ItemStatus> statuses;
  bool open_only = false;
  bool referred_only = false;

  // Lights are evaluated at `now` with `warning_lead`.
  std::vector<duban::tasks::v1::Light> lights;
  absl::Time now;
  absl::Duration warning_lead;

  // "Due on a day in [due_from, due_to]": a date-only deadline on one of those
  // days, or an instant in [due_from_start, due_to_end).
  std::optional<std::string> due_from_day;  // "YYYY-MM-DD"
  std::optional<std::string> due_to_day;
  std::optional<absl::Time> due_from_start;
  std::optional<absl::Time> due_to_end;

  // Open at some moment in (open_during_from, open_during_to].
  std::optional<absl::Time> open_during_from;
  std::optional<absl::Time> open_during_to;

  // Keyset position: items strictly after (due_at, id); at most `limit` rows.
  std::optional<std::pair<absl::Time, std::string>> after;
  int limit = 100;
};

struct LightCounts {
  int64_t count = 0;
  int64_t green = 0;
  int64_t yellow = 0;
  int64_t red = 0;
  int64_t done = 0;
};

// All methods run on the caller's connection (inside its transaction when it
// has one) and report Connector errors as statuses. Implementations are
// stateless and thread-safe.
class ItemStore {
 public:
  virtual ~ItemStore() = default;

  // The item, or nullopt. With `for_update`, the row stays locked until the
  // transaction ends.
  virtual absl::StatusOr<std::optional<duban::tasks::v1::Item>> Load(sql::Connection& conn,
                                                                     const std::string& id,
                                                                     bool for_update) = 0;
  // Inserts a new item; false (and nothing written) when the id exists.
  virtual absl::StatusOr<bool> Insert(sql::Connection& conn,
                                      const duban::tasks::v1::Item& item) = 0;
  // Replaces the stored item with the same id.
  virtual absl::Status Update(sql::Connection& conn, const duban::tasks::v1::Item& item) = 0;
  // Items matching `query`, ordered by due_at then id.
  virtual absl::StatusOr<std::vector<duban::tasks::v1::Item>> List(sql::Connection& conn,
                                                                   const ItemQuery& query) = 0;
  // Counts of the items matching `query` (its page position ignored), by light.
  virtual absl::StatusOr<LightCounts> Count(sql::Connection& conn, const ItemQuery& query) = 0;
};

}  // namespace duban::tasks

#endif  // DUBAN_SERVICES_TASKS_ITEM_STORE_H_

// The MariaDB/MySQL implementation of ItemStore (tables of migrations/0001_init.sql).
#ifndef DUBAN_SERVICES_TASKS_MYSQL_ITEM_STORE_H_
#define DUBAN_SERVICES_TASKS_MYSQL_ITEM_STORE_H_

#include "services/tasks/item_store.h"

namespace duban::tasks {

class MysqlItemStore final : public ItemStore {
 public:
  absl::StatusOr<std::optional<duban::tasks::v1::Item>> Load(sql::Connection& conn,
                                                             const std::string& id,
                                                             bool for_update) override;
  absl::StatusOr<bool> Insert(sql::Connection& conn, const duban::tasks::v1::Item& item) override;
  absl::Status Update(sql::Connection& conn, const duban::tasks::v1::Item& item) override;
  absl::StatusOr<std::vector<duban::tasks::v1::Item>> List(sql::Connection& conn,
                                                           const ItemQuery& query) override;
  absl::StatusOr<LightCounts> Count(sql::Connection& conn, const ItemQuery& query) override;
};

}  // namespace duban::tasks

#endif  // DUBAN_SERVICES_TASKS_MYSQL_ITEM_STORE_H_

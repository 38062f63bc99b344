// The registry's storage in MariaDB/MySQL (schema: migrations/0001_init.sql).
#ifndef DUBAN_SERVICES_REGISTRY_MYSQL_REGISTRY_STORE_H_
#define DUBAN_SERVICES_REGISTRY_MYSQL_REGISTRY_STORE_H_

#include <string>
#include <vector>

#include "common/db/migrate.h"
#include "common/db/pool.h"
#include "services/registry/registry_store.h"

namespace duban::registry {

// The registry's schema migrations (generated from migrations/*.sql).
const std::vector<duban::db::Migration>& Migrations();

// Thread-safe; does not own `pool`, which must outlive the store.
class MySqlRegistryStore final : public RegistryStore {
 public:
  explicit MySqlRegistryStore(db::ConnectionPool* pool) : pool_(pool) {}

  absl::Status Change(const std::string& method, const std::string& request_id,
                      const std::string& caller, const google::protobuf::Message& request,
                      google::protobuf::Message* response, const TransactionBody& body) override;
  absl::Status Read(const TransactionBody& body) override;
  absl::StatusOr<db::AuditPage> ListAudit(const duban::common::v1::AuditFilter& filter,
                                          int page_size, const std::string& page_token) override;

 private:
  db::ConnectionPool* pool_;
};

}  // namespace duban::registry

#endif  // DUBAN_SERVICES_REGISTRY_MYSQL_REGISTRY_STORE_H_

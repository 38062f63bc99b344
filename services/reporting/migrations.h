// The reporting service's schema migrations (compiled from migrations/*.sql).
#ifndef DUBAN_SERVICES_REPORTING_MIGRATIONS_H_
#define DUBAN_SERVICES_REPORTING_MIGRATIONS_H_

#include <vector>

#include "common/db/migrate.h"

namespace duban::reporting {

const std::vector<db::Migration>& Migrations();

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_MIGRATIONS_H_

// The minutes service's schema migrations (compiled from migrations/*.sql).
#ifndef DUBAN_SERVICES_MINUTES_MIGRATIONS_H_
#define DUBAN_SERVICES_MINUTES_MIGRATIONS_H_

#include <vector>

#include "common/db/migrate.h"

namespace duban::minutes {

const std::vector<db::Migration>& Migrations();

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_MIGRATIONS_H_

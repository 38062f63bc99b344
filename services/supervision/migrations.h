// The supervision service's schema migrations (compiled from migrations/*.sql).
#ifndef DUBAN_SERVICES_SUPERVISION_MIGRATIONS_H_
#define DUBAN_SERVICES_SUPERVISION_MIGRATIONS_H_

#include <vector>

#include "common/db/migrate.h"

namespace duban::supervision {

const std::vector<db::Migration>& Migrations();

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_MIGRATIONS_H_

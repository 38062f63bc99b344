// The scheduler database schema: migrations/NNNN_*.sql, compiled in by CMake.
#ifndef DUBAN_SERVICES_SCHEDULER_SCHEMA_H_
#define DUBAN_SERVICES_SCHEDULER_SCHEMA_H_

#include <vector>

#include "common/db/migrate.h"

namespace duban::scheduler {

const std::vector<db::Migration>& Migrations();

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_SCHEMA_H_

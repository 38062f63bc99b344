// The tasks database schema: migrations/NNNN_*.sql, compiled in by CMake.
#ifndef DUBAN_SERVICES_TASKS_SCHEMA_H_
#define DUBAN_SERVICES_TASKS_SCHEMA_H_

#include <vector>

#include "common/db/migrate.h"

namespace duban::tasks {

const std::vector<db::Migration>& Migrations();

}  // namespace duban::tasks

#endif  // DUBAN_SERVICES_TASKS_SCHEMA_H_

// Versioned schema migrations, applied at start-up.
#ifndef DUBAN_COMMON_DB_MIGRATE_H_
#define DUBAN_COMMON_DB_MIGRATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/db/pool.h"

namespace duban::db {

struct Migration {
  int version;
  std::string name;
  // One or more statements separated by ";" at the end of a line.
  std::string sql;
};

// Applies, in order, the migrations newer than the database's recorded
// version, each recorded in `schema_migrations` once applied. Two replicas
// starting at once serialize on a named lock (GET_LOCK), so each migration
// runs once. Also creates the tables common/ itself needs (request log, audit,
// outbox, applied events), and brings a database made by an older binary up
// to their current shape in place, rows kept: the indexes it lacks, and the
// request log keyed by caller and request id. FAILED_PRECONDITION when the
// database is newer than this binary knows.
// INVALID_ARGUMENT when `migrations` are not in strictly increasing order of
// positive versions; what a statement fails with otherwise (UNAVAILABLE when
// the server is unreachable). Migration times are operational metadata and
// come from the real clock. Thread-safe.
absl::Status Migrate(ConnectionPool& pool, const std::string& service,
                     const std::vector<Migration>& migrations);

// The statements of a migration: split where a line ends with ";", without
// the ";", skipping blank lines and whole-line "--" comments.
std::vector<std::string> SplitSqlStatements(const std::string& sql);

}  // namespace duban::db

#endif  // DUBAN_COMMON_DB_MIGRATE_H_

#include "common/db/migrate.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/status.h"

namespace duban::db {
namespace {

// How long a starting replica waits for another one's migrations, in seconds.
constexpr int kLockWaitSeconds = 60;
// Between attempts when the read timeout is too short to wait on the server.
constexpr absl::Duration kLockRetryPause = absl::Milliseconds(200);

// The tables of common/ itself, created before a service's own migrations.
// Keys that must match exactly (request and event ids, ordering keys) are
// binary, so neither case nor trailing spaces make two ids equal.
constexpr const char* kCommonTables[] = {
    R"sql(CREATE TABLE IF NOT EXISTS schema_migrations (
  version INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  applied_at DATETIME(6) NOT NULL,
  PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)sql",

    R"sql(CREATE TABLE IF NOT EXISTS request_log (
  caller VARBINARY(255) NOT NULL DEFAULT '',
  request_id VARBINARY(128) NOT NULL,
  method VARCHAR(200) NOT NULL,
  request MEDIUMBLOB NOT NULL,
  response MEDIUMBLOB NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (caller, request_id),
  KEY request_log_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",

    R"sql(CREATE TABLE IF NOT EXISTS audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT,
  actor VARCHAR(255) NOT NULL,
  `at` DATETIME(6) NOT NULL,
  action VARCHAR(200) NOT NULL,
  entity_type VARCHAR(100) NOT NULL,
  entity_id VARCHAR(255) NOT NULL,
  before_json MEDIUMTEXT NOT NULL,
  after_json MEDIUMTEXT NOT NULL,
  request_id VARBINARY(128) NOT NULL,
  PRIMARY KEY (id),
  KEY audit_log_entity (entity_type, entity_id, id),
  KEY audit_log_at (`at`, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",

    R"sql(CREATE TABLE IF NOT EXISTS outbox (
  seq BIGINT NOT NULL AUTO_INCREMENT,
  destination VARCHAR(64) NOT NULL,
  ordering_key VARBINARY(255) NOT NULL,
  payload MEDIUMBLOB NOT NULL,
  created_at DATETIME(6) NOT NULL,
  delivered_at DATETIME(6) NULL,
  attempts INT NOT NULL DEFAULT 0,
  last_error TEXT NULL,
  PRIMARY KEY (seq),
  KEY outbox_pending (destination, delivered_at, seq),
  KEY outbox_ordering (ordering_key, delivered_at, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",

    R"sql(CREATE TABLE IF NOT EXISTS applied_events (
  event_id VARBINARY(128) NOT NULL,
  applied_at DATETIME(6) NOT NULL,
  PRIMARY KEY (event_id),
  KEY applied_events_applied (applied_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
};

// Indexes of the common tables that came after the tables' first version
// (kCommonTables has them too): a database made before them gets them at its
// next start. Retention (common/db/retention.h) deletes by these times.
struct CommonIndex {
  const char* table;
  const char* name;
  const char* columns;
};
constexpr CommonIndex kCommonIndexes[] = {
    {"request_log", "request_log_created", "created_at"},
    {"applied_events", "applied_events_applied", "applied_at"},
};

bool IndexExists(sql::Connection& conn, const CommonIndex& index) {
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
      "SELECT COUNT(*) FROM information_schema.statistics "
      "WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?"));
  stmt->setString(1, index.table);
  stmt->setString(2, index.name);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  return rs->next() && rs->getInt64(1) > 0;
}

void EnsureCommonIndexes(sql::Connection& conn) {
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  for (const CommonIndex& index : kCommonIndexes) {
    if (IndexExists(conn, index)) continue;
    stmt->execute(absl::StrCat("ALTER TABLE ", index.table, " ADD INDEX ", index.name, " (",
                               index.columns, ")"));
    Log(LogLevel::kInfo, "index_added", {{"table", index.table}, {"index", index.name}});
  }
}

// The request log is keyed by caller and request id (common/db/idempotency.h).
// A database made when it was keyed by the request id alone is re-keyed in
// place at its next start, its rows kept. Each row's request starts with its
// caller and a NUL byte (as RunOnce has always written it since requests were
// bound to callers), which is where the caller column is filled from. The
// column's default '' is what a replica of an older binary, still running
// during a rolling upgrade, writes; the next start fills those rows in too.
constexpr char kRequestLogKey[] = "caller,request_id";
constexpr char kAddRequestLogCaller[] =
    "ALTER TABLE request_log ADD COLUMN caller VARBINARY(255) NOT NULL DEFAULT '' FIRST, "
    "DROP PRIMARY KEY, ADD PRIMARY KEY (caller, request_id)";
constexpr char kRekeyRequestLog[] =
    "ALTER TABLE request_log DROP PRIMARY KEY, ADD PRIMARY KEY (caller, request_id)";
// Through the primary key, so it costs nothing once every row has its caller.
// IGNORE leaves a row whose caller already recorded the same id (written by a
// newer and an older replica at once) as it is: unreachable, it ages out.
constexpr char kFillRequestLogCallers[] =
    "UPDATE IGNORE request_log SET caller = SUBSTRING(request, 1, LOCATE(X'00', request) - 1) "
    "WHERE caller = '' AND LOCATE(X'00', request) BETWEEN 2 AND 256";

std::string PrimaryKeyColumns(sql::Connection& conn, const std::string& table) {
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
      "SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM information_schema.statistics "
      "WHERE table_schema = DATABASE() AND table_name = ? AND index_name = 'PRIMARY'"));
  stmt->setString(1, table);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  return rs->next() && !rs->isNull(1) ? std::string(rs->getString(1)) : "";
}

bool ColumnExists(sql::Connection& conn, const std::string& table, const std::string& column) {
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
      "SELECT COUNT(*) FROM information_schema.columns "
      "WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?"));
  stmt->setString(1, table);
  stmt->setString(2, column);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  return rs->next() && rs->getInt64(1) > 0;
}

void KeyRequestLogByCaller(sql::Connection& conn) {
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  const std::string key = PrimaryKeyColumns(conn, "request_log");
  if (key != kRequestLogKey) {
    stmt->execute(ColumnExists(conn, "request_log", "caller") ? kRekeyRequestLog
                                                              : kAddRequestLogCaller);
    Log(LogLevel::kInfo, "request_log_rekeyed", {{"from", key}, {"to", kRequestLogKey}});
  }
  if (const int filled = stmt->executeUpdate(kFillRequestLogCallers); filled > 0) {
    Log(LogLevel::kInfo, "request_log_callers_filled", {{"rows", absl::StrCat(filled)}});
  }
}

absl::Status CheckOrder(const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return absl::InvalidArgumentError(absl::StrCat("migrations: version ", m.version, " (",
                                                     m.name, ") is not after version ", previous));
    }
    previous = m.version;
  }
  return absl::OkStatus();
}

// Named locks are limited to 64 characters.
std::string LockName(const ConnectionPool& pool, const std::string& service) {
  const std::string& db = pool.options().database.empty() ? service : pool.options().database;
  return absl::StrCat("duban_migrate_", db).substr(0, 64);
}

// One GET_LOCK wait, in seconds, short enough to be answered within the
// read timeout (0: try once without waiting).
int LockSliceSeconds(const DbOptions& options) {
  const int read = TimeoutSeconds(options.read_timeout);
  return read == 0 ? kLockWaitSeconds : std::min(kLockWaitSeconds, read / 2);
}

bool TryLock(sql::Connection& conn, const std::string& name, int wait_seconds) {
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement("SELECT GET_LOCK(?, ?)"));
  stmt->setString(1, name);
  stmt->setInt(2, wait_seconds);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  return rs->next() && !rs->isNull(1) && rs->getInt(1) == 1;
}

// Waits for the lock in slices, each one statement that the server answers
// within the read timeout, until kLockWaitSeconds have passed.
absl::Status TakeLock(sql::Connection& conn, const DbOptions& options, const std::string& name) {
  const Clock& clock = *SystemClock::Get();
  const absl::Time give_up = clock.Now() + absl::Seconds(kLockWaitSeconds);
  const int slice = LockSliceSeconds(options);
  while (!TryLock(conn, name, slice)) {
    if (clock.Now() >= give_up) {
      return absl::DeadlineExceededError(absl::StrCat("migrate: lock ", name, " still held after ",
                                                      kLockWaitSeconds, "s by another replica"));
    }
    if (slice == 0) absl::SleepFor(kLockRetryPause);
  }
  return absl::OkStatus();
}

void ReleaseLock(sql::Connection& conn, const std::string& name) {
  try {
    std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement("SELECT RELEASE_LOCK(?)"));
    stmt->setString(1, name);
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  } catch (const std::exception&) {
    // The server drops the lock with the session when the connection is gone.
  }
}

int AppliedVersion(sql::Connection& conn) {
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  std::unique_ptr<sql::ResultSet> rs(
      stmt->executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return rs->next() ? rs->getInt(1) : 0;
}

void Apply(sql::Connection& conn, const Migration& migration) {
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  for (const std::string& statement : SplitSqlStatements(migration.sql)) {
    stmt->execute(statement);
  }
  std::unique_ptr<sql::PreparedStatement> record(conn.prepareStatement(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"));
  record->setInt(1, migration.version);
  record->setString(2, migration.name);
  record->setString(3, ToSqlTime(SystemClock::Get()->Now()));
  record->executeUpdate();
}

// Everything under the lock. May throw sql::SQLException.
absl::Status MigrateLocked(sql::Connection& conn, const std::string& service,
                           const std::vector<Migration>& migrations) {
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  for (const char* table : kCommonTables) stmt->execute(table);
  EnsureCommonIndexes(conn);
  KeyRequestLogByCaller(conn);

  const int applied = AppliedVersion(conn);
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (applied > known) {
    return absl::FailedPreconditionError(
        absl::StrCat("migrate: the database of ", service, " is at version ", applied,
                     ", newer than this binary knows (", known, ")"));
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= applied) continue;
    Apply(conn, migration);
    Log(LogLevel::kInfo, "migration_applied",
        {{"version", absl::StrCat(migration.version)}, {"name", migration.name}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Migrate(ConnectionPool& pool, const std::string& service,
                     const std::vector<Migration>& migrations) {
  DUBAN_RETURN_IF_ERROR(CheckOrder(migrations));
  const std::string lock = LockName(pool, service);
  return WithConnection(pool, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_RETURN_IF_ERROR(TakeLock(conn, pool.options(), lock));
    absl::Status status;
    try {
      status = MigrateLocked(conn, service, migrations);
    } catch (const std::exception& e) {
      status = SqlError(e, absl::StrCat("migrate ", service));
    }
    ReleaseLock(conn, lock);
    return status;
  });
}

std::vector<std::string> SplitSqlStatements(const std::string& sql) {
  std::vector<std::string> statements;
  std::string current;
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--")) continue;

    const bool last = absl::EndsWith(trimmed, ";");
    if (last) line = absl::StripTrailingAsciiWhitespace(line);
    absl::StrAppend(&current, current.empty() ? "" : "\n",
                    last ? line.substr(0, line.size() - 1) : line);
    if (last) {
      if (!absl::StripAsciiWhitespace(current).empty()) statements.push_back(current);
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) statements.push_back(current);
  return statements;
}

}  // namespace duban::db

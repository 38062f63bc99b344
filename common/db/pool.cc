#include "common/db/pool.h"

#include <cppconn/exception.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/status.h"

namespace duban::db {
namespace {

// Marks statuses that came from a lost or refused connection.
constexpr char kConnectionErrorPayload[] = "type.duban/db.ConnectionError";

// An idle connection older than this is pinged before it is handed out, so a
// server restart is noticed before the caller's first statement.
constexpr absl::Duration kValidateAfterIdle = absl::Seconds(1);

// Attempts of a transaction whose connection turned out dead before it began.
constexpr int kStaleConnectionRetries = 2;
// Retries of a whole transaction after a deadlock or lock wait timeout.
constexpr int kAbortedRetries = 3;

// A short pause before retrying a deadlocked transaction, spread by thread so
// that the transactions that collided do not collide again.
absl::Duration RetryPause(int attempt) {
  const size_t spread = std::hash<std::thread::id>()(std::this_thread::get_id()) % 1000;
  return absl::Milliseconds(attempt) + absl::Microseconds(spread * attempt * 3);
}

bool IsConnectionErrorCode(int code) {
  switch (code) {
    case 1040:  // ER_CON_COUNT_ERROR: too many connections.
    case 1053:  // ER_SERVER_SHUTDOWN.
    case 1152:  // ER_ABORTING_CONNECTION.
    case 1158:  // ER_NET_READ_ERROR.
    case 1159:  // ER_NET_READ_INTERRUPTED.
    case 1160:  // ER_NET_ERROR_ON_WRITE.
    case 1161:  // ER_NET_WRITE_INTERRUPTED.
    case 1927:  // ER_CONNECTION_KILLED.
    case 2001:  // CR_SOCKET_CREATE_ERROR.
    case 2002:  // CR_CONNECTION_ERROR.
    case 2003:  // CR_CONN_HOST_ERROR.
    case 2005:  // CR_UNKNOWN_HOST.
    case 2006:  // CR_SERVER_GONE_ERROR.
    case 2013:  // CR_SERVER_LOST.
    case 2026:  // CR_SSL_CONNECTION_ERROR.
    case 2055:  // CR_SERVER_LOST_EXTENDED.
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT.
      return true;
    default:
      return false;
  }
}

absl::Status Unavailable(std::string message) {
  absl::Status status = absl::UnavailableError(std::move(message));
  status.SetPayload(kConnectionErrorPayload, absl::Cord("1"));
  return status;
}

sql::mysql::MySQL_Driver* Driver() {
  // The first call initialises the client library; C++ makes it thread-safe.
  static sql::mysql::MySQL_Driver* const driver = sql::mysql::get_mysql_driver_instance();
  return driver;
}

// A row lock wait ends (as ABORTED, which InTransaction retries) well before
// the read timeout would drop the connection; 0 keeps the server's setting.
int LockWaitSeconds(const DbOptions& options) {
  const int read = TimeoutSeconds(options.read_timeout);
  return read == 0 ? 0 : std::max(1, read / 2);
}

absl::StatusOr<std::unique_ptr<sql::Connection>> OpenConnection(const DbOptions& options,
                                                                bool with_schema) {
  sql::ConnectOptionsMap props;
  if (!options.socket.empty()) {
    props["hostName"] = sql::SQLString("unix://" + options.socket);
    props["socket"] = sql::SQLString(options.socket);
  } else {
    props["hostName"] = sql::SQLString(options.host);
    props["port"] = options.port;
  }
  props["userName"] = sql::SQLString(options.user);
  props["password"] = sql::SQLString(options.password);
  if (with_schema && !options.database.empty()) {
    props["schema"] = sql::SQLString(options.database);
  }
  props["OPT_CONNECT_TIMEOUT"] = std::max(1, TimeoutSeconds(options.connect_timeout));
  // Zero leaves the client library's default: no timeout.
  if (const int seconds = TimeoutSeconds(options.read_timeout); seconds > 0) {
    props["OPT_READ_TIMEOUT"] = seconds;
  }
  if (const int seconds = TimeoutSeconds(options.write_timeout); seconds > 0) {
    props["OPT_WRITE_TIMEOUT"] = seconds;
  }
  props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  props["OPT_RECONNECT"] = false;
  try {
    std::unique_ptr<sql::Connection> conn(Driver()->connect(props));
    conn->setTransactionIsolation(sql::TRANSACTION_REPEATABLE_READ);
    std::unique_ptr<sql::Statement> stmt(conn->createStatement());
    stmt->execute("SET time_zone = '+00:00'");
    if (const int lock_wait = LockWaitSeconds(options); lock_wait > 0) {
      stmt->execute(absl::StrCat("SET SESSION innodb_lock_wait_timeout = ", lock_wait));
    }
    return conn;
  } catch (const sql::SQLException& e) {
    return Unavailable(
        absl::StrCat("database unavailable: ", e.what(), " (", e.getErrorCode(), ")"));
  } catch (const std::exception& e) {
    return Unavailable(absl::StrCat("database unavailable: ", e.what()));
  }
}

// Cheap liveness check of an idle connection (one round trip, no reconnect).
bool StillAlive(sql::Connection& conn) {
  try {
    return !conn.isClosed() && conn.isValid();
  } catch (const std::exception&) {
    return false;
  }
}

// Marks the lease broken when `status` says the connection is gone.
absl::Status NoteBroken(Lease& lease, absl::Status status) {
  if (IsConnectionError(status)) lease.MarkBroken();
  return status;
}

// Runs `fn`, turning Connector and standard exceptions into statuses.
absl::Status Guard(std::string_view what, const std::function<absl::Status()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return SqlError(e, what);
  }
}

void Execute(sql::Connection& conn, const char* statement) {
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  stmt->execute(statement);
}

// Ends a transaction that will not be committed. A connection that cannot
// roll back is in an unknown state and is discarded.
void RollBack(Lease& lease) {
  try {
    Execute(*lease, "ROLLBACK");
  } catch (const std::exception&) {
    lease.MarkBroken();
  }
}

// One attempt: begin, body, commit. Sets `began` once the transaction started,
// after which a connection failure must not be retried blindly (the commit
// may have happened). An explicit START TRANSACTION leaves the session in
// autocommit mode between transactions, and its round trip is what reveals a
// connection that died while idle.
absl::Status TransactionAttempt(Lease& lease, Isolation isolation,
                                const std::function<absl::Status(sql::Connection&)>& body,
                                bool* began) {
  absl::Status status = Guard("begin", [&] {
    if (isolation == Isolation::kReadCommitted) {
      // Applies to the next transaction only; the session keeps REPEATABLE READ.
      Execute(*lease, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }
    Execute(*lease, "START TRANSACTION");
    return absl::OkStatus();
  });
  if (!status.ok()) return NoteBroken(lease, status);
  *began = true;

  status = Guard("transaction", [&] { return body(*lease); });
  if (!status.ok()) {
    status = NoteBroken(lease, std::move(status));
    RollBack(lease);
    return status;
  }

  status = Guard("commit", [&] {
    Execute(*lease, "COMMIT");
    return absl::OkStatus();
  });
  if (!status.ok()) {
    status = NoteBroken(lease, std::move(status));
    RollBack(lease);
  }
  return status;
}

}  // namespace

Lease::Lease(ConnectionPool* pool, std::unique_ptr<sql::Connection> conn)
    : pool_(pool), conn_(std::move(conn)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      conn_(std::move(other.conn_)),
      broken_(other.broken_) {}

Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Return(std::move(conn_), broken_);
}

ConnectionPool::ConnectionPool(DbOptions options, const Clock* clock)
    : options_(std::move(options)), clock_(clock) {}

ConnectionPool::~ConnectionPool() {
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

absl::StatusOr<Lease> ConnectionPool::Acquire() {
  while (true) {
    IdleConnection idle;
    {
      absl::MutexLock lock(&mu_);
      auto available = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return !idle_.empty() || open_ < options_.pool_size;
      };
      if (!mu_.AwaitWithTimeout(absl::Condition(&available), options_.acquire_timeout)) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "database: no free connection within ", absl::FormatDuration(options_.acquire_timeout),
            " (pool_size ", options_.pool_size, ")"));
      }
      if (idle_.empty()) {
        ++open_;  // Reserves the slot while connecting without the lock.
      } else {
        idle = std::move(idle_.back());
        idle_.pop_back();
      }
    }

    if (idle.conn == nullptr) {
      absl::StatusOr<std::unique_ptr<sql::Connection>> conn = Connect();
      if (!conn.ok()) {
        absl::MutexLock lock(&mu_);
        --open_;
        return conn.status();
      }
      return Lease(this, *std::move(conn));
    }
    if (SystemClock::Get()->Now() - idle.returned_at < kValidateAfterIdle ||
        StillAlive(*idle.conn)) {
      return Lease(this, std::move(idle.conn));
    }
    Return(std::move(idle.conn), /*broken=*/true);  // Died while idle; try the next one.
  }
}

absl::Status ConnectionPool::Ping() {
  DUBAN_ASSIGN_OR_RETURN(Lease lease, Acquire());
  if (StillAlive(*lease)) return absl::OkStatus();
  lease.MarkBroken();
  return Unavailable("database unavailable: the ping went unanswered");
}

int ConnectionPool::open_connections() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

absl::StatusOr<std::unique_ptr<sql::Connection>> ConnectionPool::Connect() {
  return OpenConnection(options_, /*with_schema=*/true);
}

void ConnectionPool::Return(std::unique_ptr<sql::Connection> conn, bool broken) {
  if (broken) {
    try {
      conn.reset();
    } catch (const std::exception&) {
      // Closing a dead connection may complain; it is gone either way.
    }
    absl::MutexLock lock(&mu_);
    --open_;
    return;
  }
  IdleConnection idle{std::move(conn), SystemClock::Get()->Now()};
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(idle));
}

absl::Status SqlError(const std::exception& e, std::string_view what) {
  const auto* sql_error = dynamic_cast<const sql::SQLException*>(&e);
  if (sql_error == nullptr)
    return absl::InternalError(absl::StrCat(std::string(what), ": ", e.what()));

  const int code = sql_error->getErrorCode();
  std::string message = absl::StrCat(std::string(what), ": ", e.what(), " (", code, ")");
  if (IsConnectionErrorCode(code))
    return Unavailable(absl::StrCat("database unavailable: ", message));
  switch (code) {
    case 1205:  // ER_LOCK_WAIT_TIMEOUT.
    case 1213:  // ER_LOCK_DEADLOCK.
      return absl::AbortedError(message);
    case 1062:  // ER_DUP_ENTRY.
      return absl::AlreadyExistsError(message);
    case 1406:  // ER_DATA_TOO_LONG: the message names the column.
    case 1366:  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: not valid text for the column.
      return absl::InvalidArgumentError(message);
    default:
      return absl::InternalError(message);
  }
}

bool IsConnectionError(const absl::Status& status) {
  return status.GetPayload(kConnectionErrorPayload).has_value();
}

absl::Status InTransaction(ConnectionPool& pool,
                           const std::function<absl::Status(sql::Connection&)>& body) {
  return InTransaction(pool, Isolation::kRepeatableRead, body);
}

absl::Status InTransaction(ConnectionPool& pool, Isolation isolation,
                           const std::function<absl::Status(sql::Connection&)>& body) {
  absl::Status status;
  int stale_retries = 0;
  for (int attempt = 0; attempt <= kAbortedRetries;) {
    DUBAN_ASSIGN_OR_RETURN(Lease lease, pool.Acquire());
    bool began = false;
    status = TransactionAttempt(lease, isolation, body, &began);
    if (!began && IsConnectionError(status) && stale_retries++ < kStaleConnectionRetries) {
      continue;  // The connection died while idle; nothing ran. Try a fresh one.
    }
    if (status.code() != absl::StatusCode::kAborted) return status;
    ++attempt;
    if (attempt <= kAbortedRetries) absl::SleepFor(RetryPause(attempt));
  }
  return status;
}

absl::Status WithConnection(ConnectionPool& pool,
                            const std::function<absl::Status(sql::Connection&)>& body) {
  DUBAN_ASSIGN_OR_RETURN(Lease lease, pool.Acquire());
  return NoteBroken(lease, Guard("query", [&] { return body(*lease); }));
}

int TimeoutSeconds(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration()) return 0;
  const int64_t seconds = absl::ToInt64Seconds(absl::Ceil(timeout, absl::Seconds(1)));
  return static_cast<int>(std::min<int64_t>(seconds, std::numeric_limits<int>::max()));
}

absl::Status WaitForDatabase(const DbOptions& options, absl::Duration timeout) {
  const Clock& clock = *SystemClock::Get();
  const absl::Time give_up = clock.Now() + timeout;
  absl::Duration backoff = absl::Milliseconds(100);
  const std::string create = absl::StrCat("CREATE DATABASE IF NOT EXISTS `",
                                          absl::StrReplaceAll(options.database, {{"`", "``"}}),
                                          "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  while (true) {
    absl::Status status = [&]() -> absl::Status {
      DUBAN_ASSIGN_OR_RETURN(auto conn, OpenConnection(options, /*with_schema=*/false));
      if (options.database.empty()) return absl::OkStatus();
      return Guard("create database", [&] {
        std::unique_ptr<sql::Statement> stmt(conn->createStatement());
        stmt->execute(create);
        return absl::OkStatus();
      });
    }();
    if (status.ok()) return status;

    LogEvery(absl::Seconds(10), "db_wait", LogLevel::kWarning, "database_wait",
             {{"database", options.database}, {"error", std::string(status.message())}});
    const absl::Time now = clock.Now();
    if (now >= give_up) {
      return absl::UnavailableError(absl::StrCat(
          "database not ready after ", absl::FormatDuration(timeout), ": ", status.message()));
    }
    absl::SleepFor(std::min(backoff, give_up - now));
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
}

std::string ToSqlTime(absl::Time t) {
  // The range of DATETIME; also keeps infinite instants printable.
  static const absl::Time kMin =
      absl::FromCivil(absl::CivilSecond(1000, 1, 1), absl::UTCTimeZone());
  static const absl::Time kMax =
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), absl::UTCTimeZone()) +
      absl::Microseconds(999999);
  t = absl::FromUnixMicros(absl::ToUnixMicros(std::clamp(t, kMin, kMax)));
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
}

absl::Time FromSqlTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text, absl::UTCTimeZone(), &t, &error)) {
    return absl::InfinitePast();
  }
  return t;
}

}  // namespace duban::db

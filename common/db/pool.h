// A bounded pool of MariaDB/MySQL connections over Connector/C++ 1.1. A
// connection serves one call at a time; the pool is how calls share them.
#ifndef DUBAN_COMMON_DB_POOL_H_
#define DUBAN_COMMON_DB_POOL_H_

#include <cppconn/connection.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace duban::db {

struct DbOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  // When set, used instead of host and port.
  std::string socket;
  std::string user = "root";
  std::string password;
  std::string database;
  int pool_size = 8;
  // How long Acquire waits for a free connection before RESOURCE_EXHAUSTED.
  absl::Duration acquire_timeout = absl::Seconds(5);
  absl::Duration connect_timeout = absl::Seconds(2);
  // How long one read from, or one write to, the server may wait (rounded up
  // to whole seconds; zero: forever). A server that accepts connections but
  // never answers (a hung or stopped process) then fails the statement, or a
  // ping, with UNAVAILABLE instead of holding it forever. A statement's reply
  // is one read, so the read timeout also bounds how long one statement may
  // run; row lock waits are kept to half of it (innodb_lock_wait_timeout), so
  // that they end as ABORTED, which is retried, rather than as a lost connection.
  absl::Duration read_timeout = absl::Seconds(30);
  absl::Duration write_timeout = absl::Seconds(30);
};

class ConnectionPool;

// A connection borrowed from the pool; returned when destroyed. A connection
// that failed at the network level is discarded instead of returned. The pool
// must outlive its leases; return a connection in autocommit mode, with no
// transaction open.
class Lease {
 public:
  Lease(Lease&&) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  sql::Connection& operator*() const { return *conn_; }
  sql::Connection* operator->() const { return conn_.get(); }
  // Discards the connection on return (called after a connection-level error).
  void MarkBroken() { broken_ = true; }

 private:
  friend class ConnectionPool;
  Lease(ConnectionPool* pool, std::unique_ptr<sql::Connection> conn);
  ConnectionPool* pool_;
  std::unique_ptr<sql::Connection> conn_;
  bool broken_ = false;
};

// Thread-safe. Connections are opened lazily, up to pool_size; when the
// server is down, Acquire fails with UNAVAILABLE and the next call tries again,
// so the pool recovers after a server restart without the service restarting.
class ConnectionPool {
 public:
  // `clock` is the service's clock, which the bookkeeping rows written through
  // the pool are stamped with (see clock()); not owned, it must outlive the
  // pool. Tools and tests that build a pool themselves get the real clock.
  explicit ConnectionPool(DbOptions options, const Clock* clock = SystemClock::Get());
  ~ConnectionPool();

  // A connection, idle or newly opened. RESOURCE_EXHAUSTED when none frees up
  // within acquire_timeout; UNAVAILABLE "database unavailable: ..." when a new
  // one cannot be opened. A connection idle for more than a second is pinged
  // before reuse, so one that died while the server restarted is replaced, not
  // handed out; InTransaction also replaces one found dead at its start.
  absl::StatusOr<Lease> Acquire();

  // Whether the server answers: borrows a connection (opening one within
  // connect_timeout if none is idle) and pings it, waiting at most
  // read_timeout for the answer. UNAVAILABLE when the server cannot be
  // reached or does not answer (IsConnectionError holds); RESOURCE_EXHAUSTED
  // when every connection stays busy for acquire_timeout, which says nothing
  // about the server.
  absl::Status Ping();

  const DbOptions& options() const { return options_; }

  // The service's clock: what common/db stamps its bookkeeping rows with (the
  // request log's created_at), so that retention, which ages them on the same
  // clock, sees their true age under a test clock too. The pool's own timing
  // (idle connections, timeouts) stays on the real clock.
  const Clock& clock() const { return *clock_; }

  // Connections currently open, idle or leased (for metrics).
  int open_connections() const;

 private:
  friend class Lease;
  absl::StatusOr<std::unique_ptr<sql::Connection>> Connect();
  void Return(std::unique_ptr<sql::Connection> conn, bool broken);

  struct IdleConnection {
    std::unique_ptr<sql::Connection> conn;
    absl::Time returned_at;
  };

  const DbOptions options_;
  const Clock* const clock_;
  mutable absl::Mutex mu_;
  std::vector<IdleConnection> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

// Maps a Connector/C++ error to a status: lost or refused connections are
// UNAVAILABLE, deadlocks and lock wait timeouts ABORTED, duplicate keys
// ALREADY_EXISTS, a value too long or not valid text for its column
// INVALID_ARGUMENT (the message names the column), anything else INTERNAL. `what` prefixes the
// message.
absl::Status SqlError(const std::exception& e, std::string_view what);

// True when the status came from a connection-level failure.
bool IsConnectionError(const absl::Status& status);

// Runs `body` in one transaction (REPEATABLE READ) on a leased connection and
// commits when it returns OK, rolls back otherwise. Connector exceptions thrown
// by `body` become statuses by SqlError. Retries the whole body up to three
// times on ABORTED (deadlock), so `body` must not have effects outside the
// transaction. A connection found dead before the transaction began is
// replaced; one lost later fails the call with UNAVAILABLE (the commit may or
// may not have happened) and is discarded.
absl::Status InTransaction(ConnectionPool& pool,
                           const std::function<absl::Status(sql::Connection&)>& body);

enum class Isolation { kRepeatableRead, kReadCommitted };

// The same at a chosen isolation level. READ COMMITTED takes no gap locks, so
// a long transaction holding a few rows does not block inserts next to them.
absl::Status InTransaction(ConnectionPool& pool, Isolation isolation,
                           const std::function<absl::Status(sql::Connection&)>& body);

// The same on a connection without a transaction (single statements, reads).
absl::Status WithConnection(ConnectionPool& pool,
                            const std::function<absl::Status(sql::Connection&)>& body);

// Whole seconds of a timeout option, rounded up; 0 for a zero or negative one.
int TimeoutSeconds(absl::Duration timeout);

// Waits until the server answers, creating `options.database` if missing.
// Logs each failed attempt (rate-limited); gives up after `timeout`.
absl::Status WaitForDatabase(const DbOptions& options, absl::Duration timeout);

// Stores an instant in a DATETIME(6) column holding UTC (microseconds, clamped
// to the column's range), and reads it back ("YYYY-MM-DD HH:MM:SS[.ffffff]";
// InfinitePast() for text that is not such a time).
std::string ToSqlTime(absl::Time t);
absl::Time FromSqlTime(const std::string& text);

}  // namespace duban::db

#endif  // DUBAN_COMMON_DB_POOL_H_

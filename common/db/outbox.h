// Events between services: a transactional outbox on the sending side, a
// deduplicating sink on the receiving side. Delivery is at least once; the
// receiver applies each event once.
#ifndef DUBAN_COMMON_DB_OUTBOX_H_
#define DUBAN_COMMON_DB_OUTBOX_H_

#include <cppconn/connection.h>
#include <google/protobuf/message.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "duban/events/v1/events.grpc.pb.h"

namespace duban::db {

// Adds an event for `destination` (a service name such as "scheduler") on
// `conn`, inside the caller's transaction, so the event exists if and only if
// the change that caused it commits. Events with the same `ordering_key` reach
// the destination in the order they were enqueued.
absl::Status EnqueueEvent(sql::Connection& conn, const std::string& destination,
                          const std::string& ordering_key, const google::protobuf::Message& payload,
                          absl::Time now);

struct OutboxOptions {
  // This service's name; event ids are "<source>:<sequence>".
  std::string source;
  // Pause between background passes when there was nothing to deliver.
  absl::Duration poll_interval = absl::Milliseconds(200);
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(30);
  int batch_size = 100;
  // Deadline of one Deliver call, which waits for the receiver's channel to
  // (re)connect within it.
  absl::Duration rpc_timeout = absl::Seconds(2);
};

struct DeliveryCounts {
  int64_t delivered = 0;
  // Due events left undelivered (destination down, or rejected).
  int64_t pending = 0;
  std::string detail;
};

// Delivers the outbox to its destinations, retrying with exponential backoff
// (per destination, in real time) until acknowledged. Safe with several
// replicas: rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED, and an
// ordering key is only delivered by whoever holds its oldest row. A key that is
// refused, backing off or held by another replica never delays other keys.
// Thread-safe.
class OutboxRelay {
 public:
  using Stub = duban::events::v1::EventSinkService::StubInterface;

  // `sinks` maps destination names to stubs; the relay does not own `pool`.
  // `token` returns the bearer token to attach (the service identity).
  OutboxRelay(ConnectionPool* pool, const Clock* clock, OutboxOptions options,
              std::map<std::string, std::shared_ptr<Stub>> sinks,
              std::function<std::string()> token);
  ~OutboxRelay();

  // Starts the background delivery thread.
  void Start();
  // Stops it, waiting for an in-flight pass to end. The relay cannot be
  // started again. Start and Stop are called from one thread.
  void Stop();

  // One pass over everything due, now, on the caller's thread; ignores
  // backoff when `ignore_backoff` (used by the test clock's Settle). A
  // destination that refuses is counted in `pending` and backs off; database
  // errors are returned (UNAVAILABLE while the server is down).
  absl::StatusOr<DeliveryCounts> DeliverPending(bool ignore_backoff);

  // Undelivered events for this relay's destinations and the age of the
  // oldest (by the injected clock), for metrics.
  absl::StatusOr<std::pair<int64_t, absl::Duration>> Backlog();

 private:
  // How one batch went: events acknowledged, whether more may be waiting, and
  // why the destination refused (empty when it did not).
  struct BatchOutcome {
    int64_t delivered = 0;
    bool more = false;
    std::string error;
    // Set when the receiver refused the event at the head of this ordering
    // key: that key is held back (with its own backoff) and the others go on.
    std::string refused_key;
    // Keys claimed in this batch whose older rows another pass holds.
    std::set<std::string> held_elsewhere;
  };

  void Run();
  // True while `destination` is backing off after a failure.
  bool Waiting(const std::string& destination);
  // Delivers batches to one destination until it is drained or refuses.
  absl::StatusOr<int64_t> DeliverTo(const std::string& destination, Stub& stub,
                                    bool ignore_backoff);
  // Rows of `skip_keys`, and of keys backing off unless `ignore_backoff`, are
  // not claimed: they are left for later without delaying other keys.
  BatchOutcome DeliverBatch(sql::Connection& conn, const std::string& destination, Stub& stub,
                            bool ignore_backoff, const std::set<std::string>& skip_keys);
  // The ordering keys of `destination` not to claim now: `skip_keys` and,
  // unless `ignore_backoff`, the keys backing off.
  std::set<std::string> HeldKeys(const std::string& destination, bool ignore_backoff,
                                 const std::set<std::string>& skip_keys);
  void NoteFailure(const std::string& destination, const std::string& error);
  void NoteSuccess(const std::string& destination);

  ConnectionPool* pool_;
  const Clock* clock_;
  const OutboxOptions options_;
  const std::map<std::string, std::shared_ptr<Stub>> sinks_;
  const std::function<std::string()> token_;
  absl::Mutex pass_mu_;  // One pass at a time within the process.
  absl::Mutex mu_;
  std::map<std::string, absl::Time> retry_at_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::Duration> backoff_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::unique_ptr<std::thread> thread_;
};

// Applies one event inside the receiver's transaction. Returns OK to
// acknowledge; an error status is returned to the sender, which retries.
using EventHandler =
    std::function<absl::Status(sql::Connection& conn, const duban::events::v1::Event& event)>;

// Applies each event once: records its id in `applied_events` in the same
// transaction as the handler's changes (one transaction per event) and skips
// ids already recorded. Stops at the first event that fails. Returns how many
// of `events`, in order, are now applied; when the very first one fails, its
// error instead (so a sink answers either the error, or OK with
// applied_count < size and the sender retries the rest). Thread-safe.
absl::StatusOr<int> ApplyEvents(
    ConnectionPool& pool, const Clock& clock,
    const google::protobuf::RepeatedPtrField<duban::events::v1::Event>& events,
    const EventHandler& handler);

}  // namespace duban::db

#endif  // DUBAN_COMMON_DB_OUTBOX_H_

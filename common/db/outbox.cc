#include "common/db/outbox.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/any.pb.h>
#include <grpcpp/client_context.h>

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/validation.h"

namespace duban::db {
namespace {

using duban::events::v1::DeliverRequest;
using duban::events::v1::DeliverResponse;
using duban::events::v1::Event;

constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY
constexpr absl::Duration kLogEvery = absl::Seconds(30);

// The receiver answered and refused the event itself (as opposed to being
// unreachable, overloaded or refusing this sender): only that event's
// ordering key waits; the other keys are delivered.
bool RefusedByReceiver(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNIMPLEMENTED:
      return false;
    default:
      return true;
  }
}

// The backoff entry of one ordering key (destinations use their plain name).
std::string KeyBackoffName(const std::string& destination, const std::string& ordering_key) {
  return absl::StrCat(destination, "\x1f", ordering_key);
}

struct OutboxRow {
  int64_t seq;
  std::string ordering_key;
  std::string payload;
  absl::Time created_at;
};

// "?, ?, ?" for `n` parameters.
std::string Placeholders(size_t n) {
  std::string text;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&text, i == 0 ? "?" : ", ?");
  return text;
}

// The destination's oldest undelivered rows that no one else holds, leaving
// out the ordering keys in `held`, locked until the transaction ends.
std::vector<OutboxRow> ClaimRows(sql::Connection& conn, const std::string& destination, int limit,
                                 const std::set<std::string>& held) {
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(absl::StrCat(
      "SELECT seq, ordering_key, payload, created_at FROM outbox "
      "WHERE destination = ? AND delivered_at IS NULL",
      held.empty() ? ""
                   : absl::StrCat(" AND ordering_key NOT IN (", Placeholders(held.size()), ")"),
      " ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED")));
  int index = 1;
  stmt->setString(index++, destination);
  for (const std::string& key : held) stmt->setString(index++, key);
  stmt->setInt(index, limit);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  std::vector<OutboxRow> rows;
  while (rs->next()) {
    rows.push_back(OutboxRow{rs->getInt64(1), rs->getString(2), rs->getString(3),
                             FromSqlTime(rs->getString(4))});
  }
  return rows;
}

// The claimed rows that may go now: a row waits while an older undelivered
// row of its ordering key is held by someone else (another replica's pass).
std::vector<OutboxRow> InKeyOrder(sql::Connection& conn, const std::string& destination,
                                  std::vector<OutboxRow> claimed) {
  std::set<std::string> keys;
  std::set<int64_t> claimed_seqs;
  for (const OutboxRow& row : claimed) {
    keys.insert(row.ordering_key);
    claimed_seqs.insert(row.seq);
  }
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(absl::StrCat(
      "SELECT ordering_key, seq FROM outbox WHERE destination = ? AND delivered_at IS NULL "
      "AND seq <= ? AND ordering_key IN (",
      Placeholders(keys.size()), ") ORDER BY seq")));
  stmt->setString(1, destination);
  stmt->setInt64(2, claimed.back().seq);
  int index = 3;
  for (const std::string& key : keys) stmt->setString(index++, key);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());

  std::set<std::string> blocked;
  std::set<int64_t> ready;
  while (rs->next()) {
    std::string key = rs->getString(1);
    const int64_t seq = rs->getInt64(2);
    if (blocked.count(key) == 0 && claimed_seqs.count(seq) > 0) {
      ready.insert(seq);
    } else {
      blocked.insert(std::move(key));
    }
  }
  std::erase_if(claimed, [&](const OutboxRow& row) { return ready.count(row.seq) == 0; });
  return claimed;
}

// The leading rows whose payloads together stay within kMaxPageBytes (always
// the first), so that a request stays under gRPC's message limit. The rows
// left out are the newest, so each ordering key keeps its order.
size_t RowsWithinRequestLimit(const std::vector<OutboxRow>& rows) {
  size_t bytes = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    bytes += rows[i].payload.size();
    if (i > 0 && bytes > kMaxPageBytes) return i;
  }
  return rows.size();
}

DeliverRequest BuildRequest(const std::string& source, const std::vector<OutboxRow>& rows) {
  DeliverRequest request;
  for (const OutboxRow& row : rows) {
    Event* event = request.add_events();
    event->set_event_id(absl::StrCat(source, ":", row.seq));
    event->set_source(source);
    event->set_ordering_key(row.ordering_key);
    event->set_sequence(row.seq);
    *event->mutable_occurred_at() = ToProto(row.created_at);
    event->mutable_payload()->ParseFromString(row.payload);
  }
  return request;
}

void MarkDelivered(sql::Connection& conn, const std::vector<OutboxRow>& rows, size_t count,
                   absl::Time now) {
  if (count == 0) return;
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
      absl::StrCat("UPDATE outbox SET delivered_at = ?, attempts = attempts + 1 WHERE seq IN (",
                   Placeholders(count), ")")));
  stmt->setString(1, ToSqlTime(now));
  for (size_t i = 0; i < count; ++i) stmt->setInt64(i + 2, rows[i].seq);
  stmt->executeUpdate();
}

void RecordFailure(sql::Connection& conn, int64_t seq, const std::string& error) {
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
      "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?"));
  stmt->setString(1, error.substr(0, 4000));
  stmt->setInt64(2, seq);
  stmt->executeUpdate();
}

int64_t CountPending(sql::Connection& conn, const std::string& destination) {
  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
      "SELECT COUNT(*) FROM outbox WHERE destination = ? AND delivered_at IS NULL"));
  stmt->setString(1, destination);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

// Records `event_id` as applied; false when it was recorded before.
bool RecordApplied(sql::Connection& conn, const std::string& event_id, absl::Time now) {
  std::unique_ptr<sql::PreparedStatement> stmt(
      conn.prepareStatement("INSERT INTO applied_events (event_id, applied_at) VALUES (?, ?)"));
  stmt->setString(1, event_id);
  stmt->setString(2, ToSqlTime(now));
  try {
    stmt->executeUpdate();
    return true;
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kDuplicateKey) return false;
    throw;
  }
}

}  // namespace

absl::Status EnqueueEvent(sql::Connection& conn, const std::string& destination,
                          const std::string& ordering_key, const google::protobuf::Message& payload,
                          absl::Time now) {
  if (destination.empty() || destination.size() > 64) {
    return absl::InvalidArgumentError("outbox: destination must have 1 to 64 characters");
  }
  if (ordering_key.size() > 255) {
    return absl::InvalidArgumentError("outbox: ordering_key is longer than 255 bytes");
  }
  google::protobuf::Any any;
  any.PackFrom(payload);

  std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(
      "INSERT INTO outbox (destination, ordering_key, payload, created_at, attempts) "
      "VALUES (?, ?, ?, ?, 0)"));
  stmt->setString(1, destination);
  stmt->setString(2, ordering_key);
  stmt->setString(3, any.SerializeAsString());
  stmt->setString(4, ToSqlTime(now));
  stmt->executeUpdate();
  return absl::OkStatus();
}

OutboxRelay::OutboxRelay(ConnectionPool* pool, const Clock* clock, OutboxOptions options,
                         std::map<std::string, std::shared_ptr<Stub>> sinks,
                         std::function<std::string()> token)
    : pool_(pool),
      clock_(clock),
      options_(std::move(options)),
      sinks_(std::move(sinks)),
      token_(std::move(token)) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  if (thread_ != nullptr || stop_.HasBeenNotified()) return;
  thread_ = std::make_unique<std::thread>([this] { Run(); });
}

void OutboxRelay::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!stop_.HasBeenNotified()) stop_.Notify();
  }
  if (thread_ != nullptr && thread_->joinable()) thread_->join();
}

void OutboxRelay::Run() {
  while (!stop_.HasBeenNotified()) {
    absl::StatusOr<DeliveryCounts> counts = DeliverPending(/*ignore_backoff=*/false);
    if (!counts.ok()) {
      LogEvery(kLogEvery, "outbox_pass", LogLevel::kWarning, "outbox_pass_failed",
               {{"error", counts.status().ToString()}});
    }
    stop_.WaitForNotificationWithTimeout(options_.poll_interval);
  }
}

absl::StatusOr<DeliveryCounts> OutboxRelay::DeliverPending(bool ignore_backoff) {
  absl::MutexLock pass(&pass_mu_);
  DeliveryCounts counts;
  for (const auto& [destination, stub] : sinks_) {
    if (ignore_backoff || !Waiting(destination)) {
      DUBAN_ASSIGN_OR_RETURN(int64_t delivered, DeliverTo(destination, *stub, ignore_backoff));
      counts.delivered += delivered;
    }
    int64_t pending = 0;
    DUBAN_RETURN_IF_ERROR(WithConnection(*pool_, [&](sql::Connection& conn) {
      pending = CountPending(conn, destination);
      return absl::OkStatus();
    }));
    if (pending > 0) {
      absl::StrAppend(&counts.detail, counts.detail.empty() ? "" : "; ", destination, ": ", pending,
                      " pending");
    }
    counts.pending += pending;
  }
  return counts;
}

bool OutboxRelay::Waiting(const std::string& destination) {
  absl::MutexLock lock(&mu_);
  auto it = retry_at_.find(destination);
  return it != retry_at_.end() && SystemClock::Get()->Now() < it->second;
}

absl::StatusOr<int64_t> OutboxRelay::DeliverTo(const std::string& destination, Stub& stub,
                                               bool ignore_backoff) {
  int64_t delivered = 0;
  // Keys refused during this pass, or held by another pass: not tried again in it.
  std::set<std::string> skip_keys;
  while (true) {
    BatchOutcome batch;
    DUBAN_RETURN_IF_ERROR(
        InTransaction(*pool_, Isolation::kReadCommitted, [&](sql::Connection& conn) {
          batch = DeliverBatch(conn, destination, stub, ignore_backoff, skip_keys);
          return absl::OkStatus();
        }));
    delivered += batch.delivered;
    skip_keys.insert(batch.held_elsewhere.begin(), batch.held_elsewhere.end());
    if (!batch.refused_key.empty()) {
      skip_keys.insert(batch.refused_key);
      NoteFailure(KeyBackoffName(destination, batch.refused_key), batch.error);
      continue;
    }
    if (!batch.error.empty()) {
      NoteFailure(destination, batch.error);
      return delivered;
    }
    if (batch.delivered > 0) NoteSuccess(destination);
    if (!batch.more) return delivered;
  }
}

// Runs inside the claiming transaction; may throw sql::SQLException.
OutboxRelay::BatchOutcome OutboxRelay::DeliverBatch(sql::Connection& conn,
                                                    const std::string& destination, Stub& stub,
                                                    bool ignore_backoff,
                                                    const std::set<std::string>& skip_keys) {
  BatchOutcome outcome;
  std::vector<OutboxRow> claimed = ClaimRows(conn, destination, options_.batch_size,
                                             HeldKeys(destination, ignore_backoff, skip_keys));
  if (claimed.empty()) return outcome;
  // A full batch may have more rows behind it.
  outcome.more = claimed.size() == static_cast<size_t>(options_.batch_size);
  std::set<std::string> claimed_keys;
  for (const OutboxRow& row : claimed) claimed_keys.insert(row.ordering_key);
  std::vector<OutboxRow> rows = InKeyOrder(conn, destination, std::move(claimed));
  // Keys whose older rows another pass holds wait for the rest of this pass.
  for (const OutboxRow& row : rows) claimed_keys.erase(row.ordering_key);
  outcome.held_elsewhere = std::move(claimed_keys);
  if (rows.empty()) return outcome;
  // Large events go over several requests; the rest follow in the next batch.
  const size_t within_limit = RowsWithinRequestLimit(rows);
  if (within_limit < rows.size()) {
    rows.resize(within_limit);
    outcome.more = true;
  }

  const DeliverRequest request = BuildRequest(options_.source, rows);
  DeliverResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + options_.rpc_timeout));
  // Waits out a reconnect in progress (a receiver that just came back) instead
  // of failing at once; the deadline bounds the wait for one that is down.
  context.set_wait_for_ready(true);
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token_()));
  const grpc::Status status = stub.Deliver(&context, request, &response);

  const size_t applied =
      status.ok() ? std::clamp<size_t>(std::max(0, response.applied_count()), 0, rows.size()) : 0;
  MarkDelivered(conn, rows, applied, clock_->Now());
  outcome.delivered = static_cast<int64_t>(applied);
  for (size_t i = 0; i < applied; ++i)
    NoteSuccess(KeyBackoffName(destination, rows[i].ordering_key));
  if (applied < rows.size()) {
    outcome.error = status.ok()
                        ? absl::StrCat("applied ", applied, " of ", rows.size(),
                                       " events; refused ", options_.source, ":", rows[applied].seq)
                        : absl::StrCat(FromGrpc(status).ToString());
    RecordFailure(conn, rows[applied].seq, outcome.error);
    if (status.ok() || RefusedByReceiver(status)) outcome.refused_key = rows[applied].ordering_key;
    return outcome;
  }
  return outcome;
}

std::set<std::string> OutboxRelay::HeldKeys(const std::string& destination, bool ignore_backoff,
                                            const std::set<std::string>& skip_keys) {
  std::set<std::string> held = skip_keys;
  if (ignore_backoff) return held;
  const std::string prefix = KeyBackoffName(destination, "");
  const absl::Time now = SystemClock::Get()->Now();
  absl::MutexLock lock(&mu_);
  for (auto it = retry_at_.lower_bound(prefix);
       it != retry_at_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (now < it->second) held.insert(it->first.substr(prefix.size()));
  }
  return held;
}

void OutboxRelay::NoteFailure(const std::string& destination, const std::string& error) {
  absl::Duration backoff;
  {
    absl::MutexLock lock(&mu_);
    auto [it, first] = backoff_.try_emplace(destination, options_.initial_backoff);
    if (!first) it->second = std::min(it->second * 2, options_.max_backoff);
    backoff = it->second;
    retry_at_[destination] = SystemClock::Get()->Now() + backoff;
  }
  LogEvery(kLogEvery, absl::StrCat("outbox_delivery:", destination), LogLevel::kWarning,
           "outbox_delivery_failed",
           {{"destination", destination},
            {"error", error},
            {"retry_in", absl::FormatDuration(backoff)}});
}

void OutboxRelay::NoteSuccess(const std::string& destination) {
  bool recovered = false;
  {
    absl::MutexLock lock(&mu_);
    recovered = backoff_.erase(destination) > 0;
    retry_at_.erase(destination);
  }
  if (recovered) {
    Log(LogLevel::kInfo, "outbox_delivery_resumed", {{"destination", destination}});
  }
}

absl::StatusOr<std::pair<int64_t, absl::Duration>> OutboxRelay::Backlog() {
  int64_t count = 0;
  absl::Time oldest = absl::InfiniteFuture();
  DUBAN_RETURN_IF_ERROR(WithConnection(*pool_, [&](sql::Connection& conn) {
    std::unique_ptr<sql::PreparedStatement> stmt(
        conn.prepareStatement("SELECT COUNT(*), MIN(created_at) FROM outbox "
                              "WHERE destination = ? AND delivered_at IS NULL"));
    for (const auto& entry : sinks_) {
      stmt->setString(1, entry.first);
      std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
      if (!rs->next() || rs->getInt64(1) == 0) continue;
      count += rs->getInt64(1);
      oldest = std::min(oldest, FromSqlTime(rs->getString(2)));
    }
    return absl::OkStatus();
  }));
  const absl::Duration age =
      count == 0 ? absl::ZeroDuration() : std::max(absl::ZeroDuration(), clock_->Now() - oldest);
  return std::make_pair(count, age);
}

absl::StatusOr<int> ApplyEvents(
    ConnectionPool& pool, const Clock& clock,
    const google::protobuf::RepeatedPtrField<duban::events::v1::Event>& events,
    const EventHandler& handler) {
  int applied = 0;
  for (const Event& event : events) {
    absl::Status status;
    if (event.event_id().empty()) {
      status = InvalidField(absl::StrCat("events[", applied, "].event_id"), "must be set");
    } else {
      status = InTransaction(pool, [&](sql::Connection& conn) -> absl::Status {
        if (!RecordApplied(conn, event.event_id(), clock.Now())) return absl::OkStatus();
        return handler(conn, event);
      });
    }
    if (!status.ok()) {
      if (applied == 0) return status;
      break;
    }
    ++applied;
  }
  return applied;
}

}  // namespace duban::db

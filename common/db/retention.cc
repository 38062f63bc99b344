#include "common/db/retention.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace duban::db {
namespace {

// Delivered rows of one destination, oldest delivery first, through the
// outbox_pending index (destination, delivered_at, seq); undelivered rows
// have a NULL delivered_at, which no comparison matches.
constexpr char kDeleteOutbox[] =
    "DELETE FROM outbox WHERE destination = ? AND delivered_at < ? "
    "ORDER BY delivered_at, seq LIMIT ?";
constexpr char kDeleteRequestLog[] =
    "DELETE FROM request_log WHERE created_at < ? ORDER BY created_at LIMIT ?";
constexpr char kDeleteAppliedEvents[] =
    "DELETE FROM applied_events WHERE applied_at < ? ORDER BY applied_at LIMIT ?";

// The destinations with outbox rows (the index's first column, read without
// touching the rows).
absl::StatusOr<std::vector<std::string>> Destinations(ConnectionPool& pool) {
  std::vector<std::string> destinations;
  DUBAN_RETURN_IF_ERROR(WithConnection(pool, [&](sql::Connection& conn) {
    std::unique_ptr<sql::Statement> stmt(conn.createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        stmt->executeQuery("SELECT DISTINCT destination FROM outbox ORDER BY destination"));
    while (rs->next()) destinations.push_back(rs->getString(1));
    return absl::OkStatus();
  }));
  return destinations;
}

// Runs `statement` (its parameters: the destination, for the outbox, then
// the cutoff, then the batch size) until a batch deletes fewer rows than the
// batch size, or `stop` says so. Each batch is its own transaction; READ
// COMMITTED locks only the rows deleted, not the gaps between them.
absl::StatusOr<int64_t> DeleteInBatches(ConnectionPool& pool, const char* statement,
                                        const std::optional<std::string>& destination,
                                        absl::Time cutoff, int batch_size,
                                        const StopPruning& stop) {
  const std::string cutoff_text = ToSqlTime(cutoff);
  int64_t deleted = 0;
  while (stop == nullptr || !stop()) {
    int batch = 0;
    DUBAN_RETURN_IF_ERROR(
        InTransaction(pool, Isolation::kReadCommitted, [&](sql::Connection& conn) {
          std::unique_ptr<sql::PreparedStatement> stmt(conn.prepareStatement(statement));
          int index = 1;
          if (destination.has_value()) stmt->setString(index++, *destination);
          stmt->setString(index++, cutoff_text);
          stmt->setInt(index, batch_size);
          batch = stmt->executeUpdate();
          return absl::OkStatus();
        }));
    deleted += batch;
    if (batch < batch_size) break;
  }
  return deleted;
}

}  // namespace

absl::StatusOr<RetentionPass> PruneOlderThan(ConnectionPool& pool, absl::Time cutoff,
                                             int batch_size, const StopPruning& stop) {
  if (batch_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("retention: batch_size must be at least 1, got ", batch_size));
  }
  RetentionPass pass;
  pass.cutoff = cutoff;
  DUBAN_ASSIGN_OR_RETURN(const std::vector<std::string> destinations, Destinations(pool));
  for (const std::string& destination : destinations) {
    DUBAN_ASSIGN_OR_RETURN(const int64_t deleted, DeleteInBatches(pool, kDeleteOutbox, destination,
                                                                  cutoff, batch_size, stop));
    pass.outbox += deleted;
  }
  DUBAN_ASSIGN_OR_RETURN(pass.request_log, DeleteInBatches(pool, kDeleteRequestLog, std::nullopt,
                                                           cutoff, batch_size, stop));
  DUBAN_ASSIGN_OR_RETURN(
      pass.applied_events,
      DeleteInBatches(pool, kDeleteAppliedEvents, std::nullopt, cutoff, batch_size, stop));
  return pass;
}

RetentionPruner::RetentionPruner(ConnectionPool* pool, const Clock* clock, RetentionOptions options)
    : pool_(pool), clock_(clock), options_(std::move(options)) {}

absl::StatusOr<std::optional<RetentionPass>> RetentionPruner::RunIfDue(const StopPruning& stop) {
  if (options_.retention <= absl::ZeroDuration()) return std::optional<RetentionPass>();
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  if (now < next_pass_) return std::optional<RetentionPass>();
  DUBAN_ASSIGN_OR_RETURN(RetentionPass pass, PruneOlderThan(*pool_, now - options_.retention,
                                                            options_.batch_size, stop));
  next_pass_ = now + options_.interval;
  return std::optional<RetentionPass>(pass);
}

}  // namespace duban::db

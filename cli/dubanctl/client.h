// Client-side helpers shared by dubanctl, the end-to-end tests and the
// benchmarks: stubs of the six services, bearer tokens, and advancing the
// shared test clock until every service has settled.
#ifndef DUBAN_CLI_DUBANCTL_CLIENT_H_
#define DUBAN_CLI_DUBANCTL_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "duban/minutes/v1/minutes.grpc.pb.h"
#include "duban/registry/v1/registry.grpc.pb.h"
#include "duban/reporting/v1/reporting.grpc.pb.h"
#include "duban/scheduler/v1/scheduler.grpc.pb.h"
#include "duban/supervision/v1/supervision.grpc.pb.h"
#include "duban/tasks/v1/tasks.grpc.pb.h"
#include "duban/testclock/v1/testclock.grpc.pb.h"

namespace duban::client {

// The six services, in start-up order.
const std::vector<std::string>& ServiceNames();

// Where the services listen, by name; missing names get 127.0.0.1:<default port>.
struct Endpoints {
  std::map<std::string, std::string> addresses;
  std::string Address(const std::string& service) const;
};

// Channels and stubs to the six services. Thread-safe after construction.
class Clients {
 public:
  explicit Clients(const Endpoints& endpoints);

  std::shared_ptr<grpc::Channel> channel(const std::string& service) const;
  const std::string& address(const std::string& service) const;
  duban::registry::v1::RegistryService::Stub& registry() const { return *registry_; }
  duban::minutes::v1::MinutesService::Stub& minutes() const { return *minutes_; }
  duban::tasks::v1::TasksService::Stub& tasks() const { return *tasks_; }
  duban::reporting::v1::ReportingService::Stub& reporting() const { return *reporting_; }
  duban::scheduler::v1::SchedulerService::Stub& scheduler() const { return *scheduler_; }
  duban::supervision::v1::SupervisionService::Stub& supervision() const { return *supervision_; }

 private:
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  std::unique_ptr<duban::registry::v1::RegistryService::Stub> registry_;
  std::unique_ptr<duban::minutes::v1::MinutesService::Stub> minutes_;
  std::unique_ptr<duban::tasks::v1::TasksService::Stub> tasks_;
  std::unique_ptr<duban::reporting::v1::ReportingService::Stub> reporting_;
  std::unique_ptr<duban::scheduler::v1::SchedulerService::Stub> scheduler_;
  std::unique_ptr<duban::supervision::v1::SupervisionService::Stub> supervision_;
};

// Mints development tokens for people from the local HS256 secret, as the OA
// system would issue them.
class TokenMinter {
 public:
  TokenMinter(std::string secret, std::string audience);
  // A token for `subject`, valid for `lifetime` from the real time now.
  absl::StatusOr<std::string> For(const std::string& subject,
                                  absl::Duration lifetime = absl::Hours(12)) const;

 private:
  std::string secret_;
  std::string audience_;
};

// A client context carrying `token` and a deadline. With `wait_for_ready`,
// a call to a service that is reconnecting (it just restarted) waits for the
// connection within the deadline instead of failing at once.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                             absl::Duration timeout = absl::Seconds(30),
                                             bool wait_for_ready = true);

// Reads a whole file (secrets, CSVs).
absl::StatusOr<std::string> ReadFile(const std::string& path);

// A fresh request id.
std::string NewRequestId();

// Writes the bytes of an export into the folder `dir` (created when missing) under the file
// name reporting suggested, or `fallback` when that name is empty or not a plain file name (it
// holds a '/', '\\' or control character, or is "." or ".."). The path written; INTERNAL naming
// the path when the folder or the file cannot be written.
absl::StatusOr<std::string> WriteExportFile(const std::string& dir,
                                            const duban::reporting::v1::ExportResponse& response,
                                            const std::string& fallback);

struct SettleReport {
  absl::Time now;
  int rounds = 0;
  int64_t work_done = 0;
  // Work still due that could not be done (a service is down, say).
  int64_t pending = 0;
  std::string pending_detail;
};

// What one Settle call to one process answered: the call's status, and the
// work it reports when the call succeeded.
struct ProcessSettle {
  grpc::Status status;
  duban::testclock::v1::SettleResponse response;
};

// Calls Settle once on the process listening at `address` over a fresh
// connection, which fails at once when the process is down.
ProcessSettle SettleProcess(const std::string& address, const std::string& token);

// One round of Settle calls over some processes, summed.
struct SettleRound {
  int64_t work_done = 0;
  // Work still due; a process that did not answer counts as one.
  int64_t pending = 0;
  // "<process>: <what is pending or failed>; " per process.
  std::string detail;
  // The earliest instant at which some process has work scheduled.
  absl::Time next_due = absl::InfiniteFuture();

  // Adds the answer of the process named `process`.
  void Add(const std::string& process, const ProcessSettle& settled);
};

// Moves the shared test clock to `to` in steps, running `settle_round` at
// every step until a round does no work, then stepping to the earliest
// next_due (or `to`). DEADLINE_EXCEEDED when 100 rounds in a row still do
// work; FAILED_PRECONDITION when `to` is before the clock's time.
absl::StatusOr<SettleReport> SettleThrough(const std::string& clock_file, absl::Time to,
                                           const std::function<SettleRound()>& settle_round);

// Moves the shared test clock to `to` and waits until every service has done
// the work that fell due: it steps through each instant at which some service
// has work scheduled (so each rung fires at its own time), settling all
// services at every step until a round does no work. Services that cannot be
// reached are reported in pending_detail, not as an error. FAILED_PRECONDITION
// when `to` is before the clock's time.
absl::StatusOr<SettleReport> AdvanceAndSettle(const std::string& clock_file, absl::Time to,
                                              const Clients& clients, const std::string& token);

}  // namespace duban::client

#endif  // DUBAN_CLI_DUBANCTL_CLIENT_H_

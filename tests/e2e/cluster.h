// Runs the six service binaries as real processes for end-to-end tests: each
// on its own loopback ports, its own databases in the test MariaDB
// (DUBAN_TEST_DB_SOCKET) and, by default, a shared test clock in a temporary
// folder. Not thread-safe; one per test.
#ifndef DUBAN_TESTS_E2E_CLUSTER_H_
#define DUBAN_TESTS_E2E_CLUSTER_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/dubanctl/session.h"

namespace duban::testing {

struct ClusterOptions {
  // Distinguishes this cluster's databases and folder.
  std::string name;
  // gRPC ports base_port..base_port+5; metrics ports base_port+10..+15.
  int base_port = 0;
  bool test_clock = true;
  absl::Time clock_start = absl::FromUnixSeconds(1790557200);  // 2026-09-28 09:00 +08:00
  // The MariaDB socket; default: the test MariaDB's.
  std::string db_socket;
  // Extra flags for every service.
  std::vector<std::string> flags;
  // The district's IANA zone for every service and the session; empty: the
  // services' default.
  std::string time_zone;
  // Extra flags for one service (and its replicas), by service name.
  std::map<std::string, std::vector<std::string>> service_flags;
};

class Cluster {
 public:
  // Starts all six services and waits until each reports SERVING.
  static absl::StatusOr<std::unique_ptr<Cluster>> Start(ClusterOptions options);
  // Stops the services (SIGTERM, then SIGKILL after 15 s) and drops their databases.
  ~Cluster();

  // `service` is a service name, or "<service>#<n>" (n >= 2) for another
  // replica of it: its own process and ports (base_port + 20 * (n - 1) + the
  // usual offsets), the same database.
  absl::Status StopService(const std::string& service);
  absl::Status KillService(const std::string& service);
  absl::Status StartService(const std::string& service);

  // Moves the shared test clock to `t` as client::AdvanceAndSettle does, but
  // settles every process this cluster has started, replicas included, all
  // at once in each round (so replicas of one service race for the same
  // work). A process that is down counts as pending, not as an error.
  absl::StatusOr<client::SettleReport> AdvanceTo(absl::Time t);
  // Moves the shared test clock without settling anything: the services'
  // own background loops notice the new time.
  absl::Status SetClock(absl::Time t);
  // Settles one process once (a replica included); the work it did.
  absl::StatusOr<int64_t> SettleOnce(const std::string& service);

  // The text of a process's Prometheus endpoint.
  absl::StatusOr<std::string> ScrapeMetrics(const std::string& service) const;

  client::Session& session() { return *session_; }
  const std::string& clock_file() const { return clock_file_; }
  int port(const std::string& service) const;
  int metrics_port(const std::string& service) const;
  std::string address(const std::string& service) const;
  // The service's process id (0 when stopped).
  pid_t pid(const std::string& service) const;
  // The name of the service's database.
  std::string database(const std::string& service) const;
  // The tail of a service's log, for failure messages.
  std::string LogTail(const std::string& service, int lines = 30) const;

 private:
  explicit Cluster(ClusterOptions options);
  absl::Status WaitServing(const std::string& service, absl::Duration timeout);
  std::vector<std::string> Args(const std::string& service) const;

  ClusterOptions options_;
  std::string dir_;
  std::string clock_file_;
  std::map<std::string, pid_t> pids_;
  // Every process started at least once, in order: what AdvanceTo settles.
  std::vector<std::string> started_;
  std::unique_ptr<client::Session> session_;
};

// The test MariaDB's socket; fails the calling test when unset.
std::string TestDbSocket();

// The sum of the samples of the metric `name` in a Prometheus text
// exposition, over all its label sets whose labels contain every
// `label="value"` in `labels` (e.g. {"rung=\"REMINDER\""}). Zero when absent.
double MetricSum(const std::string& exposition, const std::string& name,
                 const std::vector<std::string>& labels = {});

// Calls a unary RPC with `token` and a deadline, as a client would.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(Stub& stub,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              const std::string& token, const Request& request) {
  Response response;
  auto context = client::Context(token);
  grpc::Status status = (stub.*method)(context.get(), request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return response;
}

// Every page of a paged listing: `list` is called with the page token ("" first)
// and returns the page's response; `items` picks the repeated field.
template <typename Response, typename Item>
absl::StatusOr<std::vector<Item>> AllPages(
    const std::function<absl::StatusOr<Response>(const std::string&)>& list,
    const std::function<const google::protobuf::RepeatedPtrField<Item>&(const Response&)>& items) {
  std::vector<Item> all;
  std::string token;
  for (int page = 0; page < 10000; ++page) {
    absl::StatusOr<Response> response = list(token);
    if (!response.ok()) return response.status();
    for (const Item& item : items(*response)) all.push_back(item);
    token = response->next_page_token();
    if (token.empty()) return all;
  }
  return absl::InternalError("more than 10000 pages: the page token does not advance");
}

// ---- What the tests read and make through the real APIs (as the admin,
// unless a token is given) ----

// Every rung firing the scheduler recorded, optionally for one subject or rung.
absl::StatusOr<std::vector<duban::scheduler::v1::RungFiring>> ListAllRungFirings(
    client::Session& s, const duban::scheduler::v1::ListRungFiringsRequest& filter = {});
absl::StatusOr<std::vector<duban::scheduler::v1::Deadline>> ListAllDeadlines(
    client::Session& s, const duban::scheduler::v1::ListDeadlinesRequest& filter = {});
absl::StatusOr<std::vector<duban::supervision::v1::SupervisionCase>> ListAllCases(
    client::Session& s, const duban::supervision::v1::ListCasesRequest& filter = {});
absl::StatusOr<std::vector<duban::supervision::v1::Notice>> ListAllNotices(
    client::Session& s, const duban::supervision::v1::ListNoticesRequest& filter = {});

// Creates an item through tasks' CreateItem as the caller of `token`.
absl::StatusOr<duban::tasks::v1::Item> CreateItem(client::Session& s, const std::string& token,
                                                  const std::string& lead_unit_id,
                                                  const std::vector<std::string>& responsible,
                                                  const std::string& content,
                                                  const duban::common::v1::Deadline& deadline);

// Creates a unit through the registry; its id.
absl::StatusOr<std::string> CreateUnit(client::Session& s, const std::string& name);

// Loads a work calendar CSV (date,kind,name) into the registry as the admin.
absl::Status ImportWorkCalendar(client::Session& s, const std::string& csv);

// The repository's examples/<name>.
std::string ExampleFile(const std::string& name);

// A subject.
duban::common::v1::Subject SubjectOf(duban::common::v1::SubjectKind kind, const std::string& id);

}  // namespace duban::testing

#endif  // DUBAN_TESTS_E2E_CLUSTER_H_

// Runs the six service binaries as real processes for end-to-end tests: each
// on its own loopback ports, its own databases in the test MariaDB
// (DUBAN_TEST_DB_SOCKET) and, by default, a shared test clock in a temporary
// folder. Not thread-safe; one per test.
#ifndef DUBAN_TESTS_E2E_CLUSTER_H_
#define DUBAN_TESTS_E2E_CLUSTER_H_

#include <sys/types.h>

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
};

class Cluster {
 public:
  // Starts all six services and waits until each reports SERVING.
  static absl::StatusOr<std::unique_ptr<Cluster>> Start(ClusterOptions options);
  // Stops the services (SIGTERM, then SIGKILL after 15 s) and drops their databases.
  ~Cluster();

  absl::Status StopService(const std::string& service);
  absl::Status KillService(const std::string& service);
  absl::Status StartService(const std::string& service);

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
  std::unique_ptr<client::Session> session_;
};

// The test MariaDB's socket; fails the calling test when unset.
std::string TestDbSocket();

}  // namespace duban::testing

#endif  // DUBAN_TESTS_E2E_CLUSTER_H_

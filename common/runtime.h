// Everything a service binary shares: configuration from flags and the
// environment, the clock, the database pool and its migrations, the metrics
// registry, authentication, clients of the other services, and a gRPC server
// with health checking, reflection, metrics and graceful shutdown.
//
// A service's main() reads:
//   auto runtime = duban::Runtime::Start(argc, argv, "tasks", tasks::Migrations());
//   if (!runtime.ok()) return 1;
//   TasksServiceImpl service(...);
//   (*runtime)->AddService(&service);
//   return (*runtime)->Serve();
#ifndef DUBAN_COMMON_RUNTIME_H_
#define DUBAN_COMMON_RUNTIME_H_

#include <grpcpp/channel.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server.h>
#include <grpcpp/support/channel_arguments.h>
#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/db/migrate.h"
#include "common/db/outbox.h"
#include "common/db/pool.h"
#include "common/db/retention.h"
#include "common/metrics.h"

namespace duban {

// Every setting of a service. Each comes from a flag, or else from the
// environment variable DUBAN_<FLAG IN UPPER CASE>, or else its default
// (documented in the README and by --help).
struct ServiceConfig {
  std::string service;
  std::string listen_host = "127.0.0.1";
  int port = 0;          // Default per service: 50051..50056.
  int metrics_port = 0;  // Default per service: 9101..9106; -1 disables.
  // database defaults to "duban_<service>"; read_timeout and write_timeout
  // come from --db_read_timeout and --db_write_timeout.
  db::DbOptions db;
  std::string time_zone = "Asia/Shanghai";
  // Empty: the real clock. Otherwise the shared test clock file.
  std::string test_clock_file;
  // Where a test clock file that does not exist yet starts; InfinitePast():
  // the real time when it is created.
  absl::Time test_clock_start = absl::InfinitePast();
  // Upper bound of threads serving RPCs (sync server).
  int max_threads = 16;
  // After SIGTERM: health NOT_SERVING while calls are still accepted.
  absl::Duration shutdown_drain = absl::ZeroDuration();
  absl::Duration shutdown_grace = absl::Seconds(10);
  absl::Duration db_wait = absl::Seconds(60);
  // While serving, how often the database is pinged; health turns
  // NOT_SERVING while it does not answer and SERVING once it does again.
  // Zero: never checked.
  absl::Duration health_db_check = absl::Seconds(2);
  // How long delivered outbox events, request ids and applied event ids are
  // kept, on the service's clock (see common/db/retention.h); zero keeps them.
  absl::Duration retention = absl::Hours(30 * 24);
  AuthOptions auth;
  // How long a resolved principal (a person's roles) is reused; zero reads
  // the registry on every call, so a revoked role takes effect at once.
  absl::Duration principal_cache_ttl = absl::ZeroDuration();
  // Fixed, publicly known development secrets instead of secret files
  // (--dev_insecure_secrets). Never in production: anyone can mint tokens.
  bool dev_insecure_secrets = false;
  // Addresses of the other services by name ("registry" -> "127.0.0.1:50051").
  std::map<std::string, std::string> peers;
};

// The default gRPC and metrics ports of each service.
int DefaultPort(const std::string& service);
int DefaultMetricsPort(const std::string& service);

// Parses flags and the environment. INVALID_ARGUMENT naming the setting (the
// flag, or the DUBAN_* variable when the value came from the environment).
// Secrets come from files (--jwt_secret_file, --service_secret_file); without
// them the service refuses to start unless --dev_insecure_secrets is given.
// Flags are process-wide: call once per process (tests use absl::FlagSaver).
absl::StatusOr<ServiceConfig> LoadServiceConfig(int argc, char** argv, const std::string& service);

// Units of work done by a test clock Settle call.
struct SettleCounts {
  int64_t work_done = 0;
  int64_t pending = 0;
  std::string detail;
  // The earliest instant after now with scheduled work (InfiniteFuture: none).
  // Settle reports the minimum over all work as SettleResponse.next_due_at.
  absl::Time next_due = absl::InfiniteFuture();
};

class Runtime {
 public:
  // Loads the configuration, opens the clock, waits for and migrates the
  // database, starts the metrics endpoint and resolves peers. Logs each step;
  // returns the first failure.
  static absl::StatusOr<std::unique_ptr<Runtime>> Start(
      int argc, char** argv, const std::string& service,
      const std::vector<db::Migration>& migrations);
  ~Runtime();

  const ServiceConfig& config() const { return config_; }
  const Clock& clock() const { return *clock_; }
  absl::TimeZone zone() const { return zone_; }
  db::ConnectionPool& pool() { return *pool_; }
  prometheus::Registry& metrics() { return *metrics_; }
  // Gauges computed at scrape time (e.g. from the database); see common/metrics.h.
  ScrapeGauges& scrape_gauges();
  const TokenVerifier& verifier() const { return *verifier_; }

  // Resolves principals through the registry service (the registry itself
  // replaces it with a local resolver before serving).
  PrincipalResolver& principals() { return *principals_; }
  void SetPrincipalResolver(std::unique_ptr<PrincipalResolver> resolver);

  // A channel to a peer service, authenticated as this service.
  std::shared_ptr<grpc::Channel> Channel(const std::string& peer);
  // The service identity's bearer token (refreshed before it expires).
  std::string ServiceToken();

  // An outbox relay delivering to the named peers' EventSinkService; started
  // by Serve, stopped at shutdown, and settled by the test clock.
  db::OutboxRelay& Outbox(const std::vector<std::string>& destinations);

  // Registers an RPC service (not owned; must outlive Serve).
  void AddService(grpc::Service* service);
  // Work the test clock's Settle runs (besides the outbox), e.g. firing rungs.
  void AddSettleWork(std::function<absl::StatusOr<SettleCounts>()> work);
  // Background loops to start when serving and stop at shutdown.
  void AddBackground(std::function<void()> start, std::function<void()> stop);
  // Runs `hook` on Serve's thread as soon as shutdown begins (SIGTERM, SIGINT
  // or RequestShutdown): after health turns NOT_SERVING and before the drain,
  // while calls are still accepted. Hooks run once, in the order added. Use it
  // to end long-lived streams, which would otherwise hold the shutdown until
  // shutdown_grace runs out. Call before Serve.
  void OnShutdownBegin(std::function<void()> hook);

  // Builds and runs the server until SIGTERM or SIGINT, then shuts down
  // gracefully. While serving, health (of the server and of each service)
  // follows the database: NOT_SERVING while a ping every health_db_check
  // fails, SERVING again once one succeeds. Every service exports
  // duban_database_up (the last ping's outcome: 1 succeeded, 0 failed; 1
  // until the first ping, the start-up migrations having reached the
  // database, and for good when health_db_check is zero) and duban_serving
  // (1 while health reports SERVING, 0 before and from shutdown on). Rows
  // older than the retention are pruned at once and then hourly on the
  // service's clock (with a test clock, also by Settle); each pass that
  // deleted rows is logged ("retention_pruned") and counted in
  // duban_retention_pruned_rows_total, by table. At shutdown: health
  // NOT_SERVING for good, the OnShutdownBegin hooks run, for shutdown_drain
  // calls are still accepted, then in-flight calls finish (up to
  // shutdown_grace), background loops stop. Returns the exit code.
  int Serve();

  // Asks a running Serve() to shut down as SIGTERM would. Thread-safe; for
  // tests and embedding.
  void RequestShutdown();

  // The gRPC port listened on, once Serve() has started the server and
  // declared it healthy (0 before and after).
  int serving_port() const;

 private:
  Runtime() = default;
  struct Impl;
  absl::Status Init(const std::vector<db::Migration>& migrations);
  absl::Status OpenClock();
  absl::Status StartMetrics();
  // Creates the retention pruner and its counters (after StartMetrics).
  void StartRetention();
  // Runs a retention pass if one is due; logs and counts what it pruned.
  absl::Status PruneIfDue(const db::StopPruning& stop);
  // The background loop: asks PruneIfDue every kRetentionPoll until shutdown.
  void PruneInBackground();
  std::unique_ptr<grpc::Server> BuildServer(grpc::Service* test_clock,
                                            std::vector<std::string>* service_names, int* port);
  void WaitForShutdownSignal();
  // Sets the health of "" and of `service_names`, and duban_serving.
  void SetHealth(grpc::HealthCheckServiceInterface* health,
                 const std::vector<std::string>& service_names, bool serving);
  // Pings the database every health_db_check until StopDatabaseHealthCheck,
  // setting `health` of "" and of `service_names` on each change and
  // duban_database_up after each ping.
  void CheckDatabaseHealth(grpc::HealthCheckServiceInterface* health,
                           const std::vector<std::string>& service_names);
  // Ends the check; once this returns, the check changes no status again.
  void StopDatabaseHealthCheck();

  ServiceConfig config_;
  std::unique_ptr<Clock> clock_;
  absl::TimeZone zone_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::shared_ptr<prometheus::Registry> metrics_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<PrincipalResolver> principals_;
  std::unique_ptr<Impl> impl_;
};

// Channel arguments for calls to a service: a peer that comes back is
// reconnected to within a second (gRPC's default backoff grows to two minutes,
// which would hold up delivery long after an outage ended).
grpc::ChannelArguments FastReconnectArguments();

// Bearer token metadata for a client call.
void AttachToken(grpc::ClientContext& context, const std::string& token);

}  // namespace duban

#endif  // DUBAN_COMMON_RUNTIME_H_

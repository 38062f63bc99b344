#include "common/runtime.h"

#include <fcntl.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/client_interceptor.h>
#include <prometheus/exposer.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "absl/base/call_once.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/db/retention.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/status.h"
#include "common/time_util.h"
#include "duban/events/v1/events.grpc.pb.h"
#include "duban/registry/v1/registry.grpc.pb.h"
#include "duban/testclock/v1/testclock.grpc.pb.h"
#include "grpc/health/v1/health.pb.h"

ABSL_FLAG(std::string, listen_host, "127.0.0.1", "Address the gRPC and metrics servers bind to.");
ABSL_FLAG(int32_t, port, 0, "gRPC port; 0: the service's default (50051..50056).");
ABSL_FLAG(int32_t, metrics_port, 0,
          "Prometheus /metrics port; 0: the service's default (9101..9106); -1: disabled.");
ABSL_FLAG(std::string, db_host, "127.0.0.1", "MariaDB/MySQL host.");
ABSL_FLAG(int32_t, db_port, 3306, "MariaDB/MySQL port.");
ABSL_FLAG(std::string, db_socket, "", "MariaDB/MySQL socket; used instead of host and port.");
ABSL_FLAG(std::string, db_user, "root", "Database user.");
ABSL_FLAG(std::string, db_password, "", "Database password (prefer db_password_file).");
ABSL_FLAG(std::string, db_password_file, "",
          "File holding the database password; overrides db_password.");
ABSL_FLAG(std::string, db_name, "", "Database name; empty: duban_<service>.");
ABSL_FLAG(int32_t, db_pool_size, 8, "Database connections at most.");
ABSL_FLAG(absl::Duration, db_read_timeout, absl::Seconds(30),
          "How long one read from the database may wait (whole seconds), so a statement or ping "
          "to a server that stopped answering fails instead of hanging; row lock waits end at "
          "half of it. 0s: no limit.");
ABSL_FLAG(absl::Duration, db_write_timeout, absl::Seconds(30),
          "How long one write to the database may wait (whole seconds). 0s: no limit.");
ABSL_FLAG(absl::Duration, retention, absl::Hours(30 * 24),
          "How long delivered outbox events, request ids and applied event ids are kept (on the "
          "service's clock; pruned hourly). Audit records are kept forever. 0s: keep "
          "everything.");
ABSL_FLAG(std::string, time_zone, "Asia/Shanghai", "The district's IANA time zone.");
ABSL_FLAG(std::string, test_clock_file, "",
          "Tests only: the shared test clock file; empty: the real clock.");
ABSL_FLAG(std::string, test_clock_start, "",
          "Tests only: RFC 3339 start of a test clock file created by this process; empty: "
          "the real time.");
ABSL_FLAG(int32_t, max_threads, 16, "Threads serving RPCs at most.");
ABSL_FLAG(absl::Duration, shutdown_drain, absl::ZeroDuration(),
          "After SIGTERM, how long health reports NOT_SERVING while calls are still accepted, "
          "so that load balancers stop sending new ones first.");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "How long in-flight calls may run on after SIGTERM.");
ABSL_FLAG(absl::Duration, db_wait, absl::Seconds(60),
          "How long to wait for the database at start-up.");
ABSL_FLAG(absl::Duration, health_db_check, absl::Seconds(2),
          "While serving, how often the database is pinged; health is NOT_SERVING while it "
          "does not answer. 0s: not checked.");
ABSL_FLAG(std::string, jwt_algorithm, "HS256", "Algorithm of users' tokens: HS256 or RS256.");
ABSL_FLAG(std::string, jwt_secret_file, "", "HS256: file holding the secret of users' tokens.");
ABSL_FLAG(std::string, jwt_public_key_file, "",
          "RS256: file holding the PEM public key of users' tokens.");
ABSL_FLAG(std::string, jwt_audience, "duban", "Required audience of users' tokens.");
ABSL_FLAG(std::string, jwt_issuer, "", "Required issuer of users' tokens; empty: not checked.");
ABSL_FLAG(std::string, service_secret_file, "",
          "File holding the HS256 secret of the internal service identity.");
ABSL_FLAG(std::vector<std::string>, bootstrap_admins, {},
          "Comma-separated subjects that hold the admin role regardless of the registry.");
ABSL_FLAG(std::string, registry_addr, "", "registry service address; empty: 127.0.0.1:50051.");
ABSL_FLAG(std::string, minutes_addr, "", "minutes service address; empty: 127.0.0.1:50052.");
ABSL_FLAG(std::string, tasks_addr, "", "tasks service address; empty: 127.0.0.1:50053.");
ABSL_FLAG(std::string, reporting_addr, "", "reporting service address; empty: 127.0.0.1:50054.");
ABSL_FLAG(std::string, scheduler_addr, "", "scheduler service address; empty: 127.0.0.1:50055.");
ABSL_FLAG(std::string, supervision_addr, "",
          "supervision service address; empty: 127.0.0.1:50056.");
ABSL_FLAG(absl::Duration, principal_cache_ttl, absl::ZeroDuration(),
          "How long a person's resolved roles are reused; 0s: read on every call.");
ABSL_FLAG(bool, dev_insecure_secrets, false,
          "DEVELOPMENT ONLY: when no secret files are given, use fixed secrets that are public "
          "(anyone can mint tokens). Never in production.");

namespace duban {
namespace {

using duban::registry::v1::Principal;

// Every flag above; each also reads DUBAN_<NAME IN UPPER CASE>.
// clang-format off
constexpr const char* kFlagNames[] = {
    "listen_host", "port", "metrics_port", "max_threads", "shutdown_drain",
    "shutdown_grace",
    "db_host", "db_port", "db_socket", "db_user", "db_password", "db_password_file", "db_name",
    "db_pool_size", "db_read_timeout", "db_write_timeout", "db_wait", "health_db_check",
    "retention",
    "time_zone", "test_clock_file", "test_clock_start",
    "jwt_algorithm", "jwt_secret_file", "jwt_public_key_file", "jwt_audience", "jwt_issuer",
    "service_secret_file", "bootstrap_admins", "principal_cache_ttl", "dev_insecure_secrets",
    "registry_addr", "minutes_addr", "tasks_addr", "reporting_addr", "scheduler_addr",
    "supervision_addr"};
// clang-format on

constexpr const char* kServices[] = {"registry",  "minutes",   "tasks",
                                     "reporting", "scheduler", "supervision"};

// Publicly known; only used with --dev_insecure_secrets.
constexpr char kDevUserSecret[] = "duban-dev-user-secret-NOT-FOR-PRODUCTION";
constexpr char kDevServiceSecret[] = "duban-dev-service-secret-NOT-FOR-PRODUCTION";

// A service token is renewed when less than this is left of its hour.
constexpr absl::Duration kServiceTokenRenewal = absl::Minutes(10);
constexpr absl::Duration kResolveTimeout = absl::Seconds(5);
// How long an idle RPC poller waits before looking again; bounds how long the
// server takes to stop once its calls have ended.
constexpr absl::Duration kPollerWait = absl::Milliseconds(200);
// How often, in real time, the background pruner asks whether a retention
// pass is due on the service's clock (passes are hourly on that clock).
constexpr absl::Duration kRetentionPoll = absl::Seconds(30);
// What /metrics says of the gauges that follow the database check and health.
constexpr char kDatabaseUpHelp[] =
    "1 when the last database check (--health_db_check) succeeded, 0 when it failed.";
constexpr char kServingHelp[] = "1 while gRPC health reports SERVING.";
// The tables retention prunes, as the pruned-rows counter labels them.
constexpr const char* kRetentionTables[] = {"outbox", "request_log", "applied_events"};

std::string EnvName(std::string_view flag) {
  return absl::StrCat("DUBAN_", absl::AsciiStrToUpper(AbslView(flag)));
}

// Names a setting the way the operator gave it.
class Settings {
 public:
  void MarkFromEnv(std::string flag) { from_env_.insert(std::move(flag)); }
  std::string Name(const std::string& flag) const {
    return from_env_.count(flag) > 0 ? EnvName(flag) : flag;
  }
  absl::Status Invalid(const std::string& flag, std::string_view problem) const {
    return InvalidField(Name(flag), problem);
  }

 private:
  std::set<std::string> from_env_;
};

// Applies DUBAN_* variables to the flags not otherwise set; the command line,
// parsed afterwards, overrides them.
absl::StatusOr<Settings> ApplyEnvironment() {
  Settings settings;
  for (const char* flag_name : kFlagNames) {
    const std::string env = EnvName(flag_name);
    const char* value = std::getenv(env.c_str());
    if (value == nullptr) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(flag_name);
    if (flag == nullptr) return absl::InternalError(absl::StrCat("no flag ", flag_name));
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(env, ": ", error));
    }
    settings.MarkFromEnv(flag_name);
  }
  return settings;
}

absl::StatusOr<std::string> ReadSecretFile(const Settings& settings, const std::string& flag,
                                           const std::string& path) {
  std::ifstream in(path);
  if (!in) return settings.Invalid(flag, absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return settings.Invalid(flag, absl::StrCat(path, " is empty"));
  return secret;
}

// HS256 wants a key at least as long as its 256-bit hash; a short one can be
// guessed offline from any token.
absl::Status CheckHs256Secret(const Settings& settings, const std::string& flag,
                              const std::string& secret) {
  constexpr size_t kMinBytes = 32;
  if (secret.size() >= kMinBytes) return absl::OkStatus();
  return settings.Invalid(flag, absl::StrCat("the secret has ", secret.size(),
                                             " bytes; HS256 needs at least ", kMinBytes));
}

absl::Status CheckPort(const Settings& settings, const std::string& flag, int port,
                       bool allow_disabled) {
  if (allow_disabled && port == -1) return absl::OkStatus();
  if (port < 1 || port > 65535) {
    return settings.Invalid(flag, absl::StrCat("must be a port (1..65535), got ", port));
  }
  return absl::OkStatus();
}

absl::Status LoadNetwork(const Settings& settings, const std::string& service,
                         ServiceConfig& config) {
  config.listen_host = absl::GetFlag(FLAGS_listen_host);
  if (config.listen_host.empty()) return settings.Invalid("listen_host", "must not be empty");
  config.port = absl::GetFlag(FLAGS_port);
  if (config.port == 0) config.port = DefaultPort(service);
  DUBAN_RETURN_IF_ERROR(CheckPort(settings, "port", config.port, false));
  config.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  if (config.metrics_port == 0) config.metrics_port = DefaultMetricsPort(service);
  DUBAN_RETURN_IF_ERROR(CheckPort(settings, "metrics_port", config.metrics_port, true));
  config.max_threads = absl::GetFlag(FLAGS_max_threads);
  if (config.max_threads < 2) return settings.Invalid("max_threads", "must be at least 2");
  config.shutdown_drain = absl::GetFlag(FLAGS_shutdown_drain);
  if (config.shutdown_drain < absl::ZeroDuration()) {
    return settings.Invalid("shutdown_drain", "must not be negative");
  }
  config.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  if (config.shutdown_grace < absl::ZeroDuration()) {
    return settings.Invalid("shutdown_grace", "must not be negative");
  }
  const std::pair<const char*, absl::Flag<std::string>*> peers[] = {
      {"registry", &FLAGS_registry_addr},   {"minutes", &FLAGS_minutes_addr},
      {"tasks", &FLAGS_tasks_addr},         {"reporting", &FLAGS_reporting_addr},
      {"scheduler", &FLAGS_scheduler_addr}, {"supervision", &FLAGS_supervision_addr}};
  for (const auto& [peer, flag] : peers) {
    std::string address = absl::GetFlag(*flag);
    if (address.empty()) address = absl::StrCat("127.0.0.1:", DefaultPort(peer));
    config.peers[peer] = address;
  }
  return absl::OkStatus();
}

absl::Status LoadDatabase(const Settings& settings, const std::string& service,
                          ServiceConfig& config) {
  config.db.host = absl::GetFlag(FLAGS_db_host);
  config.db.port = absl::GetFlag(FLAGS_db_port);
  DUBAN_RETURN_IF_ERROR(CheckPort(settings, "db_port", config.db.port, false));
  config.db.socket = absl::GetFlag(FLAGS_db_socket);
  config.db.user = absl::GetFlag(FLAGS_db_user);
  config.db.password = absl::GetFlag(FLAGS_db_password);
  if (const std::string file = absl::GetFlag(FLAGS_db_password_file); !file.empty()) {
    DUBAN_ASSIGN_OR_RETURN(config.db.password, ReadSecretFile(settings, "db_password_file", file));
  }
  config.db.database = absl::GetFlag(FLAGS_db_name);
  if (config.db.database.empty()) config.db.database = absl::StrCat("duban_", service);
  config.db.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  if (config.db.pool_size < 1) return settings.Invalid("db_pool_size", "must be at least 1");
  config.db.read_timeout = absl::GetFlag(FLAGS_db_read_timeout);
  if (config.db.read_timeout < absl::ZeroDuration()) {
    return settings.Invalid("db_read_timeout", "must not be negative");
  }
  config.db.write_timeout = absl::GetFlag(FLAGS_db_write_timeout);
  if (config.db.write_timeout < absl::ZeroDuration()) {
    return settings.Invalid("db_write_timeout", "must not be negative");
  }
  config.db_wait = absl::GetFlag(FLAGS_db_wait);
  if (config.db_wait < absl::ZeroDuration()) {
    return settings.Invalid("db_wait", "must not be negative");
  }
  config.health_db_check = absl::GetFlag(FLAGS_health_db_check);
  if (config.health_db_check < absl::ZeroDuration()) {
    return settings.Invalid("health_db_check", "must not be negative");
  }
  config.retention = absl::GetFlag(FLAGS_retention);
  if (config.retention < absl::ZeroDuration()) {
    return settings.Invalid("retention", "must not be negative");
  }
  return absl::OkStatus();
}

absl::Status LoadTime(const Settings& settings, ServiceConfig& config) {
  config.time_zone = absl::GetFlag(FLAGS_time_zone);
  if (!LoadZone(config.time_zone).ok()) {
    return settings.Invalid("time_zone",
                            absl::StrCat("unknown time zone \"", config.time_zone, "\""));
  }
  config.test_clock_file = absl::GetFlag(FLAGS_test_clock_file);
  const std::string start = absl::GetFlag(FLAGS_test_clock_start);
  if (!start.empty()) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, start, &config.test_clock_start, &error)) {
      return settings.Invalid("test_clock_start",
                              absl::StrCat("not an RFC 3339 time: \"", start, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status LoadAuth(const Settings& settings, ServiceConfig& config) {
  AuthOptions& auth = config.auth;
  auth.algorithm = absl::GetFlag(FLAGS_jwt_algorithm);
  if (auth.algorithm != "HS256" && auth.algorithm != "RS256") {
    return settings.Invalid("jwt_algorithm",
                            absl::StrCat("must be HS256 or RS256, got \"", auth.algorithm, "\""));
  }
  auth.audience = absl::GetFlag(FLAGS_jwt_audience);
  if (auth.audience.empty()) return settings.Invalid("jwt_audience", "must not be empty");
  auth.issuer = absl::GetFlag(FLAGS_jwt_issuer);
  auth.bootstrap_admins = absl::GetFlag(FLAGS_bootstrap_admins);
  config.principal_cache_ttl = absl::GetFlag(FLAGS_principal_cache_ttl);
  if (config.principal_cache_ttl < absl::ZeroDuration()) {
    return settings.Invalid("principal_cache_ttl", "must not be negative");
  }
  config.dev_insecure_secrets = absl::GetFlag(FLAGS_dev_insecure_secrets);

  const std::string secret_file = absl::GetFlag(FLAGS_jwt_secret_file);
  const std::string key_file = absl::GetFlag(FLAGS_jwt_public_key_file);
  const std::string service_file = absl::GetFlag(FLAGS_service_secret_file);
  if (auth.algorithm == "RS256") {
    if (key_file.empty()) {
      return settings.Invalid("jwt_public_key_file", "required with jwt_algorithm RS256");
    }
    DUBAN_ASSIGN_OR_RETURN(auth.public_key,
                           ReadSecretFile(settings, "jwt_public_key_file", key_file));
  } else if (!secret_file.empty()) {
    DUBAN_ASSIGN_OR_RETURN(auth.secret, ReadSecretFile(settings, "jwt_secret_file", secret_file));
    DUBAN_RETURN_IF_ERROR(CheckHs256Secret(settings, "jwt_secret_file", auth.secret));
  } else if (config.dev_insecure_secrets) {
    auth.secret = kDevUserSecret;
  } else {
    return settings.Invalid("jwt_secret_file",
                            "required (or --dev_insecure_secrets for local development)");
  }
  if (!service_file.empty()) {
    DUBAN_ASSIGN_OR_RETURN(auth.service_secret,
                           ReadSecretFile(settings, "service_secret_file", service_file));
    DUBAN_RETURN_IF_ERROR(CheckHs256Secret(settings, "service_secret_file", auth.service_secret));
  } else if (config.dev_insecure_secrets) {
    auth.service_secret = kDevServiceSecret;
  } else {
    return settings.Invalid("service_secret_file",
                            "required (or --dev_insecure_secrets for local development)");
  }
  if (auth.algorithm == "HS256" && auth.secret == auth.service_secret) {
    return settings.Invalid("service_secret_file", "must differ from the users' token secret");
  }
  return absl::OkStatus();
}

// "host:port", bracketing an IPv6 literal.
std::string HostPort(const std::string& host, int port) {
  if (host.find(':') != std::string::npos && host.front() != '[') {
    return absl::StrCat("[", host, "]:", port);
  }
  return absl::StrCat(host, ":", port);
}

std::string DbTarget(const db::DbOptions& db) {
  return db.socket.empty() ? HostPort(db.host, db.port) : absl::StrCat("unix:", db.socket);
}

void LogStart(const ServiceConfig& config) {
  Log(LogLevel::kInfo, "start",
      {{"listen", HostPort(config.listen_host, config.port)},
       {"metrics_port", absl::StrCat(config.metrics_port)},
       {"db", DbTarget(config.db)},
       {"db_name", config.db.database},
       {"db_user", config.db.user},
       {"db_pool_size", absl::StrCat(config.db.pool_size)},
       {"db_read_timeout", absl::FormatDuration(config.db.read_timeout)},
       {"db_write_timeout", absl::FormatDuration(config.db.write_timeout)},
       {"retention", absl::FormatDuration(config.retention)},
       {"time_zone", config.time_zone},
       {"test_clock_file", config.test_clock_file},
       {"max_threads", absl::StrCat(config.max_threads)},
       {"jwt_algorithm", config.auth.algorithm},
       {"jwt_audience", config.auth.audience},
       {"jwt_issuer", config.auth.issuer},
       {"bootstrap_admins", absl::StrJoin(config.auth.bootstrap_admins, ",")},
       {"peers", absl::StrJoin(config.peers, ",", absl::PairFormatter("="))}});
  if (config.dev_insecure_secrets) {
    Log(LogLevel::kWarning, "insecure_dev_secrets",
        {{"detail", "using public development secrets; anyone can mint tokens"}});
  }
}

// Adds the service identity's bearer token to every call that has none.
class ServiceTokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ServiceTokenInterceptor(const std::function<std::string()>* token) : token_(token) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      if (metadata->find("authorization") == metadata->end()) {
        metadata->emplace("authorization", absl::StrCat("Bearer ", (*token_)()));
      }
    }
    methods->Proceed();
  }

 private:
  const std::function<std::string()>* token_;
};

class ServiceTokenInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ServiceTokenInterceptorFactory(std::function<std::string()> token)
      : token_(std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new ServiceTokenInterceptor(&token_);
  }

 private:
  const std::function<std::string()> token_;
};

// Resolves principals with the registry's ResolvePrincipal, as this service.
class RegistryPrincipalResolver final : public PrincipalResolver {
 public:
  RegistryPrincipalResolver(std::shared_ptr<grpc::Channel> registry, absl::Duration ttl)
      : stub_(duban::registry::v1::RegistryService::NewStub(std::move(registry))), ttl_(ttl) {}

  absl::StatusOr<Principal> Resolve(const std::string& subject) override {
    const absl::Time now = SystemClock::Get()->Now();
    if (ttl_ > absl::ZeroDuration()) {
      absl::MutexLock lock(&mu_);
      auto it = cache_.find(subject);
      if (it != cache_.end() && it->second.second > now) return it->second.first;
    }
    DUBAN_ASSIGN_OR_RETURN(Principal principal, Fetch(subject));
    if (ttl_ > absl::ZeroDuration()) {
      absl::MutexLock lock(&mu_);
      cache_[subject] = {principal, now + ttl_};
    }
    return principal;
  }

 private:
  absl::StatusOr<Principal> Fetch(const std::string& subject) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kResolveTimeout));
    duban::registry::v1::ResolvePrincipalRequest request;
    request.set_subject(subject);
    duban::registry::v1::ResolvePrincipalResponse response;
    const grpc::Status status = stub_->ResolvePrincipal(&context, request, &response);
    if (!status.ok()) {
      absl::Status error = FromGrpc(status);
      return absl::Status(error.code(), absl::StrCat("resolving principal ", subject,
                                                     " at the registry: ", error.message()));
    }
    return response.principal();
  }

  const std::unique_ptr<duban::registry::v1::RegistryService::Stub> stub_;
  const absl::Duration ttl_;
  absl::Mutex mu_;
  std::map<std::string, std::pair<Principal, absl::Time>> cache_ ABSL_GUARDED_BY(mu_);
};

// Captures the names of the services a server registered, for health.
class ServiceNamesPlugin final : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceNamesPlugin(std::vector<std::string>* names) : names_(names) {}
  std::string name() override { return "duban_service_names"; }
  void InitServer(grpc::ServerInitializer*) override {}
  void Finish(grpc::ServerInitializer* initializer) override {
    *names_ = *initializer->GetServiceList();
  }
  void ChangeArguments(const std::string&, void*) override {}

 private:
  std::vector<std::string>* names_;
};

class ServiceNamesOption final : public grpc::ServerBuilderOption {
 public:
  explicit ServiceNamesOption(std::vector<std::string>* names) : names_(names) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->push_back(std::make_unique<ServiceNamesPlugin>(names_));
  }

 private:
  std::vector<std::string>* names_;
};

// The write end of the pipe SIGTERM and SIGINT are reported through.
std::atomic<int> shutdown_pipe_write{-1};

void OnShutdownSignal(int) {
  const int saved_errno = errno;
  const int fd = shutdown_pipe_write.load();
  if (fd >= 0) {
    const char byte = 's';
    [[maybe_unused]] ssize_t ignored = write(fd, &byte, 1);
  }
  errno = saved_errno;
}

// Reports SIGTERM and SIGINT through `pipe_write`.
void InstallShutdownHandlers(int pipe_write) {
  shutdown_pipe_write.store(pipe_write);
  struct sigaction action {};
  action.sa_handler = OnShutdownSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

// Back to the default: a further signal ends the process at once.
void RemoveShutdownHandlers() {
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  shutdown_pipe_write.store(-1);
}

}  // namespace

struct Runtime::Impl {
  std::unique_ptr<GrpcServerMetrics> grpc_metrics;
  std::shared_ptr<ProcessCollector> process_collector = std::make_shared<ProcessCollector>();
  std::shared_ptr<ScrapeGauges> scrape_gauges = std::make_shared<ScrapeGauges>();
  std::unique_ptr<prometheus::Exposer> exposer;

  absl::Mutex channels_mu;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels ABSL_GUARDED_BY(channels_mu);

  absl::Mutex token_mu;
  std::string service_token ABSL_GUARDED_BY(token_mu);
  absl::Time service_token_renew_at ABSL_GUARDED_BY(token_mu) = absl::InfinitePast();

  std::unique_ptr<db::OutboxRelay> relay;
  std::vector<grpc::Service*> services;
  std::vector<std::function<absl::StatusOr<SettleCounts>()>> settle_work;
  std::vector<std::pair<std::function<void()>, std::function<void()>>> background;
  std::vector<std::function<void()>> shutdown_hooks;

  int shutdown_pipe[2] = {-1, -1};
  std::atomic<int> serving_port{0};

  // Retention: the pruner, rows pruned by table, and its background loop.
  std::unique_ptr<db::RetentionPruner> retention;
  std::map<std::string, prometheus::Counter*> pruned_rows;
  std::thread retention_loop;
  absl::Notification retention_stop;

  // duban_database_up: the last database check's outcome (1 from the start,
  // whose migrations reached the database); duban_serving: 1 while health
  // reports SERVING. Set by SetHealth and CheckDatabaseHealth.
  prometheus::Gauge* database_up = nullptr;
  prometheus::Gauge* serving = nullptr;

  // The database health check: its thread, and whether shutdown has begun
  // (after which it changes no status).
  std::thread db_check;
  absl::Mutex db_check_mu;
  bool shutting_down ABSL_GUARDED_BY(db_check_mu) = false;
};

namespace {

// Settle for the test clock: runs the registered work and delivers the
// outbox now, ignoring retry backoff.
class TestClockServiceImpl final : public duban::testclock::v1::TestClockService::Service {
 public:
  TestClockServiceImpl(const Clock* clock,
                       const std::vector<std::function<absl::StatusOr<SettleCounts>()>>* work,
                       db::OutboxRelay* relay)
      : clock_(clock), work_(work), relay_(relay) {}

  grpc::Status Settle(grpc::ServerContext*, const duban::testclock::v1::SettleRequest*,
                      duban::testclock::v1::SettleResponse* response) override {
    absl::StatusOr<SettleCounts> counts = RunAll();
    if (!counts.ok()) return ToGrpc(counts.status());
    *response->mutable_now() = ToProto(clock_->Now());
    response->set_work_done(counts->work_done);
    response->set_pending(counts->pending);
    response->set_pending_detail(counts->detail);
    if (counts->next_due != absl::InfiniteFuture()) {
      *response->mutable_next_due_at() = ToProto(counts->next_due);
    }
    return grpc::Status::OK;
  }

 private:
  absl::StatusOr<SettleCounts> RunAll() {
    SettleCounts total;
    std::vector<std::string> details;
    for (const auto& work : *work_) {
      DUBAN_ASSIGN_OR_RETURN(SettleCounts counts, work());
      total.work_done += counts.work_done;
      total.pending += counts.pending;
      total.next_due = std::min(total.next_due, counts.next_due);
      if (!counts.detail.empty()) details.push_back(counts.detail);
    }
    if (relay_ != nullptr) {
      DUBAN_ASSIGN_OR_RETURN(db::DeliveryCounts delivered, relay_->DeliverPending(true));
      total.work_done += delivered.delivered;
      total.pending += delivered.pending;
      if (!delivered.detail.empty()) details.push_back(delivered.detail);
    }
    total.detail = absl::StrJoin(details, "; ");
    return total;
  }

  const Clock* clock_;
  const std::vector<std::function<absl::StatusOr<SettleCounts>()>>* work_;
  db::OutboxRelay* relay_;
};

}  // namespace

ScrapeGauges& Runtime::scrape_gauges() { return *impl_->scrape_gauges; }

grpc::ChannelArguments FastReconnectArguments() {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  return arguments;
}

int DefaultPort(const std::string& service) {
  for (int i = 0; i < 6; ++i) {
    if (service == kServices[i]) return 50051 + i;
  }
  return 0;
}

int DefaultMetricsPort(const std::string& service) {
  const int port = DefaultPort(service);
  return port == 0 ? 0 : 9101 + (port - 50051);
}

absl::StatusOr<ServiceConfig> LoadServiceConfig(int argc, char** argv, const std::string& service) {
  static absl::once_flag usage_once;
  absl::call_once(usage_once, [&] {
    absl::SetProgramUsageMessage(
        absl::StrCat("the Duban ", service,
                     " service. Every flag may also be given as the environment "
                     "variable DUBAN_<FLAG IN UPPER CASE>; the command line wins."));
  });
  DUBAN_ASSIGN_OR_RETURN(Settings settings, ApplyEnvironment());
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", positional[1], "\""));
  }

  ServiceConfig config;
  config.service = service;
  DUBAN_RETURN_IF_ERROR(LoadNetwork(settings, service, config));
  DUBAN_RETURN_IF_ERROR(LoadDatabase(settings, service, config));
  DUBAN_RETURN_IF_ERROR(LoadTime(settings, config));
  DUBAN_RETURN_IF_ERROR(LoadAuth(settings, config));
  return config;
}

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Start(
    int argc, char** argv, const std::string& service,
    const std::vector<db::Migration>& migrations) {
  SetLogService(service);
  absl::StatusOr<ServiceConfig> config = LoadServiceConfig(argc, argv, service);
  if (!config.ok()) {
    Log(LogLevel::kError, "config_invalid", {{"error", config.status().ToString()}});
    return config.status();
  }
  std::unique_ptr<Runtime> runtime(new Runtime());
  runtime->config_ = *std::move(config);
  runtime->impl_ = std::make_unique<Impl>();
  LogStart(runtime->config_);
  if (pipe2(runtime->impl_->shutdown_pipe, O_CLOEXEC) != 0) {
    const absl::Status status = absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
    Log(LogLevel::kError, "start_failed", {{"error", status.ToString()}});
    return status;
  }
  if (absl::Status status = runtime->Init(migrations); !status.ok()) {
    Log(LogLevel::kError, "start_failed", {{"error", status.ToString()}});
    return status;
  }
  return runtime;
}

absl::Status Runtime::Init(const std::vector<db::Migration>& migrations) {
  DUBAN_RETURN_IF_ERROR(OpenClock());
  DUBAN_ASSIGN_OR_RETURN(zone_, LoadZone(config_.time_zone));

  DUBAN_RETURN_IF_ERROR(db::WaitForDatabase(config_.db, config_.db_wait));
  // Bookkeeping rows written through the pool are stamped on the service's clock.
  pool_ = std::make_unique<db::ConnectionPool>(config_.db, clock_.get());
  DUBAN_RETURN_IF_ERROR(db::Migrate(*pool_, config_.service, migrations));
  Log(LogLevel::kInfo, "migrated",
      {{"db_name", config_.db.database}, {"migrations", absl::StrCat(migrations.size())}});

  DUBAN_RETURN_IF_ERROR(StartMetrics());
  StartRetention();
  verifier_ = std::make_unique<TokenVerifier>(config_.auth);
  principals_ =
      std::make_unique<RegistryPrincipalResolver>(Channel("registry"), config_.principal_cache_ttl);
  return absl::OkStatus();
}

absl::Status Runtime::OpenClock() {
  if (config_.test_clock_file.empty()) {
    clock_ = std::make_unique<SystemClock>();
    return absl::OkStatus();
  }
  const absl::Time start = config_.test_clock_start == absl::InfinitePast()
                               ? SystemClock::Get()->Now()
                               : config_.test_clock_start;
  DUBAN_ASSIGN_OR_RETURN(clock_, SharedTestClock::Open(config_.test_clock_file, start));
  Log(LogLevel::kInfo, "test_clock",
      {{"file", config_.test_clock_file},
       {"now", absl::FormatTime(absl::RFC3339_full, clock_->Now(), absl::UTCTimeZone())}});
  return absl::OkStatus();
}

absl::Status Runtime::StartMetrics() {
  metrics_ = std::make_shared<prometheus::Registry>();
  impl_->grpc_metrics = std::make_unique<GrpcServerMetrics>(*metrics_);
  impl_->database_up = &DeclareGauge(*metrics_, "duban_database_up", kDatabaseUpHelp).Add({});
  impl_->database_up->Set(1);
  impl_->serving = &DeclareGauge(*metrics_, "duban_serving", kServingHelp).Add({});
  if (config_.metrics_port < 0) return absl::OkStatus();
  const std::string address = HostPort(config_.listen_host, config_.metrics_port);
  try {
    impl_->exposer = std::make_unique<prometheus::Exposer>(address);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("metrics_port: cannot listen on ", address, ": ", e.what()));
  }
  impl_->exposer->RegisterCollectable(metrics_);
  impl_->exposer->RegisterCollectable(impl_->process_collector);
  impl_->exposer->RegisterCollectable(impl_->scrape_gauges);
  Log(LogLevel::kInfo, "metrics_listening", {{"address", address}});
  return absl::OkStatus();
}

void Runtime::StartRetention() {
  db::RetentionOptions options;
  options.retention = config_.retention;
  impl_->retention = std::make_unique<db::RetentionPruner>(pool_.get(), clock_.get(), options);
  prometheus::Family<prometheus::Counter>& pruned =
      DeclareCounter(*metrics_, "duban_retention_pruned_rows_total",
                     "Rows deleted because they were older than the retention, by table.");
  for (const char* table : kRetentionTables) {
    impl_->pruned_rows[table] = &pruned.Add({{"table", table}});
  }
}

absl::Status Runtime::PruneIfDue(const db::StopPruning& stop) {
  absl::StatusOr<std::optional<db::RetentionPass>> pass = impl_->retention->RunIfDue(stop);
  if (!pass.ok()) {
    LogEvery(absl::Minutes(5), "retention", LogLevel::kWarning, "retention_failed",
             {{"error", pass.status().ToString()}});
    return pass.status();
  }
  if (!pass->has_value() || (*pass)->total() == 0) return absl::OkStatus();
  const db::RetentionPass& done = **pass;
  impl_->pruned_rows.at("outbox")->Increment(static_cast<double>(done.outbox));
  impl_->pruned_rows.at("request_log")->Increment(static_cast<double>(done.request_log));
  impl_->pruned_rows.at("applied_events")->Increment(static_cast<double>(done.applied_events));
  Log(LogLevel::kInfo, "retention_pruned",
      {{"older_than", absl::FormatTime(absl::RFC3339_full, done.cutoff, absl::UTCTimeZone())},
       {"outbox", absl::StrCat(done.outbox)},
       {"request_log", absl::StrCat(done.request_log)},
       {"applied_events", absl::StrCat(done.applied_events)}});
  return absl::OkStatus();
}

void Runtime::PruneInBackground() {
  const db::StopPruning stopping = [this] { return impl_->retention_stop.HasBeenNotified(); };
  do {
    PruneIfDue(stopping).IgnoreError();  // Logged; the next poll tries again.
  } while (!impl_->retention_stop.WaitForNotificationWithTimeout(kRetentionPoll));
}

Runtime::~Runtime() {
  if (impl_ != nullptr && impl_->shutdown_pipe[0] >= 0) {
    close(impl_->shutdown_pipe[0]);
    close(impl_->shutdown_pipe[1]);
  }
}

void Runtime::SetPrincipalResolver(std::unique_ptr<PrincipalResolver> resolver) {
  principals_ = std::move(resolver);
}

std::shared_ptr<grpc::Channel> Runtime::Channel(const std::string& peer) {
  absl::MutexLock lock(&impl_->channels_mu);
  auto it = impl_->channels.find(peer);
  if (it != impl_->channels.end()) return it->second;

  auto address = config_.peers.find(peer);
  if (address == config_.peers.end()) {
    // A programming error: services only talk to the six known peers.
    Log(LogLevel::kError, "unknown_peer", {{"peer", peer}});
    std::abort();
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> creators;
  creators.push_back(
      std::make_unique<ServiceTokenInterceptorFactory>([this] { return ServiceToken(); }));
  std::shared_ptr<grpc::Channel> channel = grpc::experimental::CreateCustomChannelWithInterceptors(
      address->second, grpc::InsecureChannelCredentials(), FastReconnectArguments(),
      std::move(creators));
  impl_->channels[peer] = channel;
  return channel;
}

std::string Runtime::ServiceToken() {
  const absl::Time now = SystemClock::Get()->Now();
  absl::MutexLock lock(&impl_->token_mu);
  if (now < impl_->service_token_renew_at) return impl_->service_token;
  absl::StatusOr<std::string> token =
      MintServiceToken(config_.auth.service_secret, config_.service);
  if (!token.ok()) {
    // Only fails without a secret, which LoadServiceConfig refuses.
    LogEvery(absl::Minutes(1), "service_token", LogLevel::kError, "service_token_failed",
             {{"error", token.status().ToString()}});
    return impl_->service_token;
  }
  impl_->service_token = *std::move(token);
  impl_->service_token_renew_at = now + absl::Hours(1) - kServiceTokenRenewal;
  return impl_->service_token;
}

db::OutboxRelay& Runtime::Outbox(const std::vector<std::string>& destinations) {
  if (impl_->relay != nullptr) return *impl_->relay;
  std::map<std::string, std::shared_ptr<db::OutboxRelay::Stub>> sinks;
  for (const std::string& destination : destinations) {
    sinks[destination] = duban::events::v1::EventSinkService::NewStub(Channel(destination));
  }
  db::OutboxOptions options;
  options.source = config_.service;
  impl_->relay = std::make_unique<db::OutboxRelay>(
      pool_.get(), clock_.get(), options, std::move(sinks), [this] { return ServiceToken(); });
  db::OutboxRelay* relay = impl_->relay.get();
  impl_->scrape_gauges->Add(
      "duban_outbox_backlog_events", "Outbox events not yet delivered.", [relay] {
        absl::StatusOr<std::pair<int64_t, absl::Duration>> backlog = relay->Backlog();
        if (!backlog.ok()) return std::vector<ScrapeGauges::Sample>{};
        return std::vector<ScrapeGauges::Sample>{{{}, static_cast<double>(backlog->first)}};
      });
  impl_->scrape_gauges->Add(
      "duban_outbox_oldest_age_seconds",
      "Age of the oldest undelivered outbox event (0 when none).", [relay] {
        absl::StatusOr<std::pair<int64_t, absl::Duration>> backlog = relay->Backlog();
        if (!backlog.ok()) return std::vector<ScrapeGauges::Sample>{};
        return std::vector<ScrapeGauges::Sample>{{{}, absl::ToDoubleSeconds(backlog->second)}};
      });
  return *impl_->relay;
}

void Runtime::AddService(grpc::Service* service) { impl_->services.push_back(service); }

void Runtime::AddSettleWork(std::function<absl::StatusOr<SettleCounts>()> work) {
  impl_->settle_work.push_back(std::move(work));
}

void Runtime::AddBackground(std::function<void()> start, std::function<void()> stop) {
  impl_->background.emplace_back(std::move(start), std::move(stop));
}

void Runtime::OnShutdownBegin(std::function<void()> hook) {
  impl_->shutdown_hooks.push_back(std::move(hook));
}

void Runtime::RequestShutdown() {
  const char byte = 'r';
  [[maybe_unused]] ssize_t ignored = write(impl_->shutdown_pipe[1], &byte, 1);
}

int Runtime::serving_port() const { return impl_->serving_port.load(); }

int Runtime::Serve() {
  // Keeps the standard health contract's descriptor in the binary, so that
  // reflection can describe grpc.health.v1.Health.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();

  std::unique_ptr<TestClockServiceImpl> test_clock;
  if (!config_.test_clock_file.empty()) {
    // Retention follows the test clock: a Settle prunes when a pass fell due.
    // It reports no work, so that a test's counts of work stay its own.
    AddSettleWork([this]() -> absl::StatusOr<SettleCounts> {
      DUBAN_RETURN_IF_ERROR(PruneIfDue(nullptr));
      return SettleCounts{};
    });
    test_clock = std::make_unique<TestClockServiceImpl>(clock_.get(), &impl_->settle_work,
                                                        impl_->relay.get());
  }
  InstallShutdownHandlers(impl_->shutdown_pipe[1]);
  std::vector<std::string> service_names;
  int port = 0;
  std::unique_ptr<grpc::Server> server = BuildServer(test_clock.get(), &service_names, &port);
  if (server == nullptr) {
    RemoveShutdownHandlers();
    return 1;
  }

  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  SetHealth(health, service_names, true);
  if (impl_->relay != nullptr) impl_->relay->Start();
  for (auto& [start, stop] : impl_->background) start();
  if (config_.retention > absl::ZeroDuration()) {
    impl_->retention_loop = std::thread([this] { PruneInBackground(); });
  }
  if (config_.health_db_check > absl::ZeroDuration()) {
    impl_->db_check =
        std::thread([this, health, names = service_names] { CheckDatabaseHealth(health, names); });
  }
  impl_->serving_port.store(port);
  Log(LogLevel::kInfo, "serving",
      {{"listen", HostPort(config_.listen_host, port)},
       {"services", absl::StrJoin(service_names, ",")}});

  WaitForShutdownSignal();

  StopDatabaseHealthCheck();
  impl_->serving->Set(0);
  health->SetServingStatus(false);
  impl_->serving_port.store(0);
  Log(LogLevel::kInfo, "stopping",
      {{"drain", absl::FormatDuration(config_.shutdown_drain)},
       {"grace", absl::FormatDuration(config_.shutdown_grace)}});
  for (const std::function<void()>& hook : impl_->shutdown_hooks) hook();
  // Still serving, but reporting NOT_SERVING, so that new calls go elsewhere.
  absl::SleepFor(config_.shutdown_drain);
  server->Shutdown(absl::ToChronoTime(SystemClock::Get()->Now() + config_.shutdown_grace));
  server->Wait();
  for (auto it = impl_->background.rbegin(); it != impl_->background.rend(); ++it) it->second();
  if (impl_->relay != nullptr) impl_->relay->Stop();
  impl_->retention_stop.Notify();
  if (impl_->retention_loop.joinable()) impl_->retention_loop.join();
  if (impl_->db_check.joinable()) impl_->db_check.join();
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

std::unique_ptr<grpc::Server> Runtime::BuildServer(grpc::Service* test_clock,
                                                   std::vector<std::string>* service_names,
                                                   int* port) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(HostPort(config_.listen_host, config_.port),
                           grpc::InsecureServerCredentials(), &selected_port);
  grpc::ResourceQuota quota(absl::StrCat("duban-", config_.service));
  quota.SetMaxThreads(config_.max_threads);
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              std::max(1, config_.max_threads / 4));
  // An idle poller notices shutdown only when its wait ends (10 s by default).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::CQ_TIMEOUT_MSEC,
                              static_cast<int>(absl::ToInt64Milliseconds(kPollerWait)));
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(impl_->grpc_metrics->InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(creators));
  builder.SetOption(std::make_unique<ServiceNamesOption>(service_names));
  for (grpc::Service* service : impl_->services) builder.RegisterService(service);
  if (test_clock != nullptr) builder.RegisterService(test_clock);

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || selected_port == 0) {
    Log(LogLevel::kError, "listen_failed",
        {{"listen", HostPort(config_.listen_host, config_.port)}});
    return nullptr;
  }
  *port = selected_port;
  return server;
}

void Runtime::WaitForShutdownSignal() {
  char byte = 0;
  while (read(impl_->shutdown_pipe[0], &byte, 1) < 0 && errno == EINTR) {
  }
  RemoveShutdownHandlers();
}

void Runtime::SetHealth(grpc::HealthCheckServiceInterface* health,
                        const std::vector<std::string>& service_names, bool serving) {
  // The gauge first: a client that sees the new status and then scrapes finds it.
  impl_->serving->Set(serving ? 1 : 0);
  health->SetServingStatus("", serving);
  for (const std::string& name : service_names) health->SetServingStatus(name, serving);
}

void Runtime::CheckDatabaseHealth(grpc::HealthCheckServiceInterface* health,
                                  const std::vector<std::string>& service_names) {
  bool reachable = true;  // Serve declared the service healthy.
  while (true) {
    {
      absl::MutexLock lock(&impl_->db_check_mu);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(impl_->db_check_mu) {
        return impl_->shutting_down;
      };
      if (impl_->db_check_mu.AwaitWithTimeout(absl::Condition(&stopping),
                                              config_.health_db_check)) {
        return;
      }
    }
    const absl::Status ping = pool_->Ping();
    // Every connection busy says nothing about the server: keep the status.
    if (ping.code() == absl::StatusCode::kResourceExhausted) continue;
    impl_->database_up->Set(ping.ok() ? 1 : 0);
    if (ping.ok() == reachable) continue;
    absl::MutexLock lock(&impl_->db_check_mu);
    if (impl_->shutting_down) return;
    reachable = ping.ok();
    SetHealth(health, service_names, reachable);
    if (reachable) {
      Log(LogLevel::kInfo, "database_reachable", {{"health", "SERVING"}});
    } else {
      Log(LogLevel::kWarning, "database_unreachable",
          {{"health", "NOT_SERVING"}, {"error", std::string(ping.message())}});
    }
  }
}

void Runtime::StopDatabaseHealthCheck() {
  absl::MutexLock lock(&impl_->db_check_mu);
  impl_->shutting_down = true;
}

void AttachToken(grpc::ClientContext& context, const std::string& token) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

}  // namespace duban

#include "tests/e2e/cluster.h"

#include <cppconn/statement.h>
#include <fcntl.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "common/runtime.h"
#include "common/status.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace duban::testing {
namespace {

constexpr char kJwtSecret[] = "e2e-user-secret-0123456789abcdef";
constexpr char kServiceSecret[] = "e2e-service-secret-0123456789abcd";

int IndexOf(const std::string& service) {
  const auto& names = client::ServiceNames();
  return static_cast<int>(std::find(names.begin(), names.end(), service) - names.begin());
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string DatabaseName(const std::string& cluster, const std::string& service) {
  return absl::StrCat("e2e_", cluster, "_", getpid(), "_", service);
}

void Sleep(absl::Duration d) { std::this_thread::sleep_for(absl::ToChronoNanoseconds(d)); }

}  // namespace

std::string TestDbSocket() {
  const char* socket = std::getenv("DUBAN_TEST_DB_SOCKET");
  if (socket == nullptr || *socket == '\0') {
    ADD_FAILURE() << "DUBAN_TEST_DB_SOCKET is not set: run the tests with scripts/test.sh, "
                     "which starts a MariaDB for them";
    return "";
  }
  return socket;
}

Cluster::Cluster(ClusterOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<Cluster>> Cluster::Start(ClusterOptions options) {
  if (TestDbSocket().empty()) return absl::FailedPreconditionError("DUBAN_TEST_DB_SOCKET unset");
  if (options.db_socket.empty()) options.db_socket = TestDbSocket();
  std::unique_ptr<Cluster> cluster(new Cluster(std::move(options)));
  char dir_template[] = "/tmp/duban-e2e-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) return absl::InternalError("mkdtemp failed");
  cluster->dir_ = dir_template;
  WriteFile(cluster->dir_ + "/jwt.secret", kJwtSecret);
  WriteFile(cluster->dir_ + "/service.secret", kServiceSecret);
  if (cluster->options_.test_clock) {
    cluster->clock_file_ = cluster->dir_ + "/clock";
    DUBAN_RETURN_IF_ERROR(
        SharedTestClock::Open(cluster->clock_file_, cluster->options_.clock_start).status());
  }
  for (const std::string& service : client::ServiceNames()) {
    DUBAN_RETURN_IF_ERROR(cluster->StartService(service));
  }
  client::SessionOptions session;
  for (const std::string& service : client::ServiceNames()) {
    session.endpoints.addresses[service] = cluster->address(service);
  }
  session.jwt_secret = kJwtSecret;
  session.test_clock_file = cluster->clock_file_;
  DUBAN_ASSIGN_OR_RETURN(client::Session opened, client::Session::Open(session));
  cluster->session_ = std::make_unique<client::Session>(std::move(opened));
  return cluster;
}

Cluster::~Cluster() {
  session_.reset();  // Closes the test's own connections first.
  for (const std::string& service : client::ServiceNames()) {
    if (pids_.count(service)) (void)StopService(service);
  }
  db::DbOptions options;
  options.socket = options_.db_socket;
  options.connect_timeout = absl::Seconds(1);
  db::ConnectionPool pool(options);
  for (const std::string& service : client::ServiceNames()) {
    (void)db::WithConnection(pool, [&](sql::Connection& conn) {
      std::unique_ptr<sql::Statement> statement(conn.createStatement());
      statement->execute(
          absl::StrCat("DROP DATABASE IF EXISTS `", DatabaseName(options_.name, service), "`"));
      return absl::OkStatus();
    });
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

int Cluster::port(const std::string& service) const {
  return options_.base_port + IndexOf(service);
}

int Cluster::metrics_port(const std::string& service) const {
  return options_.base_port + 10 + IndexOf(service);
}

std::string Cluster::address(const std::string& service) const {
  return absl::StrCat("127.0.0.1:", port(service));
}

pid_t Cluster::pid(const std::string& service) const {
  auto it = pids_.find(service);
  return it == pids_.end() ? 0 : it->second;
}

std::string Cluster::database(const std::string& service) const {
  return DatabaseName(options_.name, service);
}

std::vector<std::string> Cluster::Args(const std::string& service) const {
  std::vector<std::string> args = {
      absl::StrCat(DUBAN_BUILD_DIR, "/services/", service, "/duban-", service),
      absl::StrCat("--port=", port(service)),
      absl::StrCat("--metrics_port=", metrics_port(service)),
      absl::StrCat("--db_socket=", options_.db_socket),
      absl::StrCat("--db_name=", DatabaseName(options_.name, service)),
      absl::StrCat("--jwt_secret_file=", dir_, "/jwt.secret"),
      absl::StrCat("--service_secret_file=", dir_, "/service.secret"),
      "--bootstrap_admins=admin",
      "--shutdown_grace=5s",
  };
  for (const std::string& peer : client::ServiceNames()) {
    args.push_back(absl::StrCat("--", peer, "_addr=", address(peer)));
  }
  if (!clock_file_.empty()) args.push_back(absl::StrCat("--test_clock_file=", clock_file_));
  for (const std::string& flag : options_.flags) args.push_back(flag);
  return args;
}

absl::Status Cluster::StartService(const std::string& service) {
  if (pids_.count(service)) return absl::FailedPreconditionError(service + " already running");
  std::vector<std::string> args = Args(service);
  std::string log = absl::StrCat(dir_, "/", service, ".log");
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pids_[service] = pid;
  return WaitServing(service, absl::Seconds(60));
}

absl::Status Cluster::WaitServing(const std::string& service, absl::Duration timeout) {
  absl::Time give_up = SystemClock::Get()->Now() + timeout;
  while (SystemClock::Get()->Now() < give_up) {
    int wstatus = 0;
    if (waitpid(pids_[service], &wstatus, WNOHANG) == pids_[service]) {
      pids_.erase(service);
      return absl::InternalError(
          absl::StrCat(service, " exited during start-up:\n", LogTail(service)));
    }
    // A fresh channel per attempt: a channel whose first connection was
    // refused (the process was still starting) waits out its backoff.
    auto channel = grpc::CreateChannel(address(service), grpc::InsecureChannelCredentials());
    auto stub = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + absl::Seconds(1)));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    if (stub->Check(&context, request, &response).ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return absl::OkStatus();
    }
    Sleep(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      service, " not SERVING after ", absl::FormatDuration(timeout), ":\n", LogTail(service)));
}

absl::Status Cluster::StopService(const std::string& service) {
  auto it = pids_.find(service);
  if (it == pids_.end()) return absl::FailedPreconditionError(service + " is not running");
  pid_t pid = it->second;
  pids_.erase(it);
  kill(pid, SIGTERM);
  absl::Time give_up = SystemClock::Get()->Now() + absl::Seconds(15);
  while (SystemClock::Get()->Now() < give_up) {
    int wstatus = 0;
    if (waitpid(pid, &wstatus, WNOHANG) == pid) {
      if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return absl::OkStatus();
      return absl::InternalError(
          absl::StrCat(service, " exited uncleanly (status ", wstatus, "):\n", LogTail(service)));
    }
    Sleep(absl::Milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return absl::DeadlineExceededError(service + " ignored SIGTERM for 15 s");
}

absl::Status Cluster::KillService(const std::string& service) {
  auto it = pids_.find(service);
  if (it == pids_.end()) return absl::FailedPreconditionError(service + " is not running");
  kill(it->second, SIGKILL);
  waitpid(it->second, nullptr, 0);
  pids_.erase(it);
  return absl::OkStatus();
}

std::string Cluster::LogTail(const std::string& service, int lines) const {
  std::ifstream in(absl::StrCat(dir_, "/", service, ".log"));
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  size_t from = all.size() > static_cast<size_t>(lines) ? all.size() - lines : 0;
  return absl::StrJoin(all.begin() + from, all.end(), "\n");
}

}  // namespace duban::testing

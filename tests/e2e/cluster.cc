#include "tests/e2e/cluster.h"

#include <arpa/inet.h>
#include <cppconn/statement.h>
#include <fcntl.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "common/runtime.h"
#include "common/status.h"
#include "common/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace duban::testing {
namespace {

constexpr char kJwtSecret[] = "e2e-user-secret-0123456789abcdef";
constexpr char kServiceSecret[] = "e2e-service-secret-0123456789abcd";

// "scheduler#2" -> "scheduler".
std::string BaseName(const std::string& process) { return process.substr(0, process.find('#')); }

// "scheduler#2" -> 2; "scheduler" -> 1.
int ReplicaOf(const std::string& process) {
  size_t hash = process.find('#');
  int replica = 1;
  if (hash == std::string::npos || !absl::SimpleAtoi(process.substr(hash + 1), &replica)) return 1;
  return replica;
}

int IndexOf(const std::string& process) {
  const auto& names = client::ServiceNames();
  const std::string service = BaseName(process);
  return static_cast<int>(std::find(names.begin(), names.end(), service) - names.begin()) +
         20 * (ReplicaOf(process) - 1);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string DatabaseName(const std::string& cluster, const std::string& service) {
  return absl::StrCat("e2e_", cluster, "_", getpid(), "_", service);
}

void Sleep(absl::Duration d) { std::this_thread::sleep_for(absl::ToChronoNanoseconds(d)); }

// A listening port inside the kernel's ephemeral range can already be the
// local end of some outgoing connection (a service's pool to MariaDB, a
// client channel), and then the service fails to bind it. Clusters keep below.
absl::Status CheckOutsideEphemeralRange(int base_port) {
  int low = 32768, high = 60999;
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  range >> low >> high;
  const int last = base_port + 20 * 2 + 15;  // A second replica's metrics port.
  if (base_port <= 0 || (last >= low && base_port <= high)) {
    return absl::InvalidArgumentError(absl::StrCat("base_port ", base_port, "..", last,
                                                   " overlaps the ephemeral port range ", low, "..",
                                                   high, "; use ports below ", low));
  }
  return absl::OkStatus();
}

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
  DUBAN_RETURN_IF_ERROR(CheckOutsideEphemeralRange(options.base_port));
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
  if (!cluster->options_.time_zone.empty()) session.time_zone = cluster->options_.time_zone;
  session.test_clock_file = cluster->clock_file_;
  DUBAN_ASSIGN_OR_RETURN(client::Session opened, client::Session::Open(session));
  cluster->session_ = std::make_unique<client::Session>(std::move(opened));
  return cluster;
}

Cluster::~Cluster() {
  session_.reset();  // Closes the test's own connections first.
  for (const std::string& process : started_) {
    if (ReplicaOf(process) > 1 && pids_.count(process)) (void)StopService(process);
  }
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
  return DatabaseName(options_.name, BaseName(service));
}

std::vector<std::string> Cluster::Args(const std::string& service) const {
  std::vector<std::string> args = {
      absl::StrCat(DUBAN_BUILD_DIR, "/services/", BaseName(service), "/duban-", BaseName(service)),
      absl::StrCat("--port=", port(service)),
      absl::StrCat("--metrics_port=", metrics_port(service)),
      absl::StrCat("--db_socket=", options_.db_socket),
      absl::StrCat("--db_name=", database(service)),
      absl::StrCat("--jwt_secret_file=", dir_, "/jwt.secret"),
      absl::StrCat("--service_secret_file=", dir_, "/service.secret"),
      "--bootstrap_admins=admin",
      "--shutdown_grace=5s",
  };
  for (const std::string& peer : client::ServiceNames()) {
    args.push_back(absl::StrCat("--", peer, "_addr=", address(peer)));
  }
  if (!clock_file_.empty()) args.push_back(absl::StrCat("--test_clock_file=", clock_file_));
  if (!options_.time_zone.empty()) {
    args.push_back(absl::StrCat("--time_zone=", options_.time_zone));
  }
  for (const std::string& flag : options_.flags) args.push_back(flag);
  if (auto it = options_.service_flags.find(BaseName(service));
      it != options_.service_flags.end()) {
    for (const std::string& flag : it->second) args.push_back(flag);
  }
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
  if (std::find(started_.begin(), started_.end(), service) == started_.end()) {
    started_.push_back(service);
  }
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

namespace {

template <typename Request>
Request WithPage(Request request, const std::string& token, int size) {
  request.set_page_size(size);
  request.set_page_token(token);
  return request;
}

}  // namespace

absl::StatusOr<std::vector<duban::scheduler::v1::RungFiring>> ListAllRungFirings(
    client::Session& s, const duban::scheduler::v1::ListRungFiringsRequest& filter) {
  namespace v1 = duban::scheduler::v1;
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  return AllPages<v1::ListRungFiringsResponse, v1::RungFiring>(
      [&](const std::string& token) {
        return Call(s.clients().scheduler(), &v1::SchedulerService::Stub::ListRungFirings, admin,
                    WithPage(filter, token, 500));
      },
      [](const v1::ListRungFiringsResponse& r) -> const auto& { return r.firings(); });
}

absl::StatusOr<std::vector<duban::scheduler::v1::Deadline>> ListAllDeadlines(
    client::Session& s, const duban::scheduler::v1::ListDeadlinesRequest& filter) {
  namespace v1 = duban::scheduler::v1;
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  return AllPages<v1::ListDeadlinesResponse, v1::Deadline>(
      [&](const std::string& token) {
        return Call(s.clients().scheduler(), &v1::SchedulerService::Stub::ListDeadlines, admin,
                    WithPage(filter, token, 500));
      },
      [](const v1::ListDeadlinesResponse& r) -> const auto& { return r.deadlines(); });
}

absl::StatusOr<std::vector<duban::supervision::v1::SupervisionCase>> ListAllCases(
    client::Session& s, const duban::supervision::v1::ListCasesRequest& filter) {
  namespace v1 = duban::supervision::v1;
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  return AllPages<v1::ListCasesResponse, v1::SupervisionCase>(
      [&](const std::string& token) {
        return Call(s.clients().supervision(), &v1::SupervisionService::Stub::ListCases, admin,
                    WithPage(filter, token, 500));
      },
      [](const v1::ListCasesResponse& r) -> const auto& { return r.cases(); });
}

absl::StatusOr<std::vector<duban::supervision::v1::Notice>> ListAllNotices(
    client::Session& s, const duban::supervision::v1::ListNoticesRequest& filter) {
  namespace v1 = duban::supervision::v1;
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  return AllPages<v1::ListNoticesResponse, v1::Notice>(
      [&](const std::string& token) {
        return Call(s.clients().supervision(), &v1::SupervisionService::Stub::ListNotices, admin,
                    WithPage(filter, token, 500));
      },
      [](const v1::ListNoticesResponse& r) -> const auto& { return r.notices(); });
}

absl::StatusOr<duban::tasks::v1::Item> CreateItem(client::Session& s, const std::string& token,
                                                  const std::string& lead_unit_id,
                                                  const std::vector<std::string>& responsible,
                                                  const std::string& content,
                                                  const duban::common::v1::Deadline& deadline) {
  namespace v1 = duban::tasks::v1;
  v1::CreateItemRequest request;
  request.set_request_id(client::NewRequestId());
  request.set_lead_unit_id(lead_unit_id);
  for (const std::string& unit : responsible) request.add_responsible_unit_ids(unit);
  request.set_content(content);
  *request.mutable_deadline() = deadline;
  DUBAN_ASSIGN_OR_RETURN(
      v1::CreateItemResponse response,
      Call(s.clients().tasks(), &v1::TasksService::Stub::CreateItem, token, request));
  return response.item();
}

absl::StatusOr<std::string> CreateUnit(client::Session& s, const std::string& name) {
  namespace v1 = duban::registry::v1;
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  v1::CreateUnitRequest request;
  request.set_request_id(client::NewRequestId());
  request.set_name(name);
  DUBAN_ASSIGN_OR_RETURN(
      v1::CreateUnitResponse response,
      Call(s.clients().registry(), &v1::RegistryService::Stub::CreateUnit, admin, request));
  return response.unit().id();
}

absl::Status ImportWorkCalendar(client::Session& s, const std::string& csv) {
  namespace v1 = duban::registry::v1;
  DUBAN_ASSIGN_OR_RETURN(std::string admin, s.AdminToken());
  v1::ImportWorkCalendarRequest request;
  request.set_request_id(client::NewRequestId());
  request.set_csv(csv);
  return Call(s.clients().registry(), &v1::RegistryService::Stub::ImportWorkCalendar, admin,
              request)
      .status();
}

std::string ExampleFile(const std::string& name) {
  auto text = client::ReadFile(absl::StrCat(DUBAN_SOURCE_DIR, "/examples/", name));
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? *text : "";
}

duban::common::v1::Subject SubjectOf(duban::common::v1::SubjectKind kind, const std::string& id) {
  duban::common::v1::Subject subject;
  subject.set_kind(kind);
  subject.set_id(id);
  return subject;
}

absl::StatusOr<int64_t> Cluster::SettleOnce(const std::string& service) {
  DUBAN_ASSIGN_OR_RETURN(std::string token, session_->AdminToken());
  client::ProcessSettle settled = client::SettleProcess(address(service), token);
  if (!settled.status.ok()) {
    return absl::UnavailableError(
        absl::StrCat(service, ": Settle: ", settled.status.error_message()));
  }
  return settled.response.work_done();
}

absl::Status Cluster::SetClock(absl::Time t) {
  if (clock_file_.empty()) return absl::FailedPreconditionError("the cluster has no test clock");
  DUBAN_ASSIGN_OR_RETURN(auto clock, SharedTestClock::Open(clock_file_, t));
  return clock->AdvanceTo(t);
}

absl::StatusOr<client::SettleReport> Cluster::AdvanceTo(absl::Time to) {
  if (clock_file_.empty()) return absl::FailedPreconditionError("the cluster has no test clock");
  DUBAN_ASSIGN_OR_RETURN(std::string token, session_->AdminToken());
  // Every process settles in its own thread; a round ends when all have answered.
  return client::SettleThrough(clock_file_, to, [&] {
    std::vector<client::ProcessSettle> results(started_.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < started_.size(); ++i) {
      threads.emplace_back(
          [&, i] { results[i] = client::SettleProcess(address(started_[i]), token); });
    }
    for (std::thread& thread : threads) thread.join();
    client::SettleRound round;
    for (size_t i = 0; i < started_.size(); ++i) round.Add(started_[i], results[i]);
    return round;
  });
}

absl::StatusOr<std::string> Cluster::ScrapeMetrics(const std::string& service) const {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(metrics_port(service)));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return absl::UnavailableError(
        absl::StrCat(service, ": metrics port ", metrics_port(service), " refused the connection"));
  }
  const std::string request =
      "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::UnavailableError(absl::StrCat(service, ": could not send the metrics request"));
  }
  std::string reply;
  char buffer[8192];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) reply.append(buffer, n);
  close(fd);
  size_t body = reply.find("\r\n\r\n");
  if (reply.rfind("HTTP/1.", 0) != 0 || body == std::string::npos || reply.find(" 200 ") > body) {
    return absl::UnavailableError(
        absl::StrCat(service, ": unexpected metrics reply: ", reply.substr(0, 200)));
  }
  return reply.substr(body + 4);
}

double MetricSum(const std::string& exposition, const std::string& name,
                 const std::vector<std::string>& labels) {
  double sum = 0;
  for (absl::string_view line : absl::StrSplit(exposition, '\n')) {
    if (line.empty() || line[0] == '#' || !absl::StartsWith(line, name)) continue;
    absl::string_view rest = line.substr(name.size());
    absl::string_view label_text;
    if (!rest.empty() && rest[0] == '{') {
      size_t close = rest.find('}');
      if (close == absl::string_view::npos) continue;
      label_text = rest.substr(1, close - 1);
      rest = rest.substr(close + 1);
    }
    if (rest.empty() || rest[0] != ' ') continue;  // Another metric with this prefix.
    bool matches = true;
    for (const std::string& label : labels)
      matches = matches && absl::StrContains(label_text, label);
    double value = 0;
    std::vector<absl::string_view> fields = absl::StrSplit(rest.substr(1), ' ');
    if (matches && !fields.empty() && absl::SimpleAtod(fields[0], &value)) sum += value;
  }
  return sum;
}

}  // namespace duban::testing

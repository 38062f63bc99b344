#include "cli/dubanctl/client.h"

#include <grpcpp/create_channel.h>

#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/runtime.h"
#include "common/status.h"
#include "common/time_util.h"
#include "duban/testclock/v1/testclock.grpc.pb.h"

namespace duban::client {

const std::vector<std::string>& ServiceNames() {
  static const auto* names = new std::vector<std::string>{"registry",  "minutes",   "tasks",
                                                          "reporting", "scheduler", "supervision"};
  return *names;
}

std::string Endpoints::Address(const std::string& service) const {
  auto it = addresses.find(service);
  if (it != addresses.end() && !it->second.empty()) return it->second;
  return absl::StrCat("127.0.0.1:", DefaultPort(service));
}

Clients::Clients(const Endpoints& endpoints) {
  for (const std::string& name : ServiceNames()) {
    addresses_[name] = endpoints.Address(name);
    channels_[name] = grpc::CreateCustomChannel(
        endpoints.Address(name), grpc::InsecureChannelCredentials(), FastReconnectArguments());
  }
  registry_ = duban::registry::v1::RegistryService::NewStub(channels_["registry"]);
  minutes_ = duban::minutes::v1::MinutesService::NewStub(channels_["minutes"]);
  tasks_ = duban::tasks::v1::TasksService::NewStub(channels_["tasks"]);
  reporting_ = duban::reporting::v1::ReportingService::NewStub(channels_["reporting"]);
  scheduler_ = duban::scheduler::v1::SchedulerService::NewStub(channels_["scheduler"]);
  supervision_ = duban::supervision::v1::SupervisionService::NewStub(channels_["supervision"]);
}

std::shared_ptr<grpc::Channel> Clients::channel(const std::string& service) const {
  return channels_.at(service);
}

const std::string& Clients::address(const std::string& service) const {
  return addresses_.at(service);
}

TokenMinter::TokenMinter(std::string secret, std::string audience)
    : secret_(std::move(secret)), audience_(std::move(audience)) {}

absl::StatusOr<std::string> TokenMinter::For(const std::string& subject,
                                             absl::Duration lifetime) const {
  return MintHs256Token(secret_, subject, audience_, SystemClock::Get()->Now(), lifetime);
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token, absl::Duration timeout,
                                             bool wait_for_ready) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_wait_for_ready(wait_for_ready);
  if (!token.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context->set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + timeout));
  return context;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string NewRequestId() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrFormat("rq-%016x%016x", random(), random());
}

namespace {

struct Round {
  int64_t work_done = 0;
  int64_t pending = 0;
  std::string detail;
  absl::Time next_due = absl::InfiniteFuture();
  absl::Time now;
};

// Settles every service once. Each call gets a fresh connection and fails
// at once when the service is down, which then counts as pending work.
Round SettleAll(const Clients& clients, const std::string& token) {
  Round round;
  for (const std::string& name : ServiceNames()) {
    auto stub = duban::testclock::v1::TestClockService::NewStub(
        grpc::CreateChannel(clients.address(name), grpc::InsecureChannelCredentials()));
    duban::testclock::v1::SettleRequest request;
    duban::testclock::v1::SettleResponse response;
    auto context = Context(token, absl::Seconds(60), /*wait_for_ready=*/false);
    grpc::Status status = stub->Settle(context.get(), request, &response);
    if (!status.ok()) {
      round.pending += 1;
      absl::StrAppend(&round.detail, name, ": ", status.error_message(), "; ");
      continue;
    }
    round.now = FromProto(response.now());
    round.work_done += response.work_done();
    round.pending += response.pending();
    if (!response.pending_detail().empty()) {
      absl::StrAppend(&round.detail, name, ": ", response.pending_detail(), "; ");
    }
    if (response.has_next_due_at()) {
      round.next_due = std::min(round.next_due, FromProto(response.next_due_at()));
    }
  }
  return round;
}

// Settles until a round does no more work (bounded, so a livelock shows).
absl::StatusOr<Round> SettleUntilQuiet(const Clients& clients, const std::string& token,
                                       SettleReport& report) {
  constexpr int kMaxRounds = 100;
  for (int i = 0; i < kMaxRounds; ++i) {
    Round round = SettleAll(clients, token);
    ++report.rounds;
    report.work_done += round.work_done;
    if (round.work_done == 0) return round;
  }
  return absl::DeadlineExceededError(
      absl::StrCat("services still busy after ", kMaxRounds, " settle rounds"));
}

}  // namespace

absl::StatusOr<SettleReport> AdvanceAndSettle(const std::string& clock_file, absl::Time to,
                                              const Clients& clients, const std::string& token) {
  DUBAN_ASSIGN_OR_RETURN(auto clock, SharedTestClock::Open(clock_file, to));
  if (to < clock->Now()) {
    return absl::FailedPreconditionError(absl::StrCat("to: ", absl::FormatTime(to),
                                                      " is before the test clock's ",
                                                      absl::FormatTime(clock->Now())));
  }
  SettleReport report;
  while (true) {
    DUBAN_ASSIGN_OR_RETURN(Round round, SettleUntilQuiet(clients, token, report));
    report.pending = round.pending;
    report.pending_detail = round.detail;
    absl::Time next = std::min(round.next_due, to);
    if (next <= clock->Now()) {
      if (clock->Now() >= to) break;
      next = to;
    }
    DUBAN_RETURN_IF_ERROR(clock->AdvanceTo(next));
  }
  report.now = clock->Now();
  return report;
}

}  // namespace duban::client

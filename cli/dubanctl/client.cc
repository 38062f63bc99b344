#include "cli/dubanctl/client.h"

#include <grpcpp/create_channel.h>

#include <algorithm>
#include <filesystem>
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

namespace {

bool PlainFileName(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return c == '/' || c == '\\' || byte < 0x20 || byte == 0x7F;
  });
}

}  // namespace

absl::StatusOr<std::string> WriteExportFile(const std::string& dir,
                                            const duban::reporting::v1::ExportResponse& response,
                                            const std::string& fallback) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return absl::InternalError(absl::StrCat(dir, ": ", error.message()));
  const std::string name = PlainFileName(response.filename()) ? response.filename() : fallback;
  const std::string path = (std::filesystem::path(dir) / name).string();
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(response.content().data(), static_cast<std::streamsize>(response.content().size()));
  file.close();
  if (!file) return absl::InternalError(absl::StrCat(path, ": cannot write"));
  return path;
}

std::string NewRequestId() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrFormat("rq-%016x%016x", random(), random());
}

ProcessSettle SettleProcess(const std::string& address, const std::string& token) {
  auto stub = duban::testclock::v1::TestClockService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  duban::testclock::v1::SettleRequest request;
  ProcessSettle settled;
  auto context = Context(token, absl::Seconds(60), /*wait_for_ready=*/false);
  settled.status = stub->Settle(context.get(), request, &settled.response);
  return settled;
}

void SettleRound::Add(const std::string& process, const ProcessSettle& settled) {
  if (!settled.status.ok()) {
    pending += 1;
    absl::StrAppend(&detail, process, ": ", settled.status.error_message(), "; ");
    return;
  }
  const duban::testclock::v1::SettleResponse& response = settled.response;
  work_done += response.work_done();
  pending += response.pending();
  if (!response.pending_detail().empty()) {
    absl::StrAppend(&detail, process, ": ", response.pending_detail(), "; ");
  }
  if (response.has_next_due_at()) next_due = std::min(next_due, FromProto(response.next_due_at()));
}

namespace {

// Settles until a round does no more work (bounded, so a livelock shows).
absl::StatusOr<SettleRound> SettleUntilQuiet(const std::function<SettleRound()>& settle_round,
                                             const SharedTestClock& clock, SettleReport& report) {
  constexpr int kMaxRounds = 100;
  SettleRound round;
  for (int i = 0; i < kMaxRounds; ++i) {
    round = settle_round();
    ++report.rounds;
    report.work_done += round.work_done;
    if (round.work_done == 0) return round;
  }
  return absl::DeadlineExceededError(
      absl::StrCat("services still busy after ", kMaxRounds, " settle rounds at ",
                   absl::FormatTime(clock.Now()), ": ", round.detail));
}

}  // namespace

absl::StatusOr<SettleReport> SettleThrough(const std::string& clock_file, absl::Time to,
                                           const std::function<SettleRound()>& settle_round) {
  DUBAN_ASSIGN_OR_RETURN(auto clock, SharedTestClock::Open(clock_file, to));
  if (to < clock->Now()) {
    return absl::FailedPreconditionError(absl::StrCat("to: ", absl::FormatTime(to),
                                                      " is before the test clock's ",
                                                      absl::FormatTime(clock->Now())));
  }
  SettleReport report;
  while (true) {
    DUBAN_ASSIGN_OR_RETURN(SettleRound round, SettleUntilQuiet(settle_round, *clock, report));
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

absl::StatusOr<SettleReport> AdvanceAndSettle(const std::string& clock_file, absl::Time to,
                                              const Clients& clients, const std::string& token) {
  // One service after the other: each call gets a fresh connection.
  return SettleThrough(clock_file, to, [&clients, &token] {
    SettleRound round;
    for (const std::string& name : ServiceNames()) {
      round.Add(name, SettleProcess(clients.address(name), token));
    }
    return round;
  });
}

}  // namespace duban::client

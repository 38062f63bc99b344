#include "services/supervision/shutdown_follower.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace duban::supervision {
namespace {

using grpc::health::v1::HealthCheckResponse;

// Where to reach a server listening on `host` from the same machine.
std::string LoopbackAddress(const std::string& host, int port) {
  if (host == "0.0.0.0" || host.empty()) return absl::StrCat("127.0.0.1:", port);
  if (host == "::") return absl::StrCat("[::1]:", port);
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

constexpr absl::Duration kPortPoll = absl::Milliseconds(20);
constexpr absl::Duration kReconnectPause = absl::Milliseconds(200);

}  // namespace

ShutdownFollower::ShutdownFollower(std::function<int()> serving_port, std::string host,
                                   std::function<void()> on_shutdown)
    : serving_port_(std::move(serving_port)),
      host_(std::move(host)),
      on_shutdown_(std::move(on_shutdown)) {}

ShutdownFollower::~ShutdownFollower() { Stop(); }

void ShutdownFollower::Start() {
  thread_ = std::make_unique<std::thread>([this] { Run(); });
}

void ShutdownFollower::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  if (thread_ != nullptr && thread_->joinable()) thread_->join();
}

bool ShutdownFollower::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void ShutdownFollower::Run() {
  int port = 0;
  while (!stopping() && (port = serving_port_()) == 0) absl::SleepFor(kPortPoll);
  const std::string address = LoopbackAddress(host_, port);
  while (!stopping()) {
    if (FollowOnce(address)) {
      on_shutdown_();
      return;
    }
    absl::SleepFor(kReconnectPause);
  }
}

bool ShutdownFollower::FollowOnce(const std::string& address) {
  grpc::ChannelArguments arguments;
  // The server is on this machine: never through a proxy from the environment.
  arguments.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments));
  grpc::ClientContext context;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    context_ = &context;
  }
  auto stream = stub->Watch(&context, grpc::health::v1::HealthCheckRequest());
  bool seen_serving = false;
  bool shutting_down = false;
  HealthCheckResponse update;
  while (!shutting_down && stream->Read(&update)) {
    if (update.status() == HealthCheckResponse::SERVING) seen_serving = true;
    shutting_down = seen_serving && update.status() == HealthCheckResponse::NOT_SERVING;
  }
  context.TryCancel();
  stream->Finish().IgnoreError();
  absl::MutexLock lock(&mu_);
  context_ = nullptr;
  return shutting_down;
}

}  // namespace duban::supervision

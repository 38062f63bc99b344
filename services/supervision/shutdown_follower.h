// Tells the service when its server begins to shut down, so that Watch
// streams end at once instead of holding the shutdown until its grace period
// runs out. It follows the server's own health over loopback
// (grpc.health.v1.Health/Watch on the empty service name), which turns
// NOT_SERVING as soon as shutdown begins, before the drain.
#ifndef DUBAN_SERVICES_SUPERVISION_SHUTDOWN_FOLLOWER_H_
#define DUBAN_SERVICES_SUPERVISION_SHUTDOWN_FOLLOWER_H_

#include <grpcpp/client_context.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace duban::supervision {

// Start and Stop are called from one thread; otherwise thread-safe.
class ShutdownFollower {
 public:
  // `serving_port` returns the server's port once it serves (0 before);
  // `host` is the address it listens on; `on_shutdown` runs once, on the
  // follower's thread, when the server reports NOT_SERVING after SERVING.
  ShutdownFollower(std::function<int()> serving_port, std::string host,
                   std::function<void()> on_shutdown);
  ~ShutdownFollower();

  // Starts following on a thread of its own.
  void Start();
  // Stops following (without calling on_shutdown) and joins the thread.
  void Stop();

 private:
  void Run();
  // Follows one health stream; true once NOT_SERVING was seen after SERVING.
  bool FollowOnce(const std::string& address);
  bool stopping() const;

  const std::function<int()> serving_port_;
  const std::string host_;
  const std::function<void()> on_shutdown_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::unique_ptr<std::thread> thread_;
};

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_SHUTDOWN_FOLLOWER_H_

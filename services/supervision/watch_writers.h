// The Watch calls that are writing to their clients at this moment. A client
// that stopped reading (a stalled mobile connection) leaves its call blocked
// in a write that nothing but cancellation ends, and the server's shutdown
// would wait for it until shutdown_grace runs out; Stop cancels such calls.
#ifndef DUBAN_SERVICES_SUPERVISION_WATCH_WRITERS_H_
#define DUBAN_SERVICES_SUPERVISION_WATCH_WRITERS_H_

#include <grpcpp/server_context.h>

#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace duban::supervision {

// Thread-safe. Contexts are not owned; each is registered only between Begin
// and End, while its call is alive.
class WatchWriters {
 public:
  // Marks `context`'s call as writing. False once Stop was called: the stream
  // ends instead of writing.
  bool Begin(grpc::ServerContext* context);
  // Ends the mark. False when Stop cancelled the call while it was writing;
  // its handler must then return CANCELLED (grpc::ServerContext::TryCancel).
  bool End(grpc::ServerContext* context);
  // From now on no write begins; every call writing now is cancelled. Returns
  // how many were.
  int Stop();
  // How many calls are writing now.
  int writing() const;

 private:
  mutable absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::set<grpc::ServerContext*> writing_ ABSL_GUARDED_BY(mu_);
  std::set<grpc::ServerContext*> cancelled_ ABSL_GUARDED_BY(mu_);
};

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_WATCH_WRITERS_H_

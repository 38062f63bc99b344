// The gRPC face of the supervision service and its event sink: authorize each
// call, convert messages and statuses, and hand the work to
// SupervisionWorkflow.
#ifndef DUBAN_SERVICES_SUPERVISION_SUPERVISION_SERVICE_H_
#define DUBAN_SERVICES_SUPERVISION_SUPERVISION_SERVICE_H_

#include <atomic>
#include <functional>

#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/db/pool.h"
#include "duban/events/v1/events.grpc.pb.h"
#include "duban/supervision/v1/supervision.grpc.pb.h"
#include "services/supervision/supervision_workflow.h"
#include "services/supervision/watch_writers.h"

namespace duban::supervision {

// Thread-safe; borrows its arguments, which must outlive it.
class SupervisionServiceImpl final : public v1::SupervisionService::Service {
 public:
  // An open Watch stream re-checks its caller's rights every
  // `watch_rights_check` (real time) and ends once they changed.
  SupervisionServiceImpl(const Authorizer* authorizer, SupervisionWorkflow* workflow,
                         db::ConnectionPool* pool,
                         absl::Duration watch_rights_check = absl::Seconds(5));

  grpc::Status GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request,
                       v1::GetCaseResponse* response) override;
  grpc::Status ListCases(grpc::ServerContext* context, const v1::ListCasesRequest* request,
                         v1::ListCasesResponse* response) override;
  grpc::Status ListNotices(grpc::ServerContext* context, const v1::ListNoticesRequest* request,
                           v1::ListNoticesResponse* response) override;
  grpc::Status SplitReferredItem(grpc::ServerContext* context,
                                 const v1::SplitReferredItemRequest* request,
                                 v1::SplitReferredItemResponse* response) override;
  grpc::Status RecordCircular(grpc::ServerContext* context,
                              const v1::RecordCircularRequest* request,
                              v1::RecordCircularResponse* response) override;
  grpc::Status GetFigures(grpc::ServerContext* context, const v1::GetFiguresRequest* request,
                          v1::GetFiguresResponse* response) override;
  // The resumable stream of notices, case changes and new items; ends with OK
  // when the client cancels, the workflow's WatchHub shuts down, or the
  // caller's rights changed (a replaced liaison); with CANCELLED when
  // EndWatches found it writing (the client resumes from its last token).
  grpc::Status Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                     grpc::ServerWriter<v1::WatchResponse>* writer) override;
  grpc::Status ListAuditRecords(grpc::ServerContext* context,
                                const v1::ListAuditRecordsRequest* request,
                                v1::ListAuditRecordsResponse* response) override;

  struct WatchesEnded {
    // Watch calls open when EndWatches was called.
    int open = 0;
    // Of those, the ones cancelled because they were writing.
    int cancelled_writing = 0;
  };
  // Ends every open Watch stream, for shutdown: an idle one ends with OK at
  // once (the workflow's WatchHub), one writing (perhaps to a client that
  // stopped reading, which would hold the shutdown until its grace ran out)
  // is cancelled. Streams opened afterwards end at once.
  WatchesEnded EndWatches();
  // How many Watch calls are writing to their clients now.
  int WatchesWriting() const { return writers_.writing(); }

 private:
  grpc::Status Handle(grpc::ServerContext* context, absl::string_view method,
                      const std::function<absl::Status(const Caller&)>& work);

  const Authorizer* authorizer_;
  SupervisionWorkflow* workflow_;
  db::ConnectionPool* pool_;
  const absl::Duration watch_rights_check_;
  WatchWriters writers_;
  std::atomic<int> open_watches_{0};
};

}  // namespace duban::supervision

#endif  // DUBAN_SERVICES_SUPERVISION_SUPERVISION_SERVICE_H_

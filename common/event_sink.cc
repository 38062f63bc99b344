#include "common/event_sink.h"

namespace duban {

EventSink::EventSink(const Authorizer* authorizer, db::ConnectionPool* pool, const Clock* clock,
                     db::EventHandler handler)
    : authorizer_(authorizer), pool_(pool), clock_(clock), handler_(std::move(handler)) {}

grpc::Status EventSink::Deliver(grpc::ServerContext* context,
                                const duban::events::v1::DeliverRequest* request,
                                duban::events::v1::DeliverResponse* response) {
  return authorizer_->Run(
      *context, "/duban.events.v1.EventSinkService/Deliver", [&](const Caller&) -> absl::Status {
        absl::StatusOr<int> applied = db::ApplyEvents(*pool_, *clock_, request->events(), handler_);
        if (!applied.ok()) return applied.status();
        response->set_applied_count(*applied);
        return absl::OkStatus();
      });
}

}  // namespace duban

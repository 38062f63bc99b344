// The receiving end of events between services: one implementation of
// duban.events.v1.EventSinkService for every service that receives events.
#ifndef DUBAN_COMMON_EVENT_SINK_H_
#define DUBAN_COMMON_EVENT_SINK_H_

#include "common/auth.h"
#include "common/clock.h"
#include "common/db/outbox.h"
#include "common/db/pool.h"
#include "duban/events/v1/events.grpc.pb.h"

namespace duban {

// Authorizes the sender (the service's policy for
// "/duban.events.v1.EventSinkService/Deliver"), applies the events in order,
// each once (db::ApplyEvents with `handler`), and acknowledges how many are
// applied. Holds pointers it does not own; thread-safe if `handler` is.
class EventSink final : public duban::events::v1::EventSinkService::Service {
 public:
  EventSink(const Authorizer* authorizer, db::ConnectionPool* pool, const Clock* clock,
            db::EventHandler handler);

  grpc::Status Deliver(grpc::ServerContext* context,
                       const duban::events::v1::DeliverRequest* request,
                       duban::events::v1::DeliverResponse* response) override;

 private:
  const Authorizer* authorizer_;
  db::ConnectionPool* pool_;
  const Clock* clock_;
  const db::EventHandler handler_;
};

}  // namespace duban

#endif  // DUBAN_COMMON_EVENT_SINK_H_

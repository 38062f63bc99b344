// Prometheus metrics every service exposes: per-method gRPC server metrics
// recorded by an interceptor, process metrics read from /proc at scrape time,
// and helpers for a service's own (domain) gauges.
//
// Names follow Prometheus conventions: the "duban_" prefix for our own
// metrics, base units in the name (_seconds, _bytes), "_total" on counters.
// common/metrics_test.cc pins every name exposed here.
#ifndef DUBAN_COMMON_METRICS_H_
#define DUBAN_COMMON_METRICS_H_

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace duban {

// Bucket upper bounds of duban_grpc_server_handling_seconds: 0.5 ms .. 10 s.
const prometheus::Histogram::BucketBoundaries& HandlingSecondsBuckets();

// "/duban.tasks.v1.TasksService/GetItem" -> {"duban.tasks.v1.TasksService", "GetItem"}.
// A name without that shape is returned whole as the method, with an empty service.
std::pair<std::string, std::string> SplitMethodName(std::string_view full_method);

// The canonical name of a gRPC status code ("OK", "NOT_FOUND", ...).
std::string GrpcCodeName(grpc::StatusCode code);

// Records, per method and status code, the RPCs a server handles:
//   duban_grpc_server_started_total{grpc_service,grpc_method}
//   duban_grpc_server_handled_total{grpc_service,grpc_method,grpc_code}
//   duban_grpc_server_handling_seconds{grpc_service,grpc_method,grpc_code}
// The families live in `registry`, which must outlive this object. Thread-safe.
class GrpcServerMetrics {
 public:
  explicit GrpcServerMetrics(prometheus::Registry& registry);

  void Started(std::string_view full_method);
  void Handled(std::string_view full_method, grpc::StatusCode code, absl::Duration elapsed);

  // An interceptor factory for grpc::ServerBuilder::experimental()
  // .SetInterceptorCreators(); it records into this object, which must
  // outlive the server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

 private:
  struct HandledChildren {
    prometheus::Counter* count;
    prometheus::Histogram* seconds;
  };

  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
  absl::Mutex mu_;
  // Children are created once per label set; Family::Add is costlier.
  std::map<std::string, prometheus::Counter*, std::less<>> started_children_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, int>, HandledChildren> handled_children_ ABSL_GUARDED_BY(mu_);
};

// The standard process metrics, read from /proc/self when scraped:
// process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds,
// process_start_time_seconds, process_threads. Linux only; a value that
// cannot be read is left out of the scrape. Thread-safe.
class ProcessCollector final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

// Gauges whose values are computed when scraped (e.g. the outbox backlog,
// read from the database). Thread-safe.
class ScrapeGauges final : public prometheus::Collectable {
 public:
  struct Sample {
    std::map<std::string, std::string> labels;
    double value = 0;
  };
  // Returns the current samples; an empty vector leaves the gauge out of
  // the scrape (e.g. the database is unreachable).
  using Reader = std::function<std::vector<Sample>()>;

  // Declares the gauge `name`. Call before the first scrape; `read` runs on
  // the scraping thread and must be thread-safe.
  void Add(std::string name, std::string help, Reader read);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct Gauge {
    std::string name;
    std::string help;
    Reader read;
  };
  mutable absl::Mutex mu_;
  std::vector<Gauge> gauges_ ABSL_GUARDED_BY(mu_);
};

// Declares a service's own gauge or counter family in `registry` (once, at
// start-up; the family lives as long as the registry). Use the "duban_"
// prefix and base units; counters end in "_total".
prometheus::Family<prometheus::Gauge>& DeclareGauge(prometheus::Registry& registry,
                                                    const std::string& name,
                                                    const std::string& help);
prometheus::Family<prometheus::Counter>& DeclareCounter(prometheus::Registry& registry,
                                                        const std::string& name,
                                                        const std::string& help);

// The text exposition of `collectables`, as /metrics serves it.
std::string SerializeMetrics(const std::vector<const prometheus::Collectable*>& collectables);

}  // namespace duban

#endif  // DUBAN_COMMON_METRICS_H_

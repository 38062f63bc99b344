// The scheduler's own Prometheus figures, declared once.
#ifndef DUBAN_SERVICES_SCHEDULER_SCHEDULER_METRICS_H_
#define DUBAN_SERVICES_SCHEDULER_SCHEDULER_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/metrics.h"
#include "duban/common/v1/common.pb.h"

namespace duban::scheduler {

// duban_scheduler_rungs_fired_total{rung,kind}, duban_scheduler_poll_duration_seconds.
// Thread-safe (prometheus-cpp metrics are). The pending deadlines are a gauge
// read from the database at scrape time (kPendingGauge, PendingSamples).
class SchedulerMetrics {
 public:
  // Registers the families on `registry`, which must outlive this object.
  explicit SchedulerMetrics(prometheus::Registry& registry);

  void RungFired(duban::common::v1::Rung rung, duban::common::v1::SubjectKind kind);
  void ObservePoll(absl::Duration duration);

 private:
  prometheus::Family<prometheus::Counter>& fired_;
  prometheus::Histogram& poll_;
};

inline constexpr char kPendingGauge[] = "duban_scheduler_deadlines_pending";
inline constexpr char kPendingGaugeHelp[] = "Deadlines not yet met or cancelled, by subject kind.";
inline constexpr char kLagGauge[] = "duban_scheduler_oldest_due_unfired_seconds";

// One sample per subject kind; kinds absent from `pending` read 0.
std::vector<ScrapeGauges::Sample> PendingSamples(
    const std::map<duban::common::v1::SubjectKind, int64_t>& pending);

// "item", "draft", ... and "reminder", "urging", ... as metric labels.
std::string KindLabel(duban::common::v1::SubjectKind kind);
std::string RungLabel(duban::common::v1::Rung rung);

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_SCHEDULER_METRICS_H_

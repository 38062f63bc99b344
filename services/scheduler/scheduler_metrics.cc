#include "services/scheduler/scheduler_metrics.h"

#include "absl/strings/ascii.h"

namespace duban::scheduler {
namespace {

std::string LowerWithoutPrefix(std::string name, std::string_view prefix) {
  if (name.rfind(prefix, 0) == 0) name.erase(0, prefix.size());
  return absl::AsciiStrToLower(name);
}

}  // namespace

std::string KindLabel(duban::common::v1::SubjectKind kind) {
  return LowerWithoutPrefix(duban::common::v1::SubjectKind_Name(kind), "SUBJECT_KIND_");
}

std::string RungLabel(duban::common::v1::Rung rung) {
  return LowerWithoutPrefix(duban::common::v1::Rung_Name(rung), "RUNG_");
}

SchedulerMetrics::SchedulerMetrics(prometheus::Registry& registry)
    : fired_(prometheus::BuildCounter()
                 .Name("duban_scheduler_rungs_fired_total")
                 .Help("Ladder rungs fired, by rung and subject kind.")
                 .Register(registry)),
      poll_(prometheus::BuildHistogram()
                .Name("duban_scheduler_poll_duration_seconds")
                .Help("Time one pass of the firing loop took.")
                .Register(registry)
                .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.05, 0.1, 0.5,
                                                                 1, 5})) {}

void SchedulerMetrics::RungFired(duban::common::v1::Rung rung,
                                 duban::common::v1::SubjectKind kind) {
  fired_.Add({{"rung", RungLabel(rung)}, {"kind", KindLabel(kind)}}).Increment();
}

std::vector<ScrapeGauges::Sample> PendingSamples(
    const std::map<duban::common::v1::SubjectKind, int64_t>& pending) {
  std::vector<ScrapeGauges::Sample> samples;
  for (int k = duban::common::v1::SubjectKind_MIN + 1; k <= duban::common::v1::SubjectKind_MAX;
       ++k) {
    const auto kind = static_cast<duban::common::v1::SubjectKind>(k);
    auto it = pending.find(kind);
    samples.push_back(
        {{{"kind", KindLabel(kind)}}, static_cast<double>(it == pending.end() ? 0 : it->second)});
  }
  return samples;
}

void SchedulerMetrics::ObservePoll(absl::Duration duration) {
  poll_.Observe(absl::ToDoubleSeconds(duration));
}

}  // namespace duban::scheduler

#include "common/metrics.h"

#include <dirent.h>
#include <prometheus/text_serializer.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace duban {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Measures one RPC from its start to the status it sends.
class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(GrpcServerMetrics* metrics, std::string method)
      : metrics_(metrics), method_(std::move(method)), start_(std::chrono::steady_clock::now()) {
    metrics_->Started(method_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const auto elapsed = std::chrono::steady_clock::now() - start_;
      metrics_->Handled(method_, methods->GetSendStatus().error_code(), absl::FromChrono(elapsed));
    }
    methods->Proceed();
  }

 private:
  GrpcServerMetrics* metrics_;
  const std::string method_;
  const std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcServerMetrics* metrics) : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const char* method = info->method();
    return new MetricsInterceptor(metrics_, method == nullptr ? "" : method);
  }

 private:
  GrpcServerMetrics* metrics_;
};

MetricFamily Family(std::string name, std::string help, MetricType type) {
  MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

MetricFamily GaugeFamily(std::string name, std::string help, double value) {
  MetricFamily family = Family(std::move(name), std::move(help), MetricType::Gauge);
  family.metric.emplace_back().gauge.value = value;
  return family;
}

std::optional<std::string> ReadFile(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fields of /proc/self/stat after the command name, which may itself
// hold spaces and parentheses; fields[0] is the state (field 3 of proc(5)).
std::vector<std::string> StatFields() {
  std::optional<std::string> stat = ReadFile("/proc/self/stat");
  if (!stat.has_value()) return {};
  const size_t end_of_name = stat->rfind(')');
  if (end_of_name == std::string::npos) return {};
  return absl::StrSplit(stat->substr(end_of_name + 2), ' ', absl::SkipEmpty());
}

// Field `n` (1-based, as numbered in proc(5)) of /proc/self/stat.
std::optional<double> StatField(const std::vector<std::string>& fields, size_t n) {
  double value = 0;
  if (n < 3 || n - 3 >= fields.size() || !absl::SimpleAtod(fields[n - 3], &value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> BootTimeSeconds() {
  std::optional<std::string> stat = ReadFile("/proc/stat");
  if (!stat.has_value()) return std::nullopt;
  for (absl::string_view line : absl::StrSplit(*stat, '\n')) {
    double value = 0;
    if (absl::ConsumePrefix(&line, "btime ") && absl::SimpleAtod(line, &value)) return value;
  }
  return std::nullopt;
}

std::optional<double> OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  double count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // The descriptor of the listing itself.
}

std::optional<double> MaxFds() {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
    return std::nullopt;
  }
  return static_cast<double>(limit.rlim_cur);
}

void AddGauge(std::vector<MetricFamily>& out, const char* name, const char* help,
              std::optional<double> value) {
  if (value.has_value()) out.push_back(GaugeFamily(name, help, *value));
}

}  // namespace

const prometheus::Histogram::BucketBoundaries& HandlingSecondsBuckets() {
  static const auto* const buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

std::pair<std::string, std::string> SplitMethodName(std::string_view full_method) {
  if (full_method.size() > 1 && full_method[0] == '/') {
    const size_t slash = full_method.find('/', 1);
    if (slash != std::string_view::npos) {
      return {std::string(full_method.substr(1, slash - 1)),
              std::string(full_method.substr(slash + 1))};
    }
  }
  return {"", std::string(full_method)};
}

std::string GrpcCodeName(grpc::StatusCode code) {
  const int value = static_cast<int>(code);
  if (value < 0 || value > static_cast<int>(grpc::StatusCode::UNAUTHENTICATED)) return "UNKNOWN";
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(value));
}

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("duban_grpc_server_started_total")
                   .Help("RPCs started on the server, by method.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("duban_grpc_server_handled_total")
                   .Help("RPCs completed on the server, by method and status code.")
                   .Register(registry)),
      handling_seconds_(prometheus::BuildHistogram()
                            .Name("duban_grpc_server_handling_seconds")
                            .Help("Time from the start of an RPC to its status, by method and "
                                  "status code.")
                            .Register(registry)) {}

void GrpcServerMetrics::Started(std::string_view full_method) {
  absl::MutexLock lock(&mu_);
  auto it = started_children_.find(full_method);
  if (it == started_children_.end()) {
    auto [service, method] = SplitMethodName(full_method);
    prometheus::Counter* counter =
        &started_.Add({{"grpc_service", service}, {"grpc_method", method}});
    it = started_children_.emplace(std::string(full_method), counter).first;
  }
  it->second->Increment();
}

void GrpcServerMetrics::Handled(std::string_view full_method, grpc::StatusCode code,
                                absl::Duration elapsed) {
  HandledChildren children;
  {
    absl::MutexLock lock(&mu_);
    auto key = std::make_pair(std::string(full_method), static_cast<int>(code));
    auto it = handled_children_.find(key);
    if (it == handled_children_.end()) {
      auto [service, method] = SplitMethodName(full_method);
      const prometheus::Labels labels{
          {"grpc_service", service}, {"grpc_method", method}, {"grpc_code", GrpcCodeName(code)}};
      it = handled_children_
               .emplace(std::move(key),
                        HandledChildren{&handled_.Add(labels),
                                        &handling_seconds_.Add(labels, HandlingSecondsBuckets())})
               .first;
    }
    children = it->second;
  }
  children.count->Increment();
  children.seconds->Observe(absl::ToDoubleSeconds(elapsed));
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
GrpcServerMetrics::InterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(this);
}

std::vector<MetricFamily> ProcessCollector::Collect() const {
  std::vector<MetricFamily> out;
  const std::vector<std::string> stat = StatFields();
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));

  std::optional<double> utime = StatField(stat, 14), stime = StatField(stat, 15);
  if (utime.has_value() && stime.has_value() && ticks > 0) {
    MetricFamily cpu =
        Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
               MetricType::Counter);
    cpu.metric.emplace_back().counter.value = (*utime + *stime) / ticks;
    out.push_back(std::move(cpu));
  }
  std::optional<double> rss = StatField(stat, 24);
  AddGauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
           rss.has_value() ? std::optional<double>(*rss * page_size) : std::nullopt);
  AddGauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.",
           StatField(stat, 23));
  AddGauge(out, "process_open_fds", "Number of open file descriptors.", OpenFds());
  AddGauge(out, "process_max_fds", "Maximum number of open file descriptors.", MaxFds());
  std::optional<double> started = StatField(stat, 22), boot = BootTimeSeconds();
  AddGauge(out, "process_start_time_seconds",
           "Start time of the process since unix epoch in seconds.",
           started.has_value() && boot.has_value() && ticks > 0
               ? std::optional<double>(*boot + *started / ticks)
               : std::nullopt);
  AddGauge(out, "process_threads", "Number of OS threads in the process.", StatField(stat, 20));
  return out;
}

void ScrapeGauges::Add(std::string name, std::string help, Reader read) {
  absl::MutexLock lock(&mu_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

std::vector<MetricFamily> ScrapeGauges::Collect() const {
  std::vector<Gauge> gauges;
  {
    absl::MutexLock lock(&mu_);
    gauges = gauges_;
  }
  std::vector<MetricFamily> out;
  for (const Gauge& gauge : gauges) {
    std::vector<Sample> samples = gauge.read();
    if (samples.empty()) continue;
    MetricFamily family = Family(gauge.name, gauge.help, MetricType::Gauge);
    for (const Sample& sample : samples) {
      ClientMetric& metric = family.metric.emplace_back();
      for (const auto& [name, value] : sample.labels) metric.label.push_back({name, value});
      metric.gauge.value = sample.value;
    }
    out.push_back(std::move(family));
  }
  return out;
}

prometheus::Family<prometheus::Gauge>& DeclareGauge(prometheus::Registry& registry,
                                                    const std::string& name,
                                                    const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

prometheus::Family<prometheus::Counter>& DeclareCounter(prometheus::Registry& registry,
                                                        const std::string& name,
                                                        const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

std::string SerializeMetrics(const std::vector<const prometheus::Collectable*>& collectables) {
  std::vector<MetricFamily> families;
  for (const prometheus::Collectable* collectable : collectables) {
    std::vector<MetricFamily> collected = collectable->Collect();
    families.insert(families.end(), std::make_move_iterator(collected.begin()),
                    std::make_move_iterator(collected.end()));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace duban

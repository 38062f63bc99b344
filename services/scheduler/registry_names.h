// What the scheduler knows of the registry besides the calendar: who the
// district leaders are (each owes a monthly dispatch cycle) and what units and
// people are called (for the labels of generated deadlines). Reloaded together
// with the work calendar.
#ifndef DUBAN_SERVICES_SCHEDULER_REGISTRY_NAMES_H_
#define DUBAN_SERVICES_SCHEDULER_REGISTRY_NAMES_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "duban/registry/v1/registry.grpc.pb.h"

namespace duban::scheduler {

// An id and the name the registry gives it.
struct Named {
  std::string id;
  std::string name;
};

// The registry's lists (or a fake in tests). Thread-safe.
class RegistryDirectory {
 public:
  virtual ~RegistryDirectory() = default;
  // The current district leaders, in the registry's order; its error otherwise.
  virtual absl::StatusOr<std::vector<Named>> DistrictLeaders() = 0;
  // Every unit, active or not; the registry's error otherwise.
  virtual absl::StatusOr<std::vector<Named>> Units() = 0;
};

// Lists people with the district leader role and units through `stub`
// (authenticated as the service).
std::unique_ptr<RegistryDirectory> NewGrpcRegistryDirectory(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub);

// The directory's lists as last loaded. Thread-safe.
class RegistryNames {
 public:
  // `directory` is not owned.
  explicit RegistryNames(RegistryDirectory* directory) : directory_(directory) {}

  // Reloads both lists; on a failure keeps what it held and returns the error.
  absl::Status Refresh();
  // Whether a Refresh has succeeded yet.
  bool loaded() const;
  // Ids of the district leaders last loaded, in the registry's order.
  std::vector<std::string> DistrictLeaders() const;
  // The unit's name; its id when the registry gave none.
  std::string UnitName(const std::string& unit_id) const;
  // The district leader's name; the id when the registry gave none.
  std::string LeaderName(const std::string& person_id) const;

 private:
  RegistryDirectory* directory_;
  mutable absl::Mutex mu_;
  bool loaded_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::string> leader_ids_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> leader_names_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> unit_names_ ABSL_GUARDED_BY(mu_);
};

}  // namespace duban::scheduler

#endif  // DUBAN_SERVICES_SCHEDULER_REGISTRY_NAMES_H_

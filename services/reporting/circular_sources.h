// What reporting reads from (and tells) the other services to draft and issue
// a circular, behind an interface so that domain tests can use a fake.
#ifndef DUBAN_SERVICES_REPORTING_CIRCULAR_SOURCES_H_
#define DUBAN_SERVICES_REPORTING_CIRCULAR_SOURCES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "duban/supervision/v1/supervision.pb.h"
#include "duban/tasks/v1/tasks.pb.h"

namespace duban::reporting {

// Thread-safe. Errors of the other services come back as they are, their
// message prefixed with the service's name.
class CircularSources {
 public:
  virtual ~CircularSources() = default;
  // Every supervision case opened before `end`.
  virtual absl::StatusOr<std::vector<supervision::v1::SupervisionCase>> CasesOpenedBefore(
      absl::Time end) = 0;
  // The item as tasks holds it.
  virtual absl::StatusOr<tasks::v1::Item> Item(const std::string& item_id) = 0;
  // The unit's name in the registry.
  virtual absl::StatusOr<std::string> UnitName(const std::string& unit_id) = 0;
  // Records the circular rung on the named cases (idempotent by request id),
  // on behalf of the bearer of `issuer_token` (the supervision group member
  // issuing the circular; empty: as the service).
  virtual absl::Status RecordCircular(const std::string& request_id, const std::string& circular_id,
                                      const std::vector<std::string>& case_ids,
                                      absl::Time issued_at, const std::string& issuer_token) = 0;
};

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_CIRCULAR_SOURCES_H_

// The walking skeleton's dispatch cycle, run against live services on the
// shared test clock: the form-2 registry, a meeting of its second leader,
// minutes with two items for two units, the lead unit's report and the office
// digest for the period ending on the 5th, one item completed, the clock
// moved past both deadlines, one supervision case, and the month's circular.
#ifndef DUBAN_CLI_DUBANCTL_CYCLE_H_
#define DUBAN_CLI_DUBANCTL_CYCLE_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/dubanctl/session.h"
#include "common/status.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "duban/tasks/v1/tasks.pb.h"

namespace duban::client {

// Calls `method` on `stub` as the holder of `token`; the gRPC status as an absl::Status.
template <typename Stub, typename Request, typename Response>
absl::Status CallService(Stub& stub,
                         grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                      Response*),
                         const std::string& token, const Request& request, Response* response) {
  auto context = Context(token);
  return FromGrpc((stub.*method)(context.get(), request, response));
}

// The instant of a local time in `zone`.
absl::Time LocalTime(absl::TimeZone zone, int y, int m, int d, int hh, int mm = 0, int ss = 0);

// "end of 2026-10-12" for a deadline at local midnight (a date-only deadline
// ends there), the local time otherwise.
std::string DescribeDue(absl::Time due, absl::TimeZone zone);

struct CycleInputs {
  std::string matters_csv;
  std::string liaisons_csv;
};

struct CycleResult {
  std::string completed_item_id;
  std::string open_item_id;
  std::string open_unit_id;
  duban::reporting::v1::Circular circular;
};

// The supervision group member the cycles add (form 2 names none).
inline constexpr char kSupervisor[] = "督导组甲";
// Adds kSupervisor to the registry with the supervision group role.
absl::Status AddSupervisionGroupMember(Session& session);

// What the registry answered to the sample's imports.
struct SampleImport {
  duban::registry::v1::ImportMatterRegistryResponse matters;
  duban::registry::v1::ImportLiaisonsResponse liaisons;
};

// Imports form 2 and the unit liaisons as the admin, and adds kSupervisor;
// prints nothing. The first refused call's status.
absl::StatusOr<SampleImport> ImportSampleRegistry(Session& session, const CycleInputs& inputs);

// The cycle's steps, for tests that need part of it.
//
// ImportSampleRegistry, printing what was imported.
absl::Status ImportSample(Session& session, const CycleInputs& inputs, std::ostream& out);
// 李四 (row 2) holds a meeting on 2026-09-28 10:00; 发改局 drafts minutes with
// two items (统计局 due 2026-10-12, 应急局 due 2026-10-14); they are routed,
// signed off and issued; the clock moves to 11:00 and the items reach tasks.
absl::StatusOr<std::vector<duban::tasks::v1::Item>> IssueSampleMinutes(Session& session,
                                                                       std::ostream& out);

// Runs the cycle, printing each step to `out`. The clock must be at or before
// 2026-09-28 09:00 local; the cycle ends on 2026-10-20 12:00 local.
absl::StatusOr<CycleResult> RunThinCycle(Session& session, const CycleInputs& inputs,
                                         std::ostream& out);

}  // namespace duban::client

#endif  // DUBAN_CLI_DUBANCTL_CYCLE_H_

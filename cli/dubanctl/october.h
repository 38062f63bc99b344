// October 2026 of dispatch work over the sample registry, run against the six
// live services on the shared test clock through their public gRPC API, each
// step taken by the person who takes it in the district: the office liaison
// records dispatch events, unit liaisons draft, countersign, accept, complete
// and report, leaders sign off, the supervision group splits referred items
// and issues the circular and the monthly analysis.
//
// The month, as planned (local times, Asia/Shanghai by default):
//   - every district leader but 郑十 holds a dispatch event in October (李四
//     also on 2026-09-28, so that 发改局 owes a report in the period ending
//     on 2026-10-08); 郑十 holds none;
//   - 王五's meeting on 2026-10-12 has its minutes drafted by 农水局 and routed
//     on 2026-10-16, after its deadline; every other draft is routed in time;
//   - items reach their units; eight are completed on time, 科技局's is
//     extended, 应急局's parking item is referred and split, and 应急局's
//     item due 2026-10-23 is still open at month end;
//   - every unit that owes a report submits it in time, except that for the
//     period ending 2026-10-20 住建局 submits at exactly 18:00:00 and 教育局
//     never submits; the office digest is submitted for both periods;
//   - on 2026-11-02 the supervision group issues the circular and the monthly
//     analysis, and the forms, the circular and the analysis are exported.
#ifndef DUBAN_CLI_DUBANCTL_OCTOBER_H_
#define DUBAN_CLI_DUBANCTL_OCTOBER_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cli/dubanctl/session.h"
#include "duban/reporting/v1/reporting.pb.h"

namespace duban::client {

struct OctoberInputs {
  // Form 2, the unit liaisons and the work calendar, as CSV text.
  std::string matters_csv;
  std::string liaisons_csv;
  std::string calendar_csv;
  // Where the exported files are written (created when missing); empty: the
  // exports are fetched but not written.
  std::string export_dir;
};

struct OctoberResult {
  duban::reporting::v1::Circular circular;
  duban::reporting::v1::Analysis analysis;
  // The periods ending in October, as reporting lists them.
  std::vector<duban::reporting::v1::Period> periods;
  // Per period id: the lead units (ids) that owe a report as planned, and as
  // the scheduler's REPORT deadlines say.
  std::map<std::string, std::vector<std::string>> planned_owing;
  std::map<std::string, std::vector<std::string>> scheduler_owing;
  // Ids of what the month's figures hinge on.
  std::string late_draft_event_id;  // 王五's meeting of 2026-10-12
  std::string overdue_item_id;      // 应急局's item due 2026-10-23
  std::string extended_item_id;     // 科技局's item
  std::string referred_item_id;     // 应急局's parking item
  std::vector<std::string> sub_item_ids;
  // The files written under export_dir, in the order they were exported.
  std::vector<std::string> exported_files;
  // The exports reporting refused ("<file name>: <status>"); the month still
  // runs to its end without them.
  std::vector<std::string> export_failures;
};

// Fills in what a unit adds to its prefilled report before submitting it:
// remarks on every row, and for each uncompleted row without one a planned
// completion date, its deadline's day or else a week after `today` (never in
// the past). Pure.
void FillReport(duban::reporting::v1::Report& report, absl::CivilDay today, absl::TimeZone zone);

// Runs the month, printing an account of each step to `out` as it goes, then
// the circular's figures and the exported files. The services must run on the
// shared test clock at or before 2026-09-28 09:00 local, on fresh databases;
// the run ends on 2026-11-02 10:00 local. Returns the first failing call's
// status (naming the step) when a service refuses a step, except for exports,
// which are listed in export_failures; not thread-safe.
absl::StatusOr<OctoberResult> RunOctober(Session& session, const OctoberInputs& inputs,
                                         std::ostream& out);

}  // namespace duban::client

#endif  // DUBAN_CLI_DUBANCTL_OCTOBER_H_

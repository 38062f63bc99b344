// The rules of reports: which items a unit owes, the prefilled report, the
// refusals on submission, lateness and missing reports. Pure; thread-safe.
#ifndef DUBAN_SERVICES_REPORTING_REPORT_RULES_H_
#define DUBAN_SERVICES_REPORTING_REPORT_RULES_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "duban/reporting/v1/reporting.pb.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "duban/tasks/v1/tasks.pb.h"

namespace duban::reporting {

// When the item was completed (reported complete, else closed out); unset
// while it is not.
std::optional<absl::Time> CompletedAt(const tasks::v1::Item& item);

// When the item stopped being open: the first of reported complete, split and
// closed; unset while it is open.
std::optional<absl::Time> EndedAt(const tasks::v1::Item& item);

// Open at some moment in (after, until].
bool OpenDuring(const tasks::v1::Item& item, absl::Time after, absl::Time until);

// The instant of the deadline in force (the end of the local day for a date).
absl::Time DueAt(const tasks::v1::Item& item, absl::TimeZone zone);

// The items among `items` that `unit_id` led and that were open at some moment
// in the period: what its report for the period must account for. An item
// split into sub-items by the period's cut-off is left out: its sub-items
// (led by the same unit) are reported in its place, so no work appears twice.
std::vector<tasks::v1::Item> OwedItems(const std::vector<tasks::v1::Item>& items,
                                       const std::string& unit_id, const v1::Period& period);

// One row for `item` as of `now`: completed rows say what was done (the
// completion summary and progress notes), uncompleted ones carry the latest
// progress note as the reason and the item's planned completion date. Remarks
// longer than a submission allows (kMaxRemarkChars) keep their latest
// characters, cut at a character boundary and marked at the start with "…".
v1::ReportRow RowOf(const tasks::v1::Item& item, absl::Time now);

// The local date of each dispatch event, keyed by event id.
using DispatchDates = std::map<std::string, common::v1::Date>;

// The dispatch events the owed items' source documents came from, by id.
std::set<std::string> DispatchEventIds(const std::vector<tasks::v1::Item>& owed);

// The draft report of `unit_id` for `period` from its owed items, grouped by
// source document in order of document id (form 4 sections for assignment
// sheets), rows in item order; each section's dispatch date is its source
// event's from `dispatch_dates` (unset when not there).
v1::Report PrefillReportFrom(const std::string& unit_id, const v1::Period& period,
                             const std::vector<tasks::v1::Item>& owed, absl::Time now,
                             const DispatchDates& dispatch_dates = {});

// Sets on `report` the facts that come from the records rather than from the
// unit: each row's deadline in force and original deadline (from the owed
// item of the same id) and each section's dispatch date (the source event of
// its rows' items, from `dispatch_dates`).
void StampRecordedFacts(v1::Report& report, const std::vector<tasks::v1::Item>& owed,
                        const DispatchDates& dispatch_dates);

// OK when `report` accounts for every item of `owed` exactly once and nothing
// else, claims completion only for items completed by `now`, and gives every
// uncompleted row a planned completion date not before today (local).
// Otherwise INVALID_ARGUMENT naming the row and the item, e.g.
// "report.sections[0].rows[2]: item it-x is counted twice".
absl::Status CheckReport(const v1::Report& report, const std::vector<tasks::v1::Item>& owed,
                         absl::Time now, absl::TimeZone zone);

// Late: submitted at or after the report cut-off.
bool SubmittedLate(const v1::Period& period, absl::Time submitted_at);

// Where a unit that owes a report stands for a period, counted once: on time,
// late (in between the cut-offs), missing (nothing in before the digest
// cut-off, once that has passed), or pending (not in, digest cut-off ahead).
enum class Standing { kOnTime, kLate, kMissing, kPending };
Standing StandingOf(const v1::Period& period, std::optional<absl::Time> submitted_at,
                    absl::Time now);

// The units owing a report for `period_id` among the scheduler's REPORT
// deadlines (subject "<unit_id>@<period_id>", not cancelled).
std::set<std::string> OwingUnits(const std::vector<scheduler::v1::Deadline>& deadlines,
                                 const std::string& period_id);

// "<unit_id>@<period_id>", the report's subject id.
std::string ReportSubjectId(const std::string& unit_id, const std::string& period_id);

}  // namespace duban::reporting

#endif  // DUBAN_SERVICES_REPORTING_REPORT_RULES_H_

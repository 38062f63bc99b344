#include "services/reporting/reporting_workflow.h"

#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/db/idempotency.h"
#include "common/db/outbox.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/validation.h"
#include "duban/scheduler/v1/scheduler.pb.h"
#include "services/reporting/circular_draft.h"
#include "services/reporting/digest_draft.h"
#include "services/reporting/export/export_response.h"
#include "services/reporting/export/export_target.h"
#include "services/reporting/periods.h"
#include "services/reporting/report_rules.h"
#include "services/reporting/report_store.h"

namespace duban::reporting {

using ::duban::ToProto;

namespace {

constexpr char kMethodPrefix[] = "/duban.reporting.v1.ReportingService/";
constexpr char kScheduler[] = "scheduler";
// The scheduler's REPORT deadlines of a period fall at its (shifted) report
// cut-off, within this long after the nominal one.
constexpr absl::Duration kCutoffShiftWindow = absl::Hours(24 * 16);

// The text and dates of a submitted row, before anything is looked up.
absl::Status CheckRowInput(const v1::ReportRow& row, const std::string& path) {
  DUBAN_RETURN_IF_ERROR(CheckText(path + ".content", row.content(), kMaxContentChars));
  DUBAN_RETURN_IF_ERROR(CheckText(path + ".remarks", row.remarks(), kMaxRemarkChars));
  DUBAN_RETURN_IF_ERROR(CheckText(path + ".blockers", row.blockers(), kMaxContentChars));
  DUBAN_RETURN_IF_ERROR(CheckText(path + ".measures", row.measures(), kMaxContentChars));
  DUBAN_RETURN_IF_ERROR(CheckDeadline(path + ".deadline", row.deadline()));
  DUBAN_RETURN_IF_ERROR(CheckDeadline(path + ".original_deadline", row.original_deadline()));
  if (!row.has_planned_completion_date()) return absl::OkStatus();
  return CheckDate(path + ".planned_completion_date", row.planned_completion_date());
}

// A submitted report within the limits on rows, text and size.
absl::Status CheckSubmittedReport(const v1::Report& report) {
  size_t rows = 0;
  for (const v1::ReportSection& section : report.sections()) rows += section.rows_size();
  DUBAN_RETURN_IF_ERROR(CheckCount("report.sections", rows, kMaxRowsPerList));
  for (int i = 0; i < report.sections_size(); ++i) {
    const v1::ReportSection& section = report.sections(i);
    for (int j = 0; j < section.rows_size(); ++j) {
      DUBAN_RETURN_IF_ERROR(
          CheckRowInput(section.rows(j), absl::StrCat("report.sections[", i, "].rows[", j, "]")));
    }
  }
  return CheckRecordSize("report", report);
}

// A submitted digest within the limits on rows, text and size.
absl::Status CheckSubmittedDigest(const v1::Digest& digest) {
  DUBAN_RETURN_IF_ERROR(CheckText("digest.summary", digest.summary(), kMaxNoteChars));
  DUBAN_RETURN_IF_ERROR(CheckCount("digest.hard_items", digest.hard_items_size(), kMaxRowsPerList));
  for (int i = 0; i < digest.hard_items_size(); ++i) {
    DUBAN_RETURN_IF_ERROR(
        CheckRowInput(digest.hard_items(i), absl::StrCat("digest.hard_items[", i, "]")));
  }
  return CheckRecordSize("digest", digest);
}

absl::StatusOr<std::optional<v1::Circular>> LoadCircular(sql::Connection& conn,
                                                         const std::string& month,
                                                         bool for_update) {
  std::unique_ptr<sql::ResultSet> rows = db::Query(
      conn,
      absl::StrCat("SELECT body FROM circulars WHERE month = ?", for_update ? " FOR UPDATE" : ""),
      {month});
  if (!rows->next()) return std::optional<v1::Circular>();
  std::unique_ptr<std::istream> blob(rows->getBlob("body"));
  std::ostringstream bytes;
  bytes << blob->rdbuf();
  v1::Circular circular;
  if (!circular.ParseFromString(bytes.str())) {
    return absl::DataLossError(absl::StrCat("circular ", month, " does not parse"));
  }
  return std::optional<v1::Circular>(std::move(circular));
}

absl::Status InsertCircular(sql::Connection& conn, const v1::Circular& circular) {
  db::Execute(conn,
              "INSERT INTO circulars (month, id, state, issued_at, body) VALUES (?, ?, ?, ?, ?)",
              {circular.month(), circular.id(), static_cast<int64_t>(circular.state()),
               db::ToSqlTime(FromProto(circular.issued_at())),
               db::Param::Blob(circular.SerializeAsString())});
  return absl::OkStatus();
}

std::vector<std::string> CaseIds(const v1::Circular& circular) {
  std::vector<std::string> ids;
  for (const v1::CircularEntry& entry : circular.entries()) {
    ids.insert(ids.end(), entry.case_ids().begin(), entry.case_ids().end());
  }
  return ids;
}

absl::Status MayRead(const Caller& caller, const std::string& unit_id) {
  if (caller.ReadsEverything() || caller.IsLiaisonOf(unit_id)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("unit_id: ", caller.subject(), " may not read the reports of unit ", unit_id));
}

absl::Status MaySubmitFor(const Caller& caller, const std::string& unit_id) {
  if (caller.IsLiaisonOf(unit_id)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("report.unit_id: ", caller.subject(), " is not the liaison of unit ", unit_id));
}

absl::Status Required(const std::string& value, const std::string& field) {
  if (value.empty()) return InvalidField(field, "required");
  return absl::OkStatus();
}

absl::Status EnqueueMet(sql::Connection& conn, common::v1::SubjectKind kind, const std::string& id,
                        absl::Time now) {
  scheduler::v1::DeadlineMet met;
  met.mutable_subject()->set_kind(kind);
  met.mutable_subject()->set_id(id);
  *met.mutable_met_at() = ToProto(now);
  const std::string key =
      absl::StrCat(kind == common::v1::SUBJECT_KIND_REPORT ? "report/" : "digest/", id);
  return db::EnqueueEvent(conn, kScheduler, key, met, now);
}

absl::Status Audit(sql::Connection& conn, const Caller& caller, absl::Time now,
                   const std::string& action, const std::string& type, const std::string& id,
                   const google::protobuf::Message& after, const std::string& request_id) {
  db::AuditEntry entry;
  entry.actor = caller.subject();
  entry.at = now;
  entry.action = action;
  entry.entity_type = type;
  entry.entity_id = id;
  entry.after = &after;
  entry.request_id = request_id;
  return db::WriteAudit(conn, entry);
}

}  // namespace

std::string CircularId(const std::string& month) { return absl::StrCat("circular-", month); }

v1::Circular VisiblePart(const Caller& caller, v1::Circular circular) {
  if (caller.ReadsEverything()) return circular;
  const std::vector<std::string> own = caller.LiaisonUnits();
  const std::set<std::string> units(own.begin(), own.end());
  google::protobuf::RepeatedPtrField<v1::CircularEntry> kept;
  for (v1::CircularEntry& entry : *circular.mutable_entries()) {
    if (units.count(entry.unit_id()) > 0) *kept.Add() = std::move(entry);
  }
  *circular.mutable_entries() = std::move(kept);
  return circular;
}

ReportingWorkflow::ReportingWorkflow(db::ConnectionPool* pool, const Clock* clock,
                                     absl::TimeZone zone, ReportingSources* sources,
                                     PeriodSource* periods)
    : pool_(pool), clock_(clock), zone_(zone), sources_(sources), periods_(periods) {}

absl::Status ReportingWorkflow::ListPeriods(const v1::ListPeriodsRequest& request,
                                            v1::ListPeriodsResponse* response) {
  DUBAN_ASSIGN_OR_RETURN(absl::CivilMonth month, ParseMonth(request.month(), "month"));
  DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Period> periods, periods_->PeriodsEnding(month));
  for (v1::Period& period : periods) *response->add_periods() = std::move(period);
  return absl::OkStatus();
}

// ---- Reports ----

absl::StatusOr<v1::Report> ReportingWorkflow::PrefillReport(
    const Caller& caller, const v1::PrefillReportRequest& request) {
  DUBAN_RETURN_IF_ERROR(Required(request.unit_id(), "unit_id"));
  DUBAN_RETURN_IF_ERROR(MayRead(caller, request.unit_id()));
  DUBAN_ASSIGN_OR_RETURN(v1::Period period,
                         PeriodById(*periods_, request.period_id(), "period_id"));
  std::optional<v1::Report> stored;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(stored, LoadReport(conn, request.unit_id(), period.id(), false));
    return absl::OkStatus();
  }));
  if (stored) return *std::move(stored);

  const absl::Time now = clock_->Now();
  tasks::v1::ItemFilter filter;
  filter.set_lead_unit_id(request.unit_id());
  DUBAN_ASSIGN_OR_RETURN(std::vector<tasks::v1::Item> items, sources_->Items(filter));
  const std::vector<tasks::v1::Item> owed = OwedItems(items, request.unit_id(), period);
  DUBAN_ASSIGN_OR_RETURN(DispatchDates dispatch_dates, DispatchDatesOf(owed));
  v1::Report report = PrefillReportFrom(request.unit_id(), period, owed, now, dispatch_dates);
  absl::StatusOr<registry::v1::LiaisonTerm> liaison = sources_->Liaison(request.unit_id(), now);
  if (!liaison.ok() && !absl::IsNotFound(liaison.status())) return liaison.status();
  if (liaison.ok()) {
    report.set_liaison_name(liaison->person_name());
    report.set_liaison_phone(liaison->phone());
  }
  return report;
}

absl::Status ReportingWorkflow::SubmitReport(const Caller& caller,
                                             const v1::SubmitReportRequest& request,
                                             v1::SubmitReportResponse* response) {
  const v1::Report& draft = request.report();
  DUBAN_RETURN_IF_ERROR(Required(draft.unit_id(), "report.unit_id"));
  DUBAN_RETURN_IF_ERROR(CheckSubmittedReport(draft));
  DUBAN_RETURN_IF_ERROR(MaySubmitFor(caller, draft.unit_id()));
  DUBAN_ASSIGN_OR_RETURN(v1::Period period,
                         PeriodById(*periods_, draft.period_id(), "report.period_id"));
  return db::RunOnce(
      *pool_, absl::StrCat(kMethodPrefix, "SubmitReport"), request.request_id(), caller.subject(),
      request, response, [&](sql::Connection& conn) -> absl::Status {
        DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Report> existing,
                               LoadReport(conn, draft.unit_id(), period.id(), false));
        if (existing) {
          return absl::FailedPreconditionError(absl::StrCat(
              "report ", ReportSubjectId(draft.unit_id(), period.id()), " already submitted at ",
              FormatLocal(FromProto(existing->submitted_at()), zone_)));
        }
        const absl::Time now = clock_->Now();
        tasks::v1::ItemFilter filter;
        filter.set_lead_unit_id(draft.unit_id());
        DUBAN_ASSIGN_OR_RETURN(std::vector<tasks::v1::Item> items, sources_->Items(filter));
        const std::vector<tasks::v1::Item> owed = OwedItems(items, draft.unit_id(), period);
        DUBAN_RETURN_IF_ERROR(CheckReport(draft, owed, now, zone_));
        DUBAN_ASSIGN_OR_RETURN(DispatchDates dispatch_dates, DispatchDatesOf(owed));

        v1::Report report = draft;
        StampRecordedFacts(report, owed, dispatch_dates);
        report.set_id(NewId("rp"));
        report.set_state(v1::REPORT_STATE_SUBMITTED);
        *report.mutable_submitted_at() = ToProto(now);
        report.set_submitted_by(caller.subject());
        report.set_late(SubmittedLate(period, now));
        absl::StatusOr<registry::v1::LiaisonTerm> liaison = sources_->Liaison(draft.unit_id(), now);
        if (liaison.ok()) {
          report.set_liaison_name(liaison->person_name());
          report.set_liaison_phone(liaison->phone());
        }
        DUBAN_RETURN_IF_ERROR(InsertReport(conn, report));
        DUBAN_RETURN_IF_ERROR(Audit(conn, caller, now, "reporting.SubmitReport", "report",
                                    report.id(), report, request.request_id()));
        DUBAN_RETURN_IF_ERROR(EnqueueMet(conn, common::v1::SUBJECT_KIND_REPORT,
                                         ReportSubjectId(report.unit_id(), period.id()), now));
        *response->mutable_report() = std::move(report);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Report> ReportingWorkflow::GetReport(const Caller& caller,
                                                        const v1::GetReportRequest& request) {
  DUBAN_RETURN_IF_ERROR(Required(request.unit_id(), "unit_id"));
  DUBAN_RETURN_IF_ERROR(MayRead(caller, request.unit_id()));
  DUBAN_RETURN_IF_ERROR(MonthOfPeriod(request.period_id(), "period_id").status());
  std::optional<v1::Report> stored;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(stored, LoadReport(conn, request.unit_id(), request.period_id(), false));
    return absl::OkStatus();
  }));
  if (!stored) {
    return absl::NotFoundError(absl::StrCat(
        "report ", ReportSubjectId(request.unit_id(), request.period_id()), " not submitted"));
  }
  return *std::move(stored);
}

absl::Status ReportingWorkflow::ListReports(const Caller& caller,
                                            const v1::ListReportsRequest& request,
                                            v1::ListReportsResponse* response) {
  ReportQuery query;
  query.period_id = request.period_id();
  query.late_only = request.late_only();
  if (!request.period_id().empty()) {
    DUBAN_RETURN_IF_ERROR(MonthOfPeriod(request.period_id(), "period_id").status());
  }
  if (!request.unit_id().empty()) {
    DUBAN_RETURN_IF_ERROR(MayRead(caller, request.unit_id()));
    query.unit_ids = {request.unit_id()};
  } else if (!caller.ReadsEverything()) {
    query.unit_ids = caller.LiaisonUnits();
    if (query.unit_ids.empty()) return absl::OkStatus();
  }
  DUBAN_ASSIGN_OR_RETURN(db::PageRequest page,
                         db::ParsePage(request.page_token(), request.page_size()));
  std::vector<v1::Report> reports;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(reports, QueryReports(conn, query, page));
    return absl::OkStatus();
  }));
  response->set_next_page_token(db::NextPageToken(page, reports.size()));
  for (v1::Report& report : reports) *response->add_reports() = std::move(report);
  if (request.period_id().empty()) return absl::OkStatus();

  DUBAN_ASSIGN_OR_RETURN(v1::Period period,
                         PeriodById(*periods_, request.period_id(), "period_id"));
  DUBAN_ASSIGN_OR_RETURN(PeriodReports standing, ReportsOf(period));
  const std::set<std::string> visible(query.unit_ids.begin(), query.unit_ids.end());
  for (const std::string& unit : standing.Missing(clock_->Now())) {
    if (visible.empty() || visible.count(unit) > 0) response->add_missing_unit_ids(unit);
  }
  return absl::OkStatus();
}

absl::StatusOr<PeriodReports> ReportingWorkflow::ReportsOf(const v1::Period& period) {
  PeriodReports reports;
  reports.period = period;
  const absl::Time cutoff = FromProto(period.report_cutoff());
  DUBAN_ASSIGN_OR_RETURN(
      std::vector<scheduler::v1::Deadline> deadlines,
      sources_->ReportDeadlines(FromProto(period.starts_after()), cutoff + kCutoffShiftWindow));
  reports.owing = OwingUnits(deadlines, period.id());
  DUBAN_ASSIGN_OR_RETURN(auto submitted, SubmittedReports(period.id()));
  for (const auto& [unit, report] : submitted) {
    // A unit that reported owed the report, whatever the scheduler knows yet.
    reports.owing.insert(unit);
    reports.submitted_at[unit] = FromProto(report.submitted_at());
    reports.report_ids[unit] = report.id();
  }
  return reports;
}

absl::StatusOr<std::map<std::string, v1::Report>> ReportingWorkflow::SubmittedReports(
    const std::string& period_id) {
  std::map<std::string, v1::Report> by_unit;
  ReportQuery query;
  query.period_id = period_id;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    db::PageRequest page{.offset = 0, .limit = 100000};
    DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Report> reports, QueryReports(conn, query, page));
    for (v1::Report& report : reports) by_unit[report.unit_id()] = std::move(report);
    return absl::OkStatus();
  }));
  return by_unit;
}

absl::StatusOr<DispatchDates> ReportingWorkflow::DispatchDatesOf(
    const std::vector<tasks::v1::Item>& owed) {
  DispatchDates dates;
  for (const std::string& event_id : DispatchEventIds(owed)) {
    absl::StatusOr<minutes::v1::DispatchEvent> event = sources_->DispatchEvent(event_id);
    // An event minutes does not know leaves the date blank rather than the report unwritable.
    if (absl::IsNotFound(event.status())) continue;
    if (!event.ok()) return event.status();
    if (event->has_held_on()) {
      dates[event_id] = event->held_on();
    } else if (event->has_held_at()) {
      dates[event_id] = ToProto(LocalDay(FromProto(event->held_at()), zone_));
    }
  }
  return dates;
}

absl::StatusOr<std::vector<tasks::v1::Item>> ReportingWorkflow::ItemsOpenDuring(absl::Time after,
                                                                                absl::Time until) {
  tasks::v1::ItemFilter filter;
  *filter.mutable_open_during_from() = ToProto(after);
  *filter.mutable_open_during_to() = ToProto(until);
  DUBAN_ASSIGN_OR_RETURN(std::vector<tasks::v1::Item> items, sources_->Items(filter));
  std::vector<tasks::v1::Item> open;
  for (tasks::v1::Item& item : items) {
    if (OpenDuring(item, after, until)) open.push_back(std::move(item));
  }
  return open;
}

absl::StatusOr<std::map<std::string, std::string>> ReportingWorkflow::UnitNames(
    const std::vector<std::string>& unit_ids) {
  std::map<std::string, std::string> names;
  for (const std::string& unit : unit_ids) {
    if (unit.empty() || names.count(unit) > 0) continue;
    absl::StatusOr<std::string> name = sources_->UnitName(unit);
    // A unit the registry does not know still shows, under its id.
    if (absl::IsNotFound(name.status())) name = unit;
    if (!name.ok()) return name.status();
    names[unit] = *std::move(name);
  }
  return names;
}

// ---- Digest ----

absl::StatusOr<v1::Digest> ReportingWorkflow::PrefillDigest(
    const Caller& caller, const v1::PrefillDigestRequest& request) {
  DUBAN_ASSIGN_OR_RETURN(v1::Period period,
                         PeriodById(*periods_, request.period_id(), "period_id"));
  std::optional<v1::Digest> stored;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(stored, LoadDigest(conn, period.id(), false));
    return absl::OkStatus();
  }));
  if (stored) return *std::move(stored);

  DUBAN_ASSIGN_OR_RETURN(PeriodReports reports, ReportsOf(period));
  DUBAN_ASSIGN_OR_RETURN(auto submitted, SubmittedReports(period.id()));
  DUBAN_ASSIGN_OR_RETURN(
      std::vector<tasks::v1::Item> items,
      ItemsOpenDuring(FromProto(period.starts_after()), FromProto(period.report_cutoff())));
  DUBAN_ASSIGN_OR_RETURN(auto names, UnitNames({reports.owing.begin(), reports.owing.end()}));
  return PrefillDigestFrom(reports, submitted, items, clock_->Now(), zone_, names);
}

absl::Status ReportingWorkflow::SubmitDigest(const Caller& caller,
                                             const v1::SubmitDigestRequest& request,
                                             v1::SubmitDigestResponse* response) {
  DUBAN_RETURN_IF_ERROR(CheckSubmittedDigest(request.digest()));
  DUBAN_ASSIGN_OR_RETURN(v1::Period period,
                         PeriodById(*periods_, request.digest().period_id(), "digest.period_id"));
  return db::RunOnce(
      *pool_, absl::StrCat(kMethodPrefix, "SubmitDigest"), request.request_id(), caller.subject(),
      request, response, [&](sql::Connection& conn) -> absl::Status {
        DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Digest> existing,
                               LoadDigest(conn, period.id(), false));
        if (existing) {
          return absl::FailedPreconditionError(
              absl::StrCat("digest ", period.id(), " already submitted at ",
                           FormatLocal(FromProto(existing->submitted_at()), zone_)));
        }
        const absl::Time now = clock_->Now();
        v1::Digest digest = request.digest();
        digest.set_id(NewId("dg"));
        digest.set_state(v1::REPORT_STATE_SUBMITTED);
        *digest.mutable_submitted_at() = ToProto(now);
        digest.set_submitted_by(caller.subject());
        digest.set_late(now >= FromProto(period.digest_cutoff()));
        DUBAN_RETURN_IF_ERROR(InsertDigest(conn, digest));
        DUBAN_RETURN_IF_ERROR(Audit(conn, caller, now, "reporting.SubmitDigest", "digest",
                                    digest.id(), digest, request.request_id()));
        DUBAN_RETURN_IF_ERROR(EnqueueMet(conn, common::v1::SUBJECT_KIND_DIGEST, period.id(), now));
        *response->mutable_digest() = std::move(digest);
        return absl::OkStatus();
      });
}

// ---- Circular ----

absl::StatusOr<v1::Circular> ReportingWorkflow::Draft(const std::string& month_text) {
  DUBAN_ASSIGN_OR_RETURN(absl::CivilMonth month, ParseMonth(month_text, "month"));
  const MonthSpan span = SpanOf(month, zone_);
  const absl::Time now = clock_->Now();
  DUBAN_ASSIGN_OR_RETURN(std::vector<supervision::v1::SupervisionCase> cases,
                         sources_->CasesOpenedBefore(span.end));
  DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Period> periods, periods_->PeriodsEnding(month));
  std::vector<PeriodReports> standings;
  for (const v1::Period& period : periods) {
    DUBAN_ASSIGN_OR_RETURN(PeriodReports reports, ReportsOf(period));
    standings.push_back(std::move(reports));
  }
  DUBAN_ASSIGN_OR_RETURN(std::vector<tasks::v1::Item> items,
                         ItemsOpenDuring(span.end - absl::Microseconds(1), span.end));
  std::vector<tasks::v1::Item> overdue;
  for (tasks::v1::Item& item : items) {
    if (OverdueAt(item, span.end, zone_)) overdue.push_back(std::move(item));
  }

  std::map<std::string, tasks::v1::Item> case_items;
  for (const std::string& item_id : OverdueItemIds(cases, span.end)) {
    DUBAN_ASSIGN_OR_RETURN(case_items[item_id], sources_->Item(item_id));
  }
  std::vector<std::string> units;
  for (const auto& c : cases) {
    if (CoveredByMonth(c, span.begin, span.end)) units.push_back(c.unit_id());
  }
  for (const auto& reports : standings)
    units.insert(units.end(), reports.owing.begin(), reports.owing.end());
  for (const auto& item : overdue) {
    for (const auto& unit : UnitsOf(item)) units.push_back(unit);
  }
  DUBAN_ASSIGN_OR_RETURN(auto unit_names, UnitNames(units));

  v1::Circular circular;
  circular.set_id(CircularId(month_text));
  circular.set_month(month_text);
  circular.set_state(v1::CIRCULAR_STATE_DRAFT);
  std::vector<v1::CircularEntry> entries =
      GroupCircular(cases, span.begin, span.end, zone_, case_items, unit_names);
  AddReportsAndItems(entries, standings, now, span.end, zone_, overdue, unit_names);
  for (v1::CircularEntry& entry : entries) *circular.add_entries() = std::move(entry);
  return circular;
}

absl::StatusOr<std::optional<v1::Circular>> ReportingWorkflow::Stored(const std::string& month) {
  std::optional<v1::Circular> stored;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(stored, LoadCircular(conn, month, false));
    return absl::OkStatus();
  }));
  return stored;
}

absl::StatusOr<v1::Circular> ReportingWorkflow::DraftCircular(const Caller& caller,
                                                              const std::string& month) {
  DUBAN_RETURN_IF_ERROR(ParseMonth(month, "month").status());
  DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Circular> stored, Stored(month));
  if (stored) return VisiblePart(caller, *std::move(stored));
  DUBAN_ASSIGN_OR_RETURN(v1::Circular draft, Draft(month));
  return VisiblePart(caller, std::move(draft));
}

absl::Status ReportingWorkflow::IssueCircular(const Caller& caller,
                                              const v1::IssueCircularRequest& request,
                                              v1::IssueCircularResponse* response,
                                              const std::string& caller_token) {
  return db::RunOnce(
      *pool_, absl::StrCat(kMethodPrefix, "IssueCircular"), request.request_id(), caller.subject(),
      request, response, [&](sql::Connection& conn) -> absl::Status {
        DUBAN_RETURN_IF_ERROR(ParseMonth(request.month(), "month").status());
        DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Circular> existing,
                               LoadCircular(conn, request.month(), true));
        if (existing) {
          return absl::FailedPreconditionError(
              absl::StrCat("circular ", request.month(), " already issued"));
        }

        const absl::Time now = clock_->Now();
        DUBAN_ASSIGN_OR_RETURN(v1::Circular circular, Draft(request.month()));
        circular.set_state(v1::CIRCULAR_STATE_ISSUED);
        *circular.mutable_issued_at() = ToProto(now);
        circular.set_issued_by(caller.subject());
        DUBAN_RETURN_IF_ERROR(InsertCircular(conn, circular));
        DUBAN_RETURN_IF_ERROR(Audit(conn, caller, now, "reporting.IssueCircular", "circular",
                                    circular.id(), circular, request.request_id()));

        // Last, so that a failure here leaves nothing issued and a retry
        // records the same rungs (supervision applies the request id once).
        DUBAN_RETURN_IF_ERROR(sources_->RecordCircular(absl::StrCat(circular.id(), "/rungs"),
                                                       circular.id(), CaseIds(circular), now,
                                                       caller_token));
        *response->mutable_circular() = std::move(circular);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Circular> ReportingWorkflow::GetCircular(const Caller& caller,
                                                            const std::string& month) {
  DUBAN_RETURN_IF_ERROR(ParseMonth(month, "month").status());
  DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Circular> stored, Stored(month));
  if (!stored) return absl::NotFoundError(absl::StrCat("circular ", month, " not issued"));
  return VisiblePart(caller, *std::move(stored));
}

// ---- Analysis and scores ----

absl::StatusOr<v1::Analysis> ReportingWorkflow::ComputeFor(const std::string& month_text) {
  DUBAN_ASSIGN_OR_RETURN(absl::CivilMonth month, ParseMonth(month_text, "month"));
  const MonthSpan span = SpanOf(month, zone_);
  AnalysisInputs in;
  in.month = month_text;
  in.begin = span.begin;
  in.end = span.end;
  in.now = clock_->Now();
  in.zone = zone_;
  DUBAN_ASSIGN_OR_RETURN(in.items, ItemsOpenDuring(span.begin, span.end));
  DUBAN_ASSIGN_OR_RETURN(std::vector<v1::Period> periods, periods_->PeriodsEnding(month));
  for (const v1::Period& period : periods) {
    DUBAN_ASSIGN_OR_RETURN(PeriodReports reports, ReportsOf(period));
    in.periods.push_back(std::move(reports));
  }
  DUBAN_ASSIGN_OR_RETURN(in.leaders, sources_->Leaders());
  const absl::CivilDay first(month.year(), month.month(), 1);
  DUBAN_ASSIGN_OR_RETURN(in.events, sources_->DispatchEvents(first, absl::CivilDay(month + 1) - 1));
  DUBAN_ASSIGN_OR_RETURN(in.urging_notices, sources_->UrgingNotices(span.begin, span.end));

  std::vector<std::string> units;
  for (const auto& item : in.items) {
    for (const auto& unit : UnitsOf(item)) units.push_back(unit);
  }
  for (const auto& reports : in.periods)
    units.insert(units.end(), reports.owing.begin(), reports.owing.end());
  for (const auto& notice : in.urging_notices) units.push_back(notice.unit_id());
  DUBAN_ASSIGN_OR_RETURN(in.unit_names, UnitNames(units));
  return ComputeAnalysis(in);
}

absl::StatusOr<v1::Analysis> ReportingWorkflow::DraftAnalysis(const Caller& caller,
                                                              const std::string& month) {
  DUBAN_RETURN_IF_ERROR(MayReadAnalysis(caller));
  DUBAN_RETURN_IF_ERROR(ParseMonth(month, "month").status());
  std::optional<v1::Analysis> stored;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(stored, LoadAnalysis(conn, month, false));
    return absl::OkStatus();
  }));
  if (stored) return *std::move(stored);
  return ComputeFor(month);
}

absl::Status ReportingWorkflow::IssueAnalysis(const Caller& caller,
                                              const v1::IssueAnalysisRequest& request,
                                              v1::IssueAnalysisResponse* response) {
  DUBAN_RETURN_IF_ERROR(MayReadAnalysis(caller));
  return db::RunOnce(
      *pool_, absl::StrCat(kMethodPrefix, "IssueAnalysis"), request.request_id(), caller.subject(),
      request, response, [&](sql::Connection& conn) -> absl::Status {
        DUBAN_RETURN_IF_ERROR(ParseMonth(request.month(), "month").status());
        DUBAN_ASSIGN_OR_RETURN(std::optional<v1::Analysis> existing,
                               LoadAnalysis(conn, request.month(), true));
        if (existing) {
          return absl::FailedPreconditionError(
              absl::StrCat("analysis ", request.month(), " already issued"));
        }
        const absl::Time now = clock_->Now();
        DUBAN_ASSIGN_OR_RETURN(v1::Analysis analysis, ComputeFor(request.month()));
        analysis.set_issued(true);
        *analysis.mutable_issued_at() = ToProto(now);
        analysis.set_issued_by(caller.subject());
        DUBAN_RETURN_IF_ERROR(InsertAnalysis(conn, analysis));
        DUBAN_RETURN_IF_ERROR(Audit(conn, caller, now, "reporting.IssueAnalysis", "analysis",
                                    analysis.id(), analysis, request.request_id()));
        *response->mutable_analysis() = std::move(analysis);
        return absl::OkStatus();
      });
}

absl::StatusOr<std::vector<v1::UnitScore>> ReportingWorkflow::GetScores(
    const Caller& caller, const v1::GetScoresRequest& request) {
  if (!request.unit_id().empty()) DUBAN_RETURN_IF_ERROR(MayRead(caller, request.unit_id()));
  DUBAN_RETURN_IF_ERROR(ParseMonth(request.month(), "month").status());
  std::optional<v1::Analysis> stored;
  DUBAN_RETURN_IF_ERROR(db::WithConnection(*pool_, [&](sql::Connection& conn) -> absl::Status {
    DUBAN_ASSIGN_OR_RETURN(stored, LoadAnalysis(conn, request.month(), false));
    return absl::OkStatus();
  }));
  if (!stored) {
    DUBAN_ASSIGN_OR_RETURN(stored, ComputeFor(request.month()));
  }
  return VisibleScores(caller, *stored, request.unit_id());
}

// ---- Exports ----

absl::StatusOr<exports::ExportNames> ReportingWorkflow::NamesFor(
    const std::vector<std::string>& unit_ids) {
  exports::ExportNames names;
  names.zone = zone_;
  DUBAN_ASSIGN_OR_RETURN(names.unit_names, UnitNames(unit_ids));
  DUBAN_ASSIGN_OR_RETURN(std::vector<registry::v1::Person> leaders, sources_->Leaders());
  for (const auto& leader : leaders) names.leader_names[leader.id()] = leader.name();
  return names;
}

absl::Status ReportingWorkflow::Export(const Caller& caller, const v1::ExportRequest& request,
                                       v1::ExportResponse* response) {
  DUBAN_RETURN_IF_ERROR(exports::CheckExportRequest(request));
  std::vector<std::string> units;
  switch (request.kind()) {
    case v1::EXPORT_KIND_CIRCULAR: {
      DUBAN_ASSIGN_OR_RETURN(v1::Circular circular, DraftCircular(caller, request.month()));
      for (const auto& entry : circular.entries()) units.push_back(entry.unit_id());
      DUBAN_ASSIGN_OR_RETURN(exports::ExportNames names, NamesFor(units));
      DUBAN_ASSIGN_OR_RETURN(*response, exports::ExportCircular(request, circular, names));
      return absl::OkStatus();
    }
    case v1::EXPORT_KIND_ANALYSIS: {
      DUBAN_ASSIGN_OR_RETURN(v1::Analysis analysis, DraftAnalysis(caller, request.month()));
      for (const auto& line : analysis.units()) units.push_back(line.unit_id());
      DUBAN_ASSIGN_OR_RETURN(exports::ExportNames names, NamesFor(units));
      DUBAN_ASSIGN_OR_RETURN(*response, exports::ExportAnalysis(request, analysis, names));
      return absl::OkStatus();
    }
    default: {
      v1::GetReportRequest get;
      get.set_unit_id(request.unit_id());
      get.set_period_id(request.period_id());
      DUBAN_ASSIGN_OR_RETURN(v1::Report report, GetReport(caller, get));
      units.push_back(report.unit_id());
      for (const auto& section : report.sections()) {
        for (const auto& row : section.rows()) {
          units.insert(units.end(), row.responsible_unit_ids().begin(),
                       row.responsible_unit_ids().end());
        }
      }
      DUBAN_ASSIGN_OR_RETURN(exports::ExportNames names, NamesFor(units));
      DUBAN_ASSIGN_OR_RETURN(*response, exports::ExportReport(request, report, names));
      return absl::OkStatus();
    }
  }
}

}  // namespace duban::reporting

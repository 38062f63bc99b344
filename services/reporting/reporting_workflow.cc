#include "services/reporting/reporting_workflow.h"

#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/db/idempotency.h"
#include "common/db/statement.h"
#include "common/status.h"
#include "common/time_util.h"
#include "services/reporting/circular_draft.h"
#include "services/reporting/periods.h"

namespace duban::reporting {
namespace {

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
                                     absl::TimeZone zone, CircularSources* sources)
    : pool_(pool), clock_(clock), zone_(zone), sources_(sources) {}

absl::Status ReportingWorkflow::ListPeriods(const v1::ListPeriodsRequest& request,
                                            v1::ListPeriodsResponse* response) {
  DUBAN_ASSIGN_OR_RETURN(absl::CivilMonth month, ParseMonth(request.month(), "month"));
  for (v1::Period& period : PeriodsOf(month, zone_)) *response->add_periods() = std::move(period);
  return absl::OkStatus();
}

absl::StatusOr<v1::Circular> ReportingWorkflow::Draft(const std::string& month_text) {
  DUBAN_ASSIGN_OR_RETURN(absl::CivilMonth month, ParseMonth(month_text, "month"));
  const MonthSpan span = SpanOf(month, zone_);
  DUBAN_ASSIGN_OR_RETURN(std::vector<supervision::v1::SupervisionCase> cases,
                         sources_->CasesOpenedBefore(span.end));

  std::map<std::string, std::string> item_contents;
  for (const std::string& item_id : OverdueItemIds(cases, span.end)) {
    DUBAN_ASSIGN_OR_RETURN(item_contents[item_id], sources_->ItemContent(item_id));
  }
  std::map<std::string, std::string> unit_names;
  for (const auto& c : cases) {
    if (!CoveredByMonth(c, span.begin, span.end) || unit_names.count(c.unit_id()) > 0) continue;
    absl::StatusOr<std::string> name = sources_->UnitName(c.unit_id());
    // A unit the registry does not know still belongs in the circular, under its id.
    // TODO(#3): tasks checks unit ids against the registry, so this cannot happen.
    if (absl::IsNotFound(name.status())) name = c.unit_id();
    if (!name.ok()) return name.status();
    unit_names[c.unit_id()] = *std::move(name);
  }

  v1::Circular circular;
  circular.set_id(CircularId(month_text));
  circular.set_month(month_text);
  circular.set_state(v1::CIRCULAR_STATE_DRAFT);
  for (v1::CircularEntry& entry :
       GroupCircular(cases, span.begin, span.end, item_contents, unit_names)) {
    *circular.add_entries() = std::move(entry);
  }
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
                                              v1::IssueCircularResponse* response) {
  return db::RunOnce(
      *pool_, "/duban.reporting.v1.ReportingService/IssueCircular", request.request_id(),
      caller.subject(), request, response, [&](sql::Connection& conn) -> absl::Status {
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

        db::AuditEntry entry;
        entry.actor = caller.subject();
        entry.at = now;
        entry.action = "reporting.IssueCircular";
        entry.entity_type = "circular";
        entry.entity_id = circular.id();
        entry.after = &circular;
        entry.request_id = request.request_id();
        DUBAN_RETURN_IF_ERROR(db::WriteAudit(conn, entry));

        // Last, so that a failure here leaves nothing issued and a retry
        // records the same rungs (supervision applies the request id once).
        DUBAN_RETURN_IF_ERROR(sources_->RecordCircular(absl::StrCat(circular.id(), "/rungs"),
                                                       circular.id(), CaseIds(circular), now));
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

absl::Status ReportingWorkflow::Export(const Caller& caller, const v1::ExportRequest& request,
                                       v1::ExportResponse* response) {
  if (request.kind() != v1::EXPORT_KIND_CIRCULAR || request.format() != v1::EXPORT_FORMAT_CSV) {
    return absl::UnimplementedError(absl::StrCat("Export of ", v1::ExportKind_Name(request.kind()),
                                                 " as ", v1::ExportFormat_Name(request.format()),
                                                 ": not yet available (TODO(#5))"));
  }
  DUBAN_ASSIGN_OR_RETURN(v1::Circular circular, DraftCircular(caller, request.month()));
  response->set_content(CircularCsv(circular));
  response->set_content_type("text/csv; charset=utf-8");
  response->set_filename(absl::StrCat("circular-", request.month(), ".csv"));
  return absl::OkStatus();
}

}  // namespace duban::reporting

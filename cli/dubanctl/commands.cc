#include "cli/dubanctl/commands.h"

#include <grpcpp/create_channel.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "cli/dubanctl/clerk_commands.h"
#include "cli/dubanctl/cycle.h"
#include "cli/dubanctl/october.h"
#include "cli/dubanctl/session.h"
#include "common/status.h"
#include "common/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"

// Defined by common/runtime.cc, shared with the services.
ABSL_DECLARE_FLAG(std::string, registry_addr);
ABSL_DECLARE_FLAG(std::string, minutes_addr);
ABSL_DECLARE_FLAG(std::string, tasks_addr);
ABSL_DECLARE_FLAG(std::string, reporting_addr);
ABSL_DECLARE_FLAG(std::string, scheduler_addr);
ABSL_DECLARE_FLAG(std::string, supervision_addr);
ABSL_DECLARE_FLAG(std::string, jwt_secret_file);
ABSL_DECLARE_FLAG(std::string, jwt_audience);
ABSL_DECLARE_FLAG(std::string, test_clock_file);
ABSL_DECLARE_FLAG(std::string, time_zone);

namespace duban::client {
namespace {

namespace registry = duban::registry::v1;
namespace reporting = duban::reporting::v1;

// The flag's value, or else the environment's DUBAN_<NAME>, or else `fallback`.
std::string Setting(const absl::Flag<std::string>& flag, const char* env,
                    const std::string& fallback = "") {
  std::string value = absl::GetFlag(flag);
  if (!value.empty()) return value;
  const char* from_env = std::getenv(env);
  return from_env != nullptr && *from_env != '\0' ? from_env : fallback;
}

absl::StatusOr<SessionOptions> OptionsFromFlags(const CommandFlags& flags) {
  if (flags.timeout <= absl::ZeroDuration()) return InvalidField("timeout", "must be positive");
  SessionOptions options;
  options.call_timeout = flags.timeout;
  options.endpoints.addresses = {
      {"registry", Setting(FLAGS_registry_addr, "DUBAN_REGISTRY_ADDR")},
      {"minutes", Setting(FLAGS_minutes_addr, "DUBAN_MINUTES_ADDR")},
      {"tasks", Setting(FLAGS_tasks_addr, "DUBAN_TASKS_ADDR")},
      {"reporting", Setting(FLAGS_reporting_addr, "DUBAN_REPORTING_ADDR")},
      {"scheduler", Setting(FLAGS_scheduler_addr, "DUBAN_SCHEDULER_ADDR")},
      {"supervision", Setting(FLAGS_supervision_addr, "DUBAN_SUPERVISION_ADDR")}};
  std::string secret_file =
      Setting(FLAGS_jwt_secret_file, "DUBAN_JWT_SECRET_FILE", "var/secrets/jwt.secret");
  DUBAN_ASSIGN_OR_RETURN(std::string secret, ReadFile(secret_file));
  options.jwt_secret = std::string(absl::StripTrailingAsciiWhitespace(secret));
  options.audience = Setting(FLAGS_jwt_audience, "DUBAN_JWT_AUDIENCE", "duban");
  options.test_clock_file = Setting(FLAGS_test_clock_file, "DUBAN_TEST_CLOCK_FILE");
  options.time_zone = Setting(FLAGS_time_zone, "DUBAN_TIME_ZONE", "Asia/Shanghai");
  return options;
}

template <typename Stub, typename Request, typename Response>
absl::Status Call(const Session& s, Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const std::string& token, const Request& request, Response* response) {
  auto context = s.CallContext(token);
  return s.CallStatus(s.ServiceOf(&stub), (stub.*method)(context.get(), request, response));
}

absl::Status Health(Session& s, const CommandFlags& flags, std::ostream& out) {
  const std::vector<std::string>& names = ServiceNames();
  if (!flags.service.empty() &&
      std::find(names.begin(), names.end(), flags.service) == names.end()) {
    return InvalidField("service",
                        absl::StrCat("no service named '", flags.service, "'; the services are ",
                                     absl::StrJoin(names, ", ")));
  }
  bool all_serving = true;
  for (const std::string& name : ServiceNames()) {
    if (!flags.service.empty() && name != flags.service) continue;
    auto stub = grpc::health::v1::Health::NewStub(s.clients().channel(name));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    auto context = Context("", absl::Seconds(2), /*wait_for_ready=*/false);
    grpc::Status status = stub->Check(context.get(), request, &response);
    bool serving = status.ok() && response.status() == response.SERVING;
    all_serving = all_serving && serving;
    out << name << " " << s.options().endpoints.Address(name) << " "
        << (status.ok()
                ? grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status())
                : "UNREACHABLE: " + status.error_message())
        << "\n";
  }
  return all_serving ? absl::OkStatus() : absl::UnavailableError("not every service is SERVING");
}

absl::Status Token(Session& s, const std::vector<std::string>& args, std::ostream& out) {
  if (args.size() != 2) return absl::InvalidArgumentError("usage: dubanctl token SUBJECT_OR_NAME");
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(args[1]));
  out << token << "\n";
  return absl::OkStatus();
}

absl::Status ImportMatters(Session& s, const std::vector<std::string>& args,
                           const CommandFlags& flags, std::ostream& out, std::ostream& err) {
  if (args.size() != 2) return absl::InvalidArgumentError("usage: dubanctl import-matters FILE");
  DUBAN_ASSIGN_OR_RETURN(std::string csv, ReadFile(args[1]));
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(flags.as));
  registry::ImportMatterRegistryRequest request;
  request.set_request_id(NewRequestId());
  request.set_csv(csv);
  registry::ImportMatterRegistryResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s, s.clients().registry(),
                             &registry::RegistryService::Stub::ImportMatterRegistry, token, request,
                             &response));
  out << DescribeMatterImport(response) << "\n";
  out.flush();
  err << NewLeaderWarning(response);
  return absl::OkStatus();
}

absl::Status ImportLiaisons(Session& s, const std::vector<std::string>& args,
                            const CommandFlags& flags, std::ostream& out) {
  if (args.size() != 2) return absl::InvalidArgumentError("usage: dubanctl import-liaisons FILE");
  DUBAN_ASSIGN_OR_RETURN(std::string csv, ReadFile(args[1]));
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(flags.as));
  registry::ImportLiaisonsRequest request;
  request.set_request_id(NewRequestId());
  request.set_csv(csv);
  request.set_reason(flags.reason);
  registry::ImportLiaisonsResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s, s.clients().registry(),
                             &registry::RegistryService::Stub::ImportLiaisons, token, request,
                             &response));
  out << response.assigned() << " liaisons assigned, " << response.unchanged() << " unchanged\n";
  return absl::OkStatus();
}

absl::Status ImportCalendar(Session& s, const std::vector<std::string>& args,
                            const CommandFlags& flags, std::ostream& out) {
  if (args.size() != 2) return absl::InvalidArgumentError("usage: dubanctl import-calendar FILE");
  DUBAN_ASSIGN_OR_RETURN(std::string csv, ReadFile(args[1]));
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(flags.as));
  registry::ImportWorkCalendarRequest request;
  request.set_request_id(NewRequestId());
  request.set_csv(csv);
  registry::ImportWorkCalendarResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s, s.clients().registry(),
                             &registry::RegistryService::Stub::ImportWorkCalendar, token, request,
                             &response));
  out << response.days() << " calendar days imported\n";
  return absl::OkStatus();
}

absl::Status ListRegistry(Session& s, const std::string& what, const CommandFlags& flags,
                          std::ostream& out) {
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(flags.as));
  if (what == "units") {
    registry::ListUnitsRequest request;
    request.set_page_size(500);
    registry::ListUnitsResponse response;
    DUBAN_RETURN_IF_ERROR(Call(s, s.clients().registry(),
                               &registry::RegistryService::Stub::ListUnits, token, request,
                               &response));
    for (const auto& unit : response.units()) out << unit.id() << "  " << unit.name() << "\n";
  } else if (what == "people") {
    registry::ListPeopleRequest request;
    request.set_page_size(500);
    registry::ListPeopleResponse response;
    DUBAN_RETURN_IF_ERROR(Call(s, s.clients().registry(),
                               &registry::RegistryService::Stub::ListPeople, token, request,
                               &response));
    for (const auto& person : response.people()) {
      std::vector<std::string> roles;
      for (const auto& role : person.roles()) {
        roles.push_back(absl::StrCat(registry::RoleKind_Name(role.kind()),
                                     role.unit_id().empty() ? "" : ":" + role.unit_id()));
      }
      out << person.id() << "  " << person.name() << "  " << absl::StrJoin(roles, ",") << "\n";
    }
  } else {
    registry::ListMattersRequest request;
    request.set_page_size(500);
    registry::ListMattersResponse response;
    DUBAN_RETURN_IF_ERROR(Call(s, s.clients().registry(),
                               &registry::RegistryService::Stub::ListMatters, token, request,
                               &response));
    for (const auto& matter : response.matters()) {
      out << matter.number() << "  " << matter.leader_name() << "  "
          << (matter.all_units() ? "区直各相关部门" : absl::StrJoin(matter.lead_unit_ids(), ","))
          << "  " << matter.content().substr(0, 60) << "\n";
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> ParseInstant(const std::string& text, absl::TimeZone zone) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return t;
  absl::CivilSecond local;
  if (absl::ParseCivilTime(text, &local)) return FromLocal(local, zone);
  absl::CivilMinute minute;
  if (absl::ParseCivilTime(text, &minute)) return FromLocal(absl::CivilSecond(minute), zone);
  return absl::InvalidArgumentError(
      absl::StrCat("time: '", text, "' is neither RFC 3339 nor a local YYYY-MM-DDTHH:MM[:SS]"));
}

absl::Status Clock(Session& s, const std::vector<std::string>& args, std::ostream& out) {
  std::string sub = args.size() > 1 ? args[1] : "now";
  absl::StatusOr<SettleReport> report;
  if (sub == "now") {
    DUBAN_ASSIGN_OR_RETURN(absl::Time now, s.Now());
    out << FormatLocal(now, s.zone()) << "\n";
    return absl::OkStatus();
  } else if (sub == "settle") {
    DUBAN_ASSIGN_OR_RETURN(absl::Time now, s.Now());
    report = s.AdvanceTo(now);
  } else if (sub == "advance-to" && args.size() == 3) {
    DUBAN_ASSIGN_OR_RETURN(absl::Time to, ParseInstant(args[2], s.zone()));
    report = s.AdvanceTo(to);
  } else if (sub == "advance" && args.size() == 3) {
    absl::Duration d;
    if (!absl::ParseDuration(args[2], &d) || d < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("duration: '", args[2], "' is not a duration such as 36h or 90m"));
    }
    DUBAN_ASSIGN_OR_RETURN(absl::Time now, s.Now());
    report = s.AdvanceTo(now + d);
  } else {
    return absl::InvalidArgumentError(
        "usage: dubanctl clock now | settle | advance-to TIME | advance DURATION");
  }
  if (!report.ok()) {
    // Settling stopped part-way; the clock may have moved all the same.
    absl::StatusOr<absl::Time> now = s.Now();
    return absl::Status(report.status().code(),
                        absl::StrCat(report.status().message(), "; the clock is now at ",
                                     now.ok() ? FormatLocal(*now, s.zone()) : "(unknown)"));
  }
  return ReportSettle(*report, s.zone(), out);
}

absl::Status Cycle(Session& s, const CommandFlags& flags, std::ostream& out) {
  CycleInputs inputs;
  DUBAN_ASSIGN_OR_RETURN(inputs.matters_csv, ReadFile(flags.matters));
  DUBAN_ASSIGN_OR_RETURN(inputs.liaisons_csv, ReadFile(flags.liaisons));
  return RunThinCycle(s, inputs, out).status();
}

absl::Status October(Session& s, const CommandFlags& flags, std::ostream& out) {
  OctoberInputs inputs;
  DUBAN_ASSIGN_OR_RETURN(inputs.matters_csv, ReadFile(flags.matters));
  DUBAN_ASSIGN_OR_RETURN(inputs.liaisons_csv, ReadFile(flags.liaisons));
  DUBAN_ASSIGN_OR_RETURN(inputs.calendar_csv, ReadFile(flags.calendar));
  inputs.export_dir = flags.out_dir;
  DUBAN_ASSIGN_OR_RETURN(OctoberResult result, RunOctober(s, inputs, out));
  if (result.export_failures.empty()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(result.export_failures.size(),
                                             " export(s) refused by reporting (listed above)"));
}

absl::Status Circular(Session& s, const CommandFlags& flags, std::ostream& out) {
  if (flags.month.empty()) return absl::InvalidArgumentError("month: required, as YYYY-MM");
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(flags.as));
  duban::reporting::v1::GetCircularRequest request;
  request.set_month(flags.month);
  duban::reporting::v1::GetCircularResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s, s.clients().reporting(),
                             &duban::reporting::v1::ReportingService::Stub::GetCircular, token,
                             request, &response));
  PrintCircular(
      response.circular(),
      [&s](const std::string& unit_id) { return s.UnitName(unit_id).value_or(unit_id); }, s.zone(),
      out);
  return absl::OkStatus();
}

absl::StatusOr<reporting::ExportKind> ExportKindOf(const std::string& kind) {
  if (kind == "form3") return reporting::EXPORT_KIND_FORM3;
  if (kind == "form4") return reporting::EXPORT_KIND_FORM4;
  if (kind == "circular") return reporting::EXPORT_KIND_CIRCULAR;
  if (kind == "analysis") return reporting::EXPORT_KIND_ANALYSIS;
  return InvalidField("kind", absl::StrCat("'", kind, "': form3, form4, circular or analysis"));
}

absl::StatusOr<reporting::ExportFormat> ExportFormatOf(const std::string& format) {
  if (format == "xlsx") return reporting::EXPORT_FORMAT_XLSX;
  if (format == "csv") return reporting::EXPORT_FORMAT_CSV;
  if (format == "json") return reporting::EXPORT_FORMAT_JSON;
  return InvalidField("format", absl::StrCat("'", format, "': xlsx, csv or json"));
}

// The request for `dubanctl export KIND`: a form names its period and unit, the circular and
// the analysis their month.
absl::StatusOr<reporting::ExportRequest> ExportRequestOf(Session& s, const std::string& kind,
                                                         const CommandFlags& flags) {
  reporting::ExportRequest request;
  DUBAN_ASSIGN_OR_RETURN(reporting::ExportKind export_kind, ExportKindOf(kind));
  request.set_kind(export_kind);
  DUBAN_ASSIGN_OR_RETURN(reporting::ExportFormat format, ExportFormatOf(flags.format));
  request.set_format(format);
  if (export_kind == reporting::EXPORT_KIND_FORM3 || export_kind == reporting::EXPORT_KIND_FORM4) {
    if (flags.period.empty()) return InvalidField("period", "required for a form, as 2026-10-2");
    if (flags.unit.empty()) return InvalidField("unit", "required for a form");
    request.set_period_id(flags.period);
    DUBAN_ASSIGN_OR_RETURN(*request.mutable_unit_id(), s.ExistingUnitId(flags.unit));
    return request;
  }
  if (flags.month.empty()) return InvalidField("month", "required, as YYYY-MM");
  request.set_month(flags.month);
  return request;
}

absl::Status Export(Session& s, const std::vector<std::string>& args, const CommandFlags& flags,
                    std::ostream& out) {
  if (args.size() != 2) {
    return absl::InvalidArgumentError(
        "usage: dubanctl export form3|form4|circular|analysis [--month=YYYY-MM] "
        "[--period=YYYY-MM-N --unit=UNIT] [--format=xlsx|csv|json] [--out_dir=D]");
  }
  DUBAN_ASSIGN_OR_RETURN(reporting::ExportRequest request, ExportRequestOf(s, args[1], flags));
  DUBAN_ASSIGN_OR_RETURN(std::string token, s.TokenAs(flags.as));
  reporting::ExportResponse response;
  DUBAN_RETURN_IF_ERROR(Call(s, s.clients().reporting(), &reporting::ReportingService::Stub::Export,
                             token, request, &response));
  const std::string fallback =
      absl::StrCat(args[1], "-", request.month().empty() ? request.period_id() : request.month(),
                   ".", flags.format);
  DUBAN_ASSIGN_OR_RETURN(
      std::string path,
      WriteExportFile(flags.out_dir.empty() ? "." : flags.out_dir, response, fallback));
  out << path << "\n";
  return absl::OkStatus();
}

// "2026-10-23" for a date, "2026-10-28 18:00" local for an instant.
std::string DeadlineText(const duban::common::v1::Deadline& deadline, absl::TimeZone zone) {
  if (deadline.has_date()) {
    const auto& d = deadline.date();
    return FormatDay(absl::CivilDay(d.year(), d.month(), d.day()));
  }
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProto(deadline.instant()), zone);
}

}  // namespace

std::string OverdueDeadlineText(const reporting::CircularEntry& entry, int i, absl::TimeZone zone) {
  if (i >= entry.overdue_items_size() || i >= entry.overdue_item_ids_size() ||
      entry.overdue_items(i).item_id() != entry.overdue_item_ids(i)) {
    return "";
  }
  const reporting::OverdueItem& item = entry.overdue_items(i);
  if (!item.has_deadline()) return "";
  std::string text = absl::StrCat("due ", DeadlineText(item.deadline(), zone));
  if (item.has_original_deadline()) {
    absl::StrAppend(&text, ", originally ", DeadlineText(item.original_deadline(), zone));
  }
  absl::StrAppend(&text, ", ", item.days_overdue(), item.days_overdue() == 1 ? " day" : " days",
                  " overdue at month end");
  return text;
}

void PrintCircular(const duban::reporting::v1::Circular& circular,
                   const std::function<std::string(const std::string&)>& unit_name,
                   absl::TimeZone zone, std::ostream& out) {
  out << "circular " << circular.month() << " ("
      << absl::StripPrefix(duban::reporting::v1::CircularState_Name(circular.state()),
                           "CIRCULAR_STATE_")
      << "), " << circular.entries_size() << " units named\n";
  for (const auto& entry : circular.entries()) {
    out << "  " << (entry.unit_name().empty() ? unit_name(entry.unit_id()) : entry.unit_name())
        << " (" << entry.unit_id() << ")\n";
    for (const std::string& period : entry.late_period_ids()) {
      out << "    late report     " << period << "\n";
    }
    for (const std::string& period : entry.missing_period_ids()) {
      out << "    missing report  " << period << "\n";
    }
    for (int i = 0; i < entry.overdue_item_ids_size(); ++i) {
      const std::string due = OverdueDeadlineText(entry, i, zone);
      out << "    overdue item    " << entry.overdue_item_ids(i) << "  "
          << (i < entry.overdue_item_contents_size() ? entry.overdue_item_contents(i) : "")
          << (due.empty() ? "" : "  (" + due + ")") << "\n";
    }
    for (int i = 0; i < entry.case_ids_size(); ++i) {
      out << "    case            " << entry.case_ids(i) << "  "
          << (i < entry.case_labels_size() ? entry.case_labels(i) : "") << "\n";
    }
  }
}

std::string DescribeMatterImport(const registry::ImportMatterRegistryResponse& response) {
  const registry::RegistryVersion& version = response.version();
  std::string line =
      response.changed()
          ? absl::StrCat("imported as version ", version.version(), ": ", version.matters_added(),
                         " matters added, ", version.matters_changed(), " changed, ",
                         version.matters_retired(), " retired; ")
          : absl::StrCat("unchanged; current version ", version.version(), ": ");
  absl::StrAppend(&line, "the file states ", response.matters(), " matters, ", response.units(),
                  " units, ", response.leaders(), " leaders, ", response.supervising_leaders(),
                  " supervising office leaders, ", response.office_liaisons(), " office liaisons");
  if (response.changed() && version.matters_retired() > 0) {
    absl::StrAppend(&line, "\nnote: ", version.matters_retired(),
                    " matters of the previous version are not in the file and were retired");
  }
  return line;
}

std::string NewLeaderWarning(const registry::ImportMatterRegistryResponse& response) {
  if (response.new_leaders().empty()) return "";
  const int count = response.new_leaders_size();
  std::string warning = absl::StrCat("WARNING: this import made ", count,
                                     count == 1 ? " new district leader" : " new district leaders",
                                     "; a misspelt name becomes a new leader, so check ",
                                     count == 1 ? "it" : "each", ":\n");
  for (const registry::NewLeader& leader : response.new_leaders()) {
    absl::StrAppend(&warning, "  new leader ", leader.name(), " (line ", leader.line(), "): ",
                    leader.created() ? "not in the registry before this import"
                                     : "in the registry before this import, but not as a "
                                       "district leader",
                    "\n");
  }
  return warning;
}

absl::Status ReportSettle(const SettleReport& report, absl::TimeZone zone, std::ostream& out) {
  out << FormatLocal(report.now, zone) << "  (" << report.rounds << " settle rounds, "
      << report.work_done << " units of work";
  if (report.pending > 0) out << ", pending: " << report.pending_detail;
  out << ")\n";
  if (report.pending == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the clock has moved to ", FormatLocal(report.now, zone), " but ", report.pending,
      " unit(s) of work are still pending or a service could not be settled: ",
      report.pending_detail));
}

int RunCommand(const std::vector<std::string>& args, const CommandFlags& flags, std::ostream& out,
               std::ostream& err) {
  absl::StatusOr<SessionOptions> options = OptionsFromFlags(flags);
  if (!options.ok()) {
    err << "dubanctl: " << Describe(options.status()) << "\n";
    return 1;
  }
  absl::StatusOr<Session> session = Session::Open(*std::move(options));
  if (!session.ok()) {
    err << "dubanctl: " << Describe(session.status()) << "\n";
    return 1;
  }
  const std::string& command = args[0];
  Session& s = *session;
  const std::map<std::string, std::function<absl::Status()>> commands = {
      {"health", [&] { return Health(s, flags, out); }},
      {"token", [&] { return Token(s, args, out); }},
      {"import-matters", [&] { return ImportMatters(s, args, flags, out, err); }},
      {"import-liaisons", [&] { return ImportLiaisons(s, args, flags, out); }},
      {"import-calendar", [&] { return ImportCalendar(s, args, flags, out); }},
      {"units", [&] { return ListRegistry(s, "units", flags, out); }},
      {"people", [&] { return ListRegistry(s, "people", flags, out); }},
      {"matters", [&] { return ListRegistry(s, "matters", flags, out); }},
      {"clock", [&] { return Clock(s, args, out); }},
      {"cycle", [&] { return Cycle(s, flags, out); }},
      {"october", [&] { return October(s, flags, out); }},
      {"circular", [&] { return Circular(s, flags, out); }},
      {"export", [&] { return Export(s, args, flags, out); }},
  };
  auto it = commands.find(command);
  if (auto clerk = ClerkCommands().find(command);
      it == commands.end() && clerk != ClerkCommands().end()) {
    absl::Status status = clerk->second(s, args, flags.as, out);
    if (!status.ok()) {
      err << "dubanctl " << command << ": " << Describe(status) << "\n";
      return absl::IsInvalidArgument(status) && absl::StartsWith(status.message(), "usage:") ? 2
                                                                                             : 1;
    }
    return 0;
  }
  if (it == commands.end()) {
    err << "dubanctl: unknown command '" << command << "'\n";
    return 2;
  }
  absl::Status status = it->second();
  if (!status.ok()) {
    err << "dubanctl " << command << ": " << Describe(status) << "\n";
    return 1;
  }
  return 0;
}

}  // namespace duban::client

#include "cli/dubanctl/session.h"

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/status.h"
#include "common/time_util.h"

namespace duban::client {

absl::StatusOr<Session> Session::Open(SessionOptions options) {
  Session session;
  DUBAN_ASSIGN_OR_RETURN(session.zone_, LoadZone(options.time_zone));
  session.clients_ = std::make_shared<Clients>(options.endpoints);
  session.minter_ = std::make_shared<TokenMinter>(options.jwt_secret, options.audience);
  session.options_ = std::move(options);
  return session;
}

absl::StatusOr<std::string> Session::AdminToken() { return minter_->For(options_.admin_subject); }

absl::StatusOr<std::string> Session::PersonId(const std::string& name) {
  if (auto it = person_ids_.find(name); it != person_ids_.end()) return it->second;
  DUBAN_ASSIGN_OR_RETURN(std::string admin, AdminToken());
  duban::registry::v1::ListPeopleRequest request;
  request.set_name_contains(name);
  request.set_page_size(100);
  duban::registry::v1::ListPeopleResponse response;
  auto context = CallContext(admin);
  DUBAN_RETURN_IF_ERROR(
      CallStatus("registry", clients_->registry().ListPeople(context.get(), request, &response)));
  for (const auto& person : response.people()) {
    if (person.name() == name) return person_ids_[name] = person.id();
  }
  return absl::NotFoundError(absl::StrCat("person: no one named ", name, " in the registry"));
}

absl::StatusOr<std::string> Session::TokenAs(const std::string& name_or_id) {
  if (name_or_id == options_.admin_subject) return AdminToken();
  absl::StatusOr<std::string> id = PersonId(name_or_id);
  if (id.ok()) return minter_->For(*id);
  if (!absl::IsNotFound(id.status())) return id.status();
  // Not a name: it must be a person's id.
  if (!known_people_.contains(name_or_id)) {
    DUBAN_ASSIGN_OR_RETURN(std::string admin, AdminToken());
    duban::registry::v1::GetPersonRequest request;
    request.set_person_id(name_or_id);
    duban::registry::v1::GetPersonResponse response;
    auto context = CallContext(admin);
    absl::Status found =
        CallStatus("registry", clients_->registry().GetPerson(context.get(), request, &response));
    if (!found.ok() && !absl::IsNotFound(found)) return found;
    known_people_[name_or_id] = found.ok();
  }
  if (!known_people_[name_or_id]) {
    return absl::NotFoundError(
        absl::StrCat("person: no one named or with id '", name_or_id, "' in the registry"));
  }
  return minter_->For(name_or_id);
}

absl::StatusOr<std::string> Session::UnitId(const std::string& name) {
  if (auto it = unit_ids_.find(name); it != unit_ids_.end()) return it->second;
  DUBAN_ASSIGN_OR_RETURN(std::string admin, AdminToken());
  duban::registry::v1::ListUnitsRequest request;
  request.set_name_contains(name);
  request.set_page_size(100);
  duban::registry::v1::ListUnitsResponse response;
  auto context = CallContext(admin);
  DUBAN_RETURN_IF_ERROR(
      CallStatus("registry", clients_->registry().ListUnits(context.get(), request, &response)));
  for (const auto& unit : response.units()) {
    unit_names_[unit.id()] = unit.name();
    if (unit.name() == name) return unit_ids_[name] = unit.id();
  }
  return absl::NotFoundError(absl::StrCat("unit: no unit named ", name, " in the registry"));
}

absl::StatusOr<std::string> Session::UnitName(const std::string& unit_id) {
  if (auto it = unit_names_.find(unit_id); it != unit_names_.end()) return it->second;
  DUBAN_ASSIGN_OR_RETURN(std::string admin, AdminToken());
  duban::registry::v1::GetUnitRequest request;
  request.set_unit_id(unit_id);
  duban::registry::v1::GetUnitResponse response;
  auto context = CallContext(admin);
  DUBAN_RETURN_IF_ERROR(
      CallStatus("registry", clients_->registry().GetUnit(context.get(), request, &response)));
  return unit_names_[unit_id] = response.unit().name();
}

absl::StatusOr<std::string> Session::ExistingUnitId(const std::string& name_or_id) {
  absl::StatusOr<std::string> id = UnitId(name_or_id);
  if (!absl::IsNotFound(id.status())) return id;
  absl::StatusOr<std::string> name = UnitName(name_or_id);
  if (absl::IsNotFound(name.status())) {
    return absl::NotFoundError(
        absl::StrCat("unit: no unit named or with id '", name_or_id, "' in the registry"));
  }
  if (!name.ok()) return name.status();
  return name_or_id;
}

std::unique_ptr<grpc::ClientContext> Session::CallContext(const std::string& token) const {
  return Context(token, options_.call_timeout);
}

absl::Status Session::CallStatus(const std::string& service, const grpc::Status& status) const {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
      status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
    return FromGrpc(status);
  }
  const std::string what =
      status.error_code() == grpc::StatusCode::UNAVAILABLE
          ? "unreachable"
          : absl::StrCat("no answer within ", absl::FormatDuration(options_.call_timeout));
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(service, " at ", options_.endpoints.Address(service), ": ", what,
                                   " (", status.error_message(), ")"));
}

std::string Session::ServiceOf(const void* stub) const {
  if (stub == &clients_->registry()) return "registry";
  if (stub == &clients_->minutes()) return "minutes";
  if (stub == &clients_->tasks()) return "tasks";
  if (stub == &clients_->reporting()) return "reporting";
  if (stub == &clients_->scheduler()) return "scheduler";
  if (stub == &clients_->supervision()) return "supervision";
  return "";
}

absl::StatusOr<SettleReport> Session::AdvanceTo(absl::Time t) {
  if (options_.test_clock_file.empty()) {
    return absl::FailedPreconditionError(
        "test_clock_file: the services must run on the shared test clock to move time");
  }
  DUBAN_ASSIGN_OR_RETURN(std::string admin, AdminToken());
  return AdvanceAndSettle(options_.test_clock_file, t, *clients_, admin);
}

absl::StatusOr<absl::Time> Session::Now() const {
  if (options_.test_clock_file.empty()) return SystemClock::Get()->Now();
  DUBAN_ASSIGN_OR_RETURN(auto clock,
                         SharedTestClock::Open(options_.test_clock_file, absl::UnixEpoch()));
  return clock->Now();
}

std::string Describe(const absl::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
}

}  // namespace duban::client

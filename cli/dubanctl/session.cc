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
  auto context = Context(admin);
  DUBAN_RETURN_IF_ERROR(
      FromGrpc(clients_->registry().ListPeople(context.get(), request, &response)));
  for (const auto& person : response.people()) {
    if (person.name() == name) return person_ids_[name] = person.id();
  }
  return absl::NotFoundError(absl::StrCat("person: no one named ", name, " in the registry"));
}

absl::StatusOr<std::string> Session::TokenAs(const std::string& name_or_id) {
  if (name_or_id == options_.admin_subject) return AdminToken();
  absl::StatusOr<std::string> id = PersonId(name_or_id);
  if (absl::IsNotFound(id.status())) return minter_->For(name_or_id);
  if (!id.ok()) return id.status();
  return minter_->For(*id);
}

absl::StatusOr<std::string> Session::UnitId(const std::string& name) {
  if (auto it = unit_ids_.find(name); it != unit_ids_.end()) return it->second;
  DUBAN_ASSIGN_OR_RETURN(std::string admin, AdminToken());
  duban::registry::v1::ListUnitsRequest request;
  request.set_name_contains(name);
  request.set_page_size(100);
  duban::registry::v1::ListUnitsResponse response;
  auto context = Context(admin);
  DUBAN_RETURN_IF_ERROR(
      FromGrpc(clients_->registry().ListUnits(context.get(), request, &response)));
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
  auto context = Context(admin);
  DUBAN_RETURN_IF_ERROR(FromGrpc(clients_->registry().GetUnit(context.get(), request, &response)));
  return unit_names_[unit_id] = response.unit().name();
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

#include "services/scheduler/registry_names.h"

#include <grpcpp/client_context.h>

#include "common/clock.h"
#include "common/status.h"

namespace duban::scheduler {
namespace {

namespace rv1 = registry::v1;

// Network timeouts run on real time, whatever the test clock says.
constexpr absl::Duration kCallTimeout = absl::Seconds(5);
constexpr int kPageSize = 100;

class GrpcRegistryDirectory final : public RegistryDirectory {
 public:
  explicit GrpcRegistryDirectory(std::shared_ptr<rv1::RegistryService::StubInterface> stub)
      : stub_(std::move(stub)) {}

  absl::StatusOr<std::vector<Named>> DistrictLeaders() override {
    std::vector<Named> leaders;
    rv1::ListPeopleRequest request;
    request.set_role(rv1::ROLE_KIND_DISTRICT_LEADER);
    request.set_page_size(kPageSize);
    do {
      rv1::ListPeopleResponse page;
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
      DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->ListPeople(&context, request, &page)));
      for (const rv1::Person& person : page.people()) {
        leaders.push_back({person.id(), person.name()});
      }
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return leaders;
  }

  absl::StatusOr<std::vector<Named>> Units() override {
    std::vector<Named> units;
    rv1::ListUnitsRequest request;
    request.set_page_size(kPageSize);
    do {
      rv1::ListUnitsResponse page;
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(SystemClock::Get()->Now() + kCallTimeout));
      DUBAN_RETURN_IF_ERROR(FromGrpc(stub_->ListUnits(&context, request, &page)));
      for (const rv1::Unit& unit : page.units()) units.push_back({unit.id(), unit.name()});
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return units;
  }

 private:
  std::shared_ptr<rv1::RegistryService::StubInterface> stub_;
};

std::string NameOr(const std::map<std::string, std::string>& names, const std::string& id) {
  const auto found = names.find(id);
  return found == names.end() || found->second.empty() ? id : found->second;
}

}  // namespace

std::unique_ptr<RegistryDirectory> NewGrpcRegistryDirectory(
    std::shared_ptr<registry::v1::RegistryService::StubInterface> stub) {
  return std::make_unique<GrpcRegistryDirectory>(std::move(stub));
}

absl::Status RegistryNames::Refresh() {
  DUBAN_ASSIGN_OR_RETURN(std::vector<Named> leaders, directory_->DistrictLeaders());
  DUBAN_ASSIGN_OR_RETURN(std::vector<Named> units, directory_->Units());
  std::vector<std::string> leader_ids;
  std::map<std::string, std::string> leader_names;
  std::map<std::string, std::string> unit_names;
  for (Named& leader : leaders) {
    leader_ids.push_back(leader.id);
    leader_names[leader.id] = std::move(leader.name);
  }
  for (Named& unit : units) unit_names[unit.id] = std::move(unit.name);
  absl::MutexLock lock(&mu_);
  loaded_ = true;
  leader_ids_ = std::move(leader_ids);
  leader_names_ = std::move(leader_names);
  unit_names_ = std::move(unit_names);
  return absl::OkStatus();
}

bool RegistryNames::loaded() const {
  absl::MutexLock lock(&mu_);
  return loaded_;
}

std::vector<std::string> RegistryNames::DistrictLeaders() const {
  absl::MutexLock lock(&mu_);
  return leader_ids_;
}

std::string RegistryNames::UnitName(const std::string& unit_id) const {
  absl::MutexLock lock(&mu_);
  return NameOr(unit_names_, unit_id);
}

std::string RegistryNames::LeaderName(const std::string& person_id) const {
  absl::MutexLock lock(&mu_);
  return NameOr(leader_names_, person_id);
}

}  // namespace duban::scheduler

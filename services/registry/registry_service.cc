#include "services/registry/registry_service.h"

#include <utility>

#include "common/status.h"
#include "services/registry/registry_policies.h"

namespace duban::registry {
namespace {

// Authorizes the call for `method`, runs `handle(caller)` and converts its result.
template <typename Response, typename Handler>
grpc::Status Serve(const Authorizer& authorizer, grpc::ServerContext& context, const char* method,
                   Response* response, Handler handle) {
  return authorizer.Run(context, method, [&](const Caller& caller) -> absl::Status {
    absl::StatusOr<Response> result = handle(caller);
    if (!result.ok()) return result.status();
    *response = *std::move(result);
    return absl::OkStatus();
  });
}

}  // namespace

grpc::Status RegistryServiceImpl::CreateUnit(grpc::ServerContext* context,
                                             const v1::CreateUnitRequest* request,
                                             v1::CreateUnitResponse* response) {
  return Serve(*authorizer_, *context, kCreateUnit, response,
               [&](const Caller& caller) { return registry_->CreateUnit(caller, *request); });
}

grpc::Status RegistryServiceImpl::GetUnit(grpc::ServerContext* context,
                                          const v1::GetUnitRequest* request,
                                          v1::GetUnitResponse* response) {
  return Serve(*authorizer_, *context, kGetUnit, response,
               [&](const Caller&) { return registry_->GetUnit(*request); });
}

grpc::Status RegistryServiceImpl::ListUnits(grpc::ServerContext* context,
                                            const v1::ListUnitsRequest* request,
                                            v1::ListUnitsResponse* response) {
  return Serve(*authorizer_, *context, kListUnits, response,
               [&](const Caller&) { return registry_->ListUnits(*request); });
}

grpc::Status RegistryServiceImpl::CreatePerson(grpc::ServerContext* context,
                                               const v1::CreatePersonRequest* request,
                                               v1::CreatePersonResponse* response) {
  return Serve(*authorizer_, *context, kCreatePerson, response,
               [&](const Caller& caller) { return registry_->CreatePerson(caller, *request); });
}

grpc::Status RegistryServiceImpl::GetPerson(grpc::ServerContext* context,
                                            const v1::GetPersonRequest* request,
                                            v1::GetPersonResponse* response) {
  return Serve(*authorizer_, *context, kGetPerson, response,
               [&](const Caller&) { return registry_->GetPerson(*request); });
}

grpc::Status RegistryServiceImpl::ListPeople(grpc::ServerContext* context,
                                             const v1::ListPeopleRequest* request,
                                             v1::ListPeopleResponse* response) {
  return Serve(*authorizer_, *context, kListPeople, response,
               [&](const Caller&) { return registry_->ListPeople(*request); });
}

grpc::Status RegistryServiceImpl::GrantRole(grpc::ServerContext* context,
                                            const v1::GrantRoleRequest* request,
                                            v1::GrantRoleResponse* response) {
  return Serve(*authorizer_, *context, kGrantRole, response,
               [&](const Caller& caller) { return registry_->GrantRole(caller, *request); });
}

grpc::Status RegistryServiceImpl::RevokeRole(grpc::ServerContext* context,
                                             const v1::RevokeRoleRequest* request,
                                             v1::RevokeRoleResponse* response) {
  return Serve(*authorizer_, *context, kRevokeRole, response,
               [&](const Caller& caller) { return registry_->RevokeRole(caller, *request); });
}

grpc::Status RegistryServiceImpl::ResolvePrincipal(grpc::ServerContext* context,
                                                   const v1::ResolvePrincipalRequest* request,
                                                   v1::ResolvePrincipalResponse* response) {
  return Serve(*authorizer_, *context, kResolvePrincipal, response,
               [&](const Caller& caller) { return registry_->ResolvePrincipal(caller, *request); });
}

grpc::Status RegistryServiceImpl::AssignLiaison(grpc::ServerContext* context,
                                                const v1::AssignLiaisonRequest* request,
                                                v1::AssignLiaisonResponse* response) {
  return Serve(*authorizer_, *context, kAssignLiaison, response,
               [&](const Caller& caller) { return registry_->AssignLiaison(caller, *request); });
}

grpc::Status RegistryServiceImpl::GetLiaison(grpc::ServerContext* context,
                                             const v1::GetLiaisonRequest* request,
                                             v1::GetLiaisonResponse* response) {
  return Serve(*authorizer_, *context, kGetLiaison, response,
               [&](const Caller&) { return registry_->GetLiaison(*request); });
}

grpc::Status RegistryServiceImpl::ListLiaisonTerms(grpc::ServerContext* context,
                                                   const v1::ListLiaisonTermsRequest* request,
                                                   v1::ListLiaisonTermsResponse* response) {
  return Serve(*authorizer_, *context, kListLiaisonTerms, response,
               [&](const Caller&) { return registry_->ListLiaisonTerms(*request); });
}

grpc::Status RegistryServiceImpl::ImportLiaisons(grpc::ServerContext* context,
                                                 const v1::ImportLiaisonsRequest* request,
                                                 v1::ImportLiaisonsResponse* response) {
  return Serve(*authorizer_, *context, kImportLiaisons, response,
               [&](const Caller& caller) { return registry_->ImportLiaisons(caller, *request); });
}

grpc::Status RegistryServiceImpl::ImportMatterRegistry(
    grpc::ServerContext* context, const v1::ImportMatterRegistryRequest* request,
    v1::ImportMatterRegistryResponse* response) {
  return Serve(*authorizer_, *context, kImportMatterRegistry, response, [&](const Caller& caller) {
    return registry_->ImportMatterRegistry(caller, *request);
  });
}

grpc::Status RegistryServiceImpl::GetMatter(grpc::ServerContext* context,
                                            const v1::GetMatterRequest* request,
                                            v1::GetMatterResponse* response) {
  return Serve(*authorizer_, *context, kGetMatter, response,
               [&](const Caller&) { return registry_->GetMatter(*request); });
}

grpc::Status RegistryServiceImpl::ListMatters(grpc::ServerContext* context,
                                              const v1::ListMattersRequest* request,
                                              v1::ListMattersResponse* response) {
  return Serve(*authorizer_, *context, kListMatters, response,
               [&](const Caller&) { return registry_->ListMatters(*request); });
}

grpc::Status RegistryServiceImpl::ListRegistryVersions(
    grpc::ServerContext* context, const v1::ListRegistryVersionsRequest* request,
    v1::ListRegistryVersionsResponse* response) {
  return Serve(*authorizer_, *context, kListRegistryVersions, response,
               [&](const Caller&) { return registry_->ListRegistryVersions(*request); });
}

grpc::Status RegistryServiceImpl::ImportWorkCalendar(grpc::ServerContext* context,
                                                     const v1::ImportWorkCalendarRequest* request,
                                                     v1::ImportWorkCalendarResponse* response) {
  return Serve(*authorizer_, *context, kImportWorkCalendar, response, [&](const Caller& caller) {
    return registry_->ImportWorkCalendar(caller, *request);
  });
}

grpc::Status RegistryServiceImpl::ListCalendarDays(grpc::ServerContext* context,
                                                   const v1::ListCalendarDaysRequest* request,
                                                   v1::ListCalendarDaysResponse* response) {
  return Serve(*authorizer_, *context, kListCalendarDays, response,
               [&](const Caller&) { return registry_->ListCalendarDays(*request); });
}

grpc::Status RegistryServiceImpl::IsWorkingDay(grpc::ServerContext* context,
                                               const v1::IsWorkingDayRequest* request,
                                               v1::IsWorkingDayResponse* response) {
  return Serve(*authorizer_, *context, kIsWorkingDay, response,
               [&](const Caller&) { return registry_->IsWorkingDay(*request); });
}

grpc::Status RegistryServiceImpl::AddWorkingDays(grpc::ServerContext* context,
                                                 const v1::AddWorkingDaysRequest* request,
                                                 v1::AddWorkingDaysResponse* response) {
  return Serve(*authorizer_, *context, kAddWorkingDays, response,
               [&](const Caller&) { return registry_->AddWorkingDays(*request); });
}

grpc::Status RegistryServiceImpl::ListAuditRecords(grpc::ServerContext* context,
                                                   const v1::ListAuditRecordsRequest* request,
                                                   v1::ListAuditRecordsResponse* response) {
  return Serve(*authorizer_, *context, kListAuditRecords, response,
               [&](const Caller&) { return registry_->ListAuditRecords(*request); });
}

}  // namespace duban::registry

// The gRPC face of the registry: authorizes each call, then hands it to the
// domain (registry.h) and converts its status. Thread-safe.
#ifndef DUBAN_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define DUBAN_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "common/auth.h"
#include "duban/registry/v1/registry.grpc.pb.h"
#include "services/registry/registry.h"

namespace duban::registry {

class RegistryServiceImpl final : public v1::RegistryService::Service {
 public:
  // Owns neither argument; both must outlive the service.
  RegistryServiceImpl(Registry* registry, const Authorizer* authorizer)
      : registry_(registry), authorizer_(authorizer) {}

  grpc::Status CreateUnit(grpc::ServerContext* context, const v1::CreateUnitRequest* request,
                          v1::CreateUnitResponse* response) override;
  grpc::Status GetUnit(grpc::ServerContext* context, const v1::GetUnitRequest* request,
                       v1::GetUnitResponse* response) override;
  grpc::Status ListUnits(grpc::ServerContext* context, const v1::ListUnitsRequest* request,
                         v1::ListUnitsResponse* response) override;
  grpc::Status CreatePerson(grpc::ServerContext* context, const v1::CreatePersonRequest* request,
                            v1::CreatePersonResponse* response) override;
  grpc::Status GetPerson(grpc::ServerContext* context, const v1::GetPersonRequest* request,
                         v1::GetPersonResponse* response) override;
  grpc::Status ListPeople(grpc::ServerContext* context, const v1::ListPeopleRequest* request,
                          v1::ListPeopleResponse* response) override;
  grpc::Status GrantRole(grpc::ServerContext* context, const v1::GrantRoleRequest* request,
                         v1::GrantRoleResponse* response) override;
  grpc::Status RevokeRole(grpc::ServerContext* context, const v1::RevokeRoleRequest* request,
                          v1::RevokeRoleResponse* response) override;
  grpc::Status ResolvePrincipal(grpc::ServerContext* context,
                                const v1::ResolvePrincipalRequest* request,
                                v1::ResolvePrincipalResponse* response) override;
  grpc::Status AssignLiaison(grpc::ServerContext* context, const v1::AssignLiaisonRequest* request,
                             v1::AssignLiaisonResponse* response) override;
  grpc::Status GetLiaison(grpc::ServerContext* context, const v1::GetLiaisonRequest* request,
                          v1::GetLiaisonResponse* response) override;
  grpc::Status ListLiaisonTerms(grpc::ServerContext* context,
                                const v1::ListLiaisonTermsRequest* request,
                                v1::ListLiaisonTermsResponse* response) override;
  grpc::Status ImportLiaisons(grpc::ServerContext* context,
                              const v1::ImportLiaisonsRequest* request,
                              v1::ImportLiaisonsResponse* response) override;
  grpc::Status ImportMatterRegistry(grpc::ServerContext* context,
                                    const v1::ImportMatterRegistryRequest* request,
                                    v1::ImportMatterRegistryResponse* response) override;
  grpc::Status GetMatter(grpc::ServerContext* context, const v1::GetMatterRequest* request,
                         v1::GetMatterResponse* response) override;
  grpc::Status ListMatters(grpc::ServerContext* context, const v1::ListMattersRequest* request,
                           v1::ListMattersResponse* response) override;
  grpc::Status ListRegistryVersions(grpc::ServerContext* context,
                                    const v1::ListRegistryVersionsRequest* request,
                                    v1::ListRegistryVersionsResponse* response) override;
  grpc::Status ImportWorkCalendar(grpc::ServerContext* context,
                                  const v1::ImportWorkCalendarRequest* request,
                                  v1::ImportWorkCalendarResponse* response) override;
  grpc::Status ListCalendarDays(grpc::ServerContext* context,
                                const v1::ListCalendarDaysRequest* request,
                                v1::ListCalendarDaysResponse* response) override;
  grpc::Status IsWorkingDay(grpc::ServerContext* context, const v1::IsWorkingDayRequest* request,
                            v1::IsWorkingDayResponse* response) override;
  grpc::Status AddWorkingDays(grpc::ServerContext* context,
                              const v1::AddWorkingDaysRequest* request,
                              v1::AddWorkingDaysResponse* response) override;
  grpc::Status ListAuditRecords(grpc::ServerContext* context,
                                const v1::ListAuditRecordsRequest* request,
                                v1::ListAuditRecordsResponse* response) override;

 private:
  Registry* registry_;
  const Authorizer* authorizer_;
};

}  // namespace duban::registry

#endif  // DUBAN_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

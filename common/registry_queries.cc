#include "common/registry_queries.h"

#include <utility>

#include "common/status.h"

namespace duban {

namespace rv1 = registry::v1;

absl::StatusOr<rv1::ListMattersResponse> ListAllMatters(rv1::RegistryService::StubInterface& stub,
                                                        rv1::ListMattersRequest request,
                                                        const PrepareRegistryCall& prepare) {
  rv1::ListMattersResponse all;
  request.clear_page_token();
  if (request.page_size() == 0) request.set_page_size(100);
  do {
    rv1::ListMattersResponse page;
    grpc::ClientContext context;
    prepare(context);
    DUBAN_RETURN_IF_ERROR(FromGrpc(stub.ListMatters(&context, request, &page)));
    for (rv1::Matter& matter : *page.mutable_matters()) *all.add_matters() = std::move(matter);
    all.set_version(page.version());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return all;
}

absl::StatusOr<std::vector<std::string>> MattersSupervisedBy(
    rv1::RegistryService::StubInterface& stub, const std::string& person_id,
    const PrepareRegistryCall& prepare) {
  rv1::ListMattersRequest request;
  request.set_include_retired(true);
  DUBAN_ASSIGN_OR_RETURN(rv1::ListMattersResponse all, ListAllMatters(stub, request, prepare));
  std::vector<std::string> ids;
  for (const rv1::Matter& matter : all.matters()) {
    if (matter.supervising_leader_id() == person_id) ids.push_back(matter.id());
  }
  return ids;
}

absl::StatusOr<rv1::Unit> GetRegistryUnit(rv1::RegistryService::StubInterface& stub,
                                          const std::string& unit_id,
                                          const PrepareRegistryCall& prepare) {
  rv1::GetUnitRequest request;
  request.set_unit_id(unit_id);
  rv1::GetUnitResponse response;
  grpc::ClientContext context;
  prepare(context);
  DUBAN_RETURN_IF_ERROR(FromGrpc(stub.GetUnit(&context, request, &response)));
  return response.unit();
}

}  // namespace duban

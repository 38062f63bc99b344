// Queries on the registry service that several services ask the same way:
// every page of a matter listing, the matters an office leader supervises,
// and a unit by id. Each call is prepared (deadline, credentials) by the
// caller's own function, so every service keeps its own identity and timeouts.
#ifndef DUBAN_COMMON_REGISTRY_QUERIES_H_
#define DUBAN_COMMON_REGISTRY_QUERIES_H_

#include <grpcpp/client_context.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "duban/registry/v1/registry.grpc.pb.h"

namespace duban {

// Sets up one call's context (its deadline, its bearer token) before it is sent.
using PrepareRegistryCall = std::function<void(grpc::ClientContext&)>;

// Every matter `request` selects, over all pages (the request's own page
// token is ignored), with the registry version of the last page. Errors of
// the registry come back as they are (UNAVAILABLE when it is down).
// Thread-safe when `stub` and `prepare` are.
absl::StatusOr<registry::v1::ListMattersResponse> ListAllMatters(
    registry::v1::RegistryService::StubInterface& stub, registry::v1::ListMattersRequest request,
    const PrepareRegistryCall& prepare);

// The ids of the matters, current or retired, whose supervising office leader
// is `person_id` in the current registry version. Errors as ListAllMatters.
absl::StatusOr<std::vector<std::string>> MattersSupervisedBy(
    registry::v1::RegistryService::StubInterface& stub, const std::string& person_id,
    const PrepareRegistryCall& prepare);

// The unit `unit_id`. Errors of the registry come back as they are
// (NOT_FOUND for an unknown id).
absl::StatusOr<registry::v1::Unit> GetRegistryUnit(
    registry::v1::RegistryService::StubInterface& stub, const std::string& unit_id,
    const PrepareRegistryCall& prepare);

}  // namespace duban

#endif  // DUBAN_COMMON_REGISTRY_QUERIES_H_

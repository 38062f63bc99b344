#include "services/supervision/supervision_policies.h"

namespace duban::supervision {

std::map<std::string, MethodPolicy> SupervisionPolicies() {
  using registry::v1::ROLE_KIND_ADMIN;
  using registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER;
  const std::string prefix = "/duban.supervision.v1.SupervisionService/";
  const MethodPolicy readers{.roles = {}, .services = true, .any_person = true};
  const MethodPolicy group{.roles = {ROLE_KIND_SUPERVISION_GROUP_MEMBER}};

  return {
      {prefix + "GetCase", readers},
      {prefix + "ListCases", readers},
      {prefix + "ListNotices", readers},
      {prefix + "SplitReferredItem", group},
      {prefix + "RecordCircular", group},
      {prefix + "GetFigures", readers},
      {prefix + "Watch", readers},
      {prefix + "ListAuditRecords",
       {.roles = {ROLE_KIND_ADMIN, ROLE_KIND_SUPERVISION_GROUP_MEMBER}}},
      // Only other services deliver events.
      {"/duban.events.v1.EventSinkService/Deliver", {.roles = {}, .services = true}},
  };
}

}  // namespace duban::supervision

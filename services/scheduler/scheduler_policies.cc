#include "services/scheduler/scheduler_policies.h"

namespace duban::scheduler {
namespace {

using duban::registry::v1::ROLE_KIND_ADMIN;
using duban::registry::v1::ROLE_KIND_OFFICE_LIAISON;
using duban::registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER;
using duban::registry::v1::ROLE_KIND_UNIT_LIAISON;

MethodPolicy Readers() {
  return {.roles = {ROLE_KIND_ADMIN, ROLE_KIND_OFFICE_LIAISON, ROLE_KIND_SUPERVISION_GROUP_MEMBER,
                    ROLE_KIND_UNIT_LIAISON},
          .services = true};
}

}  // namespace

std::map<std::string, MethodPolicy> SchedulerPolicies() {
  const std::string service = "/duban.scheduler.v1.SchedulerService/";
  return {
      {service + "GetDeadline", Readers()},
      {service + "ListDeadlines", Readers()},
      {service + "ExplainDeadline", Readers()},
      {service + "ListRungFirings", Readers()},
      {service + "ListAuditRecords",
       {.roles = {ROLE_KIND_ADMIN, ROLE_KIND_SUPERVISION_GROUP_MEMBER}, .services = true}},
      {"/duban.events.v1.EventSinkService/Deliver", {.roles = {}, .services = true}},
  };
}

}  // namespace duban::scheduler

#include "services/tasks/tasks_policies.h"

namespace duban::tasks {
namespace {

using duban::registry::v1::ROLE_KIND_ADMIN;
using duban::registry::v1::ROLE_KIND_OFFICE_LIAISON;
using duban::registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER;
using duban::registry::v1::ROLE_KIND_UNIT_LIAISON;

// Reads: every person; the domain narrows a unit liaison or a leader to what
// concerns them.
MethodPolicy Readers() { return {.roles = {}, .services = true, .any_person = true}; }

// Changes made by a unit for an item of its own (checked per item).
MethodPolicy UnitLiaisons() { return {.roles = {ROLE_KIND_UNIT_LIAISON}, .services = false}; }

}  // namespace

std::map<std::string, MethodPolicy> TasksPolicies() {
  const std::string service = "/duban.tasks.v1.TasksService/";
  return {
      {service + "GetItem", Readers()},
      {service + "ListItems", Readers()},
      {service + "CountItems", Readers()},
      {service + "CreateItem",
       {.roles = {ROLE_KIND_ADMIN, ROLE_KIND_OFFICE_LIAISON, ROLE_KIND_UNIT_LIAISON,
                  ROLE_KIND_SUPERVISION_GROUP_MEMBER},
        .services = true}},
      {service + "AcceptItem", UnitLiaisons()},
      {service + "AddProgressNote", UnitLiaisons()},
      {service + "SetPlannedCompletionDate", UnitLiaisons()},
      {service + "ReportComplete", UnitLiaisons()},
      {service + "CloseOut", UnitLiaisons()},
      {service + "ReturnForRework", UnitLiaisons()},
      {service + "RequestExtension", UnitLiaisons()},
      {service + "DecideExtension", UnitLiaisons()},
      {service + "ReferItem", UnitLiaisons()},
      {service + "SplitItem", {.roles = {ROLE_KIND_SUPERVISION_GROUP_MEMBER}, .services = true}},
      {service + "ListAuditRecords",
       {.roles = {ROLE_KIND_ADMIN, ROLE_KIND_SUPERVISION_GROUP_MEMBER}, .services = true}},
      {"/duban.events.v1.EventSinkService/Deliver", {.roles = {}, .services = true}},
  };
}

}  // namespace duban::tasks

#include "services/minutes/minutes_policies.h"

namespace duban::minutes {

std::map<std::string, MethodPolicy> MinutesPolicies() {
  using registry::v1::ROLE_KIND_ADMIN;
  using registry::v1::ROLE_KIND_DISTRICT_LEADER;
  using registry::v1::ROLE_KIND_OFFICE_LIAISON;
  using registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER;
  using registry::v1::ROLE_KIND_UNIT_LIAISON;
  const std::string prefix = "/duban.minutes.v1.MinutesService/";
  const MethodPolicy readers{.roles = {}, .services = true, .any_person = true};

  return {
      {prefix + "RecordDispatchEvent", {.roles = {ROLE_KIND_OFFICE_LIAISON, ROLE_KIND_ADMIN}}},
      {prefix + "GetDispatchEvent", readers},
      {prefix + "ListDispatchEvents", readers},
      {prefix + "SaveDraft", {.roles = {ROLE_KIND_UNIT_LIAISON, ROLE_KIND_ADMIN}}},
      {prefix + "RouteForCountersign", {.roles = {ROLE_KIND_UNIT_LIAISON, ROLE_KIND_ADMIN}}},
      {prefix + "Countersign", {.roles = {ROLE_KIND_UNIT_LIAISON, ROLE_KIND_ADMIN}}},
      {prefix + "ReturnDraft",
       {.roles = {ROLE_KIND_UNIT_LIAISON, ROLE_KIND_DISTRICT_LEADER, ROLE_KIND_ADMIN}}},
      {prefix + "SignOffAndIssue", {.roles = {ROLE_KIND_DISTRICT_LEADER, ROLE_KIND_ADMIN}}},
      {prefix + "GetDocument", readers},
      {prefix + "ListDocuments", readers},
      {prefix + "ListAuditRecords",
       {.roles = {ROLE_KIND_ADMIN, ROLE_KIND_SUPERVISION_GROUP_MEMBER}}},
      // Moves of draft deadlines from the scheduler.
      {"/duban.events.v1.EventSinkService/Deliver", {.roles = {}, .services = true}},
  };
}

}  // namespace duban::minutes

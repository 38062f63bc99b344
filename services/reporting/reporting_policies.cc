#include "services/reporting/reporting_policies.h"

namespace duban::reporting {

std::map<std::string, MethodPolicy> ReportingPolicies() {
  using registry::v1::ROLE_KIND_ADMIN;
  using registry::v1::ROLE_KIND_OFFICE_LIAISON;
  using registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER;
  using registry::v1::ROLE_KIND_UNIT_LIAISON;
  const std::string prefix = "/duban.reporting.v1.ReportingService/";
  const MethodPolicy readers{.roles = {}, .services = true, .any_person = true};
  const MethodPolicy group{.roles = {ROLE_KIND_SUPERVISION_GROUP_MEMBER}};

  return {
      {prefix + "ListPeriods", readers},
      {prefix + "PrefillReport", {.roles = {ROLE_KIND_UNIT_LIAISON, ROLE_KIND_OFFICE_LIAISON}}},
      {prefix + "SubmitReport", {.roles = {ROLE_KIND_UNIT_LIAISON}}},
      {prefix + "GetReport", readers},
      {prefix + "ListReports", readers},
      {prefix + "PrefillDigest", {.roles = {ROLE_KIND_OFFICE_LIAISON}}},
      {prefix + "SubmitDigest", {.roles = {ROLE_KIND_OFFICE_LIAISON}}},
      {prefix + "DraftCircular", readers},
      {prefix + "IssueCircular", group},
      {prefix + "GetCircular", readers},
      // The analysis is district-wide: the domain refuses it (and its export) to anyone who
      // does not read everything; unit liaisons read their units' scores through GetScores.
      {prefix + "DraftAnalysis", group},
      {prefix + "IssueAnalysis", group},
      {prefix + "GetScores", readers},
      {prefix + "Export", readers},
      {prefix + "ListAuditRecords",
       {.roles = {ROLE_KIND_ADMIN, ROLE_KIND_SUPERVISION_GROUP_MEMBER}}},
  };
}

}  // namespace duban::reporting

#include "services/registry/registry_policies.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "duban/registry/v1/registry.pb.h"

namespace duban::registry {
namespace {

using ::testing::ElementsAre;

TEST(RegistryPoliciesTest, EveryMethodHasAPolicyAndNoOtherIsDeclared) {
  const auto* service = v1::Unit::descriptor()->file()->FindServiceByName("RegistryService");
  ASSERT_NE(service, nullptr);
  const std::map<std::string, MethodPolicy> policies = RegistryPolicies();
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string name = "/" + service->full_name() + "/" + service->method(i)->name();
    EXPECT_TRUE(policies.contains(name)) << name;
  }
  EXPECT_EQ(policies.size(), static_cast<size_t>(service->method_count()));
}

TEST(RegistryPoliciesTest, ChangesAreForAdminsOnly) {
  const auto policies = RegistryPolicies();
  for (const char* method : {kCreateUnit, kImportMatterRegistry, kAssignLiaison, kGrantRole}) {
    const MethodPolicy& policy = policies.at(method);
    EXPECT_FALSE(policy.any_person) << method;
    EXPECT_THAT(policy.roles, ElementsAre(v1::ROLE_KIND_ADMIN)) << method;
  }
}

TEST(RegistryPoliciesTest, ReadsAreForRoleHoldersAndAuditForAdminsAndSupervision) {
  const auto policies = RegistryPolicies();
  EXPECT_FALSE(policies.at(kListMatters).any_person);
  EXPECT_EQ(policies.at(kListMatters).roles.size(), 6u);
  EXPECT_TRUE(policies.at(kResolvePrincipal).any_person);
  EXPECT_TRUE(policies.at(kResolvePrincipal).without_role);
  EXPECT_FALSE(policies.at(kListAuditRecords).any_person);
  EXPECT_THAT(policies.at(kListAuditRecords).roles,
              ElementsAre(v1::ROLE_KIND_ADMIN, v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER));
}

}  // namespace
}  // namespace duban::registry

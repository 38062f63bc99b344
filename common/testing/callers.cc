#include "common/testing/callers.h"

namespace duban::testing {

Caller ServiceCaller(const std::string& subject) {
  registry::v1::Principal principal;
  principal.set_subject(subject);
  principal.set_is_service(true);
  return Caller(principal);
}

Caller UnitLiaisonCaller(const std::string& unit_id, const std::string& person_id) {
  registry::v1::Principal principal;
  principal.set_subject(person_id);
  principal.set_person_id(person_id);
  registry::v1::Role* role = principal.add_roles();
  role->set_kind(registry::v1::ROLE_KIND_UNIT_LIAISON);
  role->set_unit_id(unit_id);
  return Caller(principal);
}

}  // namespace duban::testing

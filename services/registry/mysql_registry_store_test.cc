// The registry against a real MariaDB (DUBAN_TEST_DB_SOCKET): imports,
// versions, liaison rules and the calendar, through the domain class.
#include "services/registry/mysql_registry_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"
#include "common/validation.h"
#include "services/registry/registry.h"
#include "services/registry/test_files.h"

namespace duban::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

Caller Admin() {
  v1::Principal principal;
  principal.set_subject("admin-1");
  principal.add_roles()->set_kind(v1::ROLE_KIND_ADMIN);
  return Caller(principal);
}

class RegistryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::CreateMigrated("registry", Migrations());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    store_ = std::make_unique<MySqlRegistryStore>(&db_->pool());
    registry_ = std::make_unique<Registry>(store_.get(), &clock_);
  }

  absl::StatusOr<v1::ImportMatterRegistryResponse> ImportMatters(const std::string& csv) {
    v1::ImportMatterRegistryRequest request;
    request.set_request_id("import-" + std::to_string(++requests_));
    request.set_csv(csv);
    return registry_->ImportMatterRegistry(Admin(), request);
  }

  absl::StatusOr<v1::ImportLiaisonsResponse> ImportLiaisons(const std::string& csv,
                                                            const std::string& reason = "") {
    v1::ImportLiaisonsRequest request;
    request.set_request_id("liaisons-" + std::to_string(++requests_));
    request.set_csv(csv);
    request.set_reason(reason);
    return registry_->ImportLiaisons(Admin(), request);
  }

  std::string UnitId(const std::string& name) {
    v1::ListUnitsRequest request;
    request.set_name_contains(name);
    auto units = registry_->ListUnits(request);
    EXPECT_TRUE(units.ok()) << units.status();
    for (const v1::Unit& unit : units->units()) {
      if (unit.name() == name) return unit.id();
    }
    ADD_FAILURE() << "no unit " << name;
    return "";
  }

  // The id of the one person of that name.
  std::string PersonId(const std::string& name) {
    v1::ListPeopleRequest request;
    request.set_name_contains(name);
    auto people = registry_->ListPeople(request);
    EXPECT_TRUE(people.ok()) << people.status();
    std::vector<std::string> ids;
    for (const v1::Person& person : people->people()) {
      if (person.name() == name) ids.push_back(person.id());
    }
    EXPECT_EQ(ids.size(), 1u) << name;
    return ids.empty() ? "" : ids.front();
  }

  std::vector<std::string> UnitNames(const v1::Matter& matter) {
    std::vector<std::string> names;
    for (const std::string& id : matter.lead_unit_ids()) {
      v1::GetUnitRequest request;
      request.set_unit_id(id);
      names.push_back(registry_->GetUnit(request)->unit().name());
    }
    return names;
  }

  std::vector<v1::Matter> Matters(v1::ListMattersRequest request = {}) {
    auto matters = registry_->ListMatters(request);
    EXPECT_TRUE(matters.ok()) << matters.status();
    return {matters->matters().begin(), matters->matters().end()};
  }

  int VersionCount() {
    auto versions = registry_->ListRegistryVersions({});
    EXPECT_TRUE(versions.ok()) << versions.status();
    return versions->versions_size();
  }

  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone())};
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<MySqlRegistryStore> store_;
  std::unique_ptr<Registry> registry_;
  int requests_ = 0;
};

TEST_F(RegistryStoreTest, SampleImportCountsMattersUnitsAndPeople) {
  auto imported = ImportMatters(Example("dispatch_matters.csv"));
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_TRUE(imported->changed());
  EXPECT_EQ(imported->version().version(), 1);
  EXPECT_EQ(imported->version().matters_added(), 8);
  EXPECT_EQ(imported->matters(), 8);
  EXPECT_EQ(imported->units(), 24);
  EXPECT_EQ(imported->leaders(), 8);
  EXPECT_EQ(imported->supervising_leaders(), 4);
  EXPECT_EQ(imported->office_liaisons(), 8);

  std::vector<v1::Matter> matters = Matters();
  ASSERT_EQ(matters.size(), 8u);
  EXPECT_TRUE(matters[0].all_units());
  EXPECT_EQ(matters[0].office_liaison_ids_size(), 2);
  EXPECT_EQ(matters[7].leader_name(), "郑十");
  EXPECT_THAT(UnitNames(matters[7]), ElementsAre("科技局", "民政局"));
  EXPECT_THAT(UnitNames(matters[6]),
              ElementsAre("政府办（效能办）", "工信局（数字办）", "商务局", "高新公司"));
}

TEST_F(RegistryStoreTest, FirstImportListsEveryLeaderAsNewWithTheLineNamingThemFirst) {
  auto imported = ImportMatters(Example("dispatch_matters.csv"));
  ASSERT_TRUE(imported.ok()) << imported.status();
  std::vector<std::string> leaders;
  for (const v1::NewLeader& leader : imported->new_leaders()) {
    EXPECT_TRUE(leader.created()) << leader.name();
    EXPECT_EQ(leader.person_id(), PersonId(leader.name()));
    leaders.push_back(absl::StrCat(leader.name(), "@", leader.line()));
  }
  EXPECT_THAT(leaders, ElementsAre("张三@2", "李四@4", "王五@10", "赵六@13", "孙七@16", "周八@22",
                                   "吴九@24", "郑十@28"));
}

TEST_F(RegistryStoreTest, AMisspeltLeaderIsImportedAndListedAsANewLeaderByNameAndLine) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  clock_.Advance(absl::Hours(24));
  std::string misspelt = Example("dispatch_matters.csv");
  misspelt.replace(misspelt.find("3,王五,"), std::string("3,王五,").size(), "3,王伍,");
  // Row 6 names 沈三, an office liaison, as its leader.
  misspelt.replace(misspelt.find("6,周八,"), std::string("6,周八,").size(), "6,沈三,");

  auto second = ImportMatters(misspelt);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->new_leaders_size(), 2);
  const v1::NewLeader& created = second->new_leaders(0);
  EXPECT_EQ(created.name(), "王伍");
  EXPECT_EQ(created.line(), 10);
  EXPECT_TRUE(created.created());
  EXPECT_EQ(created.person_id(), PersonId("王伍"));
  const v1::NewLeader& granted = second->new_leaders(1);
  EXPECT_EQ(granted.name(), "沈三");
  EXPECT_EQ(granted.line(), 22);
  EXPECT_FALSE(granted.created());
  EXPECT_EQ(granted.person_id(), PersonId("沈三"));
  // Imported all the same: the misspelt leader's row is a new matter, the old one retired.
  EXPECT_EQ(second->version().matters_added(), 2);
  EXPECT_EQ(second->version().matters_retired(), 2);
  EXPECT_EQ(second->leaders(), 8);

  // Once imported, the name is a leader's: importing the file again lists nobody.
  auto again = ImportMatters(misspelt);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->changed());
  EXPECT_EQ(again->new_leaders_size(), 0);
}

TEST_F(RegistryStoreTest, DryRunReportsAndWritesNothing) {
  v1::ImportMatterRegistryRequest request;
  request.set_csv(Example("dispatch_matters.csv"));
  request.set_dry_run(true);
  auto dry = registry_->ImportMatterRegistry(Admin(), request);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_TRUE(dry->changed());
  EXPECT_EQ(dry->version().version(), 1);
  EXPECT_EQ(dry->units(), 24);
  EXPECT_EQ(VersionCount(), 0);
  EXPECT_EQ(registry_->ListUnits({})->units_size(), 0);
  EXPECT_EQ(registry_->ListAuditRecords({})->records_size(), 0);
}

TEST_F(RegistryStoreTest, ImportingTheSameFileTwiceMakesOneVersion) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  clock_.Advance(absl::Hours(1));
  auto again = ImportMatters(TestData("dispatch_matters_bom.csv"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->changed());
  EXPECT_EQ(again->version().version(), 1);
  EXPECT_EQ(again->units(), 24);
  EXPECT_EQ(VersionCount(), 1);
  v1::ListPeopleRequest people;
  people.set_page_size(100);
  EXPECT_EQ(registry_->ListPeople(people)->people_size(), 20);
}

TEST_F(RegistryStoreTest, MalformedImportsChangeNothing) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  auto before = registry_->ListAuditRecords({});
  ASSERT_TRUE(before.ok()) << before.status();

  auto gbk = ImportMatters(TestData("dispatch_matters_gbk.csv"));
  EXPECT_EQ(gbk.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(gbk.status().message()), HasSubstr("GBK"));
  auto unclosed = ImportMatters(TestData("dispatch_matters_unclosed_quote.csv"));
  EXPECT_THAT(std::string(unclosed.status().message()), HasSubstr("line 28, column 5"));
  auto missing = ImportMatters(TestData("dispatch_matters_missing_column.csv"));
  EXPECT_EQ(missing.status().message(), "csv: line 1: missing column 牵头单位");

  EXPECT_EQ(VersionCount(), 1);
  EXPECT_EQ(registry_->ListAuditRecords({})->records_size(), before->records_size());
}

TEST_F(RegistryStoreTest, UnitIsFoundByFullNameBaseNameOrAlias) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  for (const char* name : {"政府办（效能办）", "政府办", "效能办", "政府办(效能办)"}) {
    v1::ListUnitsRequest request;
    request.set_name_contains(name);
    auto units = registry_->ListUnits(request);
    ASSERT_TRUE(units.ok()) << units.status();
    ASSERT_EQ(units->units_size(), 1) << name;
    EXPECT_EQ(units->units(0).name(), "政府办（效能办）");
    EXPECT_THAT(units->units(0).aliases(), ElementsAre("效能办"));
  }
}

TEST_F(RegistryStoreTest, ListUnitsPagesThroughAllUnits) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  v1::ListUnitsRequest request;
  request.set_page_size(10);
  std::set<std::string> seen;
  int pages = 0;
  do {
    auto page = registry_->ListUnits(request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Unit& unit : page->units()) seen.insert(unit.id());
    request.set_page_token(page->next_page_token());
    ++pages;
  } while (!request.page_token().empty());
  EXPECT_EQ(seen.size(), 24u);
  EXPECT_EQ(pages, 3);
}

TEST_F(RegistryStoreTest, ChangedImportMakesVersionTwoAndAsOfShowsTheOld) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  const absl::Time between = clock_.Now() + absl::Hours(12);
  clock_.Advance(absl::Hours(24));
  std::string changed = Example("dispatch_matters.csv");
  changed.replace(changed.find("科技局\n民政局"), std::string("科技局\n民政局").size(), "民政局");
  auto second = ImportMatters(changed);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->changed());
  EXPECT_EQ(second->version().version(), 2);
  EXPECT_EQ(second->version().matters_changed(), 1);
  EXPECT_EQ(second->version().matters_added(), 0);

  EXPECT_THAT(UnitNames(Matters()[7]), ElementsAre("民政局"));
  v1::ListMattersRequest old;
  *old.mutable_as_of() = ToProto(between);
  std::vector<v1::Matter> then = Matters(old);
  ASSERT_EQ(then.size(), 8u);
  EXPECT_THAT(UnitNames(then[7]), ElementsAre("科技局", "民政局"));
  EXPECT_EQ(then[7].id(), Matters()[7].id());
}

TEST_F(RegistryStoreTest, RowThatDisappearsRetiresItsMatter) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  std::string shorter = Example("dispatch_matters.csv");
  shorter.resize(shorter.find("8,郑"));
  auto second = ImportMatters(shorter);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->version().matters_retired(), 1);
  EXPECT_EQ(Matters().size(), 7u);
  v1::ListMattersRequest with_retired;
  with_retired.set_include_retired(true);
  std::vector<v1::Matter> all = Matters(with_retired);
  ASSERT_EQ(all.size(), 8u);
  EXPECT_TRUE(all[7].retired());
}

TEST_F(RegistryStoreTest, LiaisonImportAssignsAndLeavesTwoUnitsWithout) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  auto imported = ImportLiaisons(Example("unit_liaisons.csv"));
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->assigned(), 22);
  v1::ListUnitsRequest without;
  without.set_without_liaison(true);
  auto units = registry_->ListUnits(without);
  ASSERT_TRUE(units.ok()) << units.status();
  std::vector<std::string> names;
  for (const auto& unit : units->units()) names.push_back(unit.name());
  EXPECT_THAT(names, UnorderedElementsAre("道安办", "高新公司"));

  auto again = ImportLiaisons(Example("unit_liaisons.csv"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->assigned(), 0);
  EXPECT_EQ(again->unchanged(), 22);
}

TEST_F(RegistryStoreTest, LiaisonImportWithUnknownUnitWritesNothing) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  auto imported = ImportLiaisons("单位,联络员,联系电话\n科技局,施四,1\n不存在局,某人,2\n");
  EXPECT_EQ(imported.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(imported.status().message(), "csv: line 3: unknown unit 不存在局");
  v1::GetLiaisonRequest request;
  request.set_unit_id(UnitId("科技局"));
  EXPECT_FALSE(registry_->GetLiaison(request)->has_term());
}

TEST_F(RegistryStoreTest, ReplacingALiaisonNeedsAReasonAndKeepsHistory) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  ASSERT_TRUE(ImportLiaisons(Example("unit_liaisons.csv")).ok());
  const std::string unit = UnitId("科技局");
  v1::GetLiaisonRequest get;
  get.set_unit_id(unit);
  const v1::LiaisonTerm first = registry_->GetLiaison(get)->term();
  EXPECT_EQ(first.person_name(), "施四");
  const absl::Time before_change = clock_.Now() + absl::Minutes(1);
  clock_.Advance(absl::Hours(2));

  v1::AssignLiaisonRequest assign;
  assign.set_request_id("assign-1");
  assign.set_unit_id(unit);
  assign.set_person_name("新  人");
  assign.set_phone("0595-1");
  auto refused = registry_->AssignLiaison(Admin(), assign);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("reason: required to replace the liaison of 科技局"));

  assign.set_request_id("assign-2");
  assign.set_reason("调任");
  auto replaced = registry_->AssignLiaison(Admin(), assign);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(replaced->term().person_name(), "新人");
  EXPECT_EQ(replaced->term().changed_by(), "admin-1");

  v1::ListLiaisonTermsRequest terms;
  terms.set_unit_id(unit);
  auto history = registry_->ListLiaisonTerms(terms);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->terms_size(), 2);
  EXPECT_TRUE(history->terms(0).has_ended_at());
  EXPECT_FALSE(history->terms(1).has_ended_at());
  EXPECT_EQ(history->terms(1).reason(), "调任");

  *get.mutable_as_of() = ToProto(before_change);
  EXPECT_EQ(registry_->GetLiaison(get)->term().person_name(), "施四");

  auto old_principal = registry_->PrincipalOf(first.person_id());
  ASSERT_TRUE(old_principal.ok());
  Caller old_caller(*old_principal);
  EXPECT_FALSE(old_caller.IsLiaisonOf(unit));
  Caller new_caller(*registry_->PrincipalOf(replaced->term().person_id()));
  EXPECT_TRUE(new_caller.IsLiaisonOf(unit));
}

TEST_F(RegistryStoreTest, RetriedRequestReturnsTheFirstAnswer) {
  v1::CreateUnitRequest request;
  request.set_request_id("unit-1");
  request.set_name("测试局");
  auto first = registry_->CreateUnit(Admin(), request);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = registry_->CreateUnit(Admin(), request);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->unit().id(), first->unit().id());
  request.set_name("别的局");
  EXPECT_EQ(registry_->CreateUnit(Admin(), request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryStoreTest, UnknownSubjectResolvesWithoutRoles) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  auto nobody = registry_->PrincipalOf("nobody");
  ASSERT_TRUE(nobody.ok()) << nobody.status();
  EXPECT_EQ(nobody->roles_size(), 0);
  auto leader = registry_->PrincipalOf(Matters()[1].leader_id());
  ASSERT_TRUE(leader.ok()) << leader.status();
  EXPECT_EQ(leader->name(), "李四");
  EXPECT_TRUE(Caller(*leader).Has(v1::ROLE_KIND_DISTRICT_LEADER));
}

TEST_F(RegistryStoreTest, WorkCalendarAnswersWorkingDays) {
  v1::ImportWorkCalendarRequest request;
  request.set_request_id("calendar-1");
  request.set_csv(Example("work_calendar_2026.csv"));
  auto imported = registry_->ImportWorkCalendar(Admin(), request);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->days(), 39);

  v1::IsWorkingDayRequest saturday;
  *saturday.mutable_date() = ToProto(absl::CivilDay(2026, 10, 10));
  EXPECT_TRUE(registry_->IsWorkingDay(saturday)->working());
  v1::IsWorkingDayRequest holiday;
  *holiday.mutable_date() = ToProto(absl::CivilDay(2026, 10, 1));
  EXPECT_FALSE(registry_->IsWorkingDay(holiday)->working());

  v1::AddWorkingDaysRequest add;
  *add.mutable_date() = ToProto(absl::CivilDay(2026, 9, 30));
  add.set_days(3);
  auto added = registry_->AddWorkingDays(add);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->date().month(), 10);
  EXPECT_EQ(added->date().day(), 10);
  EXPECT_EQ(added->skipped_size(), 7);
}

TEST_F(RegistryStoreTest, OversizedNamesAndReasonsAreRefusedNamingTheFieldAndWriteNothing) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  v1::AssignLiaisonRequest assign;
  assign.set_request_id("assign-long");
  assign.set_unit_id(UnitId("科技局"));
  assign.set_person_name(std::string(300, 'x'));
  auto refused = registry_->AssignLiaison(Admin(), assign);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "person_name: at most 100 characters (got 300)");

  v1::CreatePersonRequest person;
  person.set_request_id("person-long");
  person.set_name("新人");
  person.set_phone(std::string(65, '1'));
  EXPECT_EQ(registry_->CreatePerson(Admin(), person).status().message(),
            "phone: at most 64 characters (got 65)");

  v1::CreateUnitRequest unit;
  unit.set_request_id("unit-long");
  unit.set_name(std::string(101, 'x'));
  EXPECT_EQ(registry_->CreateUnit(Admin(), unit).status().message(),
            "name: at most 100 characters (got 101)");

  auto imported =
      ImportLiaisons(absl::StrCat("单位,联络员,联系电话\n科技局,", std::string(101, 'x'), ",1\n"));
  EXPECT_EQ(imported.status().message(), "csv: line 2: name: at most 100 characters (got 101)");

  v1::GetLiaisonRequest get;
  get.set_unit_id(UnitId("科技局"));
  EXPECT_FALSE(registry_->GetLiaison(get)->has_term());
}

TEST_F(RegistryStoreTest, AReasonOfTwoThousandCharactersIsKept) {
  ASSERT_TRUE(ImportMatters(Example("dispatch_matters.csv")).ok());
  ASSERT_TRUE(ImportLiaisons(Example("unit_liaisons.csv")).ok());
  std::string reason;
  for (size_t i = 0; i < kMaxContentChars; ++i) reason += "调";
  v1::AssignLiaisonRequest assign;
  assign.set_request_id("assign-reason");
  assign.set_unit_id(UnitId("科技局"));
  assign.set_person_name("新人");
  assign.set_reason(reason);
  auto replaced = registry_->AssignLiaison(Admin(), assign);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(replaced->term().reason(), reason);

  assign.set_request_id("assign-reason-2");
  assign.set_person_name("又一人");
  assign.set_reason(reason + "调");
  EXPECT_EQ(registry_->AssignLiaison(Admin(), assign).status().message(),
            "reason: at most 2000 characters (got 2001)");
}

TEST_F(RegistryStoreTest, DatesOutsideTheSaneRangeAreRefusedNamingTheField) {
  v1::GetLiaisonRequest get;
  get.set_unit_id("u-any");
  get.mutable_as_of()->set_seconds(253402221600);
  EXPECT_EQ(registry_->GetLiaison(get).status().message(),
            "as_of: must fall in the years 2000 to 2199");

  v1::IsWorkingDayRequest day;
  *day.mutable_date() = ToProto(absl::CivilDay(9999, 12, 31));
  EXPECT_EQ(registry_->IsWorkingDay(day).status().message(),
            "date: must fall in the years 2000 to 2199 (got 9999)");
}

}  // namespace
}  // namespace duban::registry

// The circular's issue against a real MariaDB (DUBAN_TEST_DB_SOCKET), with
// fake supervision, tasks and registry.
#include "services/reporting/reporting_workflow.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/testing/callers.h"
#include "common/testing/test_db.h"
#include "common/time_util.h"
#include "services/reporting/migrations.h"

namespace duban::reporting {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kNovember =
    absl::FromCivil(absl::CivilSecond(2026, 11, 2, 2, 0, 0), absl::UTCTimeZone());

class FakeSources final : public CircularSources {
 public:
  absl::StatusOr<std::vector<supervision::v1::SupervisionCase>> CasesOpenedBefore(
      absl::Time end) override {
    supervision::v1::SupervisionCase overdue;
    overdue.set_id("case-1");
    overdue.set_unit_id("u-yj");
    overdue.mutable_subject()->set_kind(common::v1::SUBJECT_KIND_ITEM);
    overdue.mutable_subject()->set_id("doc-1-2");
    overdue.set_label("label");
    *overdue.mutable_opened_at() = ToProto(end - absl::Hours(24 * 8));
    return std::vector<supervision::v1::SupervisionCase>{overdue};
  }
  absl::StatusOr<std::string> ItemContent(const std::string& item_id) override {
    return "清理河道";
  }
  absl::StatusOr<std::string> UnitName(const std::string& unit_id) override { return "应急局"; }
  absl::Status RecordCircular(const std::string& request_id, const std::string& circular_id,
                              const std::vector<std::string>& case_ids,
                              absl::Time issued_at) override {
    recorded.push_back(absl::StrCat(request_id, " ", circular_id, " ", case_ids.at(0)));
    return absl::OkStatus();
  }
  std::vector<std::string> recorded;
};

Caller Group() {
  registry::v1::Principal principal;
  principal.set_subject("p-group");
  principal.add_roles()->set_kind(registry::v1::ROLE_KIND_SUPERVISION_GROUP_MEMBER);
  return Caller(principal);
}

Caller LiaisonOf(const std::string& unit) { return testing::UnitLiaisonCaller(unit); }

class ReportingWorkflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = testing::TestDatabase::CreateMigrated("reporting", Migrations());
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = std::move(*database);
    workflow_ = std::make_unique<ReportingWorkflow>(&database_->pool(), &clock_,
                                                    *LoadZone("Asia/Shanghai"), &sources_);
  }

  FakeClock clock_{kNovember};
  FakeSources sources_;
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<ReportingWorkflow> workflow_;
};

TEST_F(ReportingWorkflowTest, CircularIsIssuedOnceAndNamesTheOverdueItem) {
  v1::IssueCircularRequest request;
  request.set_request_id("issue-1");
  request.set_month("2026-10");
  v1::IssueCircularResponse first;
  v1::IssueCircularResponse retried;
  ASSERT_TRUE(workflow_->IssueCircular(Group(), request, &first).ok());
  ASSERT_TRUE(workflow_->IssueCircular(Group(), request, &retried).ok());
  EXPECT_EQ(first.SerializeAsString(), retried.SerializeAsString());

  const v1::Circular& circular = first.circular();
  EXPECT_EQ(circular.id(), "circular-2026-10");
  EXPECT_EQ(circular.state(), v1::CIRCULAR_STATE_ISSUED);
  EXPECT_EQ(circular.issued_by(), "p-group");
  ASSERT_EQ(circular.entries_size(), 1);
  EXPECT_EQ(circular.entries(0).unit_name(), "应急局");
  EXPECT_THAT(circular.entries(0).overdue_item_contents(), ElementsAre("清理河道"));
  EXPECT_THAT(sources_.recorded, ElementsAre("circular-2026-10/rungs circular-2026-10 case-1"));

  request.set_request_id("issue-2");
  v1::IssueCircularResponse again;
  const absl::Status status = workflow_->IssueCircular(Group(), request, &again);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "circular 2026-10 already issued");
}

TEST_F(ReportingWorkflowTest, GetAndExportTheIssuedCircular) {
  EXPECT_EQ(workflow_->GetCircular(Group(), "2026-10").status().code(),
            absl::StatusCode::kNotFound);
  v1::IssueCircularRequest request;
  request.set_request_id("issue-1");
  request.set_month("2026-10");
  v1::IssueCircularResponse issued;
  ASSERT_TRUE(workflow_->IssueCircular(Group(), request, &issued).ok());

  auto stored = workflow_->GetCircular(Group(), "2026-10");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->SerializeAsString(), issued.circular().SerializeAsString());
  auto hidden = workflow_->GetCircular(LiaisonOf("u-zj"), "2026-10");
  ASSERT_TRUE(hidden.ok());
  EXPECT_EQ(hidden->entries_size(), 0);

  v1::ExportRequest export_request;
  export_request.set_kind(v1::EXPORT_KIND_CIRCULAR);
  export_request.set_format(v1::EXPORT_FORMAT_CSV);
  export_request.set_month("2026-10");
  v1::ExportResponse exported;
  ASSERT_TRUE(workflow_->Export(Group(), export_request, &exported).ok());
  EXPECT_EQ(exported.content().substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(exported.content(), HasSubstr("应急局,逾期事项,doc-1-2,清理河道"));
  EXPECT_EQ(exported.filename(), "circular-2026-10.csv");

  export_request.set_format(v1::EXPORT_FORMAT_XLSX);
  EXPECT_EQ(workflow_->Export(Group(), export_request, &exported).code(),
            absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace duban::reporting

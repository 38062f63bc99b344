// A work calendar change under a draft deadline counted in working days, over
// the real services on the shared test clock: the scheduler moves the
// deadline, and minutes shows the instant the scheduler fires on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/str_cat.h"
#include "cli/dubanctl/cycle.h"
#include "common/status.h"
#include "common/time_util.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

namespace duban::testing {
namespace {

namespace common = duban::common::v1;
namespace minutes = duban::minutes::v1;
namespace registry = duban::registry::v1;
namespace scheduler = duban::scheduler::v1;
using ::testing::ElementsAre;

class SchedulingCalendarTest : public ::testing::Test {
 protected:
  // The services from 2026-09-28 09:00 +08:00, minutes counting its three
  // drafting days as working days, with the sample registry and the 2026
  // calendar (October 1 to 7 off).
  void SetUp() override {
    auto cluster = Cluster::Start({.name = "calendar_drafts",
                                   .base_port = 22800,
                                   .service_flags = {{"minutes", {"--draft_working_days"}}}});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    ASSERT_EQ(ImportSampleWithCalendar(s()), absl::OkStatus());
  }

  client::Session& s() { return cluster_->session(); }
  std::string Admin() { return *s().AdminToken(); }

  void AdvanceTo(absl::Time t) {
    auto settled = cluster_->AdvanceTo(t);
    ASSERT_TRUE(settled.ok()) << settled.status();
    ASSERT_EQ(settled->pending, 0) << settled->pending_detail;
  }

  // The sample's row 2: 李四's matter.
  registry::Matter SecondLeadersMatter() {
    registry::ListMattersRequest list;
    list.set_page_size(100);
    auto matters = Call(s().clients().registry(), &registry::RegistryService::Stub::ListMatters,
                        Admin(), list);
    EXPECT_TRUE(matters.ok()) << matters.status();
    if (!matters.ok()) return {};
    for (const registry::Matter& matter : matters->matters()) {
      if (matter.number() == 2) return matter;
    }
    ADD_FAILURE() << "form 2 has no row 2";
    return {};
  }

  // 李四 holds a meeting on his matter at `held_at`; 发改局 drafts.
  minutes::DispatchEvent HoldMeeting(absl::Time held_at) {
    const registry::Matter matter = SecondLeadersMatter();
    minutes::RecordDispatchEventRequest request;
    request.set_request_id(client::NewRequestId());
    request.set_kind(minutes::DISPATCH_EVENT_KIND_MEETING);
    request.set_leader_id(matter.leader_id());
    request.add_matter_ids(matter.id());
    *request.mutable_held_at() = ToProto(held_at);
    request.set_title("重点项目调度会");
    request.set_drafting_unit_id(UnitIdOf(s(), "发改局"));
    auto recorded =
        Call(s().clients().minutes(), &minutes::MinutesService::Stub::RecordDispatchEvent,
             TokenOf(s(), "沈三"), request);
    EXPECT_TRUE(recorded.ok()) << recorded.status();
    return recorded.ok() ? recorded->event() : minutes::DispatchEvent();
  }

  // The draft's deadline at the scheduler.
  scheduler::Deadline DraftDeadline(const std::string& event_id) {
    scheduler::GetDeadlineRequest request;
    *request.mutable_subject() = SubjectOf(common::SUBJECT_KIND_DRAFT, event_id);
    auto got = Call(s().clients().scheduler(), &scheduler::SchedulerService::Stub::GetDeadline,
                    Admin(), request);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? got->deadline() : scheduler::Deadline();
  }

  // Where minutes says the draft of `event_id` is due: on the dispatch event
  // and on its document.
  std::pair<std::string, std::string> DueInMinutes(const std::string& event_id) {
    minutes::GetDispatchEventRequest get_event;
    get_event.set_event_id(event_id);
    auto event = Call(s().clients().minutes(), &minutes::MinutesService::Stub::GetDispatchEvent,
                      TokenOf(s(), "沈三"), get_event);
    EXPECT_TRUE(event.ok()) << event.status();
    if (!event.ok()) return {};
    minutes::GetDocumentRequest get_document;
    get_document.set_document_id(event->event().document_id());
    auto document = Call(s().clients().minutes(), &minutes::MinutesService::Stub::GetDocument,
                         TokenOf(s(), "沈三"), get_document);
    EXPECT_TRUE(document.ok()) << document.status();
    if (!document.ok()) return {};
    return {Local(event->event().draft_due_at()), Local(document->document().draft_due_at())};
  }

  std::string Local(const google::protobuf::Timestamp& t) {
    return FormatLocal(FromProto(t), s().zone());
  }

  std::unique_ptr<Cluster> cluster_;
};

TEST_F(SchedulingCalendarTest, AHolidayAddedInTheDraftingWindowMovesTheDraftDueInMinutesToo) {
  AdvanceTo(testing::Local(s(), 2026, 9, 28, 10, 30));
  // Three working days after Monday 2026-09-28: the 29th, the 30th, then
  // October 8 after the National Day holiday; due by the end of the 8th.
  const minutes::DispatchEvent event = HoldMeeting(testing::Local(s(), 2026, 9, 28, 10));
  ASSERT_FALSE(event.id().empty());
  EXPECT_EQ(Local(event.draft_due_at()), "2026-10-09T00:00:00+08:00");
  minutes::SaveDraftRequest draft;
  draft.set_request_id(client::NewRequestId());
  draft.set_event_id(event.id());
  draft.set_kind(minutes::DOCUMENT_KIND_ASSIGNMENT_SHEET);
  draft.set_title("重点项目事项交办单");
  auto saved = Call(s().clients().minutes(), &minutes::MinutesService::Stub::SaveDraft,
                    TokenOf(s(), "许一"), draft);
  ASSERT_TRUE(saved.ok()) << saved.status();
  AdvanceTo(testing::Local(s(), 2026, 9, 28, 11));
  EXPECT_EQ(Local(DraftDeadline(event.id()).due_at()), "2026-10-09T00:00:00+08:00");

  // The 30th becomes a holiday: the third working day is now October 9.
  ASSERT_EQ(ImportWorkCalendar(s(), "date,kind,name\n2026-09-30,holiday,临时调休\n"),
            absl::OkStatus());
  AdvanceTo(testing::Local(s(), 2026, 9, 28, 11, 1));

  const scheduler::Deadline moved = DraftDeadline(event.id());
  EXPECT_EQ(Local(moved.due_at()), "2026-10-10T00:00:00+08:00");
  EXPECT_EQ(moved.inputs().at("non_working_days_passed"), "8");
  scheduler::ExplainDeadlineRequest explain;
  explain.set_deadline_id(moved.id());
  auto explained = Call(s().clients().scheduler(),
                        &scheduler::SchedulerService::Stub::ExplainDeadline, Admin(), explain);
  ASSERT_TRUE(explained.ok()) << explained.status();
  EXPECT_EQ(explained->explanation().rule(), "draft.working_days");
  EXPECT_EQ(explained->explanation().local_due(), "2026-10-10T00:00:00+08:00");
  scheduler::ListDeadlinesRequest drafts;
  drafts.set_subject_kind(common::SUBJECT_KIND_DRAFT);
  auto listed = ListAllDeadlines(s(), drafts);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> listed_due;
  for (const scheduler::Deadline& d : *listed) {
    listed_due.push_back(absl::StrCat(d.subject().id(), " ", Local(d.due_at())));
  }
  EXPECT_THAT(listed_due, ElementsAre(absl::StrCat(event.id(), " 2026-10-10T00:00:00+08:00")));

  // Minutes shows the same instant on the event and on its document, and
  // records who moved it.
  EXPECT_EQ(DueInMinutes(event.id()), std::make_pair(std::string("2026-10-10T00:00:00+08:00"),
                                                     std::string("2026-10-10T00:00:00+08:00")));
  minutes::ListAuditRecordsRequest audit;
  audit.mutable_filter()->set_entity_id(event.id());
  auto records = Call(s().clients().minutes(), &minutes::MinutesService::Stub::ListAuditRecords,
                      Admin(), audit);
  ASSERT_TRUE(records.ok()) << records.status();
  std::vector<std::string> actions;
  for (const auto& record : records->records()) {
    actions.push_back(absl::StrCat(record.actor(), " ", record.action()));
  }
  EXPECT_THAT(actions,
              ElementsAre(absl::StrCat(PersonIdOf(s(), "沈三"), " minutes.RecordDispatchEvent"),
                          "service:scheduler minutes.DraftDeadlineMoved"));

  // Urging fires at the new instant, not the old one.
  AdvanceTo(testing::Local(s(), 2026, 10, 10, 0, 1));
  scheduler::ListRungFiringsRequest firings;
  *firings.mutable_subject() = SubjectOf(common::SUBJECT_KIND_DRAFT, event.id());
  firings.set_rung(common::RUNG_URGING);
  auto urged = ListAllRungFirings(s(), firings);
  ASSERT_TRUE(urged.ok()) << urged.status();
  ASSERT_EQ(urged->size(), 1u);
  EXPECT_EQ(Local((*urged)[0].due_at()), "2026-10-10T00:00:00+08:00");
}

}  // namespace
}  // namespace duban::testing

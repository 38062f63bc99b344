// Item deadlines over the real services: completion and extension change
// what fires, and a unit's Watch subscriber resumes without gaps or repeats.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "cli/dubanctl/cycle.h"
#include "common/status.h"
#include "common/time_util.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/scenario_helpers.h"

namespace duban::testing {
namespace {

namespace common = duban::common::v1;
namespace scheduler = duban::scheduler::v1;
namespace supervision = duban::supervision::v1;
namespace tasks = duban::tasks::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAreArray;

// The rungs fired for a subject, as (rung, due time) in firing order.
std::vector<std::pair<common::Rung, absl::Time>> Fired(client::Session& s,
                                                       const std::string& item_id) {
  scheduler::ListRungFiringsRequest filter;
  *filter.mutable_subject() = SubjectOf(common::SUBJECT_KIND_ITEM, item_id);
  auto firings = ListAllRungFirings(s, filter);
  EXPECT_TRUE(firings.ok()) << firings.status();
  std::vector<std::pair<common::Rung, absl::Time>> fired;
  if (!firings.ok()) return fired;
  for (const auto& f : *firings) fired.emplace_back(f.rung(), FromProto(f.due_at()));
  return fired;
}

class SchedulingItemsTest : public ::testing::Test {
 protected:
  // Starts the services at 2026-11-02 09:00 +08:00 with the sample registry,
  // its liaisons and the 2026 calendar.
  void StartCluster(const std::string& name, int base_port) {
    auto cluster = Cluster::Start(
        {.name = name, .base_port = base_port, .clock_start = absl::FromUnixSeconds(1793581200)});
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    ASSERT_EQ(ImportSampleWithCalendar(s()), absl::OkStatus());
  }
  client::Session& s() { return cluster_->session(); }
  std::string Unit(const std::string& name) { return UnitIdOf(s(), name); }
  std::string Token(const std::string& person) { return TokenOf(s(), person); }
  std::unique_ptr<Cluster> cluster_;
};

TEST_F(SchedulingItemsTest, CompletedItemIsNeverUrgedAndExtendedItemUrgesOnItsNewDeadlineOnly) {
  StartCluster("extend", 21420);
  const std::string lead = Unit("发改局");
  const std::string admin = *s().AdminToken();
  // Both due on 2026-11-12 (met by 11-13 00:00); led by 发改局 (许一).
  auto completed =
      CreateItem(s(), admin, lead, {Unit("统计局")}, "按期办结的事项", DateDeadline(2026, 11, 12));
  ASSERT_TRUE(completed.ok()) << completed.status();
  auto extended =
      CreateItem(s(), admin, lead, {Unit("应急局")}, "延期办理的事项", DateDeadline(2026, 11, 12));
  ASSERT_TRUE(extended.ok()) << extended.status();

  // On 11-03 应急局 (吕三) asks for 11-19 and 发改局 (许一) approves.
  ASSERT_TRUE(cluster_->AdvanceTo(Local(s(), 2026, 11, 3, 10)).ok());
  tasks::RequestExtensionRequest ask;
  ask.set_request_id(client::NewRequestId());
  ask.set_item_id(extended->id());
  ask.set_reason("需协调用地");
  *ask.mutable_requested_deadline() = DateDeadline(2026, 11, 19);
  auto asked =
      Call(s().clients().tasks(), &tasks::TasksService::Stub::RequestExtension, Token("吕三"), ask);
  ASSERT_TRUE(asked.ok()) << asked.status();
  ASSERT_EQ(asked->item().extensions_size(), 1);
  tasks::DecideExtensionRequest decide;
  decide.set_request_id(client::NewRequestId());
  decide.set_item_id(extended->id());
  decide.set_extension_id(asked->item().extensions(0).id());
  decide.set_approve(true);
  auto decided = Call(s().clients().tasks(), &tasks::TasksService::Stub::DecideExtension,
                      Token("许一"), decide);
  ASSERT_TRUE(decided.ok()) << decided.status();

  // 11-10 10:00, after its reminder: 统计局 (何二) reports the first one complete.
  ASSERT_TRUE(cluster_->AdvanceTo(Local(s(), 2026, 11, 10, 10)).ok());
  tasks::ReportCompleteRequest complete;
  complete.set_request_id(client::NewRequestId());
  complete.set_item_id(completed->id());
  complete.set_summary("已办结");
  ASSERT_TRUE(Call(s().clients().tasks(), &tasks::TasksService::Stub::ReportComplete, Token("何二"),
                   complete)
                  .ok());

  auto settled = cluster_->AdvanceTo(Local(s(), 2026, 11, 26, 12));
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(settled->pending, 0) << settled->pending_detail;

  EXPECT_THAT(Fired(s(), completed->id()),
              ElementsAre(Pair(common::RUNG_REMINDER, Local(s(), 2026, 11, 10, 0))));
  // The new deadline: end of 11-19; reminder 72 h before; supervision three
  // working days after (11-20, 11-23, 11-24), at the end of 11-24.
  EXPECT_THAT(Fired(s(), extended->id()),
              ElementsAre(Pair(common::RUNG_REMINDER, Local(s(), 2026, 11, 17, 0)),
                          Pair(common::RUNG_URGING, Local(s(), 2026, 11, 20, 0)),
                          Pair(common::RUNG_SUPERVISION, Local(s(), 2026, 11, 25, 0))));

  supervision::ListCasesRequest item_cases;
  item_cases.set_subject_kind(common::SUBJECT_KIND_ITEM);
  auto cases = ListAllCases(s(), item_cases);
  ASSERT_TRUE(cases.ok()) << cases.status();
  ASSERT_EQ(cases->size(), 1u) << "only the extended item has a case";
  const auto& kase = cases->front();
  EXPECT_EQ(kase.subject().id(), extended->id());
  EXPECT_EQ(kase.state(), supervision::CASE_STATE_RAISED);
  EXPECT_EQ(FromProto(kase.due_at()), Local(s(), 2026, 11, 20, 0));
  std::vector<common::Rung> rungs;
  for (const auto& rung : kase.rungs()) {
    if (rung.rung() != common::RUNG_REMINDER) rungs.push_back(rung.rung());
  }
  EXPECT_THAT(rungs, ElementsAre(common::RUNG_URGING, common::RUNG_SUPERVISION));

  supervision::ListNoticesRequest urgings;
  urgings.set_kind(supervision::NOTICE_KIND_URGING);
  auto notices = ListAllNotices(s(), urgings);
  ASSERT_TRUE(notices.ok()) << notices.status();
  std::vector<std::string> urged_items;
  for (const auto& n : *notices) {
    if (n.subject().kind() == common::SUBJECT_KIND_ITEM) urged_items.push_back(n.subject().id());
  }
  EXPECT_THAT(urged_items, ElementsAre(extended->id()));
}

// Reads a Watch stream in the background, keeping every event.
class WatchReader {
 public:
  WatchReader(client::Session& s, const std::string& token, const std::string& resume_token)
      : context_(client::Context(token, absl::Minutes(5))) {
    supervision::WatchRequest request;
    request.set_resume_token(resume_token);
    stream_ = s.clients().supervision().Watch(context_.get(), request);
    thread_ = std::thread([this] {
      supervision::WatchResponse response;
      while (stream_->Read(&response)) {
        absl::MutexLock lock(&mu_);
        events_.push_back(response.event());
      }
      absl::MutexLock lock(&mu_);
      finished_ = true;
    });
  }
  ~WatchReader() { Disconnect(); }

  // Waits (real time, bounded) until a NewItem event for `item_id` arrived;
  // false when the stream ended or the wait timed out first.
  bool WaitForNewItem(const std::string& item_id) {
    absl::MutexLock lock(&mu_);
    auto arrived = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      if (finished_) return true;
      for (const auto& e : events_) {
        if (e.has_new_item() && e.new_item().item_id() == item_id) return true;
      }
      return false;
    };
    mu_.AwaitWithTimeout(absl::Condition(&arrived), absl::Seconds(30));
    for (const auto& e : events_) {
      if (e.has_new_item() && e.new_item().item_id() == item_id) return true;
    }
    return false;
  }
  // Cancels the call (a dropped connection) and returns the events received.
  std::vector<supervision::WatchEvent> Disconnect() {
    if (thread_.joinable()) {
      context_->TryCancel();
      thread_.join();
      status_ = stream_->Finish();
    }
    absl::MutexLock lock(&mu_);
    return events_;
  }
  grpc::Status status() const { return status_; }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<supervision::WatchResponse>> stream_;
  std::thread thread_;
  grpc::Status status_;
  absl::Mutex mu_;
  std::vector<supervision::WatchEvent> events_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

// One line per change, for comparing what a subscriber saw.
std::string Describe(const supervision::WatchEvent& e) {
  if (e.has_notice()) return absl::StrCat("notice ", e.notice().id());
  if (e.has_new_item()) return absl::StrCat("new item ", e.new_item().item_id());
  if (e.has_case_changed()) {
    return absl::StrCat("case ", e.case_changed().id(), " ",
                        supervision::CaseState_Name(e.case_changed().state()), " with ",
                        e.case_changed().rungs_size(), " rungs");
  }
  return "empty event";
}

std::string UnitOf(const supervision::WatchEvent& e) {
  if (e.has_notice()) return e.notice().unit_id();
  if (e.has_new_item()) return e.new_item().unit_id();
  if (e.has_case_changed()) return e.case_changed().unit_id();
  return "";
}

TEST_F(SchedulingItemsTest, WatchResumedWithItsTokenGetsEveryEventOfItsUnitOnceAndNoOthers) {
  StartCluster("watch", 21440);
  const std::string mine = Unit("统计局"), other = Unit("应急局");
  const std::string admin = *s().AdminToken();
  const std::string liaison = Token("何二");  // 统计局's liaison.
  std::vector<std::string> my_items;
  auto create = [&](const std::string& unit, const std::string& content, int day) {
    auto item = CreateItem(s(), admin, unit, {unit}, content, DateDeadline(2026, 11, day));
    EXPECT_TRUE(item.ok()) << item.status();
    if (item.ok() && unit == mine) my_items.push_back(item->id());
    return item.ok() ? item->id() : "";
  };
  create(mine, "本单位事项一", 4);
  create(mine, "本单位事项二", 6);
  create(other, "他单位事项一", 4);
  create(other, "他单位事项二", 6);

  // Connected from the feed's beginning through 11-03 09:00.
  std::vector<supervision::WatchEvent> seen;
  std::string token;
  {
    WatchReader reader(s(), liaison, "wf-0");
    ASSERT_TRUE(cluster_->AdvanceTo(Local(s(), 2026, 11, 3, 9)).ok());
    std::string marker = create(mine, "标记一", 30);
    ASSERT_TRUE(reader.WaitForNewItem(marker)) << reader.status().error_message();
    seen = reader.Disconnect();
    ASSERT_FALSE(seen.empty());
    token = seen.back().resume_token();
  }
  // Disconnected from 11-03 09:00 to 11-06 12:00 (reminders and urgings fall due).
  ASSERT_TRUE(cluster_->AdvanceTo(Local(s(), 2026, 11, 6, 12)).ok());
  create(mine, "断线期间的事项", 30);
  // Resumed with the token through 11-09 09:00.
  {
    WatchReader reader(s(), liaison, token);
    ASSERT_TRUE(cluster_->AdvanceTo(Local(s(), 2026, 11, 9, 9)).ok());
    std::string marker = create(mine, "标记二", 30);
    ASSERT_TRUE(reader.WaitForNewItem(marker)) << reader.status().error_message();
    std::vector<supervision::WatchEvent> resumed = reader.Disconnect();
    seen.insert(seen.end(), resumed.begin(), resumed.end());
  }

  // Exactly what supervision holds for the unit, each once.
  std::set<std::string> tokens;
  std::multiset<std::string> changes;
  std::vector<std::string> notice_ids, new_items;
  std::set<std::string> case_ids;
  for (const auto& e : seen) {
    EXPECT_TRUE(tokens.insert(e.resume_token()).second) << "token repeated: " << e.DebugString();
    EXPECT_EQ(UnitOf(e), mine) << e.DebugString();
    changes.insert(Describe(e));
    if (e.has_notice()) notice_ids.push_back(e.notice().id());
    if (e.has_new_item()) new_items.push_back(e.new_item().item_id());
    if (e.has_case_changed()) case_ids.insert(e.case_changed().id());
  }
  for (auto it = changes.begin(); it != changes.end(); it = changes.upper_bound(*it)) {
    EXPECT_EQ(changes.count(*it), 1u) << "received more than once: " << *it;
  }
  EXPECT_THAT(new_items, UnorderedElementsAreArray(my_items));

  supervision::ListNoticesRequest unit_notices;
  unit_notices.set_unit_id(mine);
  auto notices = ListAllNotices(s(), unit_notices);
  ASSERT_TRUE(notices.ok()) << notices.status();
  std::vector<std::string> expected_notices;
  for (const auto& n : *notices) expected_notices.push_back(n.id());
  EXPECT_THAT(notice_ids, UnorderedElementsAreArray(expected_notices));
  supervision::ListCasesRequest unit_cases;
  unit_cases.set_unit_id(mine);
  auto cases = ListAllCases(s(), unit_cases);
  ASSERT_TRUE(cases.ok()) << cases.status();
  std::set<std::string> expected_cases;
  for (const auto& c : *cases) expected_cases.insert(c.id());
  EXPECT_EQ(case_ids, expected_cases);
  // The notices are those of the rungs the scheduler fired for the unit's
  // items and its report, one each; the other unit had its own, unseen.
  std::multiset<std::string> fired_for_mine, noticed;
  auto firings = ListAllRungFirings(s());
  ASSERT_TRUE(firings.ok()) << firings.status();
  const std::set<std::string> items(my_items.begin(), my_items.end());
  int fired_for_other = 0;
  for (const auto& f : *firings) {
    const std::string& id = f.subject().id();
    const bool is_mine =
        f.subject().kind() == common::SUBJECT_KIND_ITEM
            ? items.count(id) > 0
            : f.subject().kind() == common::SUBJECT_KIND_REPORT && id.rfind(mine + "@", 0) == 0;
    if (is_mine) {
      fired_for_mine.insert(absl::StrCat(id, " ", common::Rung_Name(f.rung())));
    } else {
      fired_for_other += f.subject().kind() == common::SUBJECT_KIND_ITEM;
    }
  }
  for (const auto& e : seen) {
    if (!e.has_notice()) continue;
    const std::string rung =
        e.notice().kind() == supervision::NOTICE_KIND_REMINDER ? "RUNG_REMINDER"
        : e.notice().kind() == supervision::NOTICE_KIND_URGING ? "RUNG_URGING"
                                                               : "RUNG_SUPERVISION";
    noticed.insert(absl::StrCat(e.notice().subject().id(), " ", rung));
  }
  EXPECT_EQ(noticed, fired_for_mine);
  // Items one (due 11-04; its reminder time had passed when it was created,
  // so it fired at once) and two (due 11-06) were reminded and urged, and so
  // was the unit's report of 2026-11-1 (cut-off 11-05 18:00). Supervision
  // rungs fall after the week.
  EXPECT_THAT(
      fired_for_mine,
      UnorderedElementsAreArray(std::vector<std::string>{
          absl::StrCat(my_items[0], " RUNG_REMINDER"), absl::StrCat(my_items[0], " RUNG_URGING"),
          absl::StrCat(my_items[1], " RUNG_REMINDER"), absl::StrCat(my_items[1], " RUNG_URGING"),
          absl::StrCat(mine, "@2026-11-1 RUNG_REMINDER"),
          absl::StrCat(mine, "@2026-11-1 RUNG_URGING")}));
  EXPECT_GT(fired_for_other, 0) << "the other unit's items fired rungs the subscriber must not see";
  unit_notices.set_unit_id(other);
  auto others = ListAllNotices(s(), unit_notices);
  ASSERT_TRUE(others.ok()) << others.status();
  EXPECT_THAT(*others, ::testing::Not(IsEmpty()));
}

}  // namespace
}  // namespace duban::testing

#include "services/minutes/document_lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "common/time_util.h"

namespace duban::minutes {
namespace {

using ::testing::HasSubstr;
using v1::DocumentState;

const absl::Time kNow = absl::FromUnixSeconds(1791000000);

v1::AgreedItem CompleteItem(int ordinal, const std::string& unit) {
  v1::AgreedItem item;
  item.set_ordinal(ordinal);
  item.set_task("repair the road");
  item.add_responsible_unit_ids(unit);
  *item.mutable_deadline()->mutable_date() = ToProto(absl::CivilDay(2026, 10, 30));
  return item;
}

Document DraftWithTwoItems() {
  Document document;
  document.set_id("doc-1");
  Document content;
  content.set_kind(v1::DOCUMENT_KIND_MINUTES);
  content.set_title("Minutes");
  *content.add_items() = CompleteItem(1, "unit-a");
  *content.add_items() = CompleteItem(2, "unit-b");
  EXPECT_TRUE(ReviseDraft(document, content).ok());
  return document;
}

Document InState(DocumentState state) {
  Document document = DraftWithTwoItems();
  switch (state) {
    case v1::DOCUMENT_STATE_DRAFTING:
      break;
    case v1::DOCUMENT_STATE_COUNTERSIGNING:
      EXPECT_TRUE(RouteForCountersign(document, {"unit-a", "unit-b"}, kNow).ok());
      break;
    case v1::DOCUMENT_STATE_AWAITING_SIGN_OFF:
      EXPECT_TRUE(RouteForCountersign(document, {}, kNow).ok());
      break;
    case v1::DOCUMENT_STATE_RETURNED:
      EXPECT_TRUE(RouteForCountersign(document, {"unit-a"}, kNow).ok());
      EXPECT_TRUE(ReturnDraft(document, "unit-a", "numbers are wrong").ok());
      break;
    case v1::DOCUMENT_STATE_ISSUED:
      EXPECT_TRUE(RouteForCountersign(document, {}, kNow).ok());
      EXPECT_TRUE(SignOffAndIssue(document, "leader-1", kNow).ok());
      break;
    default:
      ADD_FAILURE() << "no such state";
  }
  EXPECT_EQ(document.state(), state);
  return document;
}

void ExpectRefusedIn(const absl::Status& status, const Document& before, const Document& after,
                     const std::string& state) {
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("is " + state));
  EXPECT_EQ(before.SerializeAsString(), after.SerializeAsString()) << "document changed";
}

TEST(DocumentLifecycleTest, NewDraftIsDraftingWithOrdinalsFilledIn) {
  Document document;
  Document content;
  content.add_items()->set_task("a");
  content.add_items()->set_task("b");
  ASSERT_TRUE(ReviseDraft(document, content).ok());
  EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_DRAFTING);
  EXPECT_EQ(document.items(0).ordinal(), 1);
  EXPECT_EQ(document.items(1).ordinal(), 2);
}

TEST(DocumentLifecycleTest, DuplicateOrdinalIsRefusedNamingTheItem) {
  Document document;
  Document content;
  content.add_items()->set_ordinal(3);
  content.add_items()->set_ordinal(3);
  const absl::Status status = ReviseDraft(document, content);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("items[1].ordinal"));
}

TEST(DocumentLifecycleTest, DirectPathDraftRouteIssue) {
  Document document = DraftWithTwoItems();
  ASSERT_TRUE(RouteForCountersign(document, {}, kNow).ok());
  EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_AWAITING_SIGN_OFF);
  EXPECT_EQ(FromProto(document.routed_at()), kNow);

  ASSERT_TRUE(SignOffAndIssue(document, "leader-1", kNow + absl::Hours(1)).ok());
  EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_ISSUED);
  EXPECT_EQ(document.issued_by(), "leader-1");
  EXPECT_EQ(document.items(0).item_id(), "doc-1-1");
  EXPECT_EQ(document.items(1).item_id(), "doc-1-2");
}

TEST(DocumentLifecycleTest, CountersigningEndsWhenTheLastUnitSigns) {
  Document document = InState(v1::DOCUMENT_STATE_COUNTERSIGNING);
  ASSERT_TRUE(Countersign(document, "unit-a", "p-a", kNow).ok());
  EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_COUNTERSIGNING);
  ASSERT_TRUE(Countersign(document, "unit-b", "p-b", kNow).ok());
  EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_AWAITING_SIGN_OFF);
  EXPECT_EQ(document.countersignatures(1).person_id(), "p-b");
}

TEST(DocumentLifecycleTest, CountersigningTwiceIsRefused) {
  Document document = InState(v1::DOCUMENT_STATE_COUNTERSIGNING);
  ASSERT_TRUE(Countersign(document, "unit-a", "p-a", kNow).ok());
  const Document before = document;
  const absl::Status status = Countersign(document, "unit-a", "p-a", kNow);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("already countersigned"));
  EXPECT_EQ(before.SerializeAsString(), document.SerializeAsString());
}

TEST(DocumentLifecycleTest, UnitNotAskedCannotCountersignOrReturn) {
  Document document = InState(v1::DOCUMENT_STATE_COUNTERSIGNING);
  EXPECT_EQ(Countersign(document, "unit-z", "p", kNow).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReturnDraft(document, "unit-z", "no").code(), absl::StatusCode::kInvalidArgument);
}

TEST(DocumentLifecycleTest, ReturnedDraftIsRedraftedAndRoutedAgain) {
  Document document = InState(v1::DOCUMENT_STATE_RETURNED);
  EXPECT_EQ(document.returned_comment(), "numbers are wrong");
  EXPECT_EQ(document.countersignatures(0).returned_comment(), "numbers are wrong");

  Document content = document;
  content.mutable_items(0)->set_task("repair the road by November");
  ASSERT_TRUE(ReviseDraft(document, content).ok());
  EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_DRAFTING);

  ASSERT_TRUE(RouteForCountersign(document, {"unit-b"}, kNow + absl::Hours(5)).ok());
  EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_COUNTERSIGNING);
  EXPECT_EQ(FromProto(document.routed_at()), kNow) << "the first routing met the deadline";
  EXPECT_EQ(document.returned_comment(), "");
  ASSERT_EQ(document.countersignatures_size(), 1);
  EXPECT_EQ(document.countersignatures(0).unit_id(), "unit-b");
}

TEST(DocumentLifecycleTest, LeaderReturnsAwaitingSignOff) {
  Document document = InState(v1::DOCUMENT_STATE_AWAITING_SIGN_OFF);
  ASSERT_TRUE(ReturnDraft(document, "", "rewrite item 2").ok());
  EXPECT_EQ(document.state(), v1::DOCUMENT_STATE_RETURNED);
}

TEST(DocumentLifecycleTest, ReturnWithoutCommentIsRefused) {
  Document document = InState(v1::DOCUMENT_STATE_AWAITING_SIGN_OFF);
  const absl::Status status = ReturnDraft(document, "", "  ");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("comment"));
}

TEST(DocumentLifecycleTest, RoutingNamesTheFirstIncompleteItem) {
  struct Case {
    std::function<void(v1::AgreedItem&)> spoil;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](v1::AgreedItem& item) { item.set_task(" "); }, "items[1].task"},
      {[](v1::AgreedItem& item) { item.clear_responsible_unit_ids(); },
       "items[1].responsible_unit_ids"},
      {[](v1::AgreedItem& item) { item.clear_deadline(); }, "items[1].deadline"},
  };
  for (const Case& c : cases) {
    Document document = DraftWithTwoItems();
    c.spoil(*document.mutable_items(1));
    const Document before = document;
    const absl::Status status = RouteForCountersign(document, {}, kNow);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field + ":"));
    EXPECT_EQ(before.SerializeAsString(), document.SerializeAsString());
  }
}

TEST(DocumentLifecycleTest, RoutingWithoutItemsIsRefused) {
  Document document;
  ASSERT_TRUE(ReviseDraft(document, Document()).ok());
  const absl::Status status = RouteForCountersign(document, {}, kNow);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("items:"));
}

// Every transition from every state it is not allowed in.
TEST(DocumentLifecycleTest, IllegalTransitionsNameTheCurrentState) {
  const std::vector<DocumentState> all = {
      v1::DOCUMENT_STATE_DRAFTING, v1::DOCUMENT_STATE_COUNTERSIGNING,
      v1::DOCUMENT_STATE_AWAITING_SIGN_OFF, v1::DOCUMENT_STATE_RETURNED, v1::DOCUMENT_STATE_ISSUED};
  struct Transition {
    std::string name;
    std::set<DocumentState> allowed;
    std::function<absl::Status(Document&)> apply;
  };
  const std::vector<Transition> transitions = {
      {"save",
       {v1::DOCUMENT_STATE_DRAFTING, v1::DOCUMENT_STATE_RETURNED},
       [](Document& d) { return ReviseDraft(d, d); }},
      {"route",
       {v1::DOCUMENT_STATE_DRAFTING, v1::DOCUMENT_STATE_RETURNED},
       [](Document& d) { return RouteForCountersign(d, {}, kNow); }},
      {"countersign",
       {v1::DOCUMENT_STATE_COUNTERSIGNING},
       [](Document& d) { return Countersign(d, "unit-a", "p", kNow); }},
      {"unit return",
       {v1::DOCUMENT_STATE_COUNTERSIGNING},
       [](Document& d) { return ReturnDraft(d, "unit-a", "why"); }},
      {"leader return",
       {v1::DOCUMENT_STATE_COUNTERSIGNING, v1::DOCUMENT_STATE_AWAITING_SIGN_OFF},
       [](Document& d) { return ReturnDraft(d, "", "why"); }},
      {"issue",
       {v1::DOCUMENT_STATE_AWAITING_SIGN_OFF},
       [](Document& d) { return SignOffAndIssue(d, "leader", kNow); }},
  };
  for (const Transition& transition : transitions) {
    for (DocumentState state : all) {
      Document document = InState(state);
      const Document before = document;
      const absl::Status status = transition.apply(document);
      if (transition.allowed.count(state) > 0) {
        EXPECT_TRUE(status.ok()) << transition.name << " in " << StateName(state) << ": " << status;
      } else {
        SCOPED_TRACE(transition.name + " in " + StateName(state));
        ExpectRefusedIn(status, before, document, StateName(state));
      }
    }
  }
}

}  // namespace
}  // namespace duban::minutes

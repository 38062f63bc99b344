#include "services/supervision/figures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time_util.h"
#include "services/supervision/case_ladder.h"

namespace duban::supervision {
namespace {

using ::testing::ElementsAre;

const absl::Time kFrom = absl::FromUnixSeconds(1790000000);
const absl::Time kTo = kFrom + absl::Hours(24 * 30);

v1::SupervisionCase Case(const std::string& id, const std::string& unit,
                         common::v1::SubjectKind kind, absl::Time opened,
                         std::optional<absl::Time> closed = std::nullopt,
                         std::optional<absl::Time> raised = std::nullopt) {
  v1::SupervisionCase c;
  c.set_id(id);
  c.set_unit_id(unit);
  c.mutable_subject()->set_kind(kind);
  *c.mutable_opened_at() = ToProto(opened);
  if (closed) *c.mutable_closed_at() = ToProto(*closed);
  if (raised) {
    v1::RungRecord* record = c.add_rungs();
    record->set_rung(common::v1::RUNG_SUPERVISION);
    *record->mutable_at() = ToProto(*raised);
  }
  return c;
}

v1::Notice Urging(const std::string& unit, absl::Time at) {
  v1::Notice notice;
  notice.set_kind(v1::NOTICE_KIND_URGING);
  notice.set_unit_id(unit);
  *notice.mutable_at() = ToProto(at);
  return notice;
}

TEST(FiguresTest, CountsPerUnitOverTheInterval) {
  const absl::Duration day = absl::Hours(24);
  const std::vector<v1::SupervisionCase> cases = {
      // Opened before, still open at `to`: open, overdue item.
      Case("c1", "a", common::v1::SUBJECT_KIND_ITEM, kFrom - day),
      // Opened and closed inside: closed, not open.
      Case("c2", "a", common::v1::SUBJECT_KIND_ITEM, kFrom + day, kFrom + 2 * day),
      // A draft case raised inside and open: open and raised, not an item.
      Case("c3", "b", common::v1::SUBJECT_KIND_DRAFT, kFrom + day, std::nullopt, kFrom + 4 * day),
      // Closed before the interval: not counted.
      Case("c4", "c", common::v1::SUBJECT_KIND_ITEM, kFrom - 3 * day, kFrom - day),
      // Opened at `to`: not open at `to`.
      Case("c5", "d", common::v1::SUBJECT_KIND_ITEM, kTo),
  };
  const std::vector<v1::Notice> notices = {Urging("a", kFrom - day), Urging("a", kFrom + day),
                                           Urging("b", kFrom + day), Urging("b", kTo)};

  const std::vector<v1::UnitFigures> figures = ComputeFigures(cases, notices, kFrom, kTo);

  ASSERT_EQ(figures.size(), 2u);
  EXPECT_EQ(figures[0].unit_id(), "a");
  EXPECT_EQ(figures[0].urging_notices(), 1);
  EXPECT_EQ(figures[0].cases_open(), 1);
  EXPECT_EQ(figures[0].items_overdue(), 1);
  EXPECT_EQ(figures[0].cases_closed(), 1);
  EXPECT_EQ(figures[0].cases_raised(), 0);
  EXPECT_THAT(figures[0].case_ids(), ElementsAre("c1", "c2"));

  EXPECT_EQ(figures[1].unit_id(), "b");
  EXPECT_EQ(figures[1].urging_notices(), 1);
  EXPECT_EQ(figures[1].cases_open(), 1);
  EXPECT_EQ(figures[1].items_overdue(), 0);
  EXPECT_EQ(figures[1].cases_raised(), 1);
  EXPECT_EQ(figures[1].late_reports(), 0);
  EXPECT_EQ(figures[1].missing_reports(), 0);
}

TEST(FiguresTest, NothingInTheIntervalGivesNoUnits) {
  EXPECT_TRUE(ComputeFigures({}, {}, kFrom, kTo).empty());
}

}  // namespace
}  // namespace duban::supervision

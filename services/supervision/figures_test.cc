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

  const std::vector<v1::UnitFigures> figures = ComputeFigures(cases, notices, kFrom, kTo, kTo);

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
  EXPECT_TRUE(ComputeFigures({}, {}, kFrom, kTo, kTo).empty());
}

// A REPORT case urged at `cutoff`, met at `met` (if ever), digest due at `digest`.
v1::SupervisionCase ReportCase(const std::string& id, const std::string& unit, absl::Time cutoff,
                               std::optional<absl::Time> digest, std::optional<absl::Time> met) {
  v1::SupervisionCase c = Case(id, unit, common::v1::SUBJECT_KIND_REPORT, cutoff, met);
  c.mutable_subject()->set_id(unit + "@2026-10-1");
  *c.mutable_due_at() = ToProto(cutoff);
  if (digest) *c.mutable_digest_cutoff_at() = ToProto(*digest);
  return c;
}

TEST(FiguresTest, AReportMetBeforeTheDigestCutoffIsLateAndOneStillUnmetThenIsMissing) {
  const absl::Time cutoff = kFrom + absl::Hours(24 * 7);
  const absl::Time digest = cutoff + absl::Hours(48);
  const std::vector<v1::SupervisionCase> cases = {
      ReportCase("late", "a", cutoff, digest, digest - absl::Seconds(1)),
      ReportCase("missing", "b", cutoff, digest, std::nullopt),
      // Met exactly at the digest cut-off: still missing, never late as well.
      ReportCase("at-digest", "c", cutoff, digest, digest),
  };

  const std::vector<v1::UnitFigures> figures = ComputeFigures(cases, {}, kFrom, kTo, kTo);

  ASSERT_EQ(figures.size(), 3u);
  EXPECT_EQ(figures[0].late_reports(), 1);
  EXPECT_EQ(figures[0].missing_reports(), 0);
  EXPECT_EQ(figures[1].late_reports(), 0);
  EXPECT_EQ(figures[1].missing_reports(), 1);
  EXPECT_EQ(figures[2].late_reports(), 0);
  EXPECT_EQ(figures[2].missing_reports(), 1);
  EXPECT_THAT(figures[1].case_ids(), ElementsAre("missing"));
}

TEST(FiguresTest, AnUnmetReportIsNotMissingBeforeItsDigestCutoff) {
  const absl::Time cutoff = kFrom + absl::Hours(24 * 7);
  const absl::Time digest = cutoff + absl::Hours(48);
  const std::vector<v1::SupervisionCase> cases = {
      ReportCase("pending", "a", cutoff, digest, std::nullopt)};

  EXPECT_EQ(StandingOf(cases[0], digest - absl::Seconds(1)), ReportStanding::kNone);
  EXPECT_EQ(StandingOf(cases[0], digest), ReportStanding::kMissing);
  const std::vector<v1::UnitFigures> figures =
      ComputeFigures(cases, {}, kFrom, kTo, digest - absl::Seconds(1));
  ASSERT_EQ(figures.size(), 1u);
  EXPECT_EQ(figures[0].missing_reports(), 0);
  EXPECT_EQ(figures[0].late_reports(), 0);
  EXPECT_EQ(figures[0].cases_open(), 1);
}

TEST(FiguresTest, AReportCountsInTheIntervalOfItsCutoffOnly) {
  const absl::Time cutoff = kTo + absl::Hours(1);
  const std::vector<v1::SupervisionCase> cases = {
      ReportCase("next", "a", cutoff, cutoff, std::nullopt)};
  EXPECT_TRUE(ComputeFigures(cases, {}, kFrom, kTo, cutoff).empty());
  const std::vector<v1::UnitFigures> next =
      ComputeFigures(cases, {}, kTo, kTo + absl::Hours(24), cutoff);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].missing_reports(), 1);
}

TEST(FiguresTest, AReferredItemNotYetDueIsNotOverdue) {
  v1::SupervisionCase referred = Case("r", "a", common::v1::SUBJECT_KIND_ITEM, kFrom);
  *referred.mutable_due_at() = ToProto(kTo + absl::Hours(24));
  const std::vector<v1::UnitFigures> figures = ComputeFigures({referred}, {}, kFrom, kTo, kTo);
  ASSERT_EQ(figures.size(), 1u);
  EXPECT_EQ(figures[0].items_overdue(), 0);
  EXPECT_EQ(figures[0].cases_open(), 1);
}

}  // namespace
}  // namespace duban::supervision

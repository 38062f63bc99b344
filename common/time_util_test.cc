#include "common/time_util.h"

#include <gtest/gtest.h>

#include <string>

namespace duban {
namespace {

absl::TimeZone Zone(const std::string& name) {
  absl::StatusOr<absl::TimeZone> zone = LoadZone(name);
  EXPECT_TRUE(zone.ok()) << zone.status();
  return zone.value_or(absl::UTCTimeZone());
}

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

TEST(LoadZoneTest, UnknownZoneIsInvalidArgument) {
  absl::StatusOr<absl::TimeZone> zone = LoadZone("Mars/Olympus_Mons");
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(zone.status().message(), "time_zone: unknown time zone \"Mars/Olympus_Mons\"");
}

TEST(FromLocalTest, TimeInASpringForwardGapIsTakenUnderTheOffsetBefore) {
  // Berlin jumps from 02:00 CET to 03:00 CEST; 02:30 is 03:30 CEST.
  EXPECT_EQ(Utc(FromLocal(absl::CivilSecond(2027, 3, 28, 2, 30, 0), Zone("Europe/Berlin"))),
            "2027-03-28T01:30:00Z");
}

TEST(FromLocalTest, RepeatedTimeMeansItsFirstOccurrence) {
  // 02:30 happens under CEST (+02:00) first, then under CET.
  EXPECT_EQ(Utc(FromLocal(absl::CivilSecond(2027, 10, 31, 2, 30, 0), Zone("Europe/Berlin"))),
            "2027-10-31T00:30:00Z");
}

TEST(FromLocalTest, OrdinaryTime) {
  EXPECT_EQ(Utc(FromLocal(absl::CivilSecond(2026, 10, 8, 18, 0, 0), Zone("Asia/Shanghai"))),
            "2026-10-08T10:00:00Z");
}

TEST(EndOfLocalDayTest, DateOnlyDeadlineEndsAtLocalMidnight) {
  EXPECT_EQ(Utc(EndOfLocalDay(absl::CivilDay(2026, 12, 31), Zone("Asia/Shanghai"))),
            "2026-12-31T16:00:00Z");
}

TEST(LocalDayTest, UsesTheZone) {
  const absl::Time t = FromLocal(absl::CivilSecond(2026, 10, 9, 0, 30, 0), Zone("Asia/Shanghai"));
  EXPECT_EQ(LocalDay(t, Zone("Asia/Shanghai")), absl::CivilDay(2026, 10, 9));
  EXPECT_EQ(LocalDay(t, absl::UTCTimeZone()), absl::CivilDay(2026, 10, 8));
}

TEST(FormatLocalTest, ShowsTheOffset) {
  const absl::Time t = FromLocal(absl::CivilSecond(2026, 10, 8, 18, 0, 0), Zone("Asia/Shanghai"));
  EXPECT_EQ(FormatLocal(t, Zone("Asia/Shanghai")), "2026-10-08T18:00:00+08:00");
}

TEST(TimestampTest, RoundTripsIncludingBeforeTheEpoch) {
  for (absl::Time t : {absl::FromUnixNanos(1791453600123456789), absl::FromUnixNanos(-1500000000),
                       absl::UnixEpoch()}) {
    google::protobuf::Timestamp ts = ToProto(t);
    EXPECT_GE(ts.nanos(), 0);
    EXPECT_LT(ts.nanos(), 1000000000);
    EXPECT_EQ(FromProto(ts), t);
  }
  EXPECT_EQ(ToProto(absl::FromUnixNanos(-1500000000)).seconds(), -2);
  EXPECT_EQ(ToProto(absl::FromUnixNanos(-1500000000)).nanos(), 500000000);
}

TEST(DateTest, RoundTrips) {
  duban::common::v1::Date date = ToProto(absl::CivilDay(2026, 2, 24));
  EXPECT_EQ(date.year(), 2026);
  EXPECT_EQ(date.month(), 2);
  EXPECT_EQ(date.day(), 24);
  EXPECT_EQ(*FromProto(date, "due_on"), absl::CivilDay(2026, 2, 24));
}

TEST(DateTest, RejectsAnImpossibleDateNamingTheField) {
  duban::common::v1::Date date;
  date.set_year(2026);
  date.set_month(2);
  date.set_day(30);
  absl::StatusOr<absl::CivilDay> day = FromProto(date, "due_on");
  EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(day.status().message(), "due_on: 2026-02-30 is not a calendar date");
  EXPECT_EQ(FromProto(duban::common::v1::Date(), "due_on").status().message(),
            "due_on: date is not set");
}

TEST(ParseDayTest, ParsesAndFormats) {
  EXPECT_EQ(*ParseDay("2026-10-08", "day"), absl::CivilDay(2026, 10, 8));
  EXPECT_EQ(FormatDay(absl::CivilDay(2026, 1, 5)), "2026-01-05");
}

TEST(ParseDayTest, ErrorsNameTheField) {
  for (const char* text :
       {"2026-13-01", "2026-02-29", "26-10-08", "2026/10/08", "2026-1-08x", "", "２０２６-10-08"}) {
    absl::StatusOr<absl::CivilDay> day = ParseDay(text, "start_day");
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(day.status().message().substr(0, 11), "start_day: ") << text;
  }
  EXPECT_EQ(ParseDay("2026-02-29", "start_day").status().message(),
            "start_day: \"2026-02-29\" is not a calendar date");
}

TEST(DueInstantTest, DateOnlyDeadlineIsTheEndOfTheLocalDay) {
  duban::common::v1::Deadline deadline;
  *deadline.mutable_date() = ToProto(absl::CivilDay(2026, 12, 31));
  absl::StatusOr<absl::Time> due = DueInstant(deadline, Zone("Asia/Shanghai"), "deadline");
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(Utc(*due), "2026-12-31T16:00:00Z");
}

TEST(DueInstantTest, InstantIsKeptExactly) {
  duban::common::v1::Deadline deadline;
  deadline.mutable_instant()->set_seconds(1791453600);
  deadline.mutable_instant()->set_nanos(5);
  EXPECT_EQ(*DueInstant(deadline, Zone("Asia/Shanghai"), "deadline"),
            absl::FromUnixSeconds(1791453600) + absl::Nanoseconds(5));
}

TEST(DueInstantTest, UnsetOrMalformedNamesTheField) {
  duban::common::v1::Deadline deadline;
  EXPECT_EQ(DueInstant(deadline, absl::UTCTimeZone(), "deadline").status().message(),
            "deadline: deadline is not set (a date or an instant)");
  deadline.mutable_instant()->set_nanos(-1);
  EXPECT_EQ(DueInstant(deadline, absl::UTCTimeZone(), "deadline").status().message(),
            "deadline: instant is out of range");
  deadline.mutable_date()->set_year(2026);
  EXPECT_EQ(DueInstant(deadline, absl::UTCTimeZone(), "deadline").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace duban

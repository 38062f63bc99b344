#include "common/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace duban {
namespace {

using ::testing::HasSubstr;

TEST(CheckTextTest, CountsCharactersNotBytes) {
  std::string hundred_han;
  for (int i = 0; i < 100; ++i) hundred_han += "政";
  EXPECT_TRUE(CheckText("name", hundred_han, kMaxNameChars, TextLines::kSingle).ok());

  const absl::Status status =
      CheckText("name", hundred_han + "府", kMaxNameChars, TextLines::kSingle);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "name: at most 100 characters (got 101)");
}

TEST(CheckTextTest, RefusesAMillionCharacterNote) {
  const absl::Status status = CheckText("text", std::string(1'000'000, 'x'), kMaxNoteChars);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "text: at most 4000 characters (got 1000000)");
}

TEST(CheckTextTest, RefusesInvalidUtf8) {
  for (const std::string bad : {std::string("\xff"), std::string("a\xe6\x94"),
                                std::string("\xc0\xaf"), std::string("\xed\xa0\x80")}) {
    const absl::Status status = CheckText("title", bad, kMaxTitleChars);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(), "title: not valid UTF-8");
  }
}

TEST(CheckTextTest, NewlinesAndTabsOnlyInMultiLineText) {
  EXPECT_TRUE(CheckText("text", "第一行\n\t第二行\r\n", kMaxNoteChars).ok());

  const absl::Status single = CheckText("name", "张\n三", kMaxNameChars, TextLines::kSingle);
  EXPECT_EQ(single.message(), "name: contains control character U+000A");

  const absl::Status bell = CheckText("text", std::string("a\x07"), kMaxNoteChars);
  EXPECT_EQ(bell.message(), "text: contains control character U+0007");
}

TEST(CheckTextTest, RefusesBidiControlsEverywhereAndZeroWidthInNames) {
  const absl::Status override_in_name =
      CheckText("name", "何二\u202e", kMaxNameChars, TextLines::kSingle);
  EXPECT_EQ(override_in_name.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(override_in_name.message(), "name: contains bidirectional control character U+202E");
  EXPECT_EQ(CheckText("content", "甲\u2066乙\u2069", kMaxNoteChars).message(),
            "content: contains bidirectional control character U+2066");

  EXPECT_EQ(CheckText("name", "何\u200b二", kMaxNameChars, TextLines::kSingle).message(),
            "name: contains invisible character U+200B");
  EXPECT_EQ(CheckText("phone", "\ufeff0595", kMaxPhoneChars, TextLines::kSingle).message(),
            "phone: contains invisible character U+FEFF");
  // Zero-width joiners belong in multi-line text (emoji sequences in a note).
  EXPECT_TRUE(CheckText("note", "完成\u200d", kMaxNoteChars).ok());
}

TEST(CheckCountTest, NamesTheLimitAndTheCount) {
  EXPECT_TRUE(CheckCount("rows", 500, kMaxRowsPerList).ok());
  EXPECT_EQ(CheckCount("rows", 501, kMaxRowsPerList).message(),
            "rows: at most 500 entries (got 501)");
}

TEST(CheckRecordSizeTest, RefusesARecordOverTheBudget) {
  google::protobuf::Timestamp small;
  EXPECT_TRUE(CheckRecordSize("item", small).ok());
  duban::common::v1::Subject big;
  big.set_id(std::string(kMaxRecordBytes, 'x'));
  const absl::Status status = CheckRecordSize("item", big);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("item: at most 2097152 bytes in all (got 2097"));
}

TEST(CheckTimestampTest, RefusesYearsOutsideTheRange) {
  google::protobuf::Timestamp far;
  far.set_seconds(253402221600);  // 9999-12-31T02:00:00Z
  const absl::Status status = CheckTimestamp("held_at", far);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "held_at: must fall in the years 2000 to 2199");

  google::protobuf::Timestamp before;
  before.set_seconds(946684799);  // 1999-12-31T23:59:59Z
  EXPECT_EQ(CheckTimestamp("held_at", before).code(), absl::StatusCode::kInvalidArgument);

  google::protobuf::Timestamp ok;
  ok.set_seconds(946684800);  // 2000-01-01T00:00:00Z
  EXPECT_TRUE(CheckTimestamp("held_at", ok).ok());
}

TEST(CheckTimestampTest, RefusesNanosOutOfRange) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(1790000000);
  ts.set_nanos(1'000'000'000);
  EXPECT_THAT(CheckTimestamp("held_at", ts).message(), HasSubstr("held_at: nanos"));
  ts.set_nanos(-1);
  EXPECT_EQ(CheckTimestamp("held_at", ts).code(), absl::StatusCode::kInvalidArgument);
}

TEST(CheckDateTest, RefusesImpossibleAndFarDates) {
  duban::common::v1::Date date;
  date.set_year(2026), date.set_month(2), date.set_day(30);
  EXPECT_EQ(CheckDate("deadline", date).message(), "deadline: 2026-02-30 is not a calendar date");

  date.set_year(9999), date.set_month(12), date.set_day(31);
  EXPECT_EQ(CheckDate("deadline", date).message(),
            "deadline: must fall in the years 2000 to 2199 (got 9999)");

  date.set_year(2026), date.set_month(10), date.set_day(8);
  EXPECT_TRUE(CheckDate("deadline", date).ok());
}

TEST(CheckDeadlineTest, ChecksWhicheverKindIsSet) {
  duban::common::v1::Deadline deadline;
  EXPECT_TRUE(CheckDeadline("deadline", deadline).ok());
  deadline.mutable_instant()->set_seconds(253402221600);
  EXPECT_EQ(CheckDeadline("deadline", deadline).code(), absl::StatusCode::kInvalidArgument);
  deadline.mutable_date()->set_year(2026);
  deadline.mutable_date()->set_month(13);
  deadline.mutable_date()->set_day(1);
  EXPECT_EQ(CheckDeadline("deadline", deadline).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace duban

#include "services/registry/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace duban::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Texts(const CsvRecord& record) {
  std::vector<std::string> texts;
  for (const CsvCell& cell : record.cells) texts.push_back(cell.text);
  return texts;
}

TEST(ParseCsvTest, ReadsPlainCellsWithCrlfAndLf) {
  auto records = ParseCsv("a,b,c\r\n1,2,3\n4,,6");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_THAT(Texts((*records)[0]), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Texts((*records)[1]), ElementsAre("1", "2", "3"));
  EXPECT_THAT(Texts((*records)[2]), ElementsAre("4", "", "6"));
  EXPECT_EQ((*records)[2].line, 3);
}

TEST(ParseCsvTest, QuotedCellsKeepCommasDoubledQuotesAndLineBreaks) {
  auto records = ParseCsv("x,\"a, b\",\"say \"\"hi\"\"\",\"l1\nl2\r\nl3\"\r\nnext,row,here,!\r\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_THAT(Texts((*records)[0]), ElementsAre("x", "a, b", "say \"hi\"", "l1\nl2\r\nl3"));
  EXPECT_EQ((*records)[1].line, 4);
  EXPECT_EQ((*records)[1].cells[2].line, 4);
  EXPECT_EQ((*records)[1].cells[2].column, 3);
}

TEST(ParseCsvTest, EmptyQuotedCellAndTrailingComma) {
  auto records = ParseCsv("\"\",a,\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_THAT(Texts((*records)[0]), ElementsAre("", "a", ""));
}

TEST(ParseCsvTest, StripsByteOrderMark) {
  auto records = ParseCsv("\xEF\xBB\xBF序号,名称\n1,x\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ((*records)[0].cells[0].text, "序号");
}

TEST(ParseCsvTest, ControlCharactersAreRefusedNamingLineAndByte) {
  const std::string csv = std::string("a,b\nc,区直\0\0部门\n", 21);
  auto records = ParseCsv(csv);
  EXPECT_EQ(records.status(),
            absl::InvalidArgumentError(
                "csv: line 2, byte 9: control character 0x00; cells may hold only text"));
}

TEST(ParseCsvTest, UnclosedQuoteNamesLineAndColumnWhereTheCellStarted) {
  auto records = ParseCsv("a,b,c\n1,2,3\n4,5,\"six\nseven\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(records.status().message(), "csv: line 3, column 3: quoted cell is never closed");
}

TEST(ParseCsvTest, QuoteClosedLinesLaterByAnotherCellBlamesTheOpenCell) {
  auto records = ParseCsv("a,b\n1,\"x\n2,\"y\"\n");
  ASSERT_FALSE(records.ok());
  EXPECT_THAT(std::string(records.status().message()),
              HasSubstr("csv: line 2, column 2: quoted cell is never closed"));
}

TEST(ParseCsvTest, TextAfterClosingQuoteIsRefused) {
  auto records = ParseCsv("a,\"b\"c\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().message(), "csv: line 1, column 2: text after the closing quote");
}

TEST(CheckUtf8Test, AcceptsUtf8) { EXPECT_TRUE(CheckUtf8("政府办（效能办）, “x”\n").ok()); }

TEST(CheckUtf8Test, RefusesGbkNamingLineAndByte) {
  // "序号\n张三" in GBK: D0 F2 BA C5 0A D5 C5 C8 FD.
  absl::Status status = CheckUtf8("ab\n\xD0\xF2\xBA\xC5\n\xD5\xC5\xC8\xFD");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "csv: not UTF-8 (line 2, byte 1); the file looks like GBK — save it as CSV UTF-8");
}

TEST(CheckUtf8Test, RefusesOverlongAndTruncatedSequences) {
  EXPECT_FALSE(CheckUtf8("\xC0\xAF").ok());
  EXPECT_FALSE(CheckUtf8("abc\xE6\x94").ok());
  EXPECT_FALSE(CheckUtf8("\xED\xA0\x80").ok());  // A surrogate.
}

TEST(TrimCellTest, TrimsAsciiAndIdeographicSpaces) {
  EXPECT_EQ(TrimCell("\xE3\x80\x80 科技局\t\xE3\x80\x80"), "科技局");
  EXPECT_EQ(TrimCell("  "), "");
  EXPECT_EQ(TrimCell("郑  十"), "郑  十");
}

TEST(CsvRecordTest, BlankWhenEveryCellIsEmpty) {
  auto records = ParseCsv(",,\xE3\x80\x80,\n");
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE((*records)[0].Blank());
}

}  // namespace
}  // namespace duban::registry

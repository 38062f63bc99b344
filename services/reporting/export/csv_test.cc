#include "services/reporting/export/csv.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace duban::reporting::exports {
namespace {

using ::testing::ElementsAre;

// Reads CSV as RFC 4180 describes it (after the byte order mark): the reader a spreadsheet uses.
std::vector<std::vector<std::string>> ParseCsv(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 3; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      field += c;
    }
  }
  return rows;
}

TEST(CsvTest, StartsWithTheUtf8ByteOrderMark) {
  const std::string csv = CsvDocument({{"单位"}});
  ASSERT_GE(csv.size(), 3u);
  EXPECT_EQ(static_cast<unsigned char>(csv[0]), 0xEF);
  EXPECT_EQ(static_cast<unsigned char>(csv[1]), 0xBB);
  EXPECT_EQ(static_cast<unsigned char>(csv[2]), 0xBF);
  EXPECT_EQ(csv.substr(3), "单位\r\n");
}

TEST(CsvTest, QuotesFieldsWithCommasQuotesAndLineBreaksOnly) {
  EXPECT_EQ(CsvField("住建局"), "住建局");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(CsvTest, FieldWithACommaAQuoteAndALineBreakRoundTrips) {
  const std::string tricky = "排查隐患, \"北片区\"\n第二批";
  const std::string csv = CsvDocument({{"编号", "内容"}, {"m-4-2", tricky}, {"", "末"}});
  EXPECT_THAT(ParseCsv(csv), ElementsAre(ElementsAre("编号", "内容"), ElementsAre("m-4-2", tricky),
                                         ElementsAre("", "末")));
}

}  // namespace
}  // namespace duban::reporting::exports

#include "services/minutes/document_number.h"

#include <gtest/gtest.h>

namespace duban::minutes {
namespace {

TEST(DocumentNumberTest, ParsesTheOfficialForm) {
  auto number = ParseDocumentNumber("泉港政纪〔2026〕12号");
  ASSERT_TRUE(number.ok()) << number.status();
  EXPECT_EQ(number->prefix, "泉港政纪");
  EXPECT_EQ(number->year, 2026);
  EXPECT_EQ(number->serial, 12);
}

TEST(DocumentNumberTest, OtherBracketsMeanTheSameNumber) {
  for (const char* text : {"泉港政纪[2026]12号", " 泉港政纪［2026］12 ", "泉港政纪【2026】12号"}) {
    auto number = ParseDocumentNumber(text);
    ASSERT_TRUE(number.ok()) << text;
    EXPECT_EQ(number->Canonical(), "泉港政纪〔2026〕12号") << text;
  }
}

TEST(DocumentNumberTest, MalformedNumbersNameTheField) {
  for (const char* text : {"", "12号", "〔2026〕12号", "泉港政纪〔二〇二六〕12号",
                           "泉港政纪〔2026〕号", "泉港政纪〔2026〕0号"}) {
    auto number = ParseDocumentNumber(text);
    ASSERT_FALSE(number.ok()) << text;
    EXPECT_EQ(number.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(number.status().message().substr(0, 16), "document_number:") << text;
  }
}

}  // namespace
}  // namespace duban::minutes

#include "services/registry/names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace duban::registry {
namespace {

using ::testing::ElementsAre;

TEST(NormalizePersonNameTest, RemovesPaddingBetweenChineseCharacters) {
  EXPECT_EQ(NormalizePersonName("郑  十"), "郑十");
  EXPECT_EQ(NormalizePersonName("郑\xE3\x80\x80十"), "郑十");
  EXPECT_EQ(NormalizePersonName("\xE3\x80\x80 卫一 "), "卫一");
}

TEST(NormalizePersonNameTest, KeepsOneSpaceBetweenLatinWords) {
  EXPECT_EQ(NormalizePersonName(" Li   Wei "), "Li Wei");
}

TEST(NormalizeUnitNameTest, MakesParenthesesFullwidth) {
  EXPECT_EQ(NormalizeUnitName(" 政府办(效能办) "), "政府办（效能办）");
  EXPECT_EQ(NormalizeUnitName("政府办（效能办）"), "政府办（效能办）");
}

TEST(SplitUnitNameTest, SeparatesBaseNameAndAlias) {
  UnitNameParts parts = SplitUnitName("政府办（效能办）");
  EXPECT_EQ(parts.base, "政府办");
  EXPECT_EQ(parts.alias, "效能办");
  EXPECT_EQ(SplitUnitName("科技局").base, "");
  EXPECT_EQ(SplitUnitName("（效能办）").base, "");
}

TEST(SplitNameListTest, SplitsOnLineBreaksAndChinesePunctuation) {
  EXPECT_THAT(SplitNameList("卫一\r\n蒋二"), ElementsAre("卫一", "蒋二"));
  EXPECT_THAT(SplitNameList("科技局、民政局，商务局；教育局;城管局,住建局"),
              ElementsAre("科技局", "民政局", "商务局", "教育局", "城管局", "住建局"));
  EXPECT_THAT(SplitNameList(" 科技局 \n\n\xE3\x80\x80"), ElementsAre("科技局"));
}

TEST(SplitNameListTest, KeepsSeparatorsInsideParentheses) {
  EXPECT_THAT(SplitNameList("工信局（数字办、大数据局）\n商务局"),
              ElementsAre("工信局（数字办、大数据局）", "商务局"));
}

}  // namespace
}  // namespace duban::registry

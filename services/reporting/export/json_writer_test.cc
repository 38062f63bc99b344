#include "services/reporting/export/json_writer.h"

#include "gtest/gtest.h"

namespace duban::reporting::exports {
namespace {

TEST(JsonWriterTest, WritesKeysInTheOrderGivenWithIndents) {
  JsonWriter json;
  json.BeginObject();
  json.Key("b");
  json.Int(1);
  json.Key("a");
  json.BeginArray();
  json.String("x");
  json.Null();
  json.EndArray();
  json.Key("empty");
  json.BeginArray();
  json.EndArray();
  json.Key("rate");
  json.Double(0.5);
  json.Key("raw");
  json.Raw("{\"z\":1}");
  json.Key("ok");
  json.Bool(true);
  json.EndObject();
  EXPECT_EQ(json.Take(),
            "{\n  \"b\": 1,\n  \"a\": [\n    \"x\",\n    null\n  ],\n  \"empty\": [],\n"
            "  \"rate\": 0.5,\n  \"raw\": {\"z\":1},\n  \"ok\": true\n}\n");
}

TEST(JsonWriterTest, QuotesEscapeControlCharactersAndKeepUtf8) {
  EXPECT_EQ(JsonQuote("住建局 \"a\\b\"\n\t\x01"), "\"住建局 \\\"a\\\\b\\\"\\n\\t\\u0001\"");
}

}  // namespace
}  // namespace duban::reporting::exports

// A small writer of indented JSON whose keys come out in the order written.
#ifndef DUBAN_SERVICES_REPORTING_EXPORT_JSON_WRITER_H_
#define DUBAN_SERVICES_REPORTING_EXPORT_JSON_WRITER_H_

#include <string>
#include <vector>

namespace duban::reporting::exports {

// Not thread safe. Misuse (a value without a key inside an object) is not detected.
class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // The key of the next value in the current object.
  void Key(const std::string& key);
  void String(const std::string& text);
  void Int(long long value);
  // The shortest text that reads back as `value` to six significant digits.
  void Double(double value);
  void Bool(bool value);
  void Null();
  // `json`, already a valid JSON value, as it is.
  void Raw(const std::string& json);

  // The document, ending with a line break.
  std::string Take();

 private:
  void BeforeValue();
  void Open(char bracket);
  void Close(char bracket);

  std::string out_;
  // Per open container: whether it holds a value yet.
  std::vector<bool> has_values_;
  bool after_key_ = false;
};

// `text` as a JSON string literal: quotes, backslashes and control characters escaped, other
// UTF-8 kept as is.
std::string JsonQuote(const std::string& text);

}  // namespace duban::reporting::exports

#endif  // DUBAN_SERVICES_REPORTING_EXPORT_JSON_WRITER_H_

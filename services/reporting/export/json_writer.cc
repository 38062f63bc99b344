#include "services/reporting/export/json_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace duban::reporting::exports {

std::string JsonQuote(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\r':
        quoted += "\\r";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&quoted, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          quoted += c;
        }
    }
  }
  return quoted + "\"";
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (has_values_.empty()) return;
  if (has_values_.back()) out_ += ',';
  has_values_.back() = true;
  out_ += '\n';
  out_.append(2 * has_values_.size(), ' ');
}

void JsonWriter::Open(char bracket) {
  BeforeValue();
  out_ += bracket;
  has_values_.push_back(false);
}

void JsonWriter::Close(char bracket) {
  const bool had_values = has_values_.back();
  has_values_.pop_back();
  if (had_values) {
    out_ += '\n';
    out_.append(2 * has_values_.size(), ' ');
  }
  out_ += bracket;
}

void JsonWriter::BeginObject() { Open('{'); }
void JsonWriter::EndObject() { Close('}'); }
void JsonWriter::BeginArray() { Open('['); }
void JsonWriter::EndArray() { Close(']'); }

void JsonWriter::Key(const std::string& key) {
  BeforeValue();
  absl::StrAppend(&out_, JsonQuote(key), ": ");
  after_key_ = true;
}

void JsonWriter::String(const std::string& text) {
  BeforeValue();
  out_ += JsonQuote(text);
}

void JsonWriter::Int(long long value) {
  BeforeValue();
  absl::StrAppend(&out_, value);
}

void JsonWriter::Double(double value) {
  BeforeValue();
  absl::StrAppend(&out_, value);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
}

void JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
}

void JsonWriter::Raw(const std::string& json) {
  BeforeValue();
  out_ += json;
}

std::string JsonWriter::Take() {
  std::string document = std::move(out_) + "\n";
  out_.clear();
  has_values_.clear();
  after_key_ = false;
  return document;
}

}  // namespace duban::reporting::exports

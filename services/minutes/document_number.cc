#include "services/minutes/document_number.h"

#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"

namespace duban::minutes {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kBrackets = {{
    {"〔", "〕"},
    {"[", "]"},
    {"［", "］"},
    {"【", "】"},
}};

absl::Status Malformed(std::string_view text) {
  return InvalidField("document_number",
                      absl::StrCat("\"", text, "\" is not of the form <prefix>〔<year>〕<n>号"));
}

}  // namespace

std::string DocumentNumber::Canonical() const {
  return absl::StrCat(prefix, "〔", year, "〕", serial, "号");
}

absl::StatusOr<DocumentNumber> ParseDocumentNumber(std::string_view text) {
  std::string_view rest = absl::StripAsciiWhitespace(text);
  absl::ConsumeSuffix(&rest, "号");

  for (const auto& [open, close] : kBrackets) {
    const size_t open_at = rest.find(open);
    const size_t close_at = rest.find(close);
    if (open_at == std::string_view::npos || close_at == std::string_view::npos ||
        close_at < open_at) {
      continue;
    }
    DocumentNumber number;
    number.prefix = std::string(absl::StripAsciiWhitespace(rest.substr(0, open_at)));
    const std::string_view year = rest.substr(open_at + open.size(),
                                              close_at - open_at - open.size());
    const std::string_view serial = rest.substr(close_at + close.size());
    if (number.prefix.empty() || !absl::SimpleAtoi(year, &number.year) ||
        !absl::SimpleAtoi(serial, &number.serial) || number.year < 1900 ||
        number.year > 9999 || number.serial <= 0) {
      return Malformed(text);
    }
    return number;
  }
  return Malformed(text);
}

}  // namespace duban::minutes

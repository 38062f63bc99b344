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

constexpr std::array<std::pair<absl::string_view, absl::string_view>, 4> kBrackets = {{
    {"〔", "〕"},
    {"[", "]"},
    {"［", "］"},
    {"【", "】"},
}};

absl::Status Malformed(absl::string_view text) {
  return InvalidField("document_number",
                      absl::StrCat("\"", text, "\" is not of the form <prefix>〔<year>〕<n>号"));
}

}  // namespace

std::string DocumentNumber::Canonical() const {
  return absl::StrCat(prefix, "〔", year, "〕", serial, "号");
}

absl::StatusOr<DocumentNumber> ParseDocumentNumber(absl::string_view text) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  absl::ConsumeSuffix(&rest, "号");

  for (const auto& [open, close] : kBrackets) {
    const size_t open_at = rest.find(open);
    const size_t close_at = rest.find(close);
    if (open_at == absl::string_view::npos || close_at == absl::string_view::npos ||
        close_at < open_at) {
      continue;
    }
    DocumentNumber number;
    number.prefix = std::string(absl::StripAsciiWhitespace(rest.substr(0, open_at)));
    const absl::string_view year =
        rest.substr(open_at + open.size(), close_at - open_at - open.size());
    const absl::string_view serial = rest.substr(close_at + close.size());
    if (number.prefix.empty() || !absl::SimpleAtoi(year, &number.year) ||
        !absl::SimpleAtoi(serial, &number.serial) || number.year < 1900 || number.year > 9999 ||
        number.serial <= 0) {
      return Malformed(text);
    }
    return number;
  }
  return Malformed(text);
}

}  // namespace duban::minutes

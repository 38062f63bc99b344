// Document numbers such as 泉港政纪〔2026〕12号: a prefix, a year in brackets and
// a serial. A number is unique per prefix and year.
#ifndef DUBAN_SERVICES_MINUTES_DOCUMENT_NUMBER_H_
#define DUBAN_SERVICES_MINUTES_DOCUMENT_NUMBER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace duban::minutes {

struct DocumentNumber {
  std::string prefix;
  int year = 0;
  int serial = 0;

  // The canonical form, with the official brackets: "泉港政纪〔2026〕12号".
  std::string Canonical() const;
};

// Parses "<prefix>〔<year>〕<serial>号". The brackets may also be [], ［］ or 【】
// and the trailing 号 may be missing; surrounding spaces are ignored.
// INVALID_ARGUMENT "document_number: ..." otherwise. Pure.
absl::StatusOr<DocumentNumber> ParseDocumentNumber(absl::string_view text);

}  // namespace duban::minutes

#endif  // DUBAN_SERVICES_MINUTES_DOCUMENT_NUMBER_H_

#include "services/reporting/export/export_target.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status.h"

namespace duban::reporting::exports {
namespace {

constexpr size_t kMaxIdChars = 64;
constexpr size_t kMaxPeriodChars = 16;

absl::Status CheckFilePart(const std::string& value, const char* field, size_t max_chars) {
  if (value.empty()) return InvalidField(field, "required for this export");
  if (value.size() > max_chars) {
    return InvalidField(field, absl::StrCat("longer than ", max_chars, " characters"));
  }
  for (char c : value) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '@') {
      return InvalidField(field, absl::StrCat("\"", value, "\" cannot name a file"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Extension(v1::ExportKind kind, v1::ExportFormat format) {
  const bool offered = (format == v1::EXPORT_FORMAT_XLSX) ||
                       (format == v1::EXPORT_FORMAT_CSV && kind == v1::EXPORT_KIND_CIRCULAR) ||
                       (format == v1::EXPORT_FORMAT_JSON && kind == v1::EXPORT_KIND_ANALYSIS);
  if (!offered) {
    return InvalidField("format", absl::StrCat(v1::ExportFormat_Name(format),
                                               " is not offered for ", v1::ExportKind_Name(kind)));
  }
  switch (format) {
    case v1::EXPORT_FORMAT_CSV:
      return std::string("csv");
    case v1::EXPORT_FORMAT_JSON:
      return std::string("json");
    default:
      return std::string("xlsx");
  }
}

const char* ContentType(v1::ExportFormat format) {
  switch (format) {
    case v1::EXPORT_FORMAT_CSV:
      return kCsvContentType;
    case v1::EXPORT_FORMAT_JSON:
      return kJsonContentType;
    default:
      return kXlsxContentType;
  }
}

absl::Status CheckIds(const v1::ExportRequest& request) {
  switch (request.kind()) {
    case v1::EXPORT_KIND_FORM3:
    case v1::EXPORT_KIND_FORM4:
      DUBAN_RETURN_IF_ERROR(CheckFilePart(request.unit_id(), "unit_id", kMaxIdChars));
      return CheckFilePart(request.period_id(), "period_id", kMaxPeriodChars);
    case v1::EXPORT_KIND_CIRCULAR:
    case v1::EXPORT_KIND_ANALYSIS:
      return CheckFilePart(request.month(), "month", kMaxPeriodChars);
    default:
      return InvalidField("kind", "unset");
  }
}

std::string Stem(const v1::ExportRequest& request, const ExportNames& names) {
  switch (request.kind()) {
    case v1::EXPORT_KIND_FORM3:
    case v1::EXPORT_KIND_FORM4: {
      const auto name = names.unit_names.find(request.unit_id());
      const std::string unit = FileUnitName(
          request.unit_id(),
          name == names.unit_names.end() ? std::string_view() : std::string_view(name->second));
      const char* form = request.kind() == v1::EXPORT_KIND_FORM3 ? "表3" : "表4";
      return absl::StrCat(form, "-", unit, "-", request.period_id());
    }
    case v1::EXPORT_KIND_CIRCULAR:
      return absl::StrCat("调度工作通报-", request.month());
    default:
      return absl::StrCat("调度工作分析报告-", request.month());
  }
}

// One character of UTF-8 at the front of `text`: its code point and length in bytes; length
// 0 when the bytes there are not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, cut off).
struct Decoded {
  char32_t code_point = 0;
  size_t length = 0;
};

Decoded DecodeFront(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  size_t length = 0;
  char32_t value = 0;
  char32_t smallest = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, smallest = 0x10000;
  } else {
    return {};
  }
  if (text.size() < length) return {};
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {};
    value = (value << 6) | (byte(i) & 0x3F);
  }
  if (value < smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length};
}

// Characters no file name should hold: controls, characters that invisibly reorder, join or
// break text, those Windows or POSIX reserve, and the parentheses FileUnitName keeps for ids.
bool Unsafe(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return true;
  switch (c) {
    case '/':
    case '\\':
    case ':':
    case '*':
    case '?':
    case '"':
    case '<':
    case '>':
    case '|':
    case '(':
    case ')':
    case 0x00AD:
    case 0x061C:
    case 0x180E:
    case 0xFEFF:
      return true;
    default:
      break;
  }
  return (c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x206F) || (c >= 0xFFF9 && c <= 0xFFFB);
}

// `text` without leading and trailing spaces and dots.
std::string_view TrimSpacesAndDots(std::string_view text) {
  const size_t first = text.find_first_not_of(" .");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" .") - first + 1);
}

// `text` with each unsafe character or invalid byte replaced by '_', trimmed, and cut at a
// character boundary to kMaxFileUnitNameBytes.
std::string MadeSafe(std::string_view text) {
  std::string safe;
  size_t cut = 0;  // Where `safe` ends when cut to the limit.
  while (!text.empty()) {
    const Decoded next = DecodeFront(text);
    const size_t length = next.length == 0 ? 1 : next.length;
    if (next.length == 0 || Unsafe(next.code_point)) {
      safe.push_back('_');
    } else {
      safe.append(text.substr(0, length));
    }
    if (safe.size() <= kMaxFileUnitNameBytes) cut = safe.size();
    text.remove_prefix(length);
  }
  safe.resize(cut);
  return std::string(TrimSpacesAndDots(safe));
}

}  // namespace

std::string FileUnitName(const std::string& unit_id, std::string_view name) {
  if (name == unit_id) name = {};
  const std::string safe = MadeSafe(name);
  if (!safe.empty() && safe == name) return safe;
  return absl::StrCat(safe, "(", unit_id, ")");
}

absl::Status CheckExportRequest(const v1::ExportRequest& request) {
  DUBAN_RETURN_IF_ERROR(CheckIds(request));
  return Extension(request.kind(), request.format()).status();
}

absl::StatusOr<ExportTarget> ExportTargetFor(const v1::ExportRequest& request,
                                             const ExportNames& names) {
  DUBAN_RETURN_IF_ERROR(CheckIds(request));
  DUBAN_ASSIGN_OR_RETURN(std::string extension, Extension(request.kind(), request.format()));
  return ExportTarget{.filename = absl::StrCat(Stem(request, names), ".", extension),
                      .content_type = ContentType(request.format())};
}

}  // namespace duban::reporting::exports

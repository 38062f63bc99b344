#include "services/registry/csv.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace duban::registry {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";

// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 when invalid
// (including overlong forms, surrogates and code points past U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t length = 0;
  uint8_t low = 0x80, high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;
    if (b0 == 0xED) high = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;
    if (b0 == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

// True when `bytes` is well-formed GBK with at least one double-byte character.
bool LooksLikeGbk(std::string_view bytes) {
  bool double_byte = false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const uint8_t b = static_cast<uint8_t>(bytes[i]);
    if (b < 0x80) continue;
    if (b == 0x80 || b == 0xFF || i + 1 >= bytes.size()) return false;
    const uint8_t trail = static_cast<uint8_t>(bytes[++i]);
    if (trail < 0x40 || trail == 0x7F || trail == 0xFF) return false;
    double_byte = true;
  }
  return double_byte;
}

bool IsLineEnd(std::string_view s, size_t i) {
  return s[i] == '\n' || (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n');
}

// Moves past the line end at `i` (LF or CRLF).
size_t SkipLineEnd(std::string_view s, size_t i) { return s[i] == '\r' ? i + 2 : i + 1; }

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<CsvRecord>> ReadAll() {
    std::vector<CsvRecord> records;
    while (pos_ < text_.size()) {
      CsvRecord record;
      record.line = line_;
      absl::Status status = ReadRecord(record);
      if (!status.ok()) return status;
      records.push_back(std::move(record));
    }
    return records;
  }

 private:
  absl::Status ReadRecord(CsvRecord& record) {
    while (true) {
      CsvCell cell;
      cell.line = line_;
      cell.column = static_cast<int>(record.cells.size()) + 1;
      absl::Status status =
          pos_ < text_.size() && text_[pos_] == '"' ? ReadQuoted(cell) : ReadPlain(cell);
      if (!status.ok()) return status;
      record.cells.push_back(std::move(cell));
      if (pos_ >= text_.size()) return absl::OkStatus();
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      pos_ = SkipLineEnd(text_, pos_);
      ++line_;
      return absl::OkStatus();
    }
  }

  // Stops at a comma, a line end or the end of the text.
  absl::Status ReadPlain(CsvCell& cell) {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && !IsLineEnd(text_, pos_)) ++pos_;
    cell.text.assign(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::Status ReadQuoted(CsvCell& cell) {
    ++pos_;  // The opening quote.
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
        cell.text.push_back('"');
        pos_ += 2;
      } else if (c == '"') {
        ++pos_;
        return ExpectCellEnd(cell);
      } else {
        if (c == '\n') ++line_;
        cell.text.push_back(c);
        ++pos_;
      }
    }
    return absl::InvalidArgumentError(absl::StrCat("csv: line ", cell.line, ", column ",
                                                   cell.column, ": quoted cell is never closed"));
  }

  absl::Status ExpectCellEnd(const CsvCell& cell) {
    if (pos_ >= text_.size() || text_[pos_] == ',' || IsLineEnd(text_, pos_)) {
      return absl::OkStatus();
    }
    if (cell.line != line_) {
      // Most likely a quote left open earlier: name where that cell began.
      return absl::InvalidArgumentError(
          absl::StrCat("csv: line ", cell.line, ", column ", cell.column,
                       ": quoted cell is never closed (a quote on line ", line_,
                       " ends it, followed by more text)"));
    }
    return absl::InvalidArgumentError(absl::StrCat("csv: line ", line_, ", column ", cell.column,
                                                   ": text after the closing quote"));
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

bool CsvRecord::Blank() const {
  for (const CsvCell& cell : cells) {
    if (!TrimCell(cell.text).empty()) return false;
  }
  return true;
}

absl::Status CheckUtf8(std::string_view bytes) {
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < bytes.size();) {
    const size_t length = Utf8SequenceLength(bytes, i);
    if (length == 0) {
      const std::string advice = LooksLikeGbk(bytes)
                                     ? "the file looks like GBK — save it as CSV UTF-8"
                                     : "save it as CSV UTF-8";
      return absl::InvalidArgumentError(absl::StrCat("csv: not UTF-8 (line ", line, ", byte ",
                                                     i - line_start + 1, "); ", advice));
    }
    const unsigned char byte = static_cast<unsigned char>(bytes[i]);
    if ((byte < 0x20 && byte != '\t' && byte != '\r' && byte != '\n') || byte == 0x7F) {
      return absl::InvalidArgumentError(
          absl::StrCat("csv: line ", line, ", byte ", i - line_start + 1, ": control character 0x",
                       absl::Hex(byte, absl::kZeroPad2), "; cells may hold only text"));
    }
    if (bytes[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
    i += length;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view bytes) {
  if (bytes.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    bytes.remove_prefix(kByteOrderMark.size());
  }
  absl::Status encoding = CheckUtf8(bytes);
  if (!encoding.ok()) return encoding;
  return Reader(bytes).ReadAll();
}

std::string_view TrimCell(std::string_view text) {
  while (true) {
    const size_t before = text.size();
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' ||
                             text.front() == '\n')) {
      text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                             text.back() == '\n')) {
      text.remove_suffix(1);
    }
    if (text.substr(0, kIdeographicSpace.size()) == kIdeographicSpace) {
      text.remove_prefix(kIdeographicSpace.size());
    }
    if (text.size() >= kIdeographicSpace.size() &&
        text.substr(text.size() - kIdeographicSpace.size()) == kIdeographicSpace) {
      text.remove_suffix(kIdeographicSpace.size());
    }
    if (text.size() == before) return text;
  }
}

}  // namespace duban::registry

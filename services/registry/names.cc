#include "services/registry/names.h"

#include <array>

#include "services/registry/csv.h"

namespace duban::registry {
namespace {

constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
constexpr std::string_view kNoBreakSpace = "\xC2\xA0";

// Length of the whitespace at `s[i]` (space, tab, line break, U+3000, U+00A0), or 0.
size_t WhitespaceAt(std::string_view s, size_t i) {
  const char c = s[i];
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return 1;
  for (std::string_view space : {kIdeographicSpace, kNoBreakSpace}) {
    if (s.substr(i, space.size()) == space) return space.size();
  }
  return 0;
}

bool IsAscii(char c) { return static_cast<unsigned char>(c) < 0x80; }

// Collapses whitespace runs: removed next to a non-ASCII character, one space otherwise.
std::string CollapseSpaces(std::string_view text) {
  text = TrimCell(text);
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t run = 0;
    while (i + run < text.size() && WhitespaceAt(text, i + run) > 0) {
      run += WhitespaceAt(text, i + run);
    }
    if (run == 0) {
      out.push_back(text[i++]);
      continue;
    }
    const bool latin_before = !out.empty() && IsAscii(out.back());
    const bool latin_after = i + run < text.size() && IsAscii(text[i + run]);
    if (latin_before && latin_after) out.push_back(' ');
    i += run;
  }
  return out;
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
}

constexpr std::string_view kOpen = "\xEF\xBC\x88";   // （
constexpr std::string_view kClose = "\xEF\xBC\x89";  // ）

}  // namespace

std::string NormalizePersonName(std::string_view name) { return CollapseSpaces(name); }

std::string NormalizeUnitName(std::string_view name) {
  std::string out = CollapseSpaces(name);
  ReplaceAll(out, "(", kOpen);
  ReplaceAll(out, ")", kClose);
  return out;
}

UnitNameParts SplitUnitName(std::string_view name) {
  const size_t open = name.find(kOpen);
  if (open == std::string_view::npos || open == 0) return {};
  if (name.size() < kClose.size() || name.substr(name.size() - kClose.size()) != kClose) return {};
  const size_t alias_start = open + kOpen.size();
  const size_t alias_end = name.size() - kClose.size();
  if (alias_end <= alias_start) return {};
  return {std::string(TrimCell(name.substr(0, open))),
          std::string(TrimCell(name.substr(alias_start, alias_end - alias_start)))};
}

std::vector<std::string> SplitNameList(std::string_view cell) {
  static constexpr std::array<std::string_view, 7> kSeparators = {
      "\n",          "\r", ",", ";", "\xE3\x80\x81" /* 、 */, "\xEF\xBC\x8C" /* ， */,
      "\xEF\xBC\x9B" /* ； */};
  std::vector<std::string> pieces;
  std::string current;
  int depth = 0;
  const auto flush = [&] {
    std::string_view piece = TrimCell(current);
    if (!piece.empty()) pieces.emplace_back(piece);
    current.clear();
  };
  for (size_t i = 0; i < cell.size();) {
    const std::string_view rest = cell.substr(i);
    if (rest.substr(0, 1) == "(" || rest.substr(0, kOpen.size()) == kOpen) ++depth;
    if ((rest.substr(0, 1) == ")" || rest.substr(0, kClose.size()) == kClose) && depth > 0) {
      --depth;
    }
    size_t separator = 0;
    for (std::string_view s : kSeparators) {
      if (depth == 0 && rest.substr(0, s.size()) == s) separator = s.size();
    }
    if (separator > 0) {
      flush();
      i += separator;
    } else {
      current.push_back(cell[i++]);
    }
  }
  flush();
  return pieces;
}

}  // namespace duban::registry

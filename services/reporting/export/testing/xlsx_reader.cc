#include "services/reporting/export/testing/xlsx_reader.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace duban::reporting::exports::testing {
namespace {

// The archive on disk for as long as it is read.
class ArchiveFile {
 public:
  explicit ArchiveFile(const std::string& bytes) {
    const int fd = mkstemps(path_.data(), 5);
    if (fd >= 0) close(fd);
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~ArchiveFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_ = "/tmp/duban-xlsx-read-XXXXXX.xlsx";
};

std::string Run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

std::string Unescape(const std::string& xml) {
  return absl::StrReplaceAll(
      xml, {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}});
}

// The text between the first `open_tag...>` at or after `from` and the next `close_tag`.
std::string Between(const std::string& xml, size_t from, size_t until, const std::string& open,
                    const std::string& close) {
  const size_t start = xml.find(open, from);
  if (start == std::string::npos || start >= until) return "";
  const size_t body = xml.find('>', start) + 1;
  const size_t end = xml.find(close, body);
  return xml.substr(body, end - body);
}

std::vector<std::string> SharedStrings(const std::string& xlsx) {
  const std::string xml = ZipEntry(xlsx, "xl/sharedStrings.xml");
  std::vector<std::string> strings;
  size_t at = 0;
  while ((at = xml.find("<si>", at)) != std::string::npos) {
    const size_t end = xml.find("</si>", at);
    std::string text;
    size_t t = at;
    while ((t = xml.find("<t", t)) != std::string::npos && t < end) {
      text += Between(xml, t, end, "<t", "</t>");
      t = xml.find("</t>", t);
    }
    strings.push_back(Unescape(text));
    at = end;
  }
  return strings;
}

std::string ColumnName(int column) {
  std::string name;
  for (int n = column + 1; n > 0; n = (n - 1) / 26) name.insert(name.begin(), 'A' + (n - 1) % 26);
  return name;
}

}  // namespace

std::vector<std::string> ZipEntries(const std::string& xlsx) {
  ArchiveFile file(xlsx);
  return absl::StrSplit(Run(absl::StrCat("unzip -Z1 ", file.path())), '\n', absl::SkipEmpty());
}

std::string ZipEntry(const std::string& xlsx, const std::string& entry) {
  ArchiveFile file(xlsx);
  return Run(absl::StrCat("unzip -p ", file.path(), " ", entry, " 2>/dev/null"));
}

std::map<std::string, std::string> SheetCells(const std::string& xlsx, int sheet_number) {
  const std::vector<std::string> strings = SharedStrings(xlsx);
  const std::string xml = ZipEntry(xlsx, absl::StrCat("xl/worksheets/sheet", sheet_number, ".xml"));
  std::map<std::string, std::string> cells;
  size_t at = 0;
  while ((at = xml.find("<c r=\"", at)) != std::string::npos) {
    const size_t ref_end = xml.find('"', at + 6);
    const std::string ref = xml.substr(at + 6, ref_end - at - 6);
    const size_t tag_end = xml.find('>', at);
    const std::string tag = xml.substr(at, tag_end - at);
    at = tag_end;
    if (tag.back() == '/') continue;
    const size_t end = xml.find("</c>", tag_end);
    const std::string value = Between(xml, tag_end, end, "<v", "</v>");
    const bool shared = tag.find("t=\"s\"") != std::string::npos;
    cells[ref] = shared ? strings.at(std::stoul(value)) : value;
  }
  return cells;
}

std::vector<std::string> RowValues(const std::map<std::string, std::string>& cells, int row,
                                   int columns) {
  std::vector<std::string> values;
  for (int col = 0; col < columns; ++col) {
    const auto found = cells.find(absl::StrCat(ColumnName(col), row));
    values.push_back(found == cells.end() ? "" : found->second);
  }
  return values;
}

}  // namespace duban::reporting::exports::testing

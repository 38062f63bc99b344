// Writes every export of the sample messages into the folder given as the only argument:
// form3.xlsx, form4.xlsx, circular.xlsx, circular.csv, analysis.xlsx, analysis.json.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/status/statusor.h"
#include "services/reporting/export/analysis_export.h"
#include "services/reporting/export/circular_export.h"
#include "services/reporting/export/form_export.h"
#include "services/reporting/export/testing/sample_messages.h"

namespace exports = duban::reporting::exports;

namespace {

bool Write(const std::string& dir, const std::string& name,
           const absl::StatusOr<std::string>& bytes) {
  if (!bytes.ok()) {
    std::cerr << name << ": " << bytes.status() << "\n";
    return false;
  }
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out << *bytes;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " FOLDER\n";
    return 2;
  }
  const std::string dir = argv[1];
  std::filesystem::create_directories(dir);
  const exports::ExportNames names = exports::testing::SampleNames();
  const auto report = exports::testing::SampleReport();
  const auto circular = exports::testing::SampleCircular();
  const auto analysis = exports::testing::SampleAnalysis();
  const bool ok = Write(dir, "form3.xlsx", exports::Form3Xlsx(report, names)) &
                  Write(dir, "form4.xlsx", exports::Form4Xlsx(report, names)) &
                  Write(dir, "circular.xlsx", exports::CircularXlsx(circular, names.zone)) &
                  Write(dir, "circular.csv", exports::CircularCsv(circular, names.zone)) &
                  Write(dir, "analysis.xlsx", exports::AnalysisXlsx(analysis, names)) &
                  Write(dir, "analysis.json", exports::AnalysisJson(analysis, names));
  return ok ? 0 : 1;
}

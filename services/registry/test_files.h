// Test-only: the sample spreadsheets (examples/) and the registry's test data.
#ifndef DUBAN_SERVICES_REGISTRY_TEST_FILES_H_
#define DUBAN_SERVICES_REGISTRY_TEST_FILES_H_

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace duban::registry {

// The whole file; a test failure when it cannot be opened.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::string Example(const std::string& name) {
  return ReadFile(std::string(DUBAN_EXAMPLES) + "/" + name);
}

inline std::string TestData(const std::string& name) {
  return ReadFile(std::string(DUBAN_REGISTRY_TESTDATA) + "/" + name);
}

}  // namespace duban::registry

#endif  // DUBAN_SERVICES_REGISTRY_TEST_FILES_H_

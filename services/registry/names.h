// How names are written in the district's spreadsheets and how the registry
// compares them. Pure functions; thread-safe.
#ifndef DUBAN_SERVICES_REGISTRY_NAMES_H_
#define DUBAN_SERVICES_REGISTRY_NAMES_H_

#include <string>
#include <string_view>
#include <vector>

namespace duban::registry {

// A person's name as stored: trimmed, with padding between Chinese characters
// removed ("郑  十" and "郑　十" become 郑十); a run of spaces between Latin
// letters becomes one space.
std::string NormalizePersonName(std::string_view name);

// A unit's name as stored: trimmed like a person's name, with halfwidth
// parentheses turned fullwidth, so 政府办(效能办) and 政府办（效能办） are one name.
std::string NormalizeUnitName(std::string_view name);

// The parts of a unit name with a parenthesised alias: 政府办（效能办） has the
// base name 政府办 and the alias 效能办. Both are empty for a plain name.
struct UnitNameParts {
  std::string base;
  std::string alias;
};
UnitNameParts SplitUnitName(std::string_view normalized_name);

// Splits a cell listing several names: on line breaks, 、 ， , ； and ;
// (outside parentheses). Pieces are trimmed; empty pieces are dropped.
std::vector<std::string> SplitNameList(std::string_view cell);

}  // namespace duban::registry

#endif  // DUBAN_SERVICES_REGISTRY_NAMES_H_

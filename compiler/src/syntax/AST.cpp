// Small helpers over the syntax tree shared by every later stage.
#include "tenet/syntax/AST.h"

#include <fmt/format.h>

namespace tenet {

std::string durationText(const Duration& d) {
  static constexpr const char* kUnits[] = {"day", "week", "month", "year"};
  return fmt::format("{} {}{}", d.amount, kUnits[static_cast<int>(d.unit)], d.amount == 1 ? "" : "s");
}

std::string cadenceText(const Duration& d) { return "every " + durationText(d); }

const Property* findProperty(const std::vector<Property>& props, std::string_view key) {
  for (const auto& p : props)
    if (p.key.name == key) return &p;
  return nullptr;
}

}  // namespace tenet

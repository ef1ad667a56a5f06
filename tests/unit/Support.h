// Helpers shared by the unit tests: compile sources given as text.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "tenet/driver/Compilation.h"

namespace tenet::test {

/// Compiles the given files (name, text) with the built-in stdlib.
inline Compilation compile(std::vector<std::pair<std::string, std::string>> files) {
  CompileOptions opts;
  opts.sources = std::move(files);
  Compilation c(std::move(opts));
  c.run();
  return c;
}

inline Compilation compileOne(std::string text) { return compile({{"test.tenet", std::move(text)}}); }

/// The codes of all diagnostics, in order.
inline std::vector<std::string> codes(const Compilation& c) {
  std::vector<std::string> out;
  for (const auto& d : c.diagnostics().all()) out.emplace_back(d.name());
  return out;
}

inline bool hasCode(const Compilation& c, std::string_view code) {
  auto cs = codes(c);
  return std::find(cs.begin(), cs.end(), code) != cs.end();
}

inline const Diagnostic* first(const Compilation& c, std::string_view code) {
  for (const auto& d : c.diagnostics().all())
    if (d.name() == code) return &d;
  return nullptr;
}

}  // namespace tenet::test

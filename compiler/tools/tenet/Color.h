// Whether the command line colours what it prints, shared by its commands.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <string>

/// Colour on `fd` (where the problems are printed): `auto` means a terminal,
/// unless NO_COLOR is set (no-color.org) or TERM is dumb.
inline bool useColor(const std::string& mode, int fd = STDOUT_FILENO) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* noColor = std::getenv("NO_COLOR");  // no-color.org: any non-empty value
  if (noColor && *noColor) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(fd) != 0;
}

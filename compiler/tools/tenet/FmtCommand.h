// `tenet fmt`: rewrites .tenet files in the canonical layout, or with
// --check / --diff reports the files that are not in it. See docs/fmt.md.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

struct FmtArgs {
  std::vector<std::string> paths;  ///< files or folders; empty means the current folder
  bool check = false;              ///< write nothing; list the files that are not formatted
  bool diff = false;               ///< write nothing; print a unified diff
  std::string stdlib;              ///< accepted like the other commands; fmt does not need it
  std::string color = "auto";      ///< for the syntax errors it prints
};

/// Adds the `fmt` subcommand to `app` and returns it.
CLI::App* addFmtCommand(CLI::App& app, FmtArgs& args);

/// Runs `tenet fmt`. Exit codes: 0 nothing to do or every file formatted;
/// 1 with --check or --diff when a file is not formatted; 2 when a path
/// could not be read, parsed or written.
int runFmt(const FmtArgs& args);

/// A unified diff of two texts (`--- a/PATH`, `+++ b/PATH`, hunks with three
/// lines of context), or "" when they are equal.
std::string unifiedDiff(const std::string& path, const std::string& before, const std::string& after);

// The tenet command line. Thin: parses arguments and hands over to the
// driver; every subcommand's logic lives in the compiler library.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "tenet/diag/Render.h"
#include "tenet/driver/Compilation.h"

#ifndef TENET_VERSION
#define TENET_VERSION "0.0.0"
#endif

namespace {

// Exit codes, documented in docs/cli.md.
constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;

bool useColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* noColor = std::getenv("NO_COLOR");  // no-color.org: any non-empty value
  if (noColor && *noColor) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) != 0;
}

int runCheck(const std::vector<std::string>& paths, const std::string& format, const std::string& stdlib,
             const std::string& color) {
  tenet::CompileOptions opts;
  opts.paths = paths;
  if (!stdlib.empty()) opts.stdlibDir = stdlib;
  tenet::Compilation comp(std::move(opts));
  comp.run();
  const auto& diags = comp.diagnostics();
  if (format == "json") {
    tenet::renderJson(std::cout, comp.sources(), diags);
  } else {
    tenet::TextRenderOptions ro;
    ro.color = useColor(color);
    tenet::renderTextAll(std::cout, comp.sources(), diags, ro);
    std::string summary = tenet::summaryLine(diags);
    if (!summary.empty()) {
      std::cout << summary << " found.\n";
    } else if (const tenet::Model* m = comp.model()) {
      std::size_t files = 0, controls = 0;
      for (const auto& u : comp.units())
        if (!comp.sources().file(u.file).fromStdlib) ++files;
      for (const auto& [_, p] : m->policies) controls += p->controls.size();
      auto n = [](std::size_t k, const char* one, const char* many) {
        return std::to_string(k) + " " + (k == 1 ? one : many);
      };
      std::cout << "No problems found in " << n(files, "file", "files") << ": "
                << n(m->policies.size(), "policy", "policies") << ", " << n(controls, "control", "controls")
                << ", " << n(m->roles.size(), "role", "roles") << ", "
                << n(m->facts.size(), "facts source", "facts sources") << ".\n";
    }
  }
  std::cout.flush();
  if (comp.inputFailed()) return kExitUsage;
  return diags.hasErrors() ? kExitFindings : kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Tenet checks a policy repository written in the Tenet language: policies, controls,\n"
      "the framework requirements they satisfy (ISO/IEC 27001:2022, SOC 2, NIST CSF), and the\n"
      "facts that show each control is practised.",
      "tenet"};
  app.set_version_flag("--version", std::string("tenet ") + TENET_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 when nothing is wrong, 1 when problems were found in the policies,\n"
      "2 when the command was used wrongly or a file or folder could not be read.\n"
      "Run 'tenet COMMAND --help' for the options of one command.");

  std::vector<std::string> paths;
  std::string format = "text";
  std::string stdlib;
  std::string color = "auto";
  auto* check = app.add_subcommand(
      "check",
      "Check policy files for mistakes: syntax, unknown or misspelt names, references to\n"
      "requirements that do not exist (such as soc2.CC9.9), and expressions that do not fit\n"
      "the declared facts. Nothing is evaluated and nothing is written.");
  check->add_option("paths", paths,
                    "Files or folders to check. Folders are searched for .tenet files.\n"
                    "Default: the current folder.");
  check->add_option("--format", format, "How to print problems: 'text' for people, 'json' for programs.")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  check->add_option("--stdlib", stdlib,
                    "Use the framework catalogues in this folder instead of the ones built into tenet.");
  check->add_option("--color", color, "Colour the output: auto (on a terminal only), always or never.")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Name an unknown command instead of CLI11's "a subcommand is required".
    if (argc > 1 && argv[1][0] == '-') {
      std::cerr << "tenet: error: '" << argv[1] << "' is not an option of tenet itself; options follow the command, "
                << "as in: tenet check --format json\nRun 'tenet --help' for the commands.\n";
      return kExitUsage;
    }
    bool known = false;
    for (const auto* sub : app.get_subcommands({}))
      if (argc > 1 && sub->get_name() == argv[1]) known = true;
    if (argc > 1 && argv[1][0] != '-' && !known) {
      std::cerr << "tenet: error: '" << argv[1] << "' is not a tenet command; the commands are: ";
      bool firstName = true;
      for (const auto* sub : app.get_subcommands({})) {
        std::cerr << (firstName ? "" : ", ") << sub->get_name();
        firstName = false;
      }
      std::cerr << "\nRun 'tenet --help' for more.\n";
      return kExitUsage;
    }
    app.exit(e);
    return kExitUsage;
  }
  try {
    if (check->parsed()) return runCheck(paths, format, stdlib, color);
  } catch (const std::exception& e) {
    std::cerr << "tenet: error: " << e.what() << '\n';
    return kExitUsage;
  }
  return kExitUsage;
}

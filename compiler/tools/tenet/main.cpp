// The tenet command line. Thin: parses arguments and hands over to the
// driver; every subcommand's logic lives in the compiler library.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <functional>
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "tenet/analysis/Coverage.h"
#include "tenet/analysis/ProseDrift.h"
#include "tenet/diag/Render.h"
#include "tenet/driver/Compilation.h"
#include "tenet/emit/DriftReport.h"
#include "tenet/facts/FactStore.h"
#include "tenet/base/Files.h"
#include "tenet/base/Thread.h"
#include "tenet/lint/Lint.h"
#include "tenet/lsp/Server.h"
#include "tenet/site/History.h"
#include "tenet/site/Output.h"
#include "tenet/site/Site.h"

#include "Color.h"
#include "FmtCommand.h"

#ifndef TENET_VERSION
#define TENET_VERSION "0.0.0"
#endif

namespace {

// Exit codes, documented in docs/cli.md.
constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;

// --timings: the time of each phase, printed on stderr when the command ends.
struct PhaseClock {
  using Clock = std::chrono::steady_clock;
  bool enabled = false;
  Clock::time_point start = Clock::now();
  Clock::time_point mark = start;
  std::vector<std::pair<std::string, double>> phases;

  void take(const tenet::Compilation& c) {
    for (const auto& p : c.timings()) phases.push_back(p);
    mark = Clock::now();
  }
  void lap(const std::string& name) {
    auto now = Clock::now();
    phases.push_back({name, std::chrono::duration<double>(now - mark).count()});
    mark = now;
  }
  void print() const {
    if (!enabled) return;
    std::size_t width = 5;
    for (const auto& [name, _] : phases) width = std::max(width, name.size());
    std::cerr << "Timings:\n";
    for (const auto& [name, secs] : phases)
      std::cerr << "  " << name << std::string(width - name.size() + 2, ' ') << fmt::format("{:8.3f} s", secs) << '\n';
    double total = std::chrono::duration<double>(Clock::now() - start).count();
    std::cerr << "  total" << std::string(width - 5 + 2, ' ') << fmt::format("{:8.3f} s", total) << '\n';
  }
};
PhaseClock gClock;

/// A progress line for long runs, on a terminal only: never in a CI log or
/// when stderr is a file or a pipe. It appears after half a second and is
/// cleared when parsing ends.
std::function<void(std::size_t, std::size_t)> progressLine() {
  const char* ci = std::getenv("CI");
  const char* term = std::getenv("TERM");
  if (!isatty(STDERR_FILENO) || (ci && *ci) || (term && std::string(term) == "dumb")) return {};
  auto start = std::chrono::steady_clock::now();
  auto shown = std::make_shared<bool>(false);
  return [start, shown](std::size_t done, std::size_t total) {
    if (done >= total) {
      if (*shown) std::cerr << "\r\x1b[K" << std::flush;
      return;
    }
    if (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500)) return;
    constexpr int kWidth = 30;
    int filled = static_cast<int>(kWidth * done / std::max<std::size_t>(total, 1));
    std::cerr << "\r\x1b[KReading policies [" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] "
              << done << '/' << total << " files" << std::flush;
    *shown = true;
  };
}

/// Compiles the files and folders given, as every command reads a project:
/// with the progress line on a terminal and the phases timed for --timings.
/// The compilation lives until the process ends and is never taken apart:
/// freeing a large project's syntax trees piece by piece takes longer than
/// the system takes to reclaim the whole process at exit.
tenet::Compilation& compileProject(const std::vector<std::string>& paths, const std::string& stdlib,
                                   bool defaultToCurrentFolder = true) {
  // Reachable to the very end, so no leak checker reports them: the list
  // itself is never destroyed either (a static vector would be, at exit).
  static auto* kept = new std::vector<tenet::Compilation*>;
  tenet::CompileOptions opts;
  opts.progress = progressLine();
  opts.paths = paths;
  opts.defaultToCurrentFolder = defaultToCurrentFolder;
  if (!stdlib.empty()) opts.stdlibDir = stdlib;
  auto* comp = new tenet::Compilation(std::move(opts));
  kept->push_back(comp);
  comp->run();
  gClock.take(*comp);
  return *comp;
}

int runCheck(const std::vector<std::string>& paths, const std::string& format, const std::string& stdlib,
             const std::string& color) {
  tenet::Compilation& comp = compileProject(paths, stdlib);
  // The lint block also sets the level of the rules the checker reports.
  if (comp.model()) tenet::applyLintConfig(*comp.model(), comp.units(), comp.sources(), comp.diagnostics(), {});
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

/// Today's date in UTC, the default evaluation date.
tenet::Date todayUtc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tenet::Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

/// Parses --as-of; an empty text means today. Reports a bad date itself.
std::optional<tenet::Date> parseAsOf(const std::string& text) {
  if (text.empty()) return todayUtc();
  tenet::Date d;
  std::string why;
  if (text.size() != 10 || !tenet::parseFactDate(text, d, why)) {
    std::cerr << "tenet: error: --as-of takes a date such as 2026-11-22" << (why.empty() ? "" : ": " + why) << '\n';
    return std::nullopt;
  }
  return d;
}

/// The folder `source` paths are relative to: the folder given, the folder
/// of the file given, or the current folder.
std::string projectRoot(const std::vector<std::string>& paths) {
  if (paths.empty()) return ".";
  std::filesystem::path p(paths.front());
  std::string root = std::filesystem::is_directory(p) ? p.string() : p.parent_path().string();
  return root.empty() ? "." : root;
}

struct ProjectArgs {
  std::vector<std::string> paths;
  std::string stdlib;
  std::string color = "auto";
};

/// Compiles the project for a report. Problems go to stderr, so that the
/// report on stdout stays clean; a report is only made from a project that
/// checks without errors. Null when there is no report to make.
tenet::Compilation* loadForReport(const ProjectArgs& args, bool stdlibAlone, int& exitCode) {
  tenet::Compilation& comp = compileProject(args.paths, args.stdlib, !stdlibAlone);
  const auto& diags = comp.diagnostics();
  if (!diags.all().empty()) {
    tenet::TextRenderOptions ro;
    ro.color = useColor(args.color, STDERR_FILENO);
    tenet::renderTextAll(std::cerr, comp.sources(), diags, ro);
  }
  if (comp.inputFailed()) {
    exitCode = kExitUsage;
    return nullptr;
  }
  if (diags.hasErrors() || !comp.model()) {
    std::cerr << "tenet: the project has errors; fix them first (see 'tenet check').\n";
    exitCode = kExitFindings;
    return nullptr;
  }
  return &comp;
}

const tenet::Framework* findFramework(const tenet::Model& m, const std::string& name) {
  if (const tenet::Framework* fw = m.framework(name)) return fw;
  std::vector<std::string> names;
  for (const auto& [n, _] : m.frameworks) names.push_back(n);
  std::string best = tenet::closestName(name, names);
  std::cerr << "tenet: error: no framework is named '" << name << "'";
  if (!best.empty()) std::cerr << "; did you mean '" << best << "'?";
  std::cerr << "\nThe frameworks are:";
  for (const auto& n : names) std::cerr << ' ' << n;
  std::cerr << '\n';
  return nullptr;
}

struct EvalArgs {
  bool evaluate = false;
  std::string asOf;
  std::string factsDir;
};

/// Evaluates the facts for a report when asked (--evaluate or --as-of).
/// Problems in the facts go to stderr with the project's other diagnostics.
std::optional<tenet::DriftReport> evaluateForReport(tenet::Compilation& comp, const ProjectArgs& project,
                                                    const EvalArgs& args, int& exitCode) {
  if (!args.evaluate && args.asOf.empty() && args.factsDir.empty()) return std::nullopt;
  auto asOf = parseAsOf(args.asOf);
  if (!asOf) {
    exitCode = kExitUsage;
    return std::nullopt;
  }
  if (!args.factsDir.empty() && !std::filesystem::is_directory(args.factsDir)) {
    std::cerr << "tenet: error: the facts folder '" << args.factsDir << "' does not exist\n";
    exitCode = kExitUsage;
    return std::nullopt;
  }
  tenet::FactsOptions fo;
  fo.projectRoot = projectRoot(project.paths);
  if (!args.factsDir.empty()) fo.factsDir = args.factsDir;
  std::size_t before = comp.diagnostics().all().size();
  std::size_t errorsBefore = comp.diagnostics().errorCount();
  auto facts = comp.loadFacts(fo);
  bool factsFailed = comp.diagnostics().errorCount() > errorsBefore;
  tenet::DriftOptions d;
  d.asOf = *asOf;
  tenet::DriftReport report = tenet::computeDrift(*comp.model(), facts, d, comp.diagnostics());
  // Only what evaluating added: the project's own problems were printed already.
  tenet::TextRenderOptions ro;
  ro.color = useColor(project.color, STDERR_FILENO);
  for (std::size_t k = before; k < comp.diagnostics().all().size(); ++k)
    tenet::renderText(std::cerr, comp.sources(), comp.diagnostics().all()[k], ro);
  if (factsFailed) {
    std::cerr << "tenet: a facts file could not be used; fix it first (see 'tenet drift').\n";
    exitCode = kExitUsage;
    return std::nullopt;
  }
  return report;
}

void addEvalOptions(CLI::App* cmd, EvalArgs& args) {
  cmd->add_flag("--evaluate", args.evaluate,
                "Evaluate the controls against the facts (as of today) and report their status from it.");
  cmd->add_option("--as-of", args.asOf, "Evaluate as of this date (YYYY-MM-DD); implies --evaluate.");
  cmd->add_option("--facts-dir", args.factsDir,
                  "Read each facts file from this folder (by file name); implies --evaluate.");
}

int emit(const std::vector<tenet::Table>& tables, const std::string& format) {
  tenet::renderTables(std::cout, tables, *tenet::parseTableFormat(format));
  std::cout.flush();
  return std::cout ? kExitOk : kExitUsage;
}

int runCrosswalk(const std::string& from, const std::string& to, bool matrix, const std::string& format,
                 const ProjectArgs& args) {
  int code = kExitOk;
  // Without paths, the built-in catalogues and crosswalks alone.
  auto comp = loadForReport(args, true, code);
  if (!comp) return code;
  const tenet::Model& m = *comp->model();
  const tenet::Framework* a = findFramework(m, from);
  const tenet::Framework* b = findFramework(m, to);
  if (!a || !b) return kExitUsage;
  if (a == b) {
    std::cerr << "tenet: error: a crosswalk relates two different frameworks; '" << from << "' was named twice\n";
    return kExitUsage;
  }
  tenet::CrosswalkGraph graph(m);
  return emit({matrix ? tenet::crosswalkMatrix(graph, *a, *b) : tenet::crosswalkTable(graph, *a, *b)}, format);
}

int runCoverage(const std::vector<std::string>& frameworks, bool summaryOnly, const std::string& format,
                const ProjectArgs& args, const EvalArgs& evalArgs) {
  int code = kExitOk;
  auto comp = loadForReport(args, false, code);
  if (!comp) return code;
  auto drift = evaluateForReport(*comp, args, evalArgs, code);
  if (code != kExitOk) return code;
  const tenet::DriftReport* report = drift ? &*drift : nullptr;
  const tenet::Model& m = *comp->model();
  tenet::CrosswalkGraph graph(m);
  std::vector<tenet::FrameworkCoverage> coverage;
  if (frameworks.empty()) {
    coverage = tenet::computeCoverage(m, graph, report);
  } else {
    for (const auto& name : frameworks) {
      const tenet::Framework* fw = findFramework(m, name);
      if (!fw) return kExitUsage;
      coverage.push_back(tenet::computeCoverage(m, graph, *fw, report));
    }
  }
  if (coverage.empty()) {
    std::cerr << "tenet: error: no framework to report on: list them in the project block (frameworks = [iso27001, soc2]) "
                 "or name one with --framework\n";
    return kExitUsage;
  }
  std::vector<tenet::Table> tables{tenet::coverageSummaryTable(coverage)};
  if (!summaryOnly)
    for (const auto& fc : coverage) tables.push_back(tenet::coverageTable(fc));
  return emit(tables, format);
}

int runSoa(const std::string& format, const ProjectArgs& args, const EvalArgs& evalArgs) {
  int code = kExitOk;
  auto comp = loadForReport(args, false, code);
  if (!comp) return code;
  auto drift = evaluateForReport(*comp, args, evalArgs, code);
  if (code != kExitOk) return code;
  const tenet::Model& m = *comp->model();
  const tenet::Framework* iso = findFramework(m, "iso27001");
  if (!iso) return kExitUsage;
  tenet::CrosswalkGraph graph(m);
  return emit({tenet::soaTable(tenet::computeCoverage(m, graph, *iso, drift ? &*drift : nullptr))}, format);
}

struct DriftArgs {
  ProjectArgs project;
  std::string asOf;
  std::string factsDir;
  std::string format = "text";
  std::string failOn = "fail";
  std::string baseline;
};

/// The ids of the controls that failed in a JSON report of `tenet drift`.
std::optional<std::set<std::string>> readBaseline(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "tenet: error: cannot read the baseline '" << path << "'\n";
    return std::nullopt;
  }
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("policies") || !doc["policies"].is_array()) {
    std::cerr << "tenet: error: '" << path << "' is not a report of 'tenet drift --format json'\n";
    return std::nullopt;
  }
  std::set<std::string> failed;
  for (const auto& p : doc["policies"])
    if (p.is_object() && p.contains("controls") && p["controls"].is_array())
      for (const auto& c : p["controls"])
        if (c.is_object() && c.value("outcome", "") == "fail" && c.contains("id") && c["id"].is_string())
          failed.insert(c["id"].get<std::string>());
  return failed;
}

int runDrift(const DriftArgs& args) {
  auto asOfDate = parseAsOf(args.asOf);
  if (!asOfDate) return kExitUsage;
  tenet::Date asOf = *asOfDate;
  if (!args.factsDir.empty() && !std::filesystem::is_directory(args.factsDir)) {
    std::cerr << "tenet: error: the facts folder '" << args.factsDir << "' does not exist\n";
    return kExitUsage;
  }
  tenet::Compilation& comp = compileProject(args.project.paths, args.project.stdlib);
  auto format = *tenet::parseDriftFormat(args.format);
  bool color = useColor(args.project.color);
  auto problemsOnly = [&]() {
    tenet::TextRenderOptions ro;
    ro.color = useColor(args.project.color, STDERR_FILENO);
    tenet::renderTextAll(std::cerr, comp.sources(), comp.diagnostics(), ro);
  };
  if (comp.inputFailed() || comp.diagnostics().hasErrors() || !comp.model()) {
    problemsOnly();
    std::cerr << "tenet: the project has errors; fix them first (see 'tenet check').\n";
    return kExitUsage;
  }
  // `source` paths are relative to the project: the folder given, or the
  // folder of the file given, or the current folder.
  tenet::FactsOptions fo;
  fo.projectRoot = projectRoot(args.project.paths);
  if (!args.factsDir.empty()) fo.factsDir = args.factsDir;
  std::size_t before = comp.diagnostics().errorCount();
  auto facts = comp.loadFacts(fo);
  gClock.lap("read facts");
  bool factsFailed = comp.diagnostics().errorCount() > before;
  tenet::DriftOptions dopts;
  dopts.asOf = asOf;
  std::size_t beforeDrift = comp.diagnostics().errorCount();
  tenet::DriftReport report = tenet::computeDrift(*comp.model(), facts, dopts, comp.diagnostics());
  tenet::checkProseDrift(*comp.model(), comp.sources(), comp.diagnostics());
  gClock.lap("evaluate");
  tenet::applyLintConfig(*comp.model(), comp.units(), comp.sources(), comp.diagnostics(), {});
  if (!args.baseline.empty()) {
    auto failedBefore = readBaseline(args.baseline);
    if (!failedBefore) return kExitUsage;
    tenet::applyBaseline(report, *failedBefore);
  }
  bool exceptionErrors = comp.diagnostics().errorCount() > beforeDrift;
  comp.diagnostics().sort(comp.sources());
  tenet::DriftRenderOptions ro;
  ro.color = color;
  ro.toolVersion = TENET_VERSION;
  tenet::renderDrift(std::cout, report, comp.sources(), comp.diagnostics(), format, ro);
  std::cout.flush();
  if (factsFailed) return kExitUsage;
  if (report.summary.newFailures() > 0 || exceptionErrors) return kExitFindings;
  if (args.failOn == "unknown" && report.summary.unknown > 0) return kExitFindings;
  return kExitOk;
}

struct LintArgs {
  ProjectArgs project;
  std::string format = "text";
  std::vector<std::string> rules;
  std::string asOf;
  bool fix = false;
};

/// Applies the safe fix-its of the diagnostics to their files, each file
/// rewritten atomically. Returns how many were applied, or -1 when a file
/// could not be written (then said on stderr).
int applySafeFixes(tenet::Compilation& comp) {
  const tenet::SourceManager& sm = comp.sources();
  std::map<tenet::FileId, std::vector<tenet::FixIt>> byFile;
  for (const auto& d : comp.diagnostics().all())
    for (const auto& f : d.fixits)
      if (f.safe && f.range.valid() && !sm.file(f.range.file).fromStdlib) byFile[f.range.file].push_back(f);
  int applied = 0;
  std::size_t files = 0;
  for (auto& [file, fixes] : byFile) {
    // From the end of the file backwards, so that offsets stay right; an
    // edit that overlaps one already made is left for the next run.
    std::sort(fixes.begin(), fixes.end(),
              [](const tenet::FixIt& a, const tenet::FixIt& b) { return a.range.begin > b.range.begin; });
    const tenet::SourceFile& sf = sm.file(file);
    std::string text = sf.text;
    std::uint32_t limit = UINT32_MAX;
    int here = 0;
    for (const auto& f : fixes) {
      if (f.range.end > limit || f.range.end > text.size() || f.range.begin > f.range.end) continue;
      text.replace(f.range.begin, f.range.end - f.range.begin, f.replacement);
      limit = f.range.begin;
      ++here;
    }
    if (here == 0) continue;
    if (sf.hadBom) text.insert(0, "\xEF\xBB\xBF");
    std::string why;
    if (!tenet::replaceFileAtomically(sf.path, text, why)) {
      std::cerr << "tenet: error: cannot fix '" << sf.path << "': " << why << "; it is unchanged\n";
      return -1;
    }
    applied += here;
    ++files;
  }
  if (applied > 0)
    std::cerr << "Fixed " << applied << (applied == 1 ? " problem" : " problems") << " in " << files
              << (files == 1 ? " file" : " files") << ".\n";
  return applied;
}

int runLint(const LintArgs& args) {
  auto asOf = parseAsOf(args.asOf);
  if (!asOf) return kExitUsage;
  tenet::LintConfigOptions config;
  config.reportSuppressions = true;
  for (const auto& r : args.rules)
    if (auto problem = tenet::parseLintOverride(r, config.overrides)) {
      std::cerr << "tenet: error: " << *problem << '\n';
      return kExitUsage;
    }
  tenet::Compilation& comp = compileProject(args.project.paths, args.project.stdlib);
  // The rules read a sound model: with errors, only the errors are shown.
  if (comp.model() && !comp.diagnostics().hasErrors()) {
    tenet::LintContext ctx{*comp.model(), comp.sources(), *asOf, comp.diagnostics()};
    tenet::runLintRules(ctx);
    gClock.lap("lint rules");
  } else {
    config.reportSuppressions = false;  // nothing ran that they could suppress
  }
  if (comp.model()) tenet::applyLintConfig(*comp.model(), comp.units(), comp.sources(), comp.diagnostics(), config);
  comp.diagnostics().sort(comp.sources());
  if (args.fix && !comp.inputFailed()) {
    int fixed = applySafeFixes(comp);
    if (fixed < 0) return kExitUsage;
    if (fixed > 0) {
      // Report what is left, as read from the fixed files.
      LintArgs again = args;
      again.fix = false;
      return runLint(again);
    }
  }
  tenet::DriftRenderOptions ro;
  ro.color = useColor(args.project.color);
  ro.toolVersion = TENET_VERSION;
  ro.diagnosticsOnly = true;
  tenet::DriftReport none;
  none.asOf = *asOf;
  tenet::renderDrift(std::cout, none, comp.sources(), comp.diagnostics(), *tenet::parseDriftFormat(args.format), ro);
  std::cout.flush();
  if (comp.inputFailed()) return kExitUsage;
  return comp.diagnostics().hasErrors() ? kExitFindings : kExitOk;
}

int runRules(const std::string& format) {
  const auto& rules = tenet::lintRules();
  if (format == "json") {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& r : rules)
      list.push_back({{"id", std::string(r.id())},
                      {"category", std::string(tenet::categoryName(r.category))},
                      {"severity", tenet::severityName(tenet::diagInfo(r.code).severity)},
                      {"summary", std::string(r.summary)},
                      {"fixable", r.fixable},
                      {"doc", "docs/rules/" + std::string(r.id()) + ".md"}});
    std::cout << list.dump(2) << '\n';
    return kExitOk;
  }
  std::size_t width = 0;
  for (const auto& r : rules) width = std::max(width, r.id().size());
  std::cout << "Lint rules (set their level in the project's lint block, or with --rule ID=LEVEL):\n\n";
  for (const auto& r : rules) {
    std::string id(r.id());
    std::string severity = tenet::severityName(tenet::diagInfo(r.code).severity);
    std::cout << "  " << id << std::string(width - id.size() + 2, ' ') << severity
              << std::string(9 - severity.size(), ' ') << std::string(tenet::categoryName(r.category))
              << std::string(12 - tenet::categoryName(r.category).size(), ' ') << r.summary << '\n';
  }
  std::cout << "\nEach rule is described in docs/rules/ID.md.\n";
  return kExitOk;
}

struct BuildArgs {
  ProjectArgs project;
  std::string output = "site";
  std::string asOf;
  std::string factsDir;
  bool noHistory = false;
};

int runBuild(const BuildArgs& args) {
  // The site replaces its folder as a whole: never one that holds what is
  // being built.
  std::vector<std::string> inputs = args.project.paths;
  if (inputs.empty()) inputs.push_back(".");
  if (!args.factsDir.empty()) inputs.push_back(args.factsDir);
  for (const auto& input : inputs)
    if (tenet::folderHolds(args.output, input)) {
      std::cerr << "tenet: error: the output folder '" << args.output << "' holds '" << input
                << "', which this build reads; the site replaces its whole folder, so name a separate folder "
                   "such as 'site'\nNothing was written.\n";
      return kExitUsage;
    }
  int code = kExitOk;
  auto comp = loadForReport(args.project, false, code);
  if (!comp) return code;
  EvalArgs evalArgs;
  evalArgs.evaluate = true;
  evalArgs.asOf = args.asOf;
  evalArgs.factsDir = args.factsDir;
  std::size_t before = comp->diagnostics().all().size();
  auto drift = evaluateForReport(*comp, args.project, evalArgs, code);
  if (!drift) return code == kExitOk ? kExitUsage : code;
  gClock.lap("read facts and evaluate");
  // What evaluating found (expired exceptions, overdue reviews) is shown on
  // the drift page too.
  tenet::DiagnosticEngine problems;
  for (std::size_t k = before; k < comp->diagnostics().all().size(); ++k)
    problems.add(comp->diagnostics().all()[k].code, comp->diagnostics().all()[k].severity,
                 comp->diagnostics().all()[k].range, comp->diagnostics().all()[k].message);
  problems.sort(comp->sources());

  const tenet::Model& m = *comp->model();
  std::optional<tenet::History> history;
  if (!args.noHistory) {
    std::vector<std::string> files;
    for (const auto& [name, policy] : m.policies) files.push_back(comp->sources().file(policy->decl->range.file).path);
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    std::string why;
    history = tenet::readHistory(files, why);
    if (!why.empty()) std::cerr << "tenet: warning: no revision history in the site: " << why << '\n';
  }
  tenet::CrosswalkGraph graph(m);
  tenet::SiteInput in;
  in.model = &m;
  in.sources = &comp->sources();
  in.graph = &graph;
  in.drift = &*drift;
  in.problems = &problems;
  in.history = history ? &*history : nullptr;
  in.toolVersion = TENET_VERSION;
  in.projectRoot = projectRoot(args.project.paths);
  gClock.lap("revision history");
  std::vector<tenet::SiteFile> files = tenet::renderSite(in);
  gClock.lap("render pages");
  std::string error;
  bool written = tenet::writeSite(args.output, files, error);
  gClock.lap("write the site");
  if (!written) {
    std::cerr << "tenet: error: " << error << "\nThe previous site, if any, is unchanged.\n";
    return kExitUsage;
  }
  std::size_t pages = 0;
  for (const auto& f : files) pages += f.path.size() > 5 && f.path.ends_with(".html");
  std::filesystem::path index = std::filesystem::path(args.output) / "index.html";
  std::cout << "Wrote " << pages << " pages to " << args.output << " (status as of " << tenet::formatDate(drift->asOf)
            << "). Open " << index.string() << " in a browser.\n";
  return kExitOk;
}

}  // namespace

namespace {

int run(int argc, char** argv) {
  CLI::App app{
      "Tenet checks a policy repository written in the Tenet language: policies, controls,\n"
      "the framework requirements they satisfy (ISO/IEC 27001:2022, SOC 2, NIST CSF), and the\n"
      "facts that show each control is practised.",
      "tenet"};
  app.set_version_flag("--version", std::string("tenet ") + TENET_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 when nothing is wrong, 1 when problems were found in the policies (for\n"
      "drift: when controls fail), 2 when the command was used wrongly or an input could not be\n"
      "read or used (for drift: also a project with errors, or a facts file that does not fit; for\n"
      "build: also a site that could not be written).\n"
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

  const std::vector<std::string> kReportFormats{"text", "md", "csv", "json", "html"};
  auto addProjectOptions = [&](CLI::App* cmd, ProjectArgs& args, const char* pathsHelp) {
    cmd->add_option("paths", args.paths, pathsHelp);
    cmd->add_option("--stdlib", args.stdlib,
                    "Use the framework catalogues in this folder instead of the ones built into tenet.");
    cmd->add_option("--color", args.color, "Colour the output: auto (on a terminal only), always or never.")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
  };

  std::string cwFrom, cwTo, cwFormat = "text";
  bool cwMatrix = false;
  ProjectArgs cwArgs;
  auto* crosswalk = app.add_subcommand(
      "crosswalk",
      "Show how the requirements of one framework relate to those of another: for each\n"
      "requirement of FROM, the related requirements of TO, the kind of relation (equal,\n"
      "subset, superset, intersects) and where it comes from. When no crosswalk joins the two\n"
      "directly, relations are derived through other frameworks (for example ISO/IEC 27001:2013\n"
      "to 2022 to SOC 2), marked as derived, with their path and the weakest link of it.");
  crosswalk->add_option("from", cwFrom, "The framework to start from, such as iso27001_2013.")->required();
  crosswalk->add_option("to", cwTo, "The framework to relate it to, such as soc2.")->required();
  crosswalk->add_option("--format", cwFormat, "text, md (Markdown), csv, json or html.")
      ->check(CLI::IsMember(kReportFormats))
      ->capture_default_str();
  crosswalk->add_flag("--matrix", cwMatrix, "Show a matrix: FROM requirements down, TO requirements across.");
  addProjectOptions(crosswalk, cwArgs,
                    "Project files or folders whose own crosswalks and frameworks to include.\n"
                    "Default: only the built-in catalogues and crosswalks.");

  std::vector<std::string> covFrameworks;
  std::string covFormat = "text";
  bool covSummary = false;
  ProjectArgs covArgs;
  auto* coverage = app.add_subcommand(
      "coverage",
      "For each framework the project targets, list every requirement with the controls that\n"
      "satisfy it directly and those that reach it through a crosswalk, fully or in part, and\n"
      "sum it up: how much of SOC 2 your ISO/IEC 27001 controls already give, and what is left.\n"
      "Coverage is declared: it counts controls that claim a requirement, not checked practice.");
  coverage
      ->add_option("--framework", covFrameworks,
                   "Report on this framework (repeatable). Default: the project's 'frameworks' list.")
      ->allow_extra_args(false);
  coverage->add_flag("--summary", covSummary, "Print only the summary, not every requirement.");
  coverage->add_option("--format", covFormat, "text, md (Markdown), csv, json or html.")
      ->check(CLI::IsMember(kReportFormats))
      ->capture_default_str();
  addProjectOptions(coverage, covArgs, "Files or folders of the project. Default: the current folder.");
  EvalArgs covEval;
  addEvalOptions(coverage, covEval);

  std::string soaFormat = "text";
  ProjectArgs soaArgs;
  auto* soa = app.add_subcommand(
      "soa",
      "Print the ISO/IEC 27001:2022 Statement of Applicability (clause 6.1.3 d): all 93 Annex A\n"
      "controls, each applicable or excluded, why (the controls and policies that implement it,\n"
      "or the reason given in the applicability block), and its implementation status.");
  soa->add_option("--format", soaFormat, "text, md (Markdown), csv, json or html.")
      ->check(CLI::IsMember(kReportFormats))
      ->capture_default_str();
  addProjectOptions(soa, soaArgs, "Files or folders of the project. Default: the current folder.");
  EvalArgs soaEval;
  addEvalOptions(soa, soaEval);

  DriftArgs driftArgs;
  auto* drift = app.add_subcommand(
      "drift",
      "Compare what the policies say with what the facts show: evaluate every control's\n"
      "expectations and evidence against the facts files your collectors export, apply\n"
      "exceptions, and report each control as pass, fail (naming what failed), unknown\n"
      "(a fact or file is missing, or nothing was there to check), manual or waived.");
  drift->add_option("--as-of", driftArgs.asOf,
                    "Evaluate as of this date (YYYY-MM-DD), so results can be reproduced. Default: today (UTC).");
  drift->add_option("--facts-dir", driftArgs.factsDir,
                    "Read each facts file from this folder (by file name) instead of its 'source' path.");
  drift->add_option("--format", driftArgs.format,
                    "text for people, json for programs, sarif for code scanning, github for workflow annotations.")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}))
      ->capture_default_str();
  drift->add_option("--fail-on", driftArgs.failOn,
                    "What makes the exit code 1: 'fail' (failing controls) or 'unknown' (unknown ones too).")
      ->check(CLI::IsMember({"fail", "unknown"}))
      ->capture_default_str();
  drift->add_option("--baseline", driftArgs.baseline,
                    "A previous report (--format json): controls that already failed there are shown but\n"
                    "do not fail the run, so a team can adopt Tenet on a repository that already drifts.");
  addProjectOptions(drift, driftArgs.project, "Files or folders of the project. Default: the current folder.");

  LintArgs lintArgs;
  auto* lint = app.add_subcommand(
      "lint",
      "Check the policies as 'tenet check' does, then apply the lint rules: what auditors flag,\n"
      "such as weak wording (\"should\", \"where possible\"), policies without an owner or\n"
      "approver, controls that satisfy nothing, overdue reviews and exceptions without an end.\n"
      "'tenet rules' lists the rules; the project's lint block sets their levels, and a comment\n"
      "'// tenet-ignore RULE: reason' above a line suppresses one there.");
  lint->add_option("--format", lintArgs.format,
                   "text for people, json for programs, sarif for code scanning, github for workflow annotations.")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}))
      ->capture_default_str();
  lint->add_option("-r,--rule", lintArgs.rules,
                   "Set a rule's level for this run, as RULE=LEVEL with LEVEL error, warning or off\n"
                   "(repeatable; wins over the project's lint block).");
  lint->add_flag("--fix", lintArgs.fix,
                 "Apply the fixes that cannot change what the policies mean (such as removing a requirement\n"
                 "listed twice, or a suppression that suppresses nothing), then report what is left.");
  lint->add_option("--as-of", lintArgs.asOf,
                   "Judge review dates and exceptions as of this date (YYYY-MM-DD). Default: today (UTC).");
  addProjectOptions(lint, lintArgs.project, "Files or folders of the project. Default: the current folder.");

  std::string rulesFormat = "text";
  auto* rulesCmd = app.add_subcommand("rules", "List the lint rules: id, default level, category and what each finds.");
  rulesCmd->add_option("--format", rulesFormat, "text for people, json for programs.")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  std::string lspStdlib;
  bool lspStdio = false;
  auto* lsp = app.add_subcommand(
      "lsp",
      "Run the language server that editors start (VS Code, Neovim, ...): it talks the Language\n"
      "Server Protocol on standard input and output and gives diagnostics (check and lint) as you\n"
      "type, hover, go to definition, the outline, completion and formatting. Not for use by hand.");
  lsp->add_flag("--stdio", lspStdio, "Talk on standard input and output (the default and only way; editors pass it).");
  lsp->add_option("--stdlib", lspStdlib,
                  "Use the framework catalogues in this folder instead of the ones built into tenet.");

  FmtArgs fmtArgs;
  auto* fmt = addFmtCommand(app, fmtArgs);

  BuildArgs buildArgs;
  auto* build = app.add_subcommand(
      "build",
      "Publish the policies as a static website for employees and auditors: an index, one\n"
      "document per policy (document control, revision history from git, the text, and every\n"
      "control with the requirements it satisfies, its evidence and its status), one page per\n"
      "framework, the crosswalks, the Statement of Applicability, coverage and drift. One\n"
      "stylesheet, no JavaScript, printable to PDF. The folder is replaced as a whole, and\n"
      "only once the new site is complete.");
  build->add_option("-o,--output", buildArgs.output,
                    "The folder to write the site to. It must be new, empty, or a site an earlier\n"
                    "'tenet build' wrote.")
      ->capture_default_str();
  build->add_option("--as-of", buildArgs.asOf,
                    "Show control status as of this date (YYYY-MM-DD). Default: today (UTC). Two builds of\n"
                    "the same files with the same --as-of give identical sites.");
  build->add_option("--facts-dir", buildArgs.factsDir,
                    "Read each facts file from this folder (by file name) instead of its 'source' path.");
  build->add_flag("--no-history", buildArgs.noHistory,
                  "Leave out the revision history (it is read from git when the policies are in a repository).");
  addProjectOptions(build, buildArgs.project, "Files or folders of the project. Default: the current folder.");

  for (CLI::App* cmd : {check, lint, drift, build, coverage, soa})
    cmd->add_flag("--timings", gClock.enabled, "Print the time each phase took (reading, parsing, checking...) on stderr.");

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
  auto dispatch = [&]() -> int {
    try {
      if (check->parsed()) return runCheck(paths, format, stdlib, color);
      if (crosswalk->parsed()) return runCrosswalk(cwFrom, cwTo, cwMatrix, cwFormat, cwArgs);
      if (coverage->parsed()) return runCoverage(covFrameworks, covSummary, covFormat, covArgs, covEval);
      if (soa->parsed()) return runSoa(soaFormat, soaArgs, soaEval);
      if (drift->parsed()) return runDrift(driftArgs);
      if (build->parsed()) return runBuild(buildArgs);
      if (lint->parsed()) return runLint(lintArgs);
      if (fmt->parsed()) return runFmt(fmtArgs);
      if (lsp->parsed()) {
        tenet::lsp::ServerOptions options;
        if (!lspStdlib.empty()) options.stdlibDir = lspStdlib;
        options.log = &std::cerr;
        std::ios::sync_with_stdio(false);
        return tenet::lsp::runStdio(std::cin, std::cout, options);
      }
      if (rulesCmd->parsed()) return runRules(rulesFormat);
    } catch (const std::exception& e) {
      std::cerr << "tenet: error: " << e.what() << '\n';
      return kExitUsage;
    }
    return kExitUsage;
  };
  int code = dispatch();
  gClock.print();
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // Every command runs on a thread whose stack fits the deepest input the
  // limits allow, whatever `ulimit -s` says.
  int code = 0;
  tenet::runOnStackThread([&] { code = run(argc, argv); });
  return code;
}

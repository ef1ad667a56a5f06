// The golden test runner: compiles each case with the built-in stdlib and
// compares its diagnostics with the expectations written inline, clang
// `-verify` style. See tests/golden/README.md for the format.
//
//   tenet_golden_runner [--show] PATH...
//       runs cases: a .tenet file, a *.project folder, or every case under a
//       folder; --show also prints the diagnostics as `tenet check` would
//   tenet_golden_runner --coverage TABLE GOLDEN ROBUSTNESS
//       fails when a code in TABLE has no negative test in GOLDEN or ROBUSTNESS
//   tenet_golden_runner --selftest DIR   (or --selftest-update DIR)
//       checks (or rewrites) the runner's own reports on cases meant to fail
#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "tenet/diag/Render.h"
#include "tenet/driver/Compilation.h"
#include "tenet/analysis/ProseDrift.h"
#include "tenet/lint/Lint.h"
#include "tenet/eval/Drift.h"

namespace fs = std::filesystem;

namespace {

// ---- expectations -------------------------------------------------------------

struct Expectation {
  tenet::Severity severity = tenet::Severity::Error;
  std::string code;
  std::vector<std::string> texts;  ///< each a substring of the message, the help or a note
  tenet::FileId file = tenet::kNoFile;
  std::string otherFile;            ///< `@facts/okta.json:3`: a file of the case that is not Tenet source
  std::uint32_t line = 0;           ///< the line the diagnostic must start on
  bool matched = false;
};

/// What the comments of one file ask for.
struct Directives {
  std::vector<Expectation> expectations;
  bool noDiagnostics = false;
  std::uint32_t noDiagnosticsLine = 0;
  std::vector<std::pair<std::uint32_t, std::string>> problems;  ///< malformed directives, by line
};

bool knownCode(std::string_view code) {
  for (const auto& info : tenet::kDiagTable)
    if (info.name == code) return true;
  return false;
}

void skipSpaces(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

/// Reads the directives in the text `c` of one comment on `line`.
void readComment(std::string_view c, std::uint32_t line, std::uint32_t lineCount, tenet::FileId id, Directives& out) {
  std::size_t i = 0;
  while ((i = c.find("expect", i)) != std::string_view::npos) {
    // Only whole words: `expect-error`, not `unexpected-error` or `expectation`.
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(c[i - 1])) || c[i - 1] == '-' || c[i - 1] == '_')) {
      i += 6;
      continue;
    }
    std::size_t start = i;
    std::size_t end = i;
    while (end < c.size() && (std::isalpha(static_cast<unsigned char>(c[end])) || c[end] == '-')) ++end;
    std::string_view word = c.substr(start, end - start);
    i = end;
    if (word == "expect" || word == "expectation" || word == "expects" || word == "expected") continue;  // prose
    if (word == "expect-no-diagnostics") {
      out.noDiagnostics = true;
      out.noDiagnosticsLine = line;
      continue;
    }
    Expectation e;
    e.file = id;
    if (word == "expect-error") e.severity = tenet::Severity::Error;
    else if (word == "expect-warning") e.severity = tenet::Severity::Warning;
    else if (word == "expect-note") e.severity = tenet::Severity::Note;
    else {
      out.problems.emplace_back(
          line, fmt::format("'{}' is not a directive; write expect-error, expect-warning or expect-no-diagnostics", word));
      continue;
    }
    // Optional @+N, @-N (relative to this line) or @N (an absolute line),
    // or @PATH:N for line N of another file of the case (a facts file).
    std::int64_t target = line;
    std::string otherFile;
    if (i + 1 < c.size() && c[i] == '@' &&
        (std::isalpha(static_cast<unsigned char>(c[i + 1])) || c[i + 1] == '_' || c[i + 1] == '.')) {
      std::size_t colon = c.find(':', i);
      std::size_t space = c.find(' ', i);
      if (colon == std::string_view::npos || (space != std::string_view::npos && space < colon)) {
        out.problems.emplace_back(line, fmt::format("'{}@FILE' needs a line: @facts/okta.json:3", word));
        continue;
      }
      otherFile = std::string(c.substr(i + 1, colon - i - 1));
      i = colon;  // the ':' stands where '@' did for the line number below
    }
    if (i < c.size() && (c[i] == '@' || (!otherFile.empty() && c[i] == ':'))) {
      ++i;
      int sign = 0;
      if (i < c.size() && (c[i] == '+' || c[i] == '-')) sign = c[i++] == '+' ? 1 : -1;
      std::size_t digits = i;
      std::int64_t n = 0;
      while (i < c.size() && std::isdigit(static_cast<unsigned char>(c[i])) && i - digits < 9) n = n * 10 + (c[i++] - '0');
      if (i == digits) {
        out.problems.emplace_back(line, fmt::format("'{}@' needs a line such as @+1, @-2 or @12", word));
        continue;
      }
      target = sign == 0 ? n : line + sign * n;
    }
    if (otherFile.empty() && (target < 1 || target > static_cast<std::int64_t>(lineCount) + 1)) {
      out.problems.emplace_back(line, fmt::format("{} points at line {}, which is not in the file", word, target));
      continue;
    }
    e.line = static_cast<std::uint32_t>(target);
    e.otherFile = otherFile;
    skipSpaces(c, i);
    if (i >= c.size() || c[i] != '[') {
      out.problems.emplace_back(line, fmt::format("{} needs a code in brackets, such as [unknown-role]", word));
      continue;
    }
    std::size_t close = c.find(']', i);
    if (close == std::string_view::npos) {
      out.problems.emplace_back(line, fmt::format("the code after {} has no closing ']'", word));
      i = c.size();
      continue;
    }
    e.code = std::string(c.substr(i + 1, close - i - 1));
    i = close + 1;
    skipSpaces(c, i);
    // Any number of {{text}}, all of which must match. A text ends at the
    // last '}' pair of the first run of closing braces, so `{{{cadence}}}`
    // expects the text `{cadence}`.
    bool ok = true;
    while (c.substr(i, 2) == "{{") {
      std::size_t stop = c.find("}}", i + 2);
      if (stop == std::string_view::npos) {
        out.problems.emplace_back(line, fmt::format("the text after {} [{}] has no closing '}}}}'", word, e.code));
        i = c.size();
        ok = false;
        break;
      }
      while (stop + 2 < c.size() && c[stop + 2] == '}') ++stop;
      e.texts.emplace_back(c.substr(i + 2, stop - i - 2));
      i = stop + 2;
      skipSpaces(c, i);
    }
    if (ok) out.expectations.push_back(std::move(e));
  }
}

/// Reads the directives of one file. Directives live in `//` comments.
/// `comments` holds the offsets where the lexer found comments; a directive
/// elsewhere (inside a string or prose block, where it would test nothing)
/// is reported. Without it (the parse stopped early, or no parse at all)
/// the first `//` of a line is taken.
Directives readDirectives(const tenet::SourceManager& sm, tenet::FileId id,
                          const std::set<std::uint32_t>* comments = nullptr) {
  Directives out;
  const auto& file = sm.file(id);
  auto lineCount = static_cast<std::uint32_t>(file.lineStarts.size());
  for (std::uint32_t line = 1; line <= lineCount; ++line) {
    std::string_view text = sm.lineText(id, line);
    auto lineStart = static_cast<std::uint32_t>(text.data() - file.text.data());
    std::size_t slashes = text.find("//");
    if (slashes == std::string_view::npos) continue;
    if (comments) {
      std::size_t at = slashes;
      while (at != std::string_view::npos && !comments->count(lineStart + static_cast<std::uint32_t>(at)))
        at = text.find("//", at + 1);
      if (at == std::string_view::npos) {
        Directives stray;
        readComment(text.substr(slashes + 2), line, lineCount, id, stray);
        if (!stray.expectations.empty() || stray.noDiagnostics)
          out.problems.emplace_back(line, "this directive is inside a string or prose block, where it tests nothing; "
                                          "put it in a comment on a line of its own, with @+N");
        continue;
      }
      slashes = at;
    }
    readComment(text.substr(slashes + 2), line, lineCount, id, out);
  }
  return out;
}

// ---- running one case -----------------------------------------------------------

struct Finding {
  std::string path;
  std::uint32_t line = 0;
  std::string text;  ///< everything after `path:line: `
};

std::string describeExpectation(const Expectation& e) {
  std::string s = fmt::format("missing {} [{}]", tenet::severityName(e.severity), e.code);
  for (const auto& t : e.texts) s += fmt::format(" {{{{{}}}}}", t);
  if (!knownCode(e.code)) s += " (there is no such code in compiler/src/diag/diagnostics.txt)";
  return s;
}

/// Where a note points, as `file:line` with the file relative to the case
/// (its own name for a one-file case), so that `{{first defined here at
/// a.tenet:2}}` can check where a note points as well as what it says.
std::string noteLocation(const tenet::SourceManager& sm, const tenet::DiagNote& n, const std::string& casePath) {
  if (!n.range.valid()) return "";
  std::string path = sm.file(n.range.file).path;
  if (path.rfind(casePath + "/", 0) == 0) path = path.substr(casePath.size() + 1);
  else path = fs::path(path).filename().string();
  return fmt::format("{}:{}", path, sm.lineCol(n.range.file, n.range.begin).line);
}

bool textMatches(const tenet::SourceManager& sm, const tenet::Diagnostic& d, const std::string& text,
                 const std::string& casePath) {
  if (d.message.find(text) != std::string::npos) return true;
  if (d.help.find(text) != std::string::npos) return true;
  for (const auto& n : d.notes) {
    if (n.message.find(text) != std::string::npos) return true;
    std::string at = noteLocation(sm, n, casePath);
    if (!at.empty() && (n.message + " at " + at).find(text) != std::string::npos) return true;
  }
  return false;
}

/// Compiles one case and returns what did not match; empty means it passed.
/// The date every project case is evaluated as of.
constexpr tenet::Date kGoldenDate{2026, 11, 22};

std::vector<Finding> runCase(const std::string& path, bool show) {
  std::vector<Finding> findings;
  tenet::CompileOptions opts;
  opts.paths = {path};
  tenet::Compilation comp(opts);
  try {
    comp.run();
    // A project case reads its facts files too, relative to its folder, and
    // is evaluated as of a fixed date, so that its expectations never age.
    // Lint cases are not evaluated: `tenet lint` reads no facts.
    bool lintCase = path.rfind("lint/", 0) == 0 || path.find("/lint/") != std::string::npos;
    if (std::filesystem::is_directory(path) && comp.model() && !lintCase) {
      tenet::FactsOptions fo;
      fo.projectRoot = path;
      auto facts = comp.loadFacts(fo);
      tenet::DriftOptions drift;
      drift.asOf = kGoldenDate;
      tenet::computeDrift(*comp.model(), facts, drift, comp.diagnostics());
      tenet::checkProseDrift(*comp.model(), comp.sources(), comp.diagnostics());
      comp.diagnostics().sort(comp.sources());
    }
    // Cases of the lint area run as `tenet lint` does, as of the same date;
    // the others as `tenet check` does, with the lint block applied.
    if (comp.model()) {
      tenet::LintConfigOptions config;
      if (lintCase && !comp.diagnostics().hasErrors()) {
        tenet::LintContext ctx{*comp.model(), comp.sources(), kGoldenDate, comp.diagnostics()};
        tenet::runLintRules(ctx);
        config.reportSuppressions = true;
      }
      tenet::applyLintConfig(*comp.model(), comp.units(), comp.sources(), comp.diagnostics(), config);
      comp.diagnostics().sort(comp.sources());
    }
  } catch (const std::exception& ex) {
    findings.push_back({path, 0, fmt::format("the compiler threw an exception: {}", ex.what())});
    return findings;
  }
  const auto& sm = comp.sources();
  const auto& diags = comp.diagnostics();
  if (show) {
    tenet::renderTextAll(std::cout, sm, diags);
    std::cout.flush();
  }

  // Expectations come from the case's own files, exactly as the compiler read them.
  std::vector<Expectation> expectations;
  bool noDiagnostics = false;
  std::string noDiagnosticsAt;
  std::uint32_t noDiagnosticsLine = 0;
  for (std::size_t id = 0; id < sm.size(); ++id) {
    const auto& f = sm.file(static_cast<tenet::FileId>(id));
    if (f.fromStdlib) continue;
    if (f.path.size() < 6 || f.path.compare(f.path.size() - 6, 6, ".tenet") != 0) continue;  // facts files
    // Where the lexer found comments; unknown when the parse stopped early
    // (a unit with nothing in it, as after nesting-too-deep).
    std::set<std::uint32_t> comments;
    bool lexed = false;
    for (const auto& u : comp.units()) {
      if (u.file != f.id) continue;
      for (const auto& c : u.comments) comments.insert(c.range.begin);
      lexed = !u.comments.empty() || !u.projects.empty() || !u.roles.empty() || !u.policies.empty() ||
              !u.facts.empty() || !u.frameworks.empty() || !u.crosswalks.empty() || !u.applicability.empty() ||
              !u.exceptions.empty();
    }
    Directives d = readDirectives(sm, f.id, lexed ? &comments : nullptr);
    for (auto& [line, problem] : d.problems) findings.push_back({f.path, line, "malformed expectation: " + problem});
    if (d.noDiagnostics && !noDiagnostics) {
      noDiagnostics = true;
      noDiagnosticsAt = f.path;
      noDiagnosticsLine = d.noDiagnosticsLine;
    }
    for (auto& e : d.expectations) expectations.push_back(std::move(e));
  }
  if (noDiagnostics && !expectations.empty())
    findings.push_back({noDiagnosticsAt, noDiagnosticsLine,
                        "expect-no-diagnostics in a case that also expects diagnostics; keep one or the other"});
  if (!noDiagnostics && expectations.empty() && findings.empty())
    findings.push_back({path, 0,
                        "this case expects nothing; add // expect-error [code] where a diagnostic belongs, "
                        "or // expect-no-diagnostics for a clean case"});

  // Expectations with a text first, so that a bare one cannot take the
  // diagnostic a more specific one needs.
  std::vector<Expectation*> order;
  for (auto& e : expectations) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(),
                   [](const Expectation* a, const Expectation* b) { return a->texts.size() > b->texts.size(); });
  std::vector<bool> used(diags.all().size(), false);
  for (Expectation* e : order) {
    for (std::size_t k = 0; k < diags.all().size(); ++k) {
      const auto& d = diags.all()[k];
      bool sameFile = e->otherFile.empty()
                          ? d.range.file == e->file
                          : d.range.valid() && sm.file(d.range.file).path == path + "/" + e->otherFile;
      if (used[k] || !sameFile || d.severity != e->severity || d.name() != e->code) continue;
      if (sm.lineCol(d.range.file, d.range.begin).line != e->line) continue;
      bool all = true;
      for (const auto& t : e->texts) all = all && textMatches(sm, d, t, path);
      if (!all) continue;
      used[k] = true;
      e->matched = true;
      break;
    }
  }
  for (const auto& e : expectations)
    if (!e.matched)
      findings.push_back({e.otherFile.empty() ? sm.file(e.file).path : path + "/" + e.otherFile, e.line,
                          describeExpectation(e)});
  for (std::size_t k = 0; k < diags.all().size(); ++k) {
    if (used[k]) continue;
    const auto& d = diags.all()[k];
    Finding f;
    if (d.range.valid()) {
      f.path = sm.file(d.range.file).path;
      f.line = sm.lineCol(d.range.file, d.range.begin).line;
    } else {
      f.path = path;
    }
    f.text = fmt::format("unexpected {} [{}]: {}", tenet::severityName(d.severity), d.name(), d.message);
    if (!d.help.empty()) f.text += fmt::format("\n    help: {}", d.help);
    for (const auto& n : d.notes) {
      std::string at = noteLocation(sm, n, path);
      f.text += fmt::format("\n    note: {}{}", n.message, at.empty() ? "" : " at " + at);
    }
    findings.push_back(std::move(f));
  }
  if (diags.dropped() > 0)
    findings.push_back({path, 0, fmt::format("{} diagnostics were dropped at the limit", diags.dropped())});

  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.path, a.line) < std::tie(b.path, b.line);
  });
  return findings;
}

// ---- finding cases ------------------------------------------------------------------

std::optional<std::string> readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Every case under `dir`: each .tenet file outside a project folder, and
/// each *.project folder. Names starting with '.' or '_' are skipped
/// (`_selftest` holds cases that are meant to fail).
void findCases(const fs::path& dir, const std::string& display, std::vector<std::string>& out) {
  std::vector<std::pair<std::string, bool>> entries;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || name[0] == '_') continue;
    if (entry.is_directory()) entries.emplace_back(name, true);
    else if (endsWith(name, ".tenet")) entries.emplace_back(name, false);
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& [name, isDir] : entries) {
    std::string p = display.empty() || display == "." ? name : display + "/" + name;
    if (isDir && !endsWith(name, ".project")) findCases(dir / name, p, out);
    else out.push_back(p);
  }
}

std::string render(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    if (f.line) out += fmt::format("{}:{}: {}\n", f.path, f.line, f.text);
    else out += fmt::format("{}: {}\n", f.path, f.text);
  }
  return out;
}

/// The cases named by `paths`, or an empty list after reporting why not.
std::optional<std::vector<std::string>> collectCases(const std::vector<std::string>& paths) {
  std::vector<std::string> cases;
  for (const auto& p : paths) {
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      fmt::print(stderr, "tenet_golden_runner: '{}' does not exist\n", p);
      return std::nullopt;
    }
    std::string display = p;
    while (display.size() > 1 && display.back() == '/') display.pop_back();
    if (fs::is_directory(st) && !endsWith(display, ".project")) {
      std::size_t before = cases.size();
      findCases(display, display, cases);
      if (cases.size() == before) {
        fmt::print(stderr, "tenet_golden_runner: no golden cases under '{}'\n", display);
        return std::nullopt;
      }
    } else {
      cases.push_back(display);
    }
  }
  return cases;
}

int runAll(const std::vector<std::string>& paths, bool show) {
  auto cases = collectCases(paths);
  if (!cases) return 2;
  std::size_t failed = 0;
  for (const auto& c : *cases) {
    auto findings = runCase(c, show);
    if (findings.empty()) {
      fmt::print("PASS  {}\n", c);
      continue;
    }
    ++failed;
    fmt::print("FAIL  {}\n{}", c, render(findings));
  }
  fmt::print("\n{} of {} golden cases passed\n", cases->size() - failed, cases->size());
  std::fflush(stdout);
  return failed ? 1 : 0;
}

/// Tests the runner itself: each case under `dir` is meant to fail, and its
/// report must equal the `<case>.expected` file next to it, byte for byte.
/// With `update`, writes the reports to those files instead (review the diff).
int selftest(const std::string& dir, bool update) {
  auto cases = collectCases({dir});
  if (!cases) return 2;
  std::size_t failed = 0;
  for (const auto& c : *cases) {
    std::string got = render(runCase(c, false));
    if (update) {
      std::ofstream(c + ".expected", std::ios::binary) << got;
      fmt::print("wrote {}.expected\n", c);
      continue;
    }
    auto want = readFile(c + ".expected");
    if (!want) {
      fmt::print("FAIL  {}: {}.expected is missing; the report was:\n{}", c, c, got);
      ++failed;
    } else if (got != *want) {
      fmt::print("FAIL  {}: the report differs from {}.expected\n--- expected\n{}--- actual\n{}", c, c, *want, got);
      ++failed;
    } else {
      fmt::print("PASS  {}\n", c);
    }
  }
  if (update) return 0;
  fmt::print("\n{} of {} runner self-tests passed\n", cases->size() - failed, cases->size());
  std::fflush(stdout);
  return failed ? 1 : 0;
}

// ---- coverage -----------------------------------------------------------------------

void findTenetFiles(const fs::path& dir, std::vector<fs::path>& out) {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || name[0] == '_') continue;
    if (entry.is_directory()) findTenetFiles(entry.path(), out);
    else if (endsWith(name, ".tenet")) out.push_back(entry.path());
  }
}

/// Every code in the table needs a negative test: an expectation in a golden
/// case, or (for what cannot be written as a .tenet file) an expect_diag call
/// in the robustness tests.
int coverage(const fs::path& table, const fs::path& golden, const fs::path& robustness) {
  auto tableText = readFile(table);
  if (!tableText) {
    fmt::print(stderr, "tenet_golden_runner: cannot read the diagnostics table '{}'\n", table.string());
    return 2;
  }
  std::vector<std::string> codes;
  static const std::regex kRow(R"(^\s*(error|warning|note)\s+([a-z][a-z0-9-]*)\s)");
  {
    std::size_t start = 0;
    while (start <= tableText->size()) {
      std::size_t nl = tableText->find('\n', start);
      std::string line = tableText->substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      std::smatch m;
      if (std::regex_search(line, m, kRow)) codes.push_back(m[2]);
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  if (codes.empty()) {
    fmt::print(stderr, "tenet_golden_runner: no diagnostic codes found in '{}'\n", table.string());
    return 2;
  }

  std::map<std::string, std::string> where;  // code -> first place that tests it
  std::vector<fs::path> files;
  findTenetFiles(golden, files);
  std::sort(files.begin(), files.end());
  tenet::SourceManager sm;
  for (const auto& f : files) {
    auto text = readFile(f);
    if (!text) continue;
    tenet::FileId id = sm.add(fs::relative(f, golden).generic_string(), std::move(*text));
    Directives d = readDirectives(sm, id);
    for (const auto& e : d.expectations)
      where.emplace(e.code, fmt::format("tests/golden/{}:{}", sm.file(id).path, e.line));
  }

  std::vector<fs::path> scripts;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(robustness, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".py") scripts.push_back(entry.path());
  std::sort(scripts.begin(), scripts.end());
  static const std::regex kCall(R"(expect_diag\(\s*["']([a-z][a-z0-9-]*)["'])");
  for (const auto& s : scripts) {
    auto text = readFile(s);
    if (!text) continue;
    std::size_t lineNo = 0, start = 0;
    while (start < text->size()) {
      std::size_t nl = text->find('\n', start);
      std::string line = text->substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      ++lineNo;
      for (std::sregex_iterator it(line.begin(), line.end(), kCall), end; it != end; ++it)
        where.emplace((*it)[1], fmt::format("tests/robustness/{}:{}", s.filename().string(), lineNo));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }

  std::vector<std::string> missing;
  for (const auto& c : codes) {
    auto it = where.find(c);
    if (it == where.end()) missing.push_back(c);
    else fmt::print("covered  {:<24} {}\n", c, it->second);
  }
  std::set<std::string> known(codes.begin(), codes.end());
  for (const auto& [code, at] : where)
    if (!known.count(code)) fmt::print("note: {} expects [{}], which is not in the diagnostics table\n", at, code);
  if (missing.empty()) {
    fmt::print("\nall {} diagnostic codes have a negative test\n", codes.size());
    return 0;
  }
  fmt::print("\n{} of {} diagnostic codes have no negative test:\n", missing.size(), codes.size());
  for (const auto& c : missing) fmt::print("  {}\n", c);
  fmt::print(
      "\nA code counts as tested when a golden case expects it (// expect-error [CODE] in a .tenet file\n"
      "under tests/golden/<area>/) or, for codes that cannot be written as a .tenet file, when a\n"
      "robustness test calls expect_diag(\"CODE\", ...) in tests/robustness/*.py.\n");
  std::fflush(stdout);
  return 1;
}

int usage() {
  fmt::print(stderr,
             "usage: tenet_golden_runner [--show] PATH...\n"
             "       tenet_golden_runner --coverage DIAGNOSTICS_TXT GOLDEN_DIR ROBUSTNESS_DIR\n"
             "       tenet_golden_runner --selftest DIR | --selftest-update DIR\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (!args.empty() && (args[0] == "--selftest" || args[0] == "--selftest-update")) {
      if (args.size() != 2) return usage();
      return selftest(args[1], args[0] == "--selftest-update");
    }
    if (!args.empty() && args[0] == "--coverage") {
      if (args.size() != 4) return usage();
      return coverage(args[1], args[2], args[3]);
    }
    bool show = false;
    std::vector<std::string> paths;
    for (const auto& a : args) {
      if (a == "--show") show = true;
      else if (a.rfind("--", 0) == 0) return usage();
      else paths.push_back(a);
    }
    if (paths.empty()) return usage();
    return runAll(paths, show);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tenet_golden_runner: {}\n", e.what());
    return 2;
  }
}

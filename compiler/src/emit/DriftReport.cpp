// Renders a drift report with the run's diagnostics: text for people, JSON
// for programs, SARIF 2.1.0 for code scanning, GitHub workflow annotations.
// Output depends only on the report and the diagnostics: same input, same bytes.
#include "tenet/emit/DriftReport.h"
#include "tenet/lint/Lint.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "tenet/diag/Render.h"

namespace tenet {

std::optional<DriftFormat> parseDriftFormat(std::string_view name) {
  if (name == "text") return DriftFormat::Text;
  if (name == "json") return DriftFormat::Json;
  if (name == "sarif") return DriftFormat::Sarif;
  if (name == "github") return DriftFormat::Github;
  return std::nullopt;
}

namespace {

using Json = nlohmann::ordered_json;


std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}


std::optional<std::string> titleOf(const std::optional<Text>& t) {
  if (!t || t->value.empty()) return std::nullopt;
  return t->value;
}

/// Facts are exports from other systems: their text reaches the terminal and
/// the CI log only after control characters are made harmless.
std::string sanitize(std::string_view s, bool keepNewlines) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n' && keepNewlines) out += c;
    else if (c == '\t' || c == '\n' || c == '\r') out += ' ';
    else if (u < 0x20 || u == 0x7f) out += '?';
    else out += c;
  }
  return out;
}

struct Where {
  std::string file;
  LineCol begin, end;  ///< end is the position after the last character
};

std::optional<Where> where(const SourceManager& sm, SourceRange r) {
  if (!r.valid()) return std::nullopt;
  Where w;
  w.file = sm.file(r.file).path;
  w.begin = sm.lineCol(r.file, r.begin);
  w.end = sm.lineCol(r.file, std::max(r.begin, r.end));
  return w;
}

}  // namespace

std::string summarySentence(const DriftSummary& s) {
  std::size_t total = s.pass + s.fail + s.unknown + s.manual + s.waived;
  std::string line = fmt::format("{}: {} pass, {} fail, {} unknown, {} manual, {} waived.",
                                 plural(total, "control", "controls"), s.pass, s.fail, s.unknown, s.manual, s.waived);
  if (s.hasBaseline)
    line += fmt::format(" Of the failures, {} {} new since the baseline and {} already failed there.",
                        s.newFailures(), s.newFailures() == 1 ? "is" : "are", s.knownFailures);
  // A waived control was evaluated (it failed); only manual ones were not.
  if (s.pass + s.fail + s.unknown + s.waived == 0)
    line += total == 0 ? " Nothing was evaluated: the project has no controls."
                       : " Nothing was evaluated: no control has an expectation or dated evidence.";
  return line;
}

std::vector<std::string> failureLines(const ExpectResult& e) {
  std::vector<std::string> lines = e.failures;
  if (lines.empty()) lines.emplace_back("the expectation does not hold");
  std::size_t shown = e.failures.size();
  if (e.failureCount > shown) lines.push_back(fmt::format("and {} more", e.failureCount - shown));
  return lines;
}

namespace {

// ---------------------------------------------------------------------------
// The findings every machine format reports: one per failing or unknown
// expectation and per stale or undated evidence, in report order.

enum class Kind { ExpectFail, ExpectUnknown, EvidenceStale, EvidenceUnknown };

/// The fixed rules of drift findings (diagnostics add one rule per code):
///   drift-fail        an expectation does not hold against the facts (error)
///   drift-unknown     an expectation cannot be decided from the facts (warning)
///   evidence-stale    dated evidence is older than its `fresh within` (error)
///   evidence-unknown  evidence has no date to check (warning)
struct RuleInfo {
  std::string_view id;
  std::string_view level;
  std::string_view shortText;
  std::string_view fullText;
};

constexpr std::array<RuleInfo, 4> kRules = {{
    {"drift-fail", "error", "A control's expectation does not hold against the facts",
     "An expect clause of a control evaluated to false for the loaded facts; the message names the failing "
     "elements with the control's else message."},
    {"drift-unknown", "warning", "A control's expectation cannot be decided from the facts",
     "An expect clause could not be evaluated to true or false: a facts file is missing or unusable, a value is "
     "absent, or a quantifier found no element to check. Unknown never counts as passing."},
    {"evidence-stale", "error", "A control's evidence is older than its freshness window",
     "The date of a control's evidence lies further back than its 'fresh within' allows."},
    {"evidence-unknown", "warning", "A control's evidence has no date to check",
     "A control's dated evidence could not be read from the facts, so its freshness is unknown."},
}};

const RuleInfo& rule(Kind k) { return kRules[static_cast<std::size_t>(k)]; }

struct Finding {
  Kind kind;
  const ControlDrift* control;
  const ExpectResult* expect = nullptr;
  const EvidenceResult* evidence = nullptr;
  bool waived = false;  ///< the control's failure is waived by an exception

  SourceRange range() const { return expect ? expect->expect->range : evidence->evidence->range; }
};

std::vector<Finding> findings(const DriftReport& report) {
  std::vector<Finding> out;
  for (const auto& p : report.policies)
    for (const auto& c : p.controls) {
      Outcome o = c.result.outcome;
      if (o != Outcome::Fail && o != Outcome::Unknown && o != Outcome::Waived) continue;
      bool waived = o == Outcome::Waived;
      for (const auto& e : c.result.expects) {
        if (e.outcome == Outcome::Fail) out.push_back({Kind::ExpectFail, &c, &e, nullptr, waived});
        else if (e.outcome == Outcome::Unknown) out.push_back({Kind::ExpectUnknown, &c, &e, nullptr, waived});
      }
      for (const auto& e : c.result.evidence) {
        if (e.outcome == Outcome::Fail) out.push_back({Kind::EvidenceStale, &c, nullptr, &e, waived});
        else if (e.outcome == Outcome::Unknown) out.push_back({Kind::EvidenceUnknown, &c, nullptr, &e, waived});
      }
    }
  return out;
}

/// One sentence for a finding, as SARIF and GitHub show it.
std::string headline(const Finding& f) {
  std::string id = f.control->id();
  switch (f.kind) {
    case Kind::ExpectFail:
      return f.expect->failureCount > 1
                 ? fmt::format("control {} fails for {} elements", id, f.expect->failureCount)
                 : fmt::format("control {} fails", id);
    case Kind::ExpectUnknown: return fmt::format("control {} cannot be decided", id);
    case Kind::EvidenceStale: return fmt::format("control {} has stale evidence", id);
    case Kind::EvidenceUnknown: return fmt::format("control {} has evidence without a date", id);
  }
  return id;
}

/// What the finding says in detail, possibly over several lines.
std::vector<std::string> detailLines(const Finding& f) {
  switch (f.kind) {
    case Kind::ExpectFail: return failureLines(*f.expect);
    case Kind::ExpectUnknown:
      return {f.expect->reason.empty() ? std::string("the expectation could not be evaluated") : f.expect->reason};
    case Kind::EvidenceStale:
    case Kind::EvidenceUnknown:
      return {f.evidence->detail.empty() ? std::string("the evidence could not be read") : f.evidence->detail};
  }
  return {};
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t k = 0; k < parts.size(); ++k) out += (k ? std::string(sep) : "") + parts[k];
  return out;
}

// ---------------------------------------------------------------------------
// Text

const char* outcomeColor(Outcome o) {
  switch (o) {
    case Outcome::Fail: return "\x1b[1;31m";
    case Outcome::Unknown: return "\x1b[1;33m";
    case Outcome::Pass: return "\x1b[1;32m";
    case Outcome::Waived: return "\x1b[1;36m";
    case Outcome::Manual: return "";
  }
  return "";
}

/// Writes `text` with every line after the first indented by `indent`.
void indented(std::ostream& out, std::string_view indent, std::string_view text) {
  std::string s = sanitize(text, true);
  std::size_t start = 0;
  while (true) {
    std::size_t nl = s.find('\n', start);
    out << std::string_view(s).substr(start, nl == std::string::npos ? std::string::npos : nl - start) << '\n';
    if (nl == std::string::npos) break;
    out << indent;
    start = nl + 1;
  }
}

std::string at(const SourceManager& sm, SourceRange r) {
  auto w = where(sm, r);
  return w ? fmt::format("{}:{}", w->file, w->begin.line) : std::string("(unknown location)");
}

void renderTextReport(std::ostream& out, const DriftReport& report, const SourceManager& sm,
                      const DiagnosticEngine& diags, const DriftRenderOptions& o) {
  const char* reset = o.color ? "\x1b[0m" : "";
  const char* bold = o.color ? "\x1b[1m" : "";
  constexpr std::string_view kDetail = "           ";  // under the control id
  constexpr std::string_view kMore = "             ";  // under a detail line
  out << "Drift as of " << formatDate(report.asOf) << '\n';
  for (const auto& p : report.policies) {
    const PolicyDecl& decl = *p.policy->decl;
    out << '\n' << bold << decl.name.name << reset;
    if (auto t = titleOf(decl.title)) out << ": " << sanitize(*t, false);
    if (p.nextReview) {
      out << " (next review " << formatDate(*p.nextReview);
      if (p.reviewOverdue) out << ", " << (o.color ? "\x1b[1;33m" : "") << "review overdue" << reset;
      out << ')';
    }
    out << '\n';
    if (p.controls.empty()) out << "  no controls\n";
    for (const auto& c : p.controls) {
      Outcome outcome = c.result.outcome;
      std::string word(outcomeName(outcome));
      for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out << "  " << (o.color ? outcomeColor(outcome) : "") << word << (o.color ? reset : "")
          << std::string(9 - word.size(), ' ') << c.id();
      if (auto t = titleOf(c.result.control->decl->title)) out << "  " << sanitize(*t, false);
      if (c.inBaseline) out << "  (already failing in the baseline)";
      out << '\n';

      if (outcome == Outcome::Waived && c.waivedBy) {
        const ExceptionDecl& ex = *c.waivedBy->decl;
        out << kDetail << "waived by exception " << ex.name.name;
        if (auto t = titleOf(ex.title)) out << " \"" << sanitize(*t, false) << '"';
        const Property* expires = findProperty(ex.properties, "expires");
        if (expires && expires->value && expires->value->kind == ExprKind::Date)
          out << " until " << formatDate(expires->value->dateValue);
        out << '\n';
        continue;
      }
      if (outcome == Outcome::Pass && c.waivedBy)
        out << kDetail << "exception " << c.waivedBy->decl->name.name
            << " waives it, but it passes: the exception can be retired\n";
      if (outcome != Outcome::Fail && outcome != Outcome::Unknown) continue;
      for (const auto& e : c.result.expects) {
        if (e.outcome == Outcome::Fail) {
          std::vector<std::string> lines = failureLines(e);
          out << kDetail << "expectation at " << at(sm, e.expect->range);
          if (e.failureCount <= 1 && lines.size() == 1) {
            out << " fails: ";
            indented(out, kMore, lines[0]);
            continue;
          }
          out << " fails for " << plural(e.failureCount, "element", "elements") << ":\n";
          for (const auto& l : lines) {
            out << kMore;
            indented(out, kMore, l);
          }
        } else if (e.outcome == Outcome::Unknown) {
          out << kDetail << "expectation at " << at(sm, e.expect->range) << " is unknown: ";
          indented(out, kMore, e.reason.empty() ? "the expectation could not be evaluated" : e.reason);
        }
      }
      for (const auto& e : c.result.evidence) {
        if (e.outcome != Outcome::Fail && e.outcome != Outcome::Unknown) continue;
        out << kDetail << "evidence at " << at(sm, e.evidence->range)
            << (e.outcome == Outcome::Fail ? " is stale: " : " is unknown: ");
        indented(out, kMore, e.detail.empty() ? "the evidence could not be read" : e.detail);
      }
    }
  }
  if (!diags.all().empty() || diags.dropped() > 0) {
    out << '\n';
    TextRenderOptions ro;
    ro.color = o.color;
    renderTextAll(out, sm, diags, ro);
  }
  out << '\n' << summarySentence(report.summary) << '\n';
  std::string problems = summaryLine(diags);
  if (!problems.empty()) out << problems << " found.\n";
}

// ---------------------------------------------------------------------------
// JSON

Json jsonLocation(const SourceManager& sm, SourceRange r) {
  auto w = where(sm, r);
  if (!w) return nullptr;
  return {{"file", w->file}, {"line", w->begin.line}, {"column", w->begin.col}};
}

Json optionalText(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

/// The diagnostics exactly as `tenet check --format json` writes them.
Json diagnosticItems(const SourceManager& sm, const DiagnosticEngine& diags) {
  std::ostringstream s;
  renderJson(s, sm, diags);
  return Json::parse(s.str())["diagnostics"];
}

void renderJsonReport(std::ostream& out, const DriftReport& report, const SourceManager& sm,
                      const DiagnosticEngine& diags) {
  const DriftSummary& s = report.summary;
  Json doc;
  doc["asOf"] = formatDate(report.asOf);
  doc["summary"] = {{"controls", s.pass + s.fail + s.unknown + s.manual + s.waived},
                    {"pass", s.pass},
                    {"fail", s.fail},
                    {"unknown", s.unknown},
                    {"manual", s.manual},
                    {"waived", s.waived}};
  if (s.hasBaseline) {
    doc["summary"]["newFailures"] = s.newFailures();
    doc["summary"]["knownFailures"] = s.knownFailures;
  }
  Json policies = Json::array();
  for (const auto& p : report.policies) {
    Json jp;
    jp["policy"] = p.policy->decl->name.name;
    jp["title"] = optionalText(titleOf(p.policy->decl->title));
    jp["nextReview"] = p.nextReview ? Json(formatDate(*p.nextReview)) : Json(nullptr);
    jp["reviewOverdue"] = p.reviewOverdue;
    Json controls = Json::array();
    for (const auto& c : p.controls) {
      Json jc;
      jc["id"] = c.id();
      jc["title"] = optionalText(titleOf(c.result.control->decl->title));
      jc["outcome"] = outcomeName(c.result.outcome);
      jc["waivedBy"] = c.waivedBy ? Json(c.waivedBy->decl->name.name) : Json(nullptr);
      if (report.summary.hasBaseline) jc["inBaseline"] = c.inBaseline;
      Json expects = Json::array();
      for (const auto& e : c.result.expects) {
        Json je;
        je["outcome"] = outcomeName(e.outcome);
        je["failures"] = e.failures;
        je["failureCount"] = e.failureCount;
        je["reason"] = e.reason.empty() ? Json(nullptr) : Json(e.reason);
        je["location"] = jsonLocation(sm, e.expect->range);
        expects.push_back(std::move(je));
      }
      jc["expectations"] = std::move(expects);
      Json evidence = Json::array();
      for (const auto& e : c.result.evidence)
        evidence.push_back({{"outcome", outcomeName(e.outcome)},
                            {"detail", e.detail},
                            {"location", jsonLocation(sm, e.evidence->range)}});
      jc["evidence"] = std::move(evidence);
      controls.push_back(std::move(jc));
    }
    jp["controls"] = std::move(controls);
    policies.push_back(std::move(jp));
  }
  doc["policies"] = std::move(policies);
  doc["diagnostics"] = diagnosticItems(sm, diags);
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

// ---------------------------------------------------------------------------
// SARIF 2.1.0, as GitHub code scanning reads it: one run; rules are the drift
// rules above that occur plus one per diagnostic code that occurs; one result
// per finding (a waived one is a suppressed "note") and per diagnostic with a
// location, sorted by file and position. Diagnostics without a location are
// tool notifications of the invocation. partialFingerprints["tenet/v1"] hashes
// the rule, the control (or file) and the source text of the finding, then
// counts repeats (":1", ":2"), so that alerts survive edits elsewhere.

constexpr std::string_view kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// A file path as a URI reference: forward slashes, percent-encoded, and
/// relative when the path is (code scanning resolves it against the
/// repository root). Absolute paths become file URIs.
std::string fileUri(std::string path) {
  std::replace(path.begin(), path.end(), '\\', '/');
  while (path.starts_with("./")) path.erase(0, 2);
  std::string prefix;
  if (path.starts_with("/")) {
    prefix = "file://";
  } else if (path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' &&
             path[2] == '/') {
    prefix = "file:///" + path.substr(0, 2);  // C:/x -> file:///C:/x
    path.erase(0, 2);
  }
  std::string out = prefix;
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') out += c;
    else out += fmt::format("%{:02X}", u);
  }
  return out;
}

/// A location with 1-based lines and columns; endColumn is the column after
/// the last character, as SARIF counts it.
Json sarifLocation(const Where& w) {
  Json region = {{"startLine", w.begin.line},
                 {"startColumn", w.begin.col},
                 {"endLine", w.end.line},
                 {"endColumn", w.end.col}};
  return {{"physicalLocation", {{"artifactLocation", {{"uri", fileUri(w.file)}}}, {"region", std::move(region)}}}};
}

/// A diagnostic's table message with its placeholders shown as "…", or a
/// sentence made from its code when the message is nothing but placeholders.
std::string diagnosticDescription(const DiagInfo& info) {
  std::string out;
  std::string_view m = info.message;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.substr(k, 2) == "{{") { out += '{'; ++k; }
    else if (m.substr(k, 2) == "}}") { out += '}'; ++k; }
    else if (m.substr(k, 2) == "{}") { out += "\u2026"; ++k; }
    else out += m[k];
  }
  auto letters =
      std::count_if(out.begin(), out.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  if (letters < 8) {
    out = std::string(info.name);
    std::replace(out.begin(), out.end(), '-', ' ');
  }
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

/// 64-bit FNV-1a: small, stable across platforms and releases.
std::string fingerprint(std::string_view a, std::string_view b, std::string_view c) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&](std::string_view s) {
    for (char ch : s) {
      h ^= static_cast<unsigned char>(ch);
      h *= 0x100000001b3ull;
    }
    h ^= 0x1f;  // a separator, so that ("ab", "c") and ("a", "bc") differ
    h *= 0x100000001b3ull;
  };
  mix(a);
  mix(b);
  mix(c);
  return fmt::format("{:016x}", h);
}

struct SarifResult {
  Where at;
  std::string ruleId;
  std::string level;
  std::string message;
  std::string key;  ///< what the fingerprint hashes besides the rule id
  Json relatedLocations;
  Json suppressions;
  Json properties;
  std::string baselineState;  ///< "new" or "unchanged" when a baseline was given
};

const char* sarifLevel(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

void renderSarifReport(std::ostream& out, const DriftReport& report, const SourceManager& sm,
                       const DiagnosticEngine& diags, const DriftRenderOptions& o) {
  std::vector<SarifResult> results;
  std::set<std::string> driftRules;
  std::map<std::string, const DiagInfo*> diagRules;
  Json notifications = Json::array();

  for (const Finding& f : findings(report)) {
    auto w = where(sm, f.range());
    if (!w) continue;  // every expect and evidence is written somewhere
    const RuleInfo& r = rule(f.kind);
    SarifResult res;
    res.at = *w;
    res.ruleId = r.id;
    res.level = f.waived ? "note" : std::string(r.level);
    res.message = headline(f) + ": " + join(detailLines(f), "; ");
    // What is wrong where, without the numbers that change from day to day
    // ("10 days old"), so that code scanning keeps one alert per finding.
    res.key = f.control->id() + '\x1f' + std::string(sm.text(f.range()));
    if (f.kind == Kind::ExpectFail || f.kind == Kind::ExpectUnknown) res.key += '\x1f' + join(detailLines(f), "\n");
    res.properties = {{"control", f.control->id()}};
    if (report.summary.hasBaseline) res.baselineState = f.control->inBaseline ? "unchanged" : "new";
    if (f.expect && f.kind == Kind::ExpectFail) res.properties["failureCount"] = f.expect->failureCount;
    if (f.waived && f.control->waivedBy) {
      const std::string& ex = f.control->waivedBy->decl->name.name;
      res.suppressions = Json::array({{{"kind", "external"},
                                       {"status", "accepted"},
                                       {"justification", "waived by exception " + ex}}});
      res.properties["waivedBy"] = ex;
    }
    driftRules.insert(res.ruleId);
    results.push_back(std::move(res));
  }

  for (const auto& d : diags.all()) {
    const DiagInfo& info = diagInfo(d.code);
    std::string message = d.message;
    auto w = where(sm, d.range);
    Json related = Json::array();
    for (const auto& n : d.notes) {
      if (n.range.valid()) {
        Json loc = sarifLocation(*where(sm, n.range));
        loc["id"] = related.size();
        loc["message"] = {{"text", n.message}};
        related.push_back(std::move(loc));
      } else {
        message += "\nnote: " + n.message;
      }
    }
    for (auto r : d.extraRanges) {
      if (!r.valid()) continue;
      Json loc = sarifLocation(*where(sm, r));
      loc["id"] = related.size();
      related.push_back(std::move(loc));
    }
    if (!d.help.empty()) message += "\nhelp: " + d.help;
    if (!w) {
      // Without a place in a file it is a note about the run, not a result.
      notifications.push_back({{"level", sarifLevel(d.severity)},
                               {"message", {{"text", message}}},
                               {"descriptor", {{"id", std::string(info.name)}}}});
      continue;
    }
    SarifResult res;
    res.at = *w;
    res.ruleId = info.name;
    res.level = sarifLevel(d.severity);
    res.message = std::move(message);
    res.key = fileUri(w->file) + '\x1f' + std::string(sm.text(d.range));
    res.relatedLocations = std::move(related);
    diagRules.emplace(res.ruleId, &info);
    results.push_back(std::move(res));
  }
  if (diags.dropped() > 0)
    notifications.push_back(
        {{"level", "note"},
         {"message", {{"text", fmt::format("{} more diagnostics were not reported", diags.dropped())}}}});

  // Rules: the drift rules that occur, in their fixed order, then the
  // diagnostic codes that occur, by name.
  Json rules = Json::array();
  std::map<std::string, std::size_t> ruleIndex;
  for (const auto& r : kRules) {
    if (!driftRules.count(std::string(r.id))) continue;
    ruleIndex[std::string(r.id)] = rules.size();
    rules.push_back({{"id", r.id},
                     {"shortDescription", {{"text", r.shortText}}},
                     {"fullDescription", {{"text", r.fullText}}},
                     {"defaultConfiguration", {{"level", r.level}}},
                     {"properties", {{"tags", {"drift"}}}}});
  }
  for (const auto& [id, info] : diagRules) {
    if (ruleIndex.count(id)) continue;
    ruleIndex[id] = rules.size();
    if (const LintRule* lint = findLintRule(id)) {
      rules.push_back({{"id", id},
                       {"shortDescription", {{"text", std::string(lint->summary)}}},
                       {"fullDescription", {{"text", diagnosticDescription(*info)}}},
                       {"defaultConfiguration", {{"level", sarifLevel(info->severity)}}},
                       {"properties", {{"tags", {"lint", std::string(categoryName(lint->category))}}}}});
      continue;
    }
    rules.push_back({{"id", id},
                     {"shortDescription", {{"text", diagnosticDescription(*info)}}},
                     {"defaultConfiguration", {{"level", sarifLevel(info->severity)}}},
                     {"properties", {{"tags", {"diagnostic"}}}}});
  }

  std::stable_sort(results.begin(), results.end(), [](const SarifResult& a, const SarifResult& b) {
    auto k = [](const SarifResult& r) {
      return std::tie(r.at.file, r.at.begin.line, r.at.begin.col, r.at.end.line, r.at.end.col, r.ruleId, r.message);
    };
    return k(a) < k(b);
  });

  Json jresults = Json::array();
  std::map<std::string, std::size_t> seen;  // identical findings get ":2", ":3"...
  for (auto& r : results) {
    std::string fp = fingerprint("tenet/v1", r.ruleId, r.key);
    std::size_t n = ++seen[fp];
    Json j;
    j["ruleId"] = r.ruleId;
    j["ruleIndex"] = ruleIndex.at(r.ruleId);
    j["level"] = r.level;
    if (!r.baselineState.empty()) j["baselineState"] = r.baselineState;
    j["message"] = {{"text", r.message}};
    j["locations"] = Json::array({sarifLocation(r.at)});
    if (!r.relatedLocations.is_null() && !r.relatedLocations.empty()) j["relatedLocations"] = r.relatedLocations;
    j["partialFingerprints"] = {{"tenet/v1", fmt::format("{}:{}", fp, n)}};
    if (!r.suppressions.is_null()) j["suppressions"] = r.suppressions;
    if (!r.properties.is_null()) j["properties"] = r.properties;
    jresults.push_back(std::move(j));
  }

  Json driver;
  driver["name"] = "tenet";
  if (!o.toolVersion.empty()) driver["version"] = o.toolVersion;
  driver["rules"] = std::move(rules);
  Json invocation = {{"executionSuccessful", true}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  const DriftSummary& s = report.summary;
  Json run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["invocations"] = Json::array({std::move(invocation)});
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = std::move(jresults);
  if (!o.diagnosticsOnly)
    run["properties"] = {{"asOf", formatDate(report.asOf)},
                       {"summary",
                        {{"pass", s.pass}, {"fail", s.fail}, {"unknown", s.unknown}, {"manual", s.manual},
                         {"waived", s.waived}}}};
  Json doc;
  doc["$schema"] = kSarifSchema;
  doc["version"] = "2.1.0";
  doc["runs"] = Json::array({std::move(run)});
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

// ---------------------------------------------------------------------------
// GitHub workflow commands: `::error file=F,line=L,...,title=T::message`.
// As @actions/core escapes them: data escapes %, CR and LF; property values
// also escape ':' and ','.

std::string escapeData(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (c == '\t') out += ' ';
    else if (u < 0x20 || u == 0x7f) out += '?';  // no terminal escapes from facts in the log
    else out += c;
  }
  return out;
}

std::string escapeProperty(std::string_view s) {
  std::string out;
  for (char c : escapeData(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

void annotation(std::ostream& out, std::string_view command, const std::optional<Where>& w, std::string_view title,
                std::string_view message) {
  out << "::" << command << ' ';
  if (w) {
    std::string file = w->file;
    std::replace(file.begin(), file.end(), '\\', '/');
    out << "file=" << escapeProperty(file) << ",line=" << w->begin.line;
    // Columns are only accepted on a one-line annotation.
    if (w->begin.line == w->end.line) out << ",col=" << w->begin.col;
    out << ",endLine=" << w->end.line;
    if (w->begin.line == w->end.line) out << ",endColumn=" << w->end.col;
    out << ',';
  }
  out << "title=" << escapeProperty(title) << "::" << escapeData(message) << '\n';
}

const char* githubCommand(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "notice";
  }
  return "error";
}

void renderGithubReport(std::ostream& out, const DriftReport& report, const SourceManager& sm,
                        const DiagnosticEngine& diags) {
  for (const Finding& f : findings(report)) {
    if (f.waived) continue;
    bool error = f.kind == Kind::ExpectFail || f.kind == Kind::EvidenceStale;
    std::string title = fmt::format("{} ({})", headline(f), rule(f.kind).id);
    annotation(out, error ? "error" : "warning", where(sm, f.range()), title, join(detailLines(f), "\n"));
  }
  for (const auto& d : diags.all()) {
    std::string message = d.message;
    for (const auto& n : d.notes) message += "\nnote: " + n.message;
    if (!d.help.empty()) message += "\nhelp: " + d.help;
    annotation(out, githubCommand(d.severity), where(sm, d.range), d.name(), message);
  }
  if (diags.dropped() > 0)
    out << "::notice title=tenet::" << diags.dropped() << " more diagnostics were not shown\n";
  out << summarySentence(report.summary) << '\n';
}

}  // namespace

void renderDrift(std::ostream& out, const DriftReport& report, const SourceManager& sm,
                 const DiagnosticEngine& diags, DriftFormat format, const DriftRenderOptions& options) {
  if (options.diagnosticsOnly) {
    switch (format) {
      case DriftFormat::Text: {
        TextRenderOptions ro;
        ro.color = options.color;
        renderTextAll(out, sm, diags, ro);
        std::string summary = summaryLine(diags);
        out << (summary.empty() ? std::string("No problems found.") : summary + " found.") << '\n';
        return;
      }
      case DriftFormat::Json: renderJson(out, sm, diags); return;
      case DriftFormat::Sarif: renderSarifReport(out, report, sm, diags, options); return;
      case DriftFormat::Github: {
        for (const auto& d : diags.all()) {
          std::string message = d.message;
          for (const auto& n : d.notes) message += "\nnote: " + n.message;
          if (!d.help.empty()) message += "\nhelp: " + d.help;
          annotation(out, githubCommand(d.severity), where(sm, d.range), d.name(), message);
        }
        std::string summary = summaryLine(diags);
        out << (summary.empty() ? std::string("No problems found.") : summary + " found.") << '\n';
        return;
      }
    }
  }
  switch (format) {
    case DriftFormat::Text: renderTextReport(out, report, sm, diags, options); break;
    case DriftFormat::Json: renderJsonReport(out, report, sm, diags); break;
    case DriftFormat::Sarif: renderSarifReport(out, report, sm, diags, options); break;
    case DriftFormat::Github: renderGithubReport(out, report, sm, diags); break;
  }
}

}  // namespace tenet

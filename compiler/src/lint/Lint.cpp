// Lint configuration: the project's `lint` block, --rule overrides and
// `// tenet-ignore RULE: reason` comments, applied to rule diagnostics.
#include "tenet/lint/Lint.h"

#include <algorithm>
#include <map>

namespace tenet {

std::string_view categoryName(LintCategory c) {
  switch (c) {
    case LintCategory::Wording: return "wording";
    case LintCategory::Ownership: return "ownership";
    case LintCategory::Review: return "review";
    case LintCategory::Controls: return "controls";
    case LintCategory::Evidence: return "evidence";
    case LintCategory::Exceptions: return "exceptions";
    case LintCategory::Structure: return "structure";
  }
  return "structure";
}

const LintRule* findLintRule(std::string_view id) {
  for (const LintRule& r : lintRules())
    if (r.id() == id) return &r;
  return nullptr;
}

std::optional<LintLevel> parseLintLevel(std::string_view text) {
  if (text == "error") return LintLevel::Error;
  if (text == "warning") return LintLevel::Warning;
  if (text == "off") return LintLevel::Off;
  return std::nullopt;
}

namespace {

std::vector<std::string> ruleIds() {
  std::vector<std::string> ids;
  for (const LintRule& r : lintRules()) ids.emplace_back(r.id());
  return ids;
}

std::string trim(std::string_view s) {
  std::size_t a = s.find_first_not_of(" \t");
  if (a == std::string_view::npos) return {};
  std::size_t b = s.find_last_not_of(" \t\r");
  return std::string(s.substr(a, b - a + 1));
}

struct Suppression {
  std::string rule;
  SourceRange comment;      ///< the whole comment
  SourceRange ruleRange;    ///< the rule id in it
  SourceRange covers;       ///< the findings it suppresses start in here
  bool hasReason = false;
  bool used = false;
};

/// The ranges of everything that can start a line: declarations, their
/// properties, sections, statements, clauses. A suppression covers the
/// largest one that starts on its line.
void collectItems(const SourceUnit& u, std::vector<SourceRange>& out) {
  auto props = [&](const std::vector<Property>& ps) {
    for (const auto& p : ps) out.push_back(p.range);
  };
  for (const auto& d : u.projects) {
    out.push_back(d.range);
    props(d.properties);
    for (const auto& l : d.lint) out.push_back(l.range);
  }
  for (const auto& d : u.roles) {
    out.push_back(d.range);
    props(d.properties);
  }
  for (const auto& d : u.policies) {
    out.push_back(d.range);
    props(d.properties);
    for (const auto& s : d.sections) out.push_back(s.range);
    for (const auto& c : d.controls) {
      out.push_back(c.range);
      props(c.properties);
      if (c.statement) out.push_back(c.statementRange.valid() ? c.statementRange : c.statement->range);
      for (const auto& r : c.satisfies) out.push_back(r.range);
      for (const auto& e : c.expects) out.push_back(e.range);
      for (const auto& e : c.evidence) out.push_back(e.range);
    }
  }
  for (const auto& d : u.facts) {
    out.push_back(d.range);
    props(d.properties);
  }
  for (const auto& d : u.crosswalks) {
    out.push_back(d.range);
    props(d.properties);
    for (const auto& r : d.relations) out.push_back(r.range);
    for (const auto& g : d.gaps) out.push_back(g.range);
  }
  for (const auto& d : u.applicability) {
    out.push_back(d.range);
    for (const auto& e : d.exclusions) out.push_back(e.range);
  }
  for (const auto& d : u.exceptions) {
    out.push_back(d.range);
    props(d.properties);
  }
}

/// Reads the `// tenet-ignore RULE[, RULE]: reason` comments of one file.
void readSuppressions(const SourceUnit& u, const SourceManager& sm, DiagnosticEngine& diags, bool report,
                      std::vector<Suppression>& out) {
  constexpr std::string_view kMarker = "tenet-ignore";
  const std::string& text = sm.file(u.file).text;
  std::vector<SourceRange> items;
  bool itemsRead = false;
  for (const Comment& c : u.comments) {
    std::string_view body(c.text);
    if (body.starts_with("//")) body.remove_prefix(2);
    std::size_t lead = body.find_first_not_of(" \t");
    if (lead == std::string_view::npos || body.substr(lead, kMarker.size()) != kMarker) continue;
    std::size_t afterMarker = lead + kMarker.size();
    if (afterMarker < body.size() && body[afterMarker] != ' ' && body[afterMarker] != '\t' && body[afterMarker] != ':')
      continue;  // `tenet-ignored` is prose, not a suppression
    std::uint32_t bodyStart = c.range.begin + (std::string_view(c.text).starts_with("//") ? 2 : 0);
    std::string_view rest = body.substr(afterMarker);
    std::size_t colon = rest.find(':');
    std::string_view rulesText = rest.substr(0, colon);
    std::string reason = colon == std::string_view::npos ? std::string() : trim(rest.substr(colon + 1));

    if (!itemsRead) {
      collectItems(u, items);
      itemsRead = true;
    }
    // The line it covers: its own when code precedes it, else the next line
    // that holds code.
    std::size_t lineStart = text.rfind('\n', c.range.begin == 0 ? 0 : c.range.begin - 1);
    lineStart = (lineStart == std::string::npos || c.range.begin == 0) ? 0 : lineStart + 1;
    bool trailing = std::string_view(text).substr(lineStart, c.range.begin - lineStart).find_first_not_of(" \t") !=
                    std::string_view::npos;
    std::size_t target = lineStart;
    if (!trailing) {
      std::size_t pos = text.find('\n', c.range.end);
      target = std::string::npos;
      while (pos != std::string::npos) {
        std::size_t next = pos + 1;
        std::size_t end = text.find('\n', next);
        std::string_view line = std::string_view(text).substr(next, (end == std::string::npos ? text.size() : end) - next);
        std::size_t first = line.find_first_not_of(" \t\r");
        if (first != std::string_view::npos && !line.substr(first).starts_with("//")) {
          target = next;
          break;
        }
        pos = end;
      }
    }
    SourceRange covers{u.file, 0, 0};
    if (target != std::string::npos) {
      std::size_t lineEnd = text.find('\n', target);
      if (lineEnd == std::string::npos) lineEnd = text.size();
      covers = SourceRange{u.file, static_cast<std::uint32_t>(target), static_cast<std::uint32_t>(lineEnd)};
      // The line, and everything that starts on it (a whole control, a
      // statement's prose block).
      for (const SourceRange& r : items)
        if (r.valid() && r.file == u.file && r.begin >= target && r.begin < lineEnd) covers.end = std::max(covers.end, r.end);
    }

    // One or more rule ids, separated by commas.
    std::size_t pos = 0;
    bool any = false;
    while (pos <= rulesText.size()) {
      std::size_t comma = rulesText.find(',', pos);
      std::string_view piece = rulesText.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
      std::size_t a = piece.find_first_not_of(" \t");
      if (a != std::string_view::npos) {
        std::size_t b = piece.find_last_not_of(" \t");
        std::string id(piece.substr(a, b - a + 1));
        auto offset = static_cast<std::uint32_t>(afterMarker + pos + a);
        SourceRange idRange{u.file, bodyStart + offset, bodyStart + offset + static_cast<std::uint32_t>(id.size())};
        any = true;
        if (!findLintRule(id)) {
          auto& d = diags.report(DiagCode::UnknownLintRule, idRange, id);
          std::string best = closestName(id, ruleIds());
          if (!best.empty()) d.withHelp("did you mean '" + best + "'?").withFix(idRange, best);
          else d.withHelp("'tenet rules' lists the rules");
        } else {
          out.push_back(Suppression{id, c.range, idRange, covers, !reason.empty(), false});
        }
      }
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
    if (!any && report)
      diags.report(DiagCode::SuppressionWithoutRule, c.range)
          .withHelp("name the rule to suppress and say why: // tenet-ignore weak-modal: quoted from the contract");
  }
}

}  // namespace

std::optional<std::string> parseLintOverride(std::string_view text, LintOverrides& out) {
  std::size_t eq = text.find('=');
  if (eq == std::string_view::npos)
    return "--rule takes RULE=LEVEL, such as --rule weak-modal=off";
  std::string id = trim(text.substr(0, eq));
  std::string level = trim(text.substr(eq + 1));
  if (!findLintRule(id)) {
    std::string best = closestName(id, ruleIds());
    return "'" + id + "' is not a lint rule" + (best.empty() ? "" : "; did you mean '" + best + "'?") +
           " ('tenet rules' lists them)";
  }
  auto l = parseLintLevel(level);
  if (!l) return "'" + level + "' is not a lint level; write error, warning or off";
  out.emplace_back(id, *l);
  return std::nullopt;
}

void applyLintConfig(const Model& model, const std::vector<SourceUnit>& units, const SourceManager& sm,
                     DiagnosticEngine& diags, const LintConfigOptions& options, std::size_t from) {
  std::map<std::string, LintLevel, std::less<>> levels;
  if (model.project) {
    // The checker reports unknown rules and levels; they are skipped here.
    for (const LintSetting& s : model.project->lint)
      if (auto level = parseLintLevel(s.level.name); level && findLintRule(s.rule.name)) levels[s.rule.name] = *level;
  }
  for (const auto& [id, level] : options.overrides) levels[id] = level;

  std::vector<Suppression> suppressions;
  for (const SourceUnit& u : units)
    if (u.file != kNoFile && !sm.file(u.file).fromStdlib)
      readSuppressions(u, sm, diags, options.reportSuppressions, suppressions);

  std::size_t end = diags.all().size();
  std::vector<bool> drop(end, false);
  for (std::size_t i = from; i < end; ++i) {
    const Diagnostic& d = diags.all()[i];
    const LintRule* rule = findLintRule(d.name());
    if (!rule) continue;
    auto it = levels.find(d.name());
    if (it != levels.end() && it->second == LintLevel::Off) {
      drop[i] = true;
      continue;
    }
    bool suppressed = false;
    for (Suppression& s : suppressions)
      if (s.rule == d.name() && d.range.valid() && d.range.file == s.covers.file && d.range.begin >= s.covers.begin &&
          d.range.begin < s.covers.end) {
        s.used = true;
        suppressed = true;
      }
    if (suppressed) {
      drop[i] = true;
      continue;
    }
    if (it != levels.end()) diags.setSeverity(i, it->second == LintLevel::Error ? Severity::Error : Severity::Warning);
  }
  std::size_t index = 0;
  diags.eraseIf(from, [&](const Diagnostic&) {
    std::size_t k = from + index++;
    return k < drop.size() && drop[k];
  });

  if (!options.reportSuppressions) return;
  for (const Suppression& s : suppressions) {
    if (!s.hasReason)
      diags.report(DiagCode::SuppressionWithoutReason, s.comment, s.rule)
          .withHelp("say why after a colon, as in: // tenet-ignore " + s.rule + ": quoted from the customer contract");
    auto level = levels.find(s.rule);
    if (s.used || (level != levels.end() && level->second == LintLevel::Off)) continue;
    auto& d = diags.report(DiagCode::UnusedSuppression, s.ruleRange, s.rule);
    d.withHelp("remove the comment: nothing it names is reported here");
    // Removing the whole comment line (or the trailing comment) is safe.
    const std::string& text = sm.file(s.comment.file).text;
    std::size_t lineStart = text.rfind('\n', s.comment.begin == 0 ? 0 : s.comment.begin - 1);
    lineStart = (lineStart == std::string::npos || s.comment.begin == 0) ? 0 : lineStart + 1;
    std::string_view before = std::string_view(text).substr(lineStart, s.comment.begin - lineStart);
    if (before.find_first_not_of(" \t") == std::string_view::npos) {
      std::size_t lineEnd = text.find('\n', s.comment.end);
      lineEnd = lineEnd == std::string::npos ? text.size() : lineEnd + 1;
      d.withFix(SourceRange{s.comment.file, static_cast<std::uint32_t>(lineStart), static_cast<std::uint32_t>(lineEnd)},
                "", true);
    } else {
      std::size_t cut = before.find_last_not_of(" \t") + 1;
      d.withFix(SourceRange{s.comment.file, static_cast<std::uint32_t>(lineStart + cut), s.comment.end}, "", true);
    }
  }
}

}  // namespace tenet

/// @file Lint.h
/// @brief The lint rules: what auditors flag in a policy repository (weak
/// wording, unowned policies, controls that satisfy nothing, exceptions
/// without an end), their configuration in the project's `lint` block and
/// on the command line, and inline suppressions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tenet/diag/Diagnostic.h"
#include "tenet/sema/Model.h"

namespace tenet {

enum class LintCategory : std::uint8_t { Wording, Ownership, Review, Controls, Evidence, Exceptions, Structure };

std::string_view categoryName(LintCategory c);

struct LintContext {
  const Model& model;
  const SourceManager& sources;
  Date asOf;  ///< the date the time-based rules look from
  DiagnosticEngine& diags;
};

/// How a rule finds what it reports (through `ctx.diags`): by reading the
/// whole project, or one policy at a time.
struct LintCheck {
  using Project = void (*)(const LintContext& ctx);
  /// Reads what is written in one policy of the project and nothing else:
  /// not another file, nor what the policy's names refer to. It reports in
  /// the policy's file only, and finds the same as long as that file and
  /// the date do not change.
  using OnePolicy = void (*)(const LintContext& ctx, const Policy& policy);

  Project project = nullptr;
  OnePolicy policy = nullptr;

  LintCheck(std::nullptr_t = nullptr) {}
  LintCheck(Project check) : project(check) {}
  LintCheck(OnePolicy check) : policy(check) {}
};

struct LintRule {
  DiagCode code;          ///< its id is the code's name, its default severity the code's
  LintCategory category;
  std::string_view summary;  ///< one line, for `tenet rules` and SARIF
  /// Null when another check reports it (the checker, the prose analysis,
  /// or another rule's check reading the same text): the
  /// rule is then configured and suppressed like the others.
  LintCheck check = nullptr;
  bool fixable = false;   ///< some findings carry a fix that `--fix` applies
  std::string_view id() const { return diagInfo(code).name; }
};

/// Every rule, in one explicit list (compiler/src/lint/Rules.cpp), by id.
const std::vector<LintRule>& lintRules();
const LintRule* findLintRule(std::string_view id);

/// Runs every rule that has a check of its own. Stdlib files are not linted.
void runLintRules(const LintContext& ctx);

/// What runLintRules finds in one policy of the project: the checks that
/// read one policy at a time, and the prose analysis of its statements
/// (vague-cadence, prose-cadence-mismatch). Nothing for a stdlib policy.
/// It depends on the policy's file and the date alone, so a caller may keep
/// it for as long as both stay the same.
void runPolicyLintRules(const LintContext& ctx, const Policy& policy);

/// The rest of what runLintRules finds: the checks that read the project as
/// a whole (roles, facts, exceptions, and what the policies' names refer to).
void runProjectLintRules(const LintContext& ctx);

enum class LintLevel { Error, Warning, Off };
std::optional<LintLevel> parseLintLevel(std::string_view text);

/// What `--rule ID=LEVEL` asked for, in order (later ones win).
using LintOverrides = std::vector<std::pair<std::string, LintLevel>>;

/// Parses `ID=LEVEL`; returns a sentence for people when it is not one.
std::optional<std::string> parseLintOverride(std::string_view text, LintOverrides& out);

struct LintConfigOptions {
  LintOverrides overrides;
  /// Report suppressions that give no reason or suppress nothing. Only
  /// meaningful when the rules have run (`tenet lint`).
  bool reportSuppressions = false;
};

/// Applies the project's `lint` block (checking its rule ids and levels),
/// then the overrides, then the `// tenet-ignore RULE: reason` comments, to
/// the diagnostics of lint rules found from index `from` on: a rule set to
/// `off` or suppressed is dropped, the others take their configured
/// severity. Other diagnostics are left as they are.
void applyLintConfig(const Model& model, const std::vector<SourceUnit>& units, const SourceManager& sm,
                     DiagnosticEngine& diags, const LintConfigOptions& options, std::size_t from = 0);

}  // namespace tenet

/// @file Coverage.h
/// @brief Which controls cover each requirement of the frameworks a project
/// targets, directly or through crosswalks, and the Statement of
/// Applicability built on it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tenet/analysis/Crosswalk.h"
#include "tenet/emit/Table.h"
#include "tenet/eval/Drift.h"

namespace tenet {

/// One control reaching one requirement.
struct CoverageLink {
  const Control* control = nullptr;
  const Requirement* via = nullptr;  ///< what the control satisfies (the requirement itself when direct)
  RelationKind kind = RelationKind::Equal;
  std::string path;                  ///< for crosswalk links: how the relation was reached
  bool derived = false;
  bool full() const { return fullyMeets(kind); }
};

enum class CoverageState {
  Excluded,  ///< excluded in an applicability block
  Direct,    ///< some control names it in `satisfies`
  Full,      ///< no direct control, but one fully covers it through a crosswalk
  Partial,   ///< only partial coverage through crosswalks
  None,      ///< nothing reaches it
};

std::string_view stateName(CoverageState s);

struct RequirementCoverage {
  const Requirement* requirement = nullptr;
  const Exclusion* exclusion = nullptr;
  std::vector<CoverageLink> direct;
  std::vector<CoverageLink> crosswalk;
  CoverageState state = CoverageState::None;
  /// The state counting crosswalk links only, as if no control named this
  /// framework: what the other frameworks' work already gives.
  CoverageState throughCrosswalksOnly = CoverageState::None;
};

struct FrameworkCoverage {
  const Framework* framework = nullptr;
  /// Outcomes of the controls when facts were evaluated; null when not.
  const DriftReport* drift = nullptr;
  std::vector<RequirementCoverage> requirements;  ///< in catalogue order
  std::vector<const Framework*> sources;          ///< frameworks whose controls reach this one
  std::size_t count(CoverageState s) const;
  std::size_t countThroughCrosswalks(CoverageState s) const;
};

/// Coverage of every framework the project targets (its `frameworks`
/// list, or else every framework a control names).
std::vector<FrameworkCoverage> computeCoverage(const Model& model, const CrosswalkGraph& graph,
                                               const DriftReport* drift = nullptr);
FrameworkCoverage computeCoverage(const Model& model, const CrosswalkGraph& graph, const Framework& target,
                                  const DriftReport* drift = nullptr);

/// The status of the controls that implement a requirement directly: the
/// worst of their outcomes (fail, then unknown, then waived, then manual),
/// pass only when every one passes; nullopt when nothing was evaluated.
std::optional<Outcome> implementationStatus(const RequirementCoverage& rc, const DriftReport* drift);

/// Report tables. Until facts are evaluated, every control's status is
/// "declared": the tables say so and never count it as verified.
Table coverageSummaryTable(const std::vector<FrameworkCoverage>& coverage);
Table coverageTable(const FrameworkCoverage& coverage);
Table crosswalkTable(const CrosswalkGraph& graph, const Framework& from, const Framework& to);
Table crosswalkMatrix(const CrosswalkGraph& graph, const Framework& from, const Framework& to);

/// One line of the Statement of Applicability.
struct SoaEntry {
  const RequirementCoverage* coverage = nullptr;
  bool applicable = true;
  std::string justification;      ///< the exclusion's reason, or which policies implement it
  std::string status;             ///< the implementation status in words
  std::optional<Outcome> outcome; ///< of its controls, when facts were evaluated
};

/// The ISO/IEC 27001:2022 Statement of Applicability (clause 6.1.3 d): every
/// Annex A control, applicable or excluded, with its justification.
std::vector<SoaEntry> soaEntries(const FrameworkCoverage& iso27001);
/// The sentences under it: the counts, and what the status is based on.
std::vector<std::string> soaNotes(const FrameworkCoverage& iso27001);
Table soaTable(const FrameworkCoverage& iso27001);

/// Whether a requirement is an Annex A control (its outermost group is A.x).
bool isAnnexA(const Requirement& r);

}  // namespace tenet

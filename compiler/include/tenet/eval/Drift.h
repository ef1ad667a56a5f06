/// @file Drift.h
/// @brief A drift report: every control of every policy evaluated against the
/// facts, with exceptions applied and time-based checks made. The text, JSON,
/// SARIF and GitHub renderers read only this.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tenet/eval/Evaluator.h"

namespace tenet {

struct ControlDrift {
  ControlResult result;             ///< outcome after exceptions: a valid waiver turns fail into waived
  const Exception* waivedBy = nullptr;
  std::string id() const;           ///< `access_control.mfa`
};

struct PolicyDrift {
  const Policy* policy = nullptr;
  std::optional<Date> nextReview;   ///< effective date plus the review cadence
  bool reviewOverdue = false;
  std::vector<ControlDrift> controls;
};

struct DriftSummary {
  std::size_t pass = 0, fail = 0, unknown = 0, manual = 0, waived = 0;
};

struct DriftReport {
  Date asOf;
  std::vector<PolicyDrift> policies;  ///< sorted by policy name; controls in written order
  DriftSummary summary;
};

struct DriftOptions {
  Date asOf;
  EvalOptions eval;
};

/// Evaluates every control. Exceptions are applied (an expired one is
/// reported as an error and waives nothing), overdue policy reviews are
/// reported as warnings, through `diags`.
DriftReport computeDrift(const Model& model, const std::map<std::string, LoadedFacts>& facts,
                         const DriftOptions& options, DiagnosticEngine& diags);

}  // namespace tenet

/// @file Drift.h
/// @brief A drift report: every control of every policy evaluated against the
/// facts, with exceptions applied and time-based checks made. The text, JSON,
/// SARIF and GitHub renderers read only this.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tenet/eval/Evaluator.h"

namespace tenet {

struct ControlDrift {
  ControlResult result;             ///< outcome after exceptions: a valid waiver turns fail into waived
  const Exception* waivedBy = nullptr;
  bool inBaseline = false;          ///< it fails, and already failed in the baseline report
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
  std::size_t knownFailures = 0;  ///< of `fail`, those that already failed in the baseline
  bool hasBaseline = false;
  std::size_t newFailures() const { return fail - knownFailures; }
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

/// The date a policy is next due for review: its effective date plus its
/// review cadence; nullopt when either is missing.
std::optional<Date> nextReviewDate(const Policy& policy);

/// Reports `review-overdue` when the policy's next review lies before
/// `asOf`; returns whether it does. `next` receives the next review date.
bool checkPolicyReview(const Policy& policy, Date asOf, DiagnosticEngine& diags, std::optional<Date>& next);

/// Marks the failing controls that already failed in a previous report (the
/// ids of its failing controls), so that only new failures fail a build.
void applyBaseline(DriftReport& report, const std::set<std::string>& failedBefore);

/// Evaluates every control. Exceptions are applied (an expired one is
/// reported as an error and waives nothing), overdue policy reviews are
/// reported as warnings, through `diags`.
DriftReport computeDrift(const Model& model, const std::map<std::string, LoadedFacts>& facts,
                         const DriftOptions& options, DiagnosticEngine& diags);

}  // namespace tenet

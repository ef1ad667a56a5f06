/// @file Evaluator.h
/// @brief Evaluates controls' expectations and evidence against loaded facts.
/// A check has four outcomes, never two: pass, fail (naming the failing
/// elements), unknown (a fact or file is missing, or a quantifier found no
/// element to look at) and manual (nothing automated to check).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tenet/facts/Loader.h"
#include "tenet/sema/Model.h"

namespace tenet {

enum class Outcome : std::uint8_t { Pass, Fail, Unknown, Manual, Waived };

std::string_view outcomeName(Outcome o);

struct ExpectResult {
  const ExpectDecl* expect = nullptr;
  Outcome outcome = Outcome::Unknown;
  std::vector<std::string> failures;  ///< the first few failing elements, with the `else` message
  std::size_t failureCount = 0;       ///< all failing elements
  std::string reason;                 ///< why the outcome is unknown
};

struct EvidenceResult {
  const EvidenceDecl* evidence = nullptr;
  Outcome outcome = Outcome::Unknown;
  std::string detail;
};

struct ControlResult {
  const Control* control = nullptr;
  Outcome outcome = Outcome::Manual;
  std::vector<ExpectResult> expects;
  std::vector<EvidenceResult> evidence;
};

struct EvalOptions {
  Date today;                       ///< the evaluation date (`--as-of`)
  std::size_t maxFailuresShown = 5;
  /// Bounds the elements one expectation may visit, so that nested
  /// quantifiers over large facts cannot run for hours.
  std::size_t maxSteps = 200'000'000;
};

class Evaluator {
 public:
  Evaluator(const Model& model, const std::map<std::string, LoadedFacts>& facts, EvalOptions options);
  ControlResult evaluate(const Control& control) const;

 private:
  const Model& model_;
  const std::map<std::string, LoadedFacts>& facts_;
  EvalOptions options_;
};

}  // namespace tenet

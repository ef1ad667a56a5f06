/// @file ProseDrift.h
/// @brief Drift between what a control's statement says and what the control
/// declares: a cadence written in prose that differs from the declared one,
/// and vague words standing in for a cadence that was never declared.
#pragma once

#include <string>
#include <vector>

#include "tenet/diag/Diagnostic.h"
#include "tenet/sema/Model.h"

namespace tenet {

/// Checks the statement of every control of every project policy (stdlib
/// files are skipped):
/// - `prose-cadence-mismatch` at each cadence phrase ("quarterly", "every
///   90 days", ...) whose length differs from the control's `cadence` and
///   from every length the control's expectations and evidence freshness
///   windows check (a statement may describe a second, measured activity);
/// - `vague-cadence` at each vague phrase ("regularly", "as needed", ...) when
///   the control declares no cadence.
/// Only the literal text of the statement is read: `{cadence}` and other
/// interpolations, and text between literal braces (`{{...}}`), are skipped.
/// Phrases are whole words, matched without regard to case, with any
/// whitespace (line breaks included) between their words.
void checkProseDrift(const Model& model, const SourceManager& sm, DiagnosticEngine& diags);
/// The same for the controls of one policy (nothing for a stdlib policy).
void checkProseDrift(const Policy& policy, const SourceManager& sm, DiagnosticEngine& diags);

enum class WordingKind { WeakModal, Unmeasurable };

/// A phrase in a statement that the linter reads.
struct WordingFinding {
  WordingKind kind;
  SourceRange range;   ///< where it is written
  std::string phrase;  ///< as written, whitespace collapsed
};

/// The weak commitments ("should", "may", "where possible") and the
/// unmeasurable words ("appropriate", "adequate", "promptly") in the literal
/// text of `text`, matched as `checkProseDrift` matches its phrases. An
/// unmeasurable word in a sentence that holds a number ("promptly, within
/// 24 hours") is not reported.
std::vector<WordingFinding> findWording(const Text& text, const SourceManager& sm);

}  // namespace tenet

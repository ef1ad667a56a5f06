/// @file Diagnostic.h
/// @brief A diagnostic is data: code, severity, ranges, notes, help and
/// fix-its. Renderers (text, JSON, and later SARIF and the language server)
/// only render it.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tenet/base/Source.h"
#include "tenet/diag/DiagCodes.h"

namespace tenet {

/// "error", "warning" or "note", as every output format spells it.
inline const char* severityName(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

struct DiagNote {
  std::string message;
  SourceRange range;  ///< may be invalid for a note without a location
};

struct FixIt {
  SourceRange range;
  std::string replacement;
  /// Applying it cannot change what the project means (removing a repeated
  /// requirement, an unused suppression): `tenet lint --fix` applies these.
  /// A guess such as a did-you-mean is not safe.
  bool safe = false;
};

struct Diagnostic {
  DiagCode code{};
  Severity severity = Severity::Error;
  std::string message;
  SourceRange range;
  std::vector<SourceRange> extraRanges;
  std::vector<DiagNote> notes;
  std::string help;
  std::vector<FixIt> fixits;

  std::string_view name() const { return diagInfo(code).name; }
  Diagnostic& note(std::string message, SourceRange at = {}) {
    notes.push_back({std::move(message), at});
    return *this;
  }
  Diagnostic& withHelp(std::string h) {
    help = std::move(h);
    return *this;
  }
  Diagnostic& withRange(SourceRange r) {
    extraRanges.push_back(r);
    return *this;
  }
  Diagnostic& withFix(SourceRange r, std::string replacement, bool safe = false) {
    fixits.push_back({r, std::move(replacement), safe});
    return *this;
  }
};

/// Collects diagnostics for one run. References returned by report() stay
/// valid for the engine's lifetime, so notes can be attached afterwards.
class DiagnosticEngine {
 public:
  static constexpr std::size_t kDefaultLimit = 5000;

  template <typename... Args>
  Diagnostic& report(DiagCode code, SourceRange range, Args&&... args) {
    const DiagInfo& info = diagInfo(code);
    // Past the limit only the count is kept: a file of millions of stray
    // characters must not cost millions of formatted messages.
    if (diags_.size() >= limit_) return countOverflow(info.severity);
    return add(code, info.severity, range,
               fmt::vformat(info.message, fmt::make_format_args(args...)));
  }

  Diagnostic& add(DiagCode code, Severity severity, SourceRange range, std::string message);
  /// Adds a diagnostic made before (kept from another engine), counted like
  /// one reported here.
  Diagnostic& add(Diagnostic d);

  const std::deque<Diagnostic>& all() const { return diags_; }
  std::size_t errorCount() const { return errors_; }
  std::size_t warningCount() const { return warnings_; }
  bool hasErrors() const { return errors_ > 0; }
  /// How many diagnostics were dropped after the limit was reached.
  std::size_t dropped() const { return dropped_; }
  void setLimit(std::size_t limit) { limit_ = limit; }
  std::size_t limit() const { return limit_; }
  /// True once the limit is reached: further reports are only counted.
  bool full() const { return diags_.size() >= limit_; }
  /// Counts diagnostics another engine dropped past its limit, of which
  /// `errors` errors and `warnings` warnings, as if they had been reported here.
  void countDropped(std::size_t n, std::size_t errors, std::size_t warnings) {
    dropped_ += n;
    errors_ += errors;
    warnings_ += warnings;
  }
  /// Counts one diagnostic past the limit; what it returns absorbs notes.
  Diagnostic& countOverflow(Severity severity) {
    if (severity == Severity::Error) ++errors_;
    if (severity == Severity::Warning) ++warnings_;
    ++dropped_;
    overflow_ = Diagnostic{};
    return overflow_;
  }
  /// Changes the severity of diagnostic `index`, keeping the counts right.
  void setSeverity(std::size_t index, Severity s);

  /// Removes the diagnostics from index `from` on for which `drop` is true.
  template <typename Pred>
  void eraseIf(std::size_t from, Pred drop) {
    std::deque<Diagnostic> kept(diags_.begin(), diags_.begin() + static_cast<std::ptrdiff_t>(from));
    for (std::size_t i = from; i < diags_.size(); ++i) {
      if (!drop(diags_[i])) {
        kept.push_back(std::move(diags_[i]));
        continue;
      }
      if (diags_[i].severity == Severity::Error) --errors_;
      if (diags_[i].severity == Severity::Warning) --warnings_;
    }
    diags_ = std::move(kept);
  }

  /// Orders diagnostics by file path, then position, then code, so that
  /// output does not depend on the order in which files were checked.
  void sort(const SourceManager& sm);

 private:
  std::deque<Diagnostic> diags_;
  Diagnostic overflow_;  // absorbs reports past the limit
  std::size_t errors_ = 0, warnings_ = 0, dropped_ = 0;
  std::size_t limit_ = kDefaultLimit;
};

/// The closest names to `wanted` among `candidates`, for "did you mean".
/// Returns an empty string when nothing is close enough to help.
std::string closestName(std::string_view wanted, const std::vector<std::string>& candidates);

}  // namespace tenet

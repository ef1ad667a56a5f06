/// @file DriftReport.h
/// @brief Renders a drift report with the diagnostics of the run: text for
/// people, JSON for programs, SARIF 2.1.0 for code scanning, and GitHub
/// workflow annotations.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "tenet/diag/Diagnostic.h"
#include "tenet/eval/Drift.h"

namespace tenet {

enum class DriftFormat { Text, Json, Sarif, Github };

std::optional<DriftFormat> parseDriftFormat(std::string_view name);

struct DriftRenderOptions {
  bool color = false;
  std::string toolVersion;  ///< for SARIF's tool.driver.version
  /// Render only the diagnostics, without a drift report: `tenet lint`.
  bool diagnosticsOnly = false;
};

/// The report's summary: "N controls: P pass, F fail, ...". It never
/// implies success when nothing was checked.
std::string summarySentence(const DriftSummary& s);

/// The failure messages of a failing expectation, one a line, with
/// "and N more" for the elements not shown.
std::vector<std::string> failureLines(const ExpectResult& e);

void renderDrift(std::ostream& out, const DriftReport& report, const SourceManager& sm,
                 const DiagnosticEngine& diags, DriftFormat format, const DriftRenderOptions& options = {});

}  // namespace tenet

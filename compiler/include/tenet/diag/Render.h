/// @file Render.h
/// @brief Renderers turn diagnostics into text for people (clang style) or
/// JSON for programs. They only render; they decide nothing.
#pragma once

#include <ostream>

#include "tenet/diag/Diagnostic.h"

namespace tenet {

struct TextRenderOptions {
  bool color = false;
};

/// `file:line:col: error: message [code]`, the source line, a caret with
/// `~~~` under the range, then notes and help.
void renderText(std::ostream& out, const SourceManager& sm, const Diagnostic& d, const TextRenderOptions& opts = {});
void renderTextAll(std::ostream& out, const SourceManager& sm, const DiagnosticEngine& diags,
                   const TextRenderOptions& opts = {});
/// A one-line count such as "2 errors and 1 warning", or "" when there are none.
std::string summaryLine(const DiagnosticEngine& diags);

/// The same diagnostics as a JSON document (see docs/cli.md for its shape).
void renderJson(std::ostream& out, const SourceManager& sm, const DiagnosticEngine& diags);

}  // namespace tenet

/// @file Parser.h
/// @brief Parses one source file into a SourceUnit. This is the only entry
/// into the syntax stage; ANTLR stays behind it.
#pragma once

#include "tenet/base/Source.h"
#include "tenet/diag/Diagnostic.h"
#include "tenet/syntax/AST.h"

namespace tenet {

struct ParseLimits {
  /// Brackets nested deeper than this are rejected before parsing, so that
  /// no input can exhaust the parser's stack.
  unsigned maxNesting = 128;
  /// Operators in one expression. Long flat chains (`a and b and ...`) are
  /// deep trees for every later stage, so they are bounded too.
  unsigned maxOperators = 1000;
};

/// Parses `file` (already loaded and valid UTF-8) and reports syntax errors.
/// Always returns a unit: declarations that parsed are kept.
SourceUnit parseFile(const SourceManager& sm, FileId file, DiagnosticEngine& diags,
                     const ParseLimits& limits = {});

/// Parses the inside of a string or prose literal into text and
/// interpolations. `contentBegin` is the byte offset of the first character
/// after the opening quotes.
Text parseText(std::string_view raw, bool isProse, FileId file, std::uint32_t contentBegin,
               SourceRange whole, DiagnosticEngine& diags);

}  // namespace tenet

/// @file Format.h
/// @brief `tenet fmt`: prints a source file in Tenet's one canonical layout
/// (see docs/fmt.md for the rules). Works on one file at a time, from its
/// syntax tree and its tokens; the meaning of the file never changes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tenet/base/Source.h"
#include "tenet/diag/Diagnostic.h"
#include "tenet/syntax/AST.h"

namespace tenet {

/// Prints `file` (already parsed into `unit`, without syntax errors) in the
/// canonical layout. The result is checked before it is returned: it is
/// parsed again and must give the same syntax tree (ranges aside) and hold
/// every comment of the input. When it cannot be formatted safely, returns
/// nullopt and, if `whyNot` is given, says why in words. The text returned
/// starts with the byte order mark if the file had one.
std::optional<std::string> formatSource(const SourceFile& file, const SourceUnit& unit,
                                        std::string* whyNot = nullptr);

/// A structural fingerprint of a unit: every declaration, property,
/// expression and text, without source ranges, with the properties of each
/// block in canonical order. Two files with the same fingerprint have the
/// same meaning.
std::string astFingerprint(const SourceUnit& unit);

enum class FormatStatus {
  Ok,            ///< `text` holds the formatted file (maybe identical to the input)
  InvalidInput,  ///< not UTF-8 text, or syntax errors: `diagnostics` say why
  Refused,       ///< the formatter could not keep the meaning: `message` says why
};

struct FormatOutcome {
  FormatStatus status = FormatStatus::Ok;
  std::string text;     ///< the formatted file, byte order mark included
  std::string message;  ///< for Refused
};

/// Parses `text` (shown to users as `path`) and formats it. Syntax errors go
/// to `diags`, whose locations refer to files of `sm`.
FormatOutcome formatText(SourceManager& sm, DiagnosticEngine& diags, std::string path, std::string text);

}  // namespace tenet

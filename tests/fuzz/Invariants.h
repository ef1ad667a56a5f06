// What every fuzz target asserts about the diagnostics it gets: each range,
// of the diagnostic, its notes and its fix-its, lies within a file of the
// source manager; and both renderers take them without failing, the JSON
// one giving a JSON document.
#pragma once

#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tenet/diag/Diagnostic.h"
#include "tenet/diag/Render.h"

namespace tenet::fuzz {

/// Stops the process where a fuzzer sees it as a crash, with the reason on stderr.
[[noreturn]] inline void fail(const char* what) {
  std::fputs("fuzz invariant violated: ", stderr);
  std::fputs(what, stderr);
  std::fputc('\n', stderr);
  std::abort();
}

inline void expect(bool ok, const char* what) {
  if (!ok) fail(what);
}

/// A range may be absent (no file); a present one names a file and lies
/// within its text, its end not before its beginning.
inline void checkRange(const SourceManager& sm, SourceRange r, const char* what, std::string_view code = {}) {
  if (!r.valid()) return;
  std::size_t size = r.file < sm.size() ? sm.file(r.file).text.size() : 0;
  if (r.file < sm.size() && r.begin <= r.end && r.end <= size) return;
  std::fprintf(stderr, "[%.*s] file %u of %zu, range %u..%u, file size %zu\n", static_cast<int>(code.size()),
               code.data(), r.file, sm.size(), r.begin, r.end, size);
  fail(what);
}

inline void checkDiagnostics(const SourceManager& sm, const DiagnosticEngine& diags) {
  std::size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : diags.all()) {
    checkRange(sm, d.range, "a diagnostic's range lies outside its file", d.name());
    for (SourceRange r : d.extraRanges) checkRange(sm, r, "a diagnostic's extra range lies outside its file", d.name());
    for (const DiagNote& n : d.notes) checkRange(sm, n.range, "a note's range lies outside its file", d.name());
    for (const FixIt& f : d.fixits) checkRange(sm, f.range, "a fix-it's range lies outside its file", d.name());
    expect(!d.message.empty(), "a diagnostic without a message");
    errors += d.severity == Severity::Error;
    warnings += d.severity == Severity::Warning;
  }
  // Dropped diagnostics are counted but not kept.
  expect(errors <= diags.errorCount() && warnings <= diags.warningCount(), "diagnostic counts below what is kept");
  if (diags.dropped() == 0)
    expect(errors == diags.errorCount() && warnings == diags.warningCount(), "diagnostic counts differ from what is kept");
}

/// Renders as text and as JSON, as `tenet check` and `tenet check --format json` do.
inline void renderDiagnostics(const SourceManager& sm, const DiagnosticEngine& diags) {
  std::ostringstream text;
  renderTextAll(text, sm, diags, TextRenderOptions{});
  TextRenderOptions color;
  color.color = true;
  renderTextAll(text, sm, diags, color);
  (void)summaryLine(diags);
  std::ostringstream json;
  renderJson(json, sm, diags);
  expect(!nlohmann::json::parse(json.str(), nullptr, false).is_discarded(), "the JSON renderer wrote no JSON");
}

}  // namespace tenet::fuzz

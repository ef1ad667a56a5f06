// fuzz_format: the input is one .tenet file, given to the formatter as
// `tenet fmt` gives it. Formatting must never crash. When the file compiles
// without errors (with the built-in stdlib, as `tenet check` compiles it) and
// the formatter accepts it, the formatted text must
// - format to itself (formatting is idempotent),
// - compile without errors too,
// - keep the meaning: the same structural fingerprint (every declaration,
//   property, expression and text, ranges aside; what tests/format and
//   the formatter's own check compare) and the same diagnostics by code
//   and severity.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "Invariants.h"
#include "tenet/driver/Compilation.h"
#include "tenet/format/Format.h"

namespace {

using namespace tenet;

struct Checked {
  bool clean = false;                      ///< compiled without errors
  std::string fingerprint;                 ///< of the file's syntax tree
  std::vector<std::pair<std::string, int>> diagnostics;  ///< code and severity, sorted
};

/// Compiles `text` with the stdlib, whose syntax trees are taken over from
/// the compilation before (as fuzz_check does).
Checked check(const std::string& text) {
  CompileOptions options;
  options.sources.emplace_back("fuzz.tenet", text);
  options.defaultToCurrentFolder = false;
  options.threads = 1;
  static std::unique_ptr<Compilation> previous;
  options.reuse = previous.get();
  auto current = std::make_unique<Compilation>(std::move(options));
  Compilation& comp = *current;
  Checked c;
  c.clean = comp.run();
  previous = std::move(current);  // the one before gave its trees up
  fuzz::checkDiagnostics(comp.sources(), comp.diagnostics());
  for (const SourceUnit& u : comp.units())
    if (u.file != kNoFile && !comp.sources().file(u.file).fromStdlib) c.fingerprint += astFingerprint(u);
  for (const Diagnostic& d : comp.diagnostics().all())
    c.diagnostics.emplace_back(std::string(d.name()), static_cast<int>(d.severity));
  std::sort(c.diagnostics.begin(), c.diagnostics.end());
  return c;
}

FormatOutcome format(const std::string& text) {
  SourceManager sm;
  DiagnosticEngine diags;
  FormatOutcome out = formatText(sm, diags, "fuzz.tenet", text);
  fuzz::checkDiagnostics(sm, diags);
  fuzz::expect((out.status == FormatStatus::InvalidInput) == diags.hasErrors(),
               "the formatter calls its input invalid without an error, or the reverse");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  FormatOutcome first = format(input);
  if (first.status != FormatStatus::Ok) return 0;
  Checked before = check(input);
  if (!before.clean) return 0;

  FormatOutcome second = format(first.text);
  fuzz::expect(second.status == FormatStatus::Ok, "the formatter does not accept its own output");
  fuzz::expect(second.text == first.text, "formatting is not idempotent");

  Checked after = check(first.text);
  fuzz::expect(after.clean, "the formatted file does not compile");
  fuzz::expect(after.fingerprint == before.fingerprint, "formatting changed the syntax tree");
  fuzz::expect(after.diagnostics == before.diagnostics, "formatting changed the diagnostics");
  return 0;
}

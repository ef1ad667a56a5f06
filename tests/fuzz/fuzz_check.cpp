// fuzz_check: the input is one .tenet file, compiled as `tenet check`
// compiles a project (the built-in stdlib, the lint block's levels), then
// linted as `tenet lint` lints it when it has no errors. Everything stays in
// memory. Besides not crashing, every diagnostic must point into its file
// and render as text and as JSON.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "Invariants.h"
#include "tenet/driver/Compilation.h"
#include "tenet/lint/Lint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tenet;
  CompileOptions options;
  options.sources.emplace_back("fuzz.tenet", std::string(reinterpret_cast<const char*>(data), size));
  options.defaultToCurrentFolder = false;
  options.threads = 1;
  static std::unique_ptr<Compilation> previous;
  options.reuse = previous.get();
  auto current = std::make_unique<Compilation>(std::move(options));
  Compilation& comp = *current;
  bool ok = comp.run();
  previous = std::move(current);  // the one before gave its trees up
  fuzz::expect(ok == !comp.diagnostics().hasErrors(), "run() disagrees with the error count");
  if (const Model* model = comp.model()) {
    if (!comp.diagnostics().hasErrors()) {
      LintContext ctx{*model, comp.sources(), Date{2026, 11, 22}, comp.diagnostics()};
      runLintRules(ctx);
    }
    LintConfigOptions config;
    config.reportSuppressions = !comp.diagnostics().hasErrors();
    applyLintConfig(*model, comp.units(), comp.sources(), comp.diagnostics(), config);
  }
  comp.diagnostics().sort(comp.sources());
  fuzz::checkDiagnostics(comp.sources(), comp.diagnostics());
  fuzz::renderDiagnostics(comp.sources(), comp.diagnostics());
  return 0;
}

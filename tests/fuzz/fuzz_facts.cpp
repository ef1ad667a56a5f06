// fuzz_facts: facts files, read against a fixed project's schema and
// evaluated. The first byte of the input chooses the format (even: JSON,
// odd: YAML); the rest is the file. The project (below) has one facts block
// whose schema uses every kind of type, and controls whose expectations and
// evidence read all of it, with an exception and a policy review, so that
// the drift report is computed and rendered in every format as `tenet drift`
// renders it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "Invariants.h"
#include "tenet/driver/Compilation.h"
#include "tenet/emit/DriftReport.h"
#include "tenet/eval/Drift.h"
#include "tenet/facts/Loader.h"

namespace {

using namespace tenet;

constexpr const char* kProject = R"(
role ciso "Chief Information Security Officer" { holder = "Dana Reyes" }

facts data "Fuzzed export" {
  source = "facts/data.json"
  schema {
    exported_at: date
    enforced: bool
    seats: int
    score: number
    ratio: number?
    tier: "low" | "high"
    tags: list<string>
    settings: { timeout_minutes: int, allowed_factors: list<string> }
    users: list<{ email: string, active: bool, mfa_enrolled: bool, last_login: date?, role: "admin" | "member", logins: int }>
    reviews: list<{ system: string, completed: date, reviewer: string }>
  }
}

policy access "Access Control Policy" {
  owner     = ciso
  effective = 2025-01-10
  review    = every 12 months

  control mfa "Multi-factor authentication" {
    expect data.enforced
    expect all u in data.users where u.active: u.mfa_enrolled
      else "{u.email} has no MFA factor enrolled"
    expect all u in data.users where u.active and u.role == "admin": u.last_login != none and age(u.last_login) <= 90 days
    evidence data.exported_at fresh within 30 days
  }

  control review "Access review" {
    cadence = every 3 months
    expect all s in ["aws", "github", "okta"]:
      any r in data.reviews where r.system == s: age(r.completed) <= cadence
      else "no access review of {s} in the last {cadence}"
    expect count(u in data.users where u.role == "admin") <= 4
    expect count(u in data.users) == len(data.users)
  }

  control settings "Session settings" {
    expect data.settings.timeout_minutes <= 30
    expect "totp" in data.settings.allowed_factors
    expect data.seats >= 1 and data.score > 0.5 or data.tier == "low"
    expect data.ratio == none or data.ratio <= 1
    expect len(data.tags) >= 1 and "prod" not in data.tags
    expect all u in data.users: all v in data.users where v.email == u.email: v.logins == u.logins
    expect age(data.exported_at) < 30 days
  }
}

exception legacy "Build robot without MFA" {
  waives   = access.mfa
  approver = ciso
  expires  = 2027-03-31
}
)";

struct Project {
  std::unique_ptr<Compilation> comp;
  const Facts* facts = nullptr;
};

const Project& project() {
  static Project p = [] {
    Project p;
    CompileOptions options;
    options.sources.emplace_back("project.tenet", kProject);
    options.defaultToCurrentFolder = false;
    options.useStdlib = false;
    options.threads = 1;
    p.comp = std::make_unique<Compilation>(std::move(options));
    if (!p.comp->run() || !p.comp->model()) {
      renderTextAll(std::cerr, p.comp->sources(), p.comp->diagnostics());
      fuzz::fail("the fixed project of fuzz_facts does not compile");
    }
    p.facts = p.comp->model()->facts.at("data").get();
    return p;
  }();
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Project& p = project();
  const Model& model = *p.comp->model();
  bool yaml = data[0] & 1;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  SourceManager sm = p.comp->sources();
  DiagnosticEngine diags;
  std::map<std::string, LoadedFacts> facts;
  facts["data"] = loadFactsText(*p.facts, yaml ? "facts/data.yaml" : "facts/data.json", std::move(text), sm, diags);
  const LoadedFacts& loaded = facts["data"];
  fuzz::expect(loaded.facts == p.facts, "the loaded facts name another block");
  fuzz::expect(!loaded.store || (!loaded.missing && !loaded.invalid), "facts both loaded and unusable");

  DriftOptions options;
  options.asOf = Date{2026, 11, 22};
  options.eval.maxSteps = 1'000'000;
  DriftReport report = computeDrift(model, facts, options, diags);
  const DriftSummary& s = report.summary;
  std::size_t controls = 0;
  for (const PolicyDrift& pd : report.policies) controls += pd.controls.size();
  fuzz::expect(s.pass + s.fail + s.unknown + s.manual + s.waived == controls, "the summary does not count every control");

  fuzz::checkDiagnostics(sm, diags);
  fuzz::renderDiagnostics(sm, diags);
  for (DriftFormat format : {DriftFormat::Text, DriftFormat::Json, DriftFormat::Sarif, DriftFormat::Github}) {
    std::ostringstream out;
    renderDrift(out, report, sm, diags, format);
    if (format == DriftFormat::Json || format == DriftFormat::Sarif)
      fuzz::expect(!nlohmann::json::parse(out.str(), nullptr, false).is_discarded(), "a drift report is not JSON");
  }
  return 0;
}

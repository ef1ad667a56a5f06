// The lint rules: every rule documented and tested, configuration by the
// lint block and --rule, and suppressions.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "../Support.h"
#include "tenet/lint/Lint.h"

using namespace tenet;
using namespace tenet::test;
namespace fs = std::filesystem;

namespace {

const fs::path kRoot = TENET_SOURCE_DIR;

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs the rules and applies the configuration, as `tenet lint` does.
std::vector<std::string> lint(const std::string& text, LintConfigOptions config = {}, Date asOf = {2026, 11, 22}) {
  Compilation c = compileOne(text);
  REQUIRE(c.model());
  REQUIRE_FALSE(c.diagnostics().hasErrors());
  LintContext ctx{*c.model(), c.sources(), asOf, c.diagnostics()};
  runLintRules(ctx);
  config.reportSuppressions = true;
  applyLintConfig(*c.model(), c.units(), c.sources(), c.diagnostics(), config);
  std::vector<std::string> out;
  for (const auto& d : c.diagnostics().all())
    out.push_back(std::string(d.name()) + (d.severity == Severity::Error ? ":error" : ""));
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A policy that no rule finds fault with, to vary one thing at a time.
const std::string kRoles = R"(
role ciso "CISO" { holder = "Dana" }
role ceo "CEO" { holder = "Priya" }
)";

std::string policy(const std::string& controlBody, const std::string& extra = "") {
  return kRoles + R"(
policy p "P" {
  owner = ciso
  approver = ceo
  effective = 2026-01-01
  review = every 12 months
  section "Purpose" "Why."
  section "Scope" "What."
)" + extra + R"(
  control c "C" {
)" + controlBody + R"(
  }
}
)";
}

const std::string kGoodControl = R"(
    statement "Admins must rotate keys every 90 days."
    satisfies iso27001.A.8.24
    evidence "Rotation log"
)";

}  // namespace

TEST_CASE("Every rule has an id, a summary, a documentation page and golden tests", "[lint]") {
  std::set<std::string> ids;
  REQUIRE(lintRules().size() >= 20);
  for (const LintRule& r : lintRules()) {
    std::string id(r.id());
    INFO("rule " << id);
    CHECK(ids.insert(id).second);
    CHECK(id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos);
    CHECK_FALSE(r.summary.empty());
    CHECK(findLintRule(id) == &r);
    fs::path doc = kRoot / "docs" / "rules" / (id + ".md");
    REQUIRE(fs::exists(doc));
    std::string text = readFile(doc);
    CHECK(text.rfind("# " + id, 0) == 0);
    for (const char* section : {"## Why auditors care", "## Avoid", "## Prefer", "## Configuration"})
      CHECK(text.find(section) != std::string::npos);
    fs::path golden = kRoot / "tests" / "golden" / "lint";
    CHECK((fs::exists(golden / (id + ".tenet")) || fs::exists(golden / (id + ".project"))));
    CHECK((fs::exists(golden / (id + "-ok.tenet")) || fs::exists(golden / (id + "-ok.project"))));
  }
  CHECK(findLintRule("no-such-rule") == nullptr);
}

TEST_CASE("A clean policy gives no finding", "[lint]") { CHECK(lint(policy(kGoodControl)).empty()); }

TEST_CASE("Rules find what auditors flag", "[lint]") {
  CHECK(has(lint(policy(R"(
    statement "Admins should rotate keys where possible."
    satisfies iso27001.A.8.24
    evidence "Rotation log"
)")), "weak-modal"));
  CHECK(has(lint(policy(R"(
    statement "Admins must rotate keys every 90 days."
    evidence "Rotation log"
)")), "satisfies-nothing"));
  CHECK(has(lint(policy(R"(
    statement "Admins must rotate keys every 90 days."
    satisfies iso27001.A.8.24
)")), "manual-only"));
}

TEST_CASE("Unmeasurable words are accepted in a sentence that gives a number", "[lint]") {
  auto vague = lint(policy(R"(
    statement "Incidents must be reported promptly."
    satisfies iso27001.A.8.24
    evidence "Log"
)"));
  CHECK(has(vague, "vague-wording"));
  auto measured = lint(policy(R"(
    statement "Incidents must be reported promptly, within 24 hours."
    satisfies iso27001.A.8.24
    evidence "Log"
)"));
  CHECK_FALSE(has(measured, "vague-wording"));
}

TEST_CASE("The lint block and --rule set levels; later settings win", "[lint]") {
  std::string text = "project x \"X\" {\n  lint {\n    weak-modal = error\n    satisfies-nothing = off\n  }\n}\n" +
                     policy(R"(
    statement "Admins should rotate keys every 90 days."
    evidence "Log"
)");
  auto found = lint(text);
  CHECK(has(found, "weak-modal:error"));
  CHECK_FALSE(has(found, "satisfies-nothing"));

  LintConfigOptions config;
  REQUIRE_FALSE(parseLintOverride("weak-modal=off", config.overrides));
  REQUIRE_FALSE(parseLintOverride("satisfies-nothing = warning", config.overrides));
  found = lint(text, config);
  CHECK_FALSE(has(found, "weak-modal:error"));
  CHECK_FALSE(has(found, "weak-modal"));
  CHECK(has(found, "satisfies-nothing"));
}

TEST_CASE("Overrides are checked", "[lint]") {
  LintOverrides o;
  auto bad = parseLintOverride("weak-modle=off", o);
  REQUIRE(bad);
  CHECK(bad->find("did you mean 'weak-modal'?") != std::string::npos);
  CHECK(parseLintOverride("weak-modal", o));
  CHECK(parseLintOverride("weak-modal=loud", o));
  CHECK(o.empty());
}

TEST_CASE("A suppression with a reason covers the item on the next line", "[lint]") {
  auto found = lint(policy(R"(
    // tenet-ignore weak-modal: quoted from the customer contract
    statement """
    Admins should rotate keys
    where possible.
    """
    satisfies iso27001.A.8.24
    evidence "Log"
)"));
  CHECK(found.empty());
}

TEST_CASE("A suppression covers only what it names, and is reported when idle or unexplained", "[lint]") {
  auto found = lint(policy(R"(
    // tenet-ignore vague-wording: not this rule
    statement "Admins should rotate keys every 90 days."
    satisfies iso27001.A.8.24
    evidence "Log"
)"));
  CHECK(has(found, "weak-modal"));
  CHECK(has(found, "unused-suppression"));

  found = lint(policy(R"(
    statement "Admins should rotate keys every 90 days."  // tenet-ignore weak-modal
    satisfies iso27001.A.8.24
    evidence "Log"
)"));
  CHECK_FALSE(has(found, "weak-modal"));
  CHECK(has(found, "suppression-without-reason"));
}

TEST_CASE("Time-based rules look from the date given", "[lint]") {
  std::string text = policy(kGoodControl);
  CHECK_FALSE(has(lint(text, {}, Date{2026, 12, 31}), "review-overdue"));
  CHECK(has(lint(text, {}, Date{2027, 1, 2}), "review-overdue"));
  CHECK(has(lint(text, {}, Date{2025, 12, 31}), "future-effective-date"));
}

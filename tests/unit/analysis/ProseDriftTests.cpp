// Prose drift: cadence phrases in a control's statement against the cadence
// the control declares, and vague cadence words in controls that declare none.
#include <catch2/catch.hpp>

#include "../Support.h"
#include "tenet/analysis/ProseDrift.h"

using namespace tenet;
using namespace tenet::test;

namespace {

/// One finding: its code, its message and the source text under its range.
struct Finding {
  std::string code, message, text;
  bool operator==(const Finding&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Finding& f) {
  return os << "{" << f.code << ", \"" << f.message << "\", \"" << f.text << "\"}";
}

std::vector<Finding> findings(const Compilation& c) {
  REQUIRE(c.model());
  DiagnosticEngine diags;
  checkProseDrift(*c.model(), c.sources(), diags);
  std::vector<Finding> out;
  for (const auto& d : diags.all()) {
    CHECK(d.severity == Severity::Warning);
    out.push_back(Finding{std::string(d.name()), d.message, std::string(c.sources().text(d.range))});
  }
  return out;
}

/// Compiles one file, which must check without errors, and runs the check.
std::vector<Finding> check(std::string text) {
  auto c = compileOne(std::move(text));
  std::string all;
  for (const auto& code : codes(c)) all += code + " ";
  INFO(all);
  CHECK_FALSE(c.diagnostics().hasErrors());
  return findings(c);
}

Finding mismatch(std::string phrase, std::string means, std::string declared, std::string text) {
  return {"prose-cadence-mismatch",
          "the statement says \"" + phrase + "\" (" + means + "), but the control's cadence is " + declared,
          std::move(text)};
}

Finding vague(std::string phrase, std::string text) {
  return {"vague-cadence", "\"" + phrase + "\" is not a measurable cadence, and this control declares none",
          std::move(text)};
}

}  // namespace

TEST_CASE("a cadence phrase that differs from the declared cadence is reported at the phrase", "[prose]") {
  auto f = check(R"(policy p {
  control c {
    statement "Access is reviewed quarterly by the owner."
    cadence = every 12 months
  }
})");
  CHECK(f == std::vector<Finding>{mismatch("quarterly", "every 3 months", "every 12 months", "quarterly")});
}

TEST_CASE("the same length written another way agrees", "[prose]") {
  CHECK(check(R"(policy p {
  control c {
    statement "Access is reviewed annually, once a year, every year, every 12 months and every twelve months."
    cadence = every 1 year
  }
})").empty());
  CHECK(check(R"(policy p {
  control c { statement "Reviewed quarterly, every quarter and every three months." cadence = every 3 months }
  control d { statement "Scanned weekly, every 7 days and every one week." cadence = every 1 week }
})").empty());
}

TEST_CASE("days are not calendar months: every 90 days is not quarterly", "[prose]") {
  auto f = check(R"(policy p {
  control c {
    statement "Backups are restored every 90 days."
    cadence = every 3 months
  }
})");
  CHECK(f == std::vector<Finding>{mismatch("every 90 days", "every 90 days", "every 3 months", "every 90 days")});
}

TEST_CASE("a phrase split across a line break in prose is one phrase", "[prose]") {
  auto f = check("policy p {\n"
                 "  control c {\n"
                 "    statement \"\"\"\n"
                 "    Each system owner reviews the accounts of the system once a\n"
                 "    quarter and removes the ones no longer needed.\n"
                 "    \"\"\"\n"
                 "    cadence = every 6 months\n"
                 "  }\n"
                 "}\n");
  CHECK(f == std::vector<Finding>{
                 mismatch("once a quarter", "every 3 months", "every 6 months", "once a\n    quarter")});
}

TEST_CASE("text from {cadence} is never a mismatch", "[prose]") {
  CHECK(check(R"(policy p {
  control c {
    statement "Access is reviewed {cadence} by each owner."
    cadence = every 12 months
  }
})").empty());
  // The literal text around an interpolation is still read.
  auto f = check(R"(policy p {
  control c {
    statement "Reviewed {cadence}; reported monthly."
    cadence = every 3 months
  }
})");
  CHECK(f == std::vector<Finding>{mismatch("monthly", "every 1 month", "every 3 months", "monthly")});
}

TEST_CASE("a phrase between literal braces is not prose", "[prose]") {
  CHECK(check(R"(policy p {
  control c {
    statement """
    Write {{every 2 weeks}} in the template; the template is reviewed {cadence}.
    """
    cadence = every 3 months
  }
})").empty());
}

TEST_CASE("phrases are matched without regard to case", "[prose]") {
  auto f = check(R"(policy p {
  control c {
    statement "QUARTERLY reviews. Every Month a report. Each WEEK a scan."
    cadence = every 1 year
  }
})");
  CHECK(f == std::vector<Finding>{
                 mismatch("QUARTERLY", "every 3 months", "every 1 year", "QUARTERLY"),
                 mismatch("Every Month", "every 1 month", "every 1 year", "Every Month"),
                 mismatch("Each WEEK", "every 1 week", "every 1 year", "Each WEEK"),
             });
}

TEST_CASE("phrases are whole words", "[prose]") {
  CHECK(check(R"(policy p {
  control c {
    statement "The monthlyreport, the biweekly and bi-weekly scans, the yearlong plan, every 3rd month, every 3-6 months."
    cadence = every 1 year
  }
})").empty());
}

TEST_CASE("vague words are reported when the control declares no cadence", "[prose]") {
  auto f = check("policy p {\n"
                 "  control c {\n"
                 "    statement \"\"\"\n"
                 "    Logs are reviewed regularly and, on a\n"
                 "    regular basis, whenever needed: as needed.\n"
                 "    \"\"\"\n"
                 "  }\n"
                 "}\n");
  CHECK(f == std::vector<Finding>{
                 vague("regularly", "regularly"),
                 vague("on a regular basis", "on a\n    regular basis"),
                 vague("as needed", "as needed"),
             });
  // Precise phrases say nothing without a cadence to compare with.
  CHECK(check(R"(policy p { control c { statement "Reviewed quarterly." } })").empty());
}

TEST_CASE("vague words are left alone when the control declares a cadence", "[prose]") {
  CHECK(check(R"(policy p {
  control c {
    statement "Logs are reviewed periodically, and at least {cadence}."
    cadence = every 1 month
  }
})").empty());
}

TEST_CASE("each phrase of a statement is reported", "[prose]") {
  auto f = check(R"(policy p {
  control c {
    statement "Scanned daily, patched weekly, reviewed semi-annually and audited every two years."
    cadence = every 1 month
  }
})");
  CHECK(f == std::vector<Finding>{
                 mismatch("daily", "every 1 day", "every 1 month", "daily"),
                 mismatch("weekly", "every 1 week", "every 1 month", "weekly"),
                 mismatch("semi-annually", "every 6 months", "every 1 month", "semi-annually"),
                 mismatch("every two years", "every 2 years", "every 1 month", "every two years"),
             });
}

TEST_CASE("a second length that the control checks is not drift", "[prose]") {
  const char* facts = R"(
facts mdm "MDM" {
  source = "mdm.json"
  schema { exported_at: date devices: list<{ serial: string, last_check_in: date }> }
}
)";
  // As in examples/acme: the reconciliation follows the cadence, and the
  // check-in interval and the export freshness are measured by the control.
  auto ok = check(std::string(facts) + R"(policy p {
  control c {
    statement """
    Laptops **must** check in at least every
    14 days, the export is refreshed weekly, and the inventory is reconciled {cadence}.
    """
    cadence = every 3 months
    expect all d in mdm.devices: age(d.last_check_in) <= 14 days else "{d.serial} has not checked in"
    evidence mdm.exported_at fresh within 7 days
  }
})");
  CHECK(ok.empty());
  // Without the expectation and the freshness window nothing backs them.
  auto f = check(std::string(facts) + R"(policy p {
  control c {
    statement "Laptops check in every 14 days and the export is refreshed weekly."
    cadence = every 3 months
  }
})");
  CHECK(f == std::vector<Finding>{
                 mismatch("every 14 days", "every 14 days", "every 3 months", "every 14 days"),
                 mismatch("weekly", "every 1 week", "every 3 months", "weekly"),
             });
}

TEST_CASE("only the statement is read, not titles or sections", "[prose]") {
  CHECK(check(R"(policy p {
  section "Reviews" "Everything here is reviewed monthly, or as needed."
  control c "Quarterly review" {
    statement "Reviewed every 12 months."
    cadence = every 1 year
  }
})").empty());
}

TEST_CASE("the acme example says what it declares", "[prose]") {
  CompileOptions opts;
  opts.paths = {std::string(TENET_SOURCE_DIR) + "/examples/acme"};
  Compilation c(opts);
  CHECK(c.run());
  CHECK(findings(c) == std::vector<Finding>{});
}

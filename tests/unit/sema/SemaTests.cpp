// Semantic analysis: names, properties and types, through the driver.
#include <catch2/catch.hpp>

#include "../Support.h"

using namespace tenet;
using namespace tenet::test;

namespace {
const char* kFacts = R"(
role ciso "CISO" { holder = "Dana" }
role cto "CTO" { holder = "Sam" }
facts okta "Okta" {
  source = "facts/okta.json"
  schema {
    exported_at: date
    enforced: bool
    users: list<{ email: string, active: bool, mfa: bool, last_login: date?, level: "low" | "high" }>
  }
}
)";

Compilation withFacts(const std::string& body) { return compile({{"facts.tenet", kFacts}, {"p.tenet", body}}); }
}  // namespace

TEST_CASE("a correct policy checks clean and resolves into the model", "[sema]") {
  auto c = withFacts(R"(
policy p "P" {
  owner = ciso
  approver = cto
  control mfa "MFA" {
    cadence = every 3 months
    satisfies iso27001.A.5.17, soc2.CC6.1
    expect okta.enforced
    expect all u in okta.users where u.active and u.level == "high": u.mfa else "{u.email} lacks MFA"
    expect count(u in okta.users where u.last_login != none and age(u.last_login) > cadence) == 0
    evidence okta.exported_at fresh within 30 days
  }
}
exception e "E" { waives = p.mfa approver = ciso expires = 2027-01-01 }
)");
  INFO(codes(c).size());
  CHECK(codes(c).empty());
  const Model* m = c.model();
  REQUIRE(m);
  const Policy* p = m->policy("p");
  REQUIRE(p);
  CHECK(p->owner->name.name == "ciso");
  REQUIRE(p->controls.size() == 1);
  REQUIRE(p->controls[0]->satisfies.size() == 2);
  CHECK(p->controls[0]->satisfies[0]->title == "Authentication information");
  CHECK(p->controls[0]->satisfies[1]->framework->name == "soc2");
  CHECK(m->exceptions.at("e")->waives == p->controls[0].get());
}

TEST_CASE("unknown requirements get a did-you-mean with the requirement's title", "[sema]") {
  auto c = withFacts("policy p { control c { satisfies soc2.CC9.9 } }");
  const Diagnostic* d = first(c, "unknown-requirement");
  REQUIRE(d);
  CHECK(d->help.find("did you mean 'CC9.2'") != std::string::npos);
  REQUIRE(d->fixits.size() == 1);
  CHECK(d->fixits[0].replacement == "CC9.2");
}

TEST_CASE("names resolve across files and duplicates point at the first definition", "[sema]") {
  auto c = compile({{"a.tenet", "role ciso \"A\"\n"}, {"b.tenet", "role ciso \"B\"\n"}});
  const Diagnostic* d = first(c, "duplicate-definition");
  REQUIRE(d);
  CHECK(c.sources().file(d->range.file).path == "b.tenet");
  REQUIRE(d->notes.size() == 1);
  CHECK(c.sources().file(d->notes[0].range.file).path == "a.tenet");
}

TEST_CASE("type errors in expectations", "[sema]") {
  CHECK(hasCode(withFacts("policy p { control c { expect age(okta.exported_at) <= 2026-01-01 } }"), "type-mismatch"));
  CHECK(hasCode(withFacts("policy p { control c { expect all u in okta.enforced: true } }"), "not-a-list"));
  CHECK(hasCode(withFacts("policy p { control c { expect all u in okta.users: u.mfa_enrolled } }"), "unknown-field"));
  CHECK(hasCode(withFacts("policy p { control c { expect okta.users } }"), "not-a-condition"));
  CHECK(hasCode(withFacts("policy p { control c { expect all u in okta.users: u.level == \"hgih\" } }"),
                "unknown-enum-value"));
  CHECK(hasCode(withFacts("policy p { control c { expect all u in okta.users: u.mfa else \"{u.mail}\" } }"),
                "unknown-field"));
  CHECK(hasCode(withFacts("policy p { control c { expect all u in okta.users: u.mfa else \"{v}\" } }"),
                "unknown-interpolation"));
  CHECK(hasCode(withFacts("policy p { control c { expect okta.exported_at == none } }"), "type-mismatch"));
  CHECK(hasCode(withFacts("policy p { control c { expect lenn(okta.users) > 0 } }"), "unknown-function"));
  CHECK(hasCode(withFacts("policy p { control c { expect len(okta.users, 1) > 0 } }"), "wrong-argument-count"));
}

TEST_CASE("date and duration arithmetic has the documented types", "[sema]") {
  auto c = withFacts(R"(policy p { control c {
    expect okta.exported_at + 30 days >= today
    expect today - okta.exported_at <= 1 year
    expect okta.exported_at - 1 week < today
  } })");
  CHECK(codes(c).empty());
  CHECK(hasCode(withFacts("policy p { control c { expect okta.exported_at + today > today } }"), "type-mismatch"));
}

TEST_CASE("properties are checked per declaration", "[sema]") {
  auto c = withFacts("policy p { ownr = ciso }");
  const Diagnostic* d = first(c, "unknown-property");
  REQUIRE(d);
  CHECK(d->help.find("did you mean 'owner'") != std::string::npos);
  CHECK(hasCode(withFacts("policy p { owner = \"ciso\" }"), "property-type"));
  CHECK(hasCode(withFacts("policy p { owner = cisoo }"), "unknown-role"));
  CHECK(hasCode(withFacts("policy p { review = every 0 months }"), "non-positive-duration"));
  CHECK(hasCode(withFacts("policy p { version = \"1\" version = \"2\" }"), "duplicate-property"));
  CHECK(hasCode(compileOne("facts f \"F\" { schema { a: int } }"), "missing-property"));
}

TEST_CASE("crosswalks, applicability and exceptions are resolved", "[sema]") {
  CHECK(hasCode(compileOne("crosswalk iso27001 -> soc2 { source = \"x\" A.5.15 -> CC6.1 overlaps }"),
                "unknown-relation"));
  CHECK(hasCode(compileOne("crosswalk iso27001 -> soc3 { source = \"x\" }"), "unknown-framework"));
  CHECK(hasCode(compileOne("applicability iso27001 { exclude A.7.4 because \"a\" exclude A.7.4 because \"b\" }"),
                "duplicate-exclusion"));
  CHECK(hasCode(compileOne("applicability iso27001 { exclude A.7.99 because \"a\" }"), "unknown-requirement"));
  CHECK(hasCode(withFacts("policy p { control c {} } exception e { waives = p.d }"), "unknown-control"));
  CHECK(hasCode(withFacts("exception e { waives = q.d }"), "unknown-policy"));
}

TEST_CASE("a project framework replaces the stdlib one of the same name", "[sema]") {
  auto c = compileOne(R"(
framework soc2 "Our SOC 2 subset" { requirement X.1 "One" }
policy p { control c { satisfies soc2.X.1 } }
)");
  CHECK(codes(c).empty());
  CHECK(c.model()->framework("soc2")->requirements.size() == 1);
}

TEST_CASE("prose interpolation names declared properties", "[sema]") {
  CHECK(codes(withFacts(R"(policy p { version = "1" control c { cadence = every 1 month statement "every {cadence}, v{version}" } })"))
            .empty());
  CHECK(hasCode(withFacts(R"(policy p { control c { statement "every {cadense}" cadence = every 1 month } })"),
                "unknown-interpolation"));
}

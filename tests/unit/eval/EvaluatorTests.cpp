// Evaluating expectations and evidence against facts: the four outcomes,
// three-valued logic, failing elements, freshness and calendar arithmetic.
#include <catch2/catch.hpp>

#include "../Support.h"
#include "tenet/eval/Evaluator.h"

using namespace tenet;
using namespace tenet::test;

namespace {

const char* kFacts = R"(
facts okta "Okta" {
  source = "facts/okta.json"
  schema {
    exported_at: date
    enforced: bool
    users: list<{ email: string, active: bool, mfa: bool, last_login: date? }>
  }
}
facts reviews "Reviews" {
  source = "facts/reviews.json"
  schema { reviews: list<{ system: string, completed: date }> }
}
)";

const char* kOkta = R"({"exported_at": "2026-11-12", "enforced": true, "users": [
  {"email": "dana@acme.example", "active": true, "mfa": true, "last_login": "2026-11-20"},
  {"email": "sam@acme.example", "active": true, "mfa": false, "last_login": null},
  {"email": "old@acme.example", "active": false, "mfa": false, "last_login": "2025-01-01"},
  {"email": "bot@acme.example", "active": true, "mfa": false, "last_login": "2026-11-01"}
]})";

const char* kReviews = R"({"reviews": [
  {"system": "aws", "completed": "2026-10-01"},
  {"system": "github", "completed": "2026-05-01"}
]})";

struct World {
  Compilation comp;
  SourceManager sm;
  DiagnosticEngine diags;
  std::map<std::string, LoadedFacts> facts;
};

std::unique_ptr<World> world(const std::string& controls, bool withReviews = true) {
  auto w = std::unique_ptr<World>(new World{compile({{"facts.tenet", kFacts}, {"p.tenet", controls}}), {}, {}, {}});
  std::string problems;
  for (const auto& d : w->comp.diagnostics().all()) problems += d.message + "\n";
  INFO(problems);
  REQUIRE(codes(w->comp).empty());
  const Model& m = *w->comp.model();
  w->facts.emplace("okta", loadFactsText(*m.facts.at("okta"), "okta.json", kOkta, w->sm, w->diags));
  if (withReviews)
    w->facts.emplace("reviews", loadFactsText(*m.facts.at("reviews"), "reviews.json", kReviews, w->sm, w->diags));
  else {
    LoadedFacts missing;
    missing.facts = m.facts.at("reviews").get();
    missing.path = "facts/reviews.json";
    missing.missing = true;
    w->facts.emplace("reviews", std::move(missing));
  }
  REQUIRE(w->diags.all().empty());
  return w;
}

ControlResult run(const World& w, const char* control, Date today = Date{2026, 11, 22}) {
  const Policy* p = w.comp.model()->policy("p");
  for (const auto& c : p->controls)
    if (c->decl->name.name == control) return Evaluator(*w.comp.model(), w.facts, EvalOptions{today}).evaluate(*c);
  FAIL("no control " << control);
  return {};
}

}  // namespace

TEST_CASE("each outcome of an expectation", "[eval]") {
  auto w = world(R"(policy p {
    control pass { expect okta.enforced }
    control fail { expect all u in okta.users where u.active: u.mfa else "{u.email} has no MFA" }
    control empty { expect all u in okta.users where u.email == "nobody": u.mfa }
    control missing { expect all r in reviews.reviews: age(r.completed) <= 90 days }
    control manual { evidence "Signed minutes of the risk committee" }
  })", false);
  CHECK(run(*w, "pass").outcome == Outcome::Pass);
  ControlResult fail = run(*w, "fail");
  CHECK(fail.outcome == Outcome::Fail);
  REQUIRE(fail.expects.size() == 1);
  CHECK(fail.expects[0].failureCount == 2);
  CHECK(fail.expects[0].failures ==
        std::vector<std::string>{"sam@acme.example has no MFA", "bot@acme.example has no MFA"});
  ControlResult empty = run(*w, "empty");
  CHECK(empty.outcome == Outcome::Unknown);
  CHECK(empty.expects[0].reason.find("proves nothing") != std::string::npos);
  ControlResult missing = run(*w, "missing");
  CHECK(missing.outcome == Outcome::Unknown);
  CHECK(missing.expects[0].reason.find("facts/reviews.json is missing") != std::string::npos);
  ControlResult manual = run(*w, "manual");
  CHECK(manual.outcome == Outcome::Manual);
  CHECK(manual.evidence[0].outcome == Outcome::Manual);
}

TEST_CASE("unknown never passes, and false decides an 'and' however the other side ends", "[eval]") {
  auto w = world(R"(policy p {
    control a { expect okta.enforced == false and all r in reviews.reviews: true }
    control b { expect okta.enforced or all r in reviews.reviews: true }
    control c { expect okta.enforced and all r in reviews.reviews: true }
    control d { expect not (all r in reviews.reviews: true) }
  })", false);
  CHECK(run(*w, "a").outcome == Outcome::Fail);
  CHECK(run(*w, "b").outcome == Outcome::Pass);
  CHECK(run(*w, "c").outcome == Outcome::Unknown);
  CHECK(run(*w, "d").outcome == Outcome::Unknown);
}

TEST_CASE("an absent optional value makes a comparison unknown but can be tested for none", "[eval]") {
  auto w = world(R"(policy p {
    control absent { expect all u in okta.users where u.email == "sam@acme.example": age(u.last_login) <= 30 days }
    control guarded { expect all u in okta.users where u.active: u.last_login == none or age(u.last_login) <= 30 days }
  })");
  ControlResult a = run(*w, "absent");
  CHECK(a.outcome == Outcome::Unknown);
  CHECK(run(*w, "guarded").outcome == Outcome::Pass);
}

TEST_CASE("quantifiers, count, len and membership", "[eval]") {
  auto w = world(R"(policy p {
    control reviewed {
      cadence = every 3 months
      expect all s in ["aws", "github"]: any r in reviews.reviews where r.system == s: age(r.completed) <= cadence
        else "no access review of {s} in the last {cadence}"
    }
    control counted { expect count(u in okta.users where u.active and not u.mfa) == 2 }
    control sized { expect len(okta.users) == 4 and len([1, 2]) == 2 }
    control member { expect "aws" in ["aws", "gcp"] and "azure" not in ["aws", "gcp"] }
  })");
  ControlResult r = run(*w, "reviewed");
  CHECK(r.outcome == Outcome::Fail);
  CHECK(r.expects[0].failures == std::vector<std::string>{"no access review of github in the last 3 months"});
  CHECK(run(*w, "counted").outcome == Outcome::Pass);
  CHECK(run(*w, "sized").outcome == Outcome::Pass);
  CHECK(run(*w, "member").outcome == Outcome::Pass);
}

TEST_CASE("evidence freshness counts days from the evaluation date", "[eval]") {
  auto w = world(R"(policy p {
    control recent { evidence okta.exported_at fresh within 30 days }
    control stale { evidence okta.exported_at fresh within 7 days }
  })");
  CHECK(run(*w, "recent").outcome == Outcome::Pass);
  ControlResult s = run(*w, "stale");
  CHECK(s.outcome == Outcome::Fail);
  CHECK(s.evidence[0].detail == "the evidence is from 2026-11-12, 10 days old; it must be at most 7 days old");
  // The same evidence was fresh a week earlier: --as-of makes results reproducible.
  CHECK(run(*w, "stale", Date{2026, 11, 15}).outcome == Outcome::Pass);
  // Evidence dated after the evaluation date proves nothing: unknown.
  ControlResult early = run(*w, "stale", Date{2026, 11, 1});
  CHECK(early.outcome == Outcome::Unknown);
  CHECK(early.evidence[0].detail == "the evidence is dated 2026-11-12, after the evaluation date");
}

TEST_CASE("months and years follow the calendar", "[eval]") {
  auto w = world(R"(policy p {
    control plus { expect 2026-01-31 + 1 month == 2026-02-28 and 2024-02-29 + 1 year == 2025-02-28 }
    control minus { expect 2026-11-22 - 2026-11-01 == 21 days and today - 1 week == 2026-11-15 }
    control calendar { expect age(2026-08-22) <= 3 months and age(2026-08-21) > 3 months }
  })");
  CHECK(run(*w, "plus").outcome == Outcome::Pass);
  CHECK(run(*w, "minus").outcome == Outcome::Pass);
  CHECK(run(*w, "calendar").outcome == Outcome::Pass);
}

TEST_CASE("the example repository shows exactly its three planted gaps", "[eval]") {
  CompileOptions opts;
  opts.paths = {std::string(TENET_SOURCE_DIR) + "/examples/acme"};
  Compilation c(opts);
  REQUIRE(c.run());
  FactsOptions fo;
  fo.projectRoot = std::string(TENET_SOURCE_DIR) + "/examples/acme";
  auto facts = c.loadFacts(fo);
  REQUIRE(c.diagnostics().all().empty());
  Evaluator ev(*c.model(), facts, EvalOptions{Date{2026, 11, 22}});
  std::vector<std::string> failing, unknown;
  std::size_t pass = 0, manual = 0;
  for (const auto& [name, p] : c.model()->policies) {
    for (const auto& ctl : p->controls) {
      ControlResult r = ev.evaluate(*ctl);
      std::string id = name + "." + ctl->decl->name.name;
      if (r.outcome == Outcome::Fail) failing.push_back(id);
      if (r.outcome == Outcome::Unknown) unknown.push_back(id);
      if (r.outcome == Outcome::Pass) ++pass;
      if (r.outcome == Outcome::Manual) ++manual;
    }
  }
  CHECK(failing == std::vector<std::string>{"access_control.mfa", "asset_management.endpoint_patching",
                                            "supplier_management.supplier_review"});
  CHECK(unknown.empty());
  CHECK(pass + manual + failing.size() == 100);
  CHECK(manual > 0);
}

// The crosswalk graph: the relation algebra, derived relations with the
// weakest-link rule, and coverage built on them.
#include <catch2/catch.hpp>

#include "../Support.h"
#include "tenet/analysis/Coverage.h"

using namespace tenet;
using namespace tenet::test;

namespace {

using K = RelationKind;

// Three small frameworks and crosswalks a -> b -> c (and d on a second
// path a -> d -> c), written for these tests.
const char* kFrameworks = R"(
framework fa "Framework A" { requirement A1 "One" requirement A2 "Two" requirement A3 "Three" requirement A4 "Four" }
framework fb "Framework B" { requirement B1 "One" requirement B2 "Two" requirement B3 "Three" }
framework fc "Framework C" {
  requirement C1 "One" requirement C2 "Two" requirement C3 "Three"
  requirement C4 "Four" requirement C4.1 "Four, first part" requirement C4.2 "Four, second part"
}
framework fd "Framework D" { requirement D1 "One" }
crosswalk fa -> fb "A to B" {
  source = "test"
  A1 -> B1 equal
  A2 -> B2 subset
  A3 -> B3 intersects
  A4 -> none "nothing in B"
}
crosswalk fb -> fc "B to C" {
  source = "test"
  B1 -> C1 subset
  B2 -> C2 superset
  B2 -> C1 intersects
  B3 -> C3 equal
}
crosswalk fa -> fd "A to D" {
  source = "test"
  A3 -> D1 equal
}
crosswalk fd -> fc "D to C" {
  source = "test"
  D1 -> C3 equal
}
)";

const Mapping* find(const std::vector<Mapping>& ms, std::string_view from, std::string_view to) {
  for (const auto& m : ms)
    if (m.from->id == from && m.to->id == to) return &m;
  return nullptr;
}

}  // namespace

TEST_CASE("relations read backwards swap subset and superset", "[analysis]") {
  CHECK(inverse(K::Subset) == K::Superset);
  CHECK(inverse(K::Superset) == K::Subset);
  CHECK(inverse(K::Equal) == K::Equal);
  CHECK(inverse(K::Intersects) == K::Intersects);
}

TEST_CASE("composition takes the weakest link", "[analysis]") {
  CHECK(compose(K::Equal, K::Equal) == K::Equal);
  CHECK(compose(K::Equal, K::Subset) == K::Subset);
  CHECK(compose(K::Superset, K::Equal) == K::Superset);
  CHECK(compose(K::Subset, K::Subset) == K::Subset);
  CHECK(compose(K::Superset, K::Superset) == K::Superset);
  CHECK(compose(K::Subset, K::Superset) == K::Intersects);
  CHECK(compose(K::Superset, K::Subset) == K::Intersects);
  CHECK(compose(K::Intersects, K::Equal) == K::Intersects);
  CHECK(compose(K::Equal, K::Intersects) == K::Intersects);
  CHECK(fullyMeets(K::Equal));
  CHECK(fullyMeets(K::Superset));
  CHECK_FALSE(fullyMeets(K::Subset));
  CHECK_FALSE(fullyMeets(K::Intersects));
}

TEST_CASE("written relations are used when a crosswalk joins the two frameworks", "[analysis]") {
  auto c = compileOne(kFrameworks);
  REQUIRE(codes(c).empty());
  const Model& m = *c.model();
  CrosswalkGraph g(m);
  auto ab = g.mappings(*m.framework("fa"), *m.framework("fb"));
  REQUIRE(ab.size() == 3);
  CHECK(find(ab, "A2", "B2")->kind == K::Subset);
  CHECK_FALSE(find(ab, "A2", "B2")->derived());
  // Read the other way round, the same relation is a superset.
  auto ba = g.mappings(*m.framework("fb"), *m.framework("fa"));
  CHECK(find(ba, "B2", "A2")->kind == K::Superset);
  REQUIRE(g.gap(m.framework("fa")->find("A4"), *m.framework("fb")));
  CHECK(g.gap(m.framework("fa")->find("A4"), *m.framework("fb"))->reason == "nothing in B");
}

TEST_CASE("relations are derived through intermediate frameworks with the weakest link", "[analysis]") {
  auto c = compileOne(kFrameworks);
  const Model& m = *c.model();
  CrosswalkGraph g(m);
  auto chains = g.chains(*m.framework("fa"), *m.framework("fc"));
  REQUIRE(chains.size() == 2);  // a -> b -> c and a -> d -> c, both two crosswalks long
  auto ac = g.mappings(*m.framework("fa"), *m.framework("fc"));
  const Mapping* a1c1 = find(ac, "A1", "C1");
  REQUIRE(a1c1);
  CHECK(a1c1->kind == K::Subset);  // equal then subset
  CHECK(a1c1->derived());
  CHECK(describePath(*a1c1) == "A1 -> B1 (fb) -> C1");
  CHECK(find(ac, "A2", "C2")->kind == K::Intersects);  // subset then superset
  CHECK(find(ac, "A2", "C1")->kind == K::Intersects);  // subset then intersects
  // Two paths reach C3: intersects through B, equal through D. The stronger is kept.
  const Mapping* a3c3 = find(ac, "A3", "C3");
  REQUIRE(a3c3);
  CHECK(a3c3->kind == K::Equal);
  CHECK(describePath(*a3c3) == "A3 -> D1 (fd) -> C3");
  CHECK(ac.size() == 4);
}

TEST_CASE("a direct crosswalk wins over derivation", "[analysis]") {
  auto c = compile({{"f.tenet", kFrameworks},
                    {"direct.tenet", "crosswalk fa -> fc \"A to C\" { source = \"test\"  A4 -> C4 intersects }"}});
  REQUIRE(codes(c).empty());
  const Model& m = *c.model();
  auto ac = CrosswalkGraph(m).mappings(*m.framework("fa"), *m.framework("fc"));
  REQUIRE(ac.size() == 1);
  CHECK(ac[0].from->id == "A4");
  CHECK_FALSE(ac[0].derived());
}

TEST_CASE("coverage counts full and partial reach through crosswalks and never verifies", "[analysis]") {
  auto c = compile({{"f.tenet", kFrameworks}, {"p.tenet", R"(
project p { frameworks = [fc] }
policy pol "P" {
  control x "X" { satisfies fb.B2 }
  control y "Y" { satisfies fa.A1 }
  control z "Z" { satisfies fc.C4.1, fc.C4.2 }
}
applicability fc { exclude C3 because "not relevant here" }
)"}});
  REQUIRE(codes(c).empty());
  const Model& m = *c.model();
  CrosswalkGraph g(m);
  auto all = computeCoverage(m, g);
  REQUIRE(all.size() == 1);
  const FrameworkCoverage& fc = all[0];
  auto state = [&](std::string_view id) {
    for (const auto& rc : fc.requirements)
      if (rc.requirement->id == id) return rc.state;
    FAIL("no requirement " << id);
    return CoverageState::None;
  };
  CHECK(state("C2") == CoverageState::Full);     // B2 superset C2: meeting B2 meets C2
  CHECK(state("C1") == CoverageState::Partial);  // B2 intersects C1; A1 equal-then-subset C1
  CHECK(state("C3") == CoverageState::Excluded);
  CHECK(state("C4") == CoverageState::Direct);   // through its two sub-clauses
  CHECK(state("C4.1") == CoverageState::Direct);
  CHECK(fc.count(CoverageState::None) == 0);
  Table summary = coverageSummaryTable(all);
  REQUIRE(summary.rows.size() == 1);
  CHECK(summary.rows[0].back().rfind("0", 0) == 0);  // verified: nothing yet
  for (const auto& row : summary.rows)
    for (const auto& cell : row) CHECK(cell.find("100%") == std::string::npos);
}

TEST_CASE("the Statement of Applicability lists all 93 Annex A controls", "[analysis]") {
  CompileOptions opts;
  opts.paths = {std::string(TENET_SOURCE_DIR) + "/examples/acme"};
  Compilation c(opts);
  REQUIRE(c.run());
  const Model& m = *c.model();
  CrosswalkGraph g(m);
  Table soa = soaTable(computeCoverage(m, g, *m.framework("iso27001")));
  REQUIRE(soa.rows.size() == 93);
  std::size_t excluded = 0;
  for (const auto& row : soa.rows) {
    CHECK(row[0].rfind("A.", 0) == 0);
    if (row[2] == "No") {
      ++excluded;
      CHECK_FALSE(row[3].empty());  // every exclusion is justified
    }
  }
  CHECK(excluded == 3);
}

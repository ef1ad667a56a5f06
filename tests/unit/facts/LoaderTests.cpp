// Loading facts files against their schema: values, and problems reported at
// the facts file's own line and column.
#include <catch2/catch.hpp>

#include "../Support.h"
#include "tenet/facts/Loader.h"

using namespace tenet;
using namespace tenet::test;

namespace {

const char* kSchema = R"(
facts okta "Okta" {
  source = "facts/okta.json"
  schema {
    exported_at: date
    enforced: bool
    users: list<{ email: string, active: bool, logins: int, score: number, last_login: date?, level: "low" | "high" }>
  }
}
)";

struct Loaded {
  Compilation comp;
  SourceManager sm;
  DiagnosticEngine diags;
  LoadedFacts facts;
};

std::unique_ptr<Loaded> load(const std::string& path, const std::string& text) {
  auto l = std::unique_ptr<Loaded>(new Loaded{compileOne(kSchema), {}, {}, {}});
  REQUIRE(l->comp.diagnostics().all().empty());
  l->facts = loadFactsText(*l->comp.model()->facts.at("okta"), path, text, l->sm, l->diags);
  return l;
}

std::vector<std::string> codesOf(const DiagnosticEngine& d) {
  std::vector<std::string> out;
  for (const auto& x : d.all()) out.emplace_back(x.name());
  return out;
}

LineCol where(const Loaded& l, std::size_t i = 0) {
  const Diagnostic& d = l.diags.all()[i];
  return l.sm.lineCol(d.range.file, d.range.begin);
}

const char* kGoodJson = R"({
  "exported_at": "2026-11-20T06:00:00Z",
  "enforced": true,
  "extra": {"ignored": [1, 2, 3]},
  "users": [
    {"email": "dana@acme.example", "active": true, "logins": 12, "score": 0.5, "last_login": "2026-11-19", "level": "high"},
    {"email": "sam@acme.example", "active": false, "logins": 0, "score": 1, "last_login": null, "level": "low"}
  ]
})";

}  // namespace

TEST_CASE("a JSON facts file that matches its schema is loaded", "[facts]") {
  auto l = load("okta.json", kGoodJson);
  CHECK(codesOf(l->diags).empty());
  REQUIRE(l->facts.store);
  const FactStore& s = *l->facts.store;
  const FactValue& root = s.root();
  REQUIRE(root.kind == FactKind::Record);
  const FactValue* f = s.children(root);
  CHECK(f[0].kind == FactKind::Date);
  CHECK(civilFromDays(f[0].u.i) == Date{2026, 11, 20});
  CHECK(f[1].kind == FactKind::Bool);
  CHECK(f[1].u.b);
  REQUIRE(f[2].kind == FactKind::List);
  REQUIRE(s.size(f[2]) == 2);
  const FactValue* u0 = s.children(s.children(f[2])[0]);
  CHECK(s.string(u0[0]) == "dana@acme.example");
  CHECK(u0[2].u.i == 12);
  CHECK(u0[3].u.d == 0.5);
  const FactValue* u1 = s.children(s.children(f[2])[1]);
  CHECK(u1[3].kind == FactKind::Number);  // a whole number is a number too
  CHECK(u1[4].kind == FactKind::Absent);  // null in an optional field
  CHECK(s.string(u1[5]) == "low");
}

TEST_CASE("the same facts in YAML load the same way", "[facts]") {
  auto l = load("okta.yaml", R"(exported_at: 2026-11-20
enforced: true
users:
  - email: dana@acme.example
    active: true
    logins: 12
    score: 0.5
    last_login: 2026-11-19
    level: high
  - email: "sam@acme.example"
    active: false
    logins: 0
    score: 1
    level: low
)");
  CHECK(codesOf(l->diags).empty());
  REQUIRE(l->facts.store);
  const FactStore& s = *l->facts.store;
  const FactValue* f = s.children(s.root());
  REQUIRE(s.size(f[2]) == 2);
  const FactValue* u1 = s.children(s.children(f[2])[1]);
  CHECK(s.string(u1[0]) == "sam@acme.example");
  CHECK(u1[4].kind == FactKind::Absent);  // an optional field left out
}

TEST_CASE("a value of the wrong type is reported where the file has it", "[facts]") {
  auto l = load("okta.json", R"({"exported_at": "2026-11-20", "enforced": true,
  "users": [
    {"email": "a@x", "active": "yes", "logins": 1, "score": 1, "level": "low"}
  ]})");
  REQUIRE(codesOf(l->diags) == std::vector<std::string>{"facts-wrong-type"});
  const Diagnostic& d = l->diags.all()[0];
  CHECK(d.message == "okta.users[0].active must be a true/false value, but the file has the string \"yes\"");
  CHECK(where(*l).line == 3);
  CHECK(where(*l).col == 32);
  REQUIRE(d.notes.size() == 1);
  CHECK(d.notes[0].message == "declared in the schema here");
  CHECK_FALSE(l->facts.store);
  CHECK(l->facts.invalid);
}

TEST_CASE("a missing required field names the schema declaration", "[facts]") {
  auto l = load("okta.json", R"({"exported_at": "2026-11-20", "users": []})");
  REQUIRE(codesOf(l->diags) == std::vector<std::string>{"facts-missing-field"});
  CHECK(l->diags.all()[0].message == "okta has no field 'enforced', which the schema of the facts 'okta' requires");
  CHECK(l->diags.all()[0].help == "if exports may leave it out, declare it optional: enforced: bool?");
  CHECK(where(*l).line == 1);
}

TEST_CASE("invalid dates, enum values and integers are reported", "[facts]") {
  auto l = load("okta.yaml", R"(exported_at: 2026-02-30
enforced: true
users:
  - email: a@x
    active: true
    logins: 1.5
    score: 1
    level: medium
)");
  CHECK(codesOf(l->diags) ==
        std::vector<std::string>{"facts-invalid-date", "facts-wrong-type", "facts-unknown-value"});
  CHECK(where(*l, 0).line == 1);
  CHECK(where(*l, 0).col == 14);
  CHECK(l->diags.all()[0].message.find("that month has 28 days") != std::string::npos);
  CHECK(where(*l, 1).line == 6);
  CHECK(where(*l, 2).line == 8);
  CHECK(l->diags.all()[2].message.find("\"low\", \"high\"") != std::string::npos);
}

TEST_CASE("malformed JSON and YAML are reported with a location", "[facts]") {
  auto j = load("okta.json", "{\"exported_at\": \"2026-11-20\", \"enforced\": tru }");
  REQUIRE(!j->diags.all().empty());
  CHECK(j->diags.all()[0].name() == "facts-not-json");
  auto y = load("okta.yaml", "exported_at: [2026-11-20\nenforced: true\n");
  REQUIRE(!y->diags.all().empty());
  CHECK(y->diags.all()[0].name() == "facts-not-yaml");
  CHECK(y->sm.lineCol(y->diags.all()[0].range.file, y->diags.all()[0].range.begin).line >= 1);
  auto u = load("okta.yaml", "exported_at: 2026-11-20\nenforced: \xff\n");
  REQUIRE(codesOf(u->diags) == std::vector<std::string>{"facts-not-yaml"});
  CHECK(u->diags.all()[0].message == "this facts file is not valid YAML: it is not UTF-8 text");
  CHECK(u->sm.lineCol(u->diags.all()[0].range.file, u->diags.all()[0].range.begin).line == 2);
  auto e = load("okta.json", "");
  CHECK(codesOf(e->diags) == std::vector<std::string>{"facts-not-json"});
}

TEST_CASE("only JSON and YAML are read", "[facts]") {
  auto l = load("okta.csv", "a,b\n");
  CHECK(codesOf(l->diags) == std::vector<std::string>{"facts-unsupported-format"});
}

TEST_CASE("problems in one file are capped", "[facts]") {
  std::string users;
  for (int i = 0; i < 100; ++i)
    users += std::string(i ? "," : "") + R"({"email": 1, "active": true, "logins": 1, "score": 1, "level": "low"})";
  auto l = load("okta.json", R"({"exported_at": "2026-11-20", "enforced": true, "users": [)" + users + "]}");
  CHECK(l->diags.all().size() == 20);
  bool said = false;
  for (const auto& n : l->diags.all().back().notes) said = said || n.message.find("not shown") != std::string::npos;
  CHECK(said);
}

TEST_CASE("every facts file of the example repository matches its schema", "[facts]") {
  CompileOptions opts;
  opts.paths = {std::string(TENET_SOURCE_DIR) + "/examples/acme"};
  Compilation c(opts);
  REQUIRE(c.run());
  SourceManager sm;
  DiagnosticEngine diags;
  FactsOptions fo;
  fo.projectRoot = std::string(TENET_SOURCE_DIR) + "/examples/acme";
  auto loaded = loadAllFacts(*c.model(), sm, diags, fo);
  std::string problems;
  for (const auto& d : diags.all()) problems += d.message + "\n";
  INFO(problems);
  CHECK(diags.all().empty());
  CHECK(loaded.size() == c.model()->facts.size());
  for (const auto& [name, lf] : loaded) {
    INFO(name);
    CHECK(lf.store);
  }
}

TEST_CASE("a missing facts file makes its checks unknown, with a warning at 'source'", "[facts]") {
  auto c = compileOne(kSchema);
  SourceManager sm;
  DiagnosticEngine diags;
  FactsOptions fo;
  fo.projectRoot = "/nonexistent-project";
  auto loaded = loadAllFacts(*c.model(), sm, diags, fo);
  REQUIRE(codesOf(diags) == std::vector<std::string>{"facts-file-missing"});
  CHECK(diags.all()[0].severity == Severity::Warning);
  CHECK(loaded.at("okta").missing);
}

TEST_CASE("calendar days round-trip", "[facts]") {
  CHECK(daysFromCivil(Date{1970, 1, 1}) == 0);
  CHECK(daysFromCivil(Date{2026, 1, 15}) - daysFromCivil(Date{2025, 1, 15}) == 365);
  CHECK(daysFromCivil(Date{2024, 3, 1}) - daysFromCivil(Date{2024, 2, 28}) == 2);
  for (std::int64_t d = -1000; d < 30000; d += 97) CHECK(daysFromCivil(civilFromDays(d)) == d);
}

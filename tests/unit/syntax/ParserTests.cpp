// The syntax stage: what the AST holds after parsing, and syntax errors.
#include <catch2/catch.hpp>

#include "tenet/syntax/Parser.h"

using namespace tenet;

namespace {

struct Parsed {
  SourceManager sm;
  DiagnosticEngine diags;
  SourceUnit unit;
};

std::unique_ptr<Parsed> parse(std::string text) {
  auto p = std::make_unique<Parsed>();
  FileId f = p->sm.add("t.tenet", std::move(text));
  p->unit = parseFile(p->sm, f, p->diags);
  return p;
}

std::vector<std::string> codes(const DiagnosticEngine& d) {
  std::vector<std::string> out;
  for (const auto& x : d.all()) out.emplace_back(x.name());
  return out;
}

}  // namespace

TEST_CASE("a policy with a control parses into the AST", "[syntax]") {
  auto p = parse(R"(
policy access_control "Access Control Policy" {
  owner = ciso
  effective = 2026-01-15
  review = every 12 months
  section "Purpose" """
    Why.
  """
  control mfa "MFA" {
    statement """
    Accounts **must** use MFA {cadence}.
    """
    cadence = every 3 months
    satisfies iso27001.A.5.17, soc2.CC6.1, iso27001.9.2.1
    expect all u in okta.users where u.active: u.mfa else "{u.email} has no MFA"
    evidence okta.exported_at fresh within 30 days
  }
}
)");
  CHECK(p->diags.all().empty());
  REQUIRE(p->unit.policies.size() == 1);
  const PolicyDecl& pol = p->unit.policies[0];
  CHECK(pol.name.name == "access_control");
  CHECK(pol.title->value == "Access Control Policy");
  REQUIRE(pol.properties.size() == 3);
  CHECK(pol.properties[1].value->kind == ExprKind::Date);
  CHECK(pol.properties[1].value->dateValue == Date{2026, 1, 15});
  CHECK(pol.properties[2].value->kind == ExprKind::Cadence);
  CHECK(pol.properties[2].value->durationValue.amount == 12);
  CHECK(pol.properties[2].value->durationValue.unit == DurationUnit::Month);
  REQUIRE(pol.sections.size() == 1);
  CHECK(pol.sections[0].body.value == "Why.");
  REQUIRE(pol.controls.size() == 1);
  const ControlDecl& c = pol.controls[0];
  REQUIRE(c.satisfies.size() == 3);
  CHECK(c.satisfies[0].framework.name == "iso27001");
  CHECK(c.satisfies[0].id == "A.5.17");
  CHECK(c.satisfies[1].id == "CC6.1");
  CHECK(c.satisfies[2].id == "9.2.1");
  CHECK(c.statement->value == "Accounts **must** use MFA {cadence}.");
  REQUIRE(c.expects.size() == 1);
  const Expr& e = *c.expects[0].expr;
  CHECK(e.kind == ExprKind::Quantifier);
  CHECK(e.quantKind == QuantKind::All);
  CHECK(e.var.name == "u");
  REQUIRE(e.filter);
  CHECK(e.filter->kind == ExprKind::Member);
  REQUIRE(c.expects[0].elseMessage);
  REQUIRE(c.expects[0].elseMessage->parts.size() == 2);
  CHECK(c.expects[0].elseMessage->parts[0].isInterpolation);
  CHECK(c.expects[0].elseMessage->parts[0].path.size() == 2);
  CHECK(c.expects[0].elseMessage->parts[1].text == " has no MFA");
  REQUIRE(c.evidence.size() == 1);
  CHECK(c.evidence[0].freshWithin->amount == 30);
}

TEST_CASE("operator precedence: and binds tighter than or, comparisons tighter than and", "[syntax]") {
  auto p = parse("policy p { control c { expect a or b and x.y >= 3 - 1 } }");
  CHECK(p->diags.all().empty());
  const Expr& e = *p->unit.policies[0].controls[0].expects[0].expr;
  REQUIRE(e.kind == ExprKind::Binary);
  CHECK(e.binaryOp == BinaryOp::Or);
  const Expr& rhs = *e.children[1];
  CHECK(rhs.binaryOp == BinaryOp::And);
  CHECK(rhs.children[1]->binaryOp == BinaryOp::Ge);
  CHECK(rhs.children[1]->children[1]->binaryOp == BinaryOp::Sub);
}

TEST_CASE("a quantifier body extends to the right and `not in` is one operator", "[syntax]") {
  auto p = parse(R"(policy p { control c { expect all s in ["a", "b"]: any r in x.r where r.s == s: "z" not in r.t } })");
  CHECK(p->diags.all().empty());
  const Expr& e = *p->unit.policies[0].controls[0].expects[0].expr;
  REQUIRE(e.kind == ExprKind::Quantifier);
  CHECK(e.domain->kind == ExprKind::List);
  REQUIRE(e.body->kind == ExprKind::Quantifier);
  CHECK(e.body->quantKind == QuantKind::Any);
  CHECK(e.body->body->binaryOp == BinaryOp::NotIn);
}

TEST_CASE("prose blocks drop the common indentation and the framing blank lines", "[syntax]") {
  auto p = parse("policy p {\n  section \"S\" \"\"\"\n    First line\n      indented\n\n    last\n    \"\"\"\n}\n");
  CHECK(p->diags.all().empty());
  CHECK(p->unit.policies[0].sections[0].body.value == "First line\n  indented\n\nlast");
}

TEST_CASE("string escapes and literal braces", "[syntax]") {
  auto p = parse(R"(role r "A \"quoted\" \\ word {{not interpolated}")");
  CHECK(p->diags.all().empty());
  CHECK(p->unit.roles[0].title->value == "A \"quoted\" \\ word {not interpolated}");
  CHECK(p->unit.roles[0].title->parts.size() == 1);
}

TEST_CASE("interpolation positions point into the source", "[syntax]") {
  auto p = parse("role r \"ab {x.y} cd\"");
  const Text& t = *p->unit.roles[0].title;
  REQUIRE(t.parts.size() == 3);
  CHECK(t.parts[1].isInterpolation);
  CHECK(p->sm.text(t.parts[1].range) == "{x.y}");
  CHECK(p->sm.text(t.parts[1].path[1].range) == "y");
}

TEST_CASE("bad interpolations and escapes are reported", "[syntax]") {
  CHECK(codes(parse(R"(role r "a {x y}")")->diags) == std::vector<std::string>{"invalid-interpolation"});
  CHECK(codes(parse(R"(role r "a {x")")->diags) == std::vector<std::string>{"unclosed-interpolation"});
  CHECK(codes(parse(R"(role r "a \q")")->diags) == std::vector<std::string>{"invalid-escape"});
}

TEST_CASE("invalid dates name what is wrong", "[syntax]") {
  auto p = parse("policy p { effective = 2026-02-30 }");
  REQUIRE(p->diags.all().size() == 1);
  CHECK(p->diags.all()[0].name() == "invalid-date");
  CHECK(p->diags.all()[0].message.find("February 2026 has 28 days") != std::string::npos);
  CHECK(parse("policy p { effective = 2028-02-29 }")->diags.all().empty());  // leap year
  CHECK(codes(parse("policy p { effective = 2026-13-01 }")->diags) == std::vector<std::string>{"invalid-date"});
}

TEST_CASE("requirement ids are written without spaces", "[syntax]") {
  auto p = parse("policy p { control c { satisfies iso27001.A. 5.17 } }");
  CHECK(codes(p->diags) == std::vector<std::string>{"spaced-requirement-id"});
}

TEST_CASE("a syntax error names what was expected and keeps the other declarations", "[syntax]") {
  auto p = parse("role a \"A\"\npolicy p { owner = }\nrole b \"B\"\n");
  REQUIRE(!p->diags.all().empty());
  CHECK(p->diags.all()[0].name() == "syntax-error");
  CHECK(p->diags.all()[0].message.find("unexpected '}'") != std::string::npos);
  CHECK(p->unit.roles.size() == 2);
}

TEST_CASE("an unterminated string is one error, not a cascade", "[syntax]") {
  auto p = parse("policy p {\n  version = \"1.0\n  owner = ciso\n}\n");
  CHECK(codes(p->diags) == std::vector<std::string>{"unterminated-string"});
}

TEST_CASE("an unterminated prose block is reported where it starts", "[syntax]") {
  auto p = parse("policy p {\n  section \"A\" \"\"\"\n  text\n");
  REQUIRE(codes(p->diags) == std::vector<std::string>{"unterminated-prose"});
  CHECK(p->sm.lineCol(p->diags.all()[0].range.file, p->diags.all()[0].range.begin).line == 2);
}

TEST_CASE("every stray character is reported", "[syntax]") {
  auto p = parse("policy p { @ $ }");
  CHECK(codes(p->diags) == std::vector<std::string>{"unexpected-character", "unexpected-character"});
}

TEST_CASE("a '#' or '/* */' comment is one mistake and its words are not read", "[syntax]") {
  auto p = parse("# Roles\nrole r \"R\" /* old */ { holder = \"X\" } # owner: Dana\n");
  REQUIRE(codes(p->diags) == std::vector<std::string>{"unexpected-character", "unexpected-character",
                                                      "unexpected-character"});
  CHECK(p->diags.all()[0].help.find("'//'") != std::string::npos);
  CHECK(p->unit.roles.size() == 1);
}

TEST_CASE("one syntax error per declaration; later declarations are still checked", "[syntax]") {
  auto p = parse("policy a {\n  owner: ciso\n  version = \"1\"\n  review = every\n}\npolicy b { owner = }\n");
  auto cs = codes(p->diags);
  CHECK(cs == std::vector<std::string>{"syntax-error", "syntax-error"});
  CHECK(p->unit.damaged.size() == 2);
}

TEST_CASE("deep nesting is refused before it reaches the parser", "[syntax]") {
  std::string deep = "policy p { control c { expect " + std::string(10000, '(') + "true" + std::string(10000, ')') + " } }";
  CHECK(codes(parse(deep)->diags) == std::vector<std::string>{"nesting-too-deep"});
  std::string nots = "policy p { control c { expect ";
  for (int i = 0; i < 10000; ++i) nots += "not ";
  nots += "true } }";
  CHECK(codes(parse(nots)->diags) == std::vector<std::string>{"nesting-too-deep"});
  std::string fine = "policy p { control c { expect " + std::string(50, '(') + "true" + std::string(50, ')') + " } }";
  CHECK(parse(fine)->diags.all().empty());
}

TEST_CASE("comments are kept for the formatter and suppressions", "[syntax]") {
  auto p = parse("// head\nrole r \"R\" // tail\n");
  REQUIRE(p->unit.comments.size() == 2);
  CHECK(p->unit.comments[0].text == "// head");
  CHECK(p->unit.comments[1].text == "// tail");
}

TEST_CASE("hyphenated names and keywords as record fields", "[syntax]") {
  auto p = parse(R"(
project x { lint { weak-modal = error } }
facts f { source = "f.json" schema { count: int, group: string, days: list<int> } }
)");
  CHECK(p->diags.all().empty());
  CHECK(p->unit.projects[0].lint[0].rule.name == "weak-modal");
  CHECK(p->unit.facts[0].schema[1].name.name == "group");
}

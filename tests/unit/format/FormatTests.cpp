// The formatter: layout rules, comments, prose, idempotence and refusals.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tenet/format/Format.h"
#include "tenet/syntax/Parser.h"

using namespace tenet;

namespace {

FormatOutcome fmtOutcome(const std::string& text) {
  SourceManager sm;
  DiagnosticEngine diags;
  return formatText(sm, diags, "test.tenet", text);
}

/// Formats `text`, which must succeed, and checks that formatting the result
/// again changes nothing.
std::string formatted(const std::string& text) {
  FormatOutcome r = fmtOutcome(text);
  INFO(r.message);
  REQUIRE(r.status == FormatStatus::Ok);
  FormatOutcome again = fmtOutcome(r.text);
  REQUIRE(again.status == FormatStatus::Ok);
  CHECK(again.text == r.text);
  return r.text;
}

std::string fingerprintOf(const std::string& text) {
  SourceManager sm;
  DiagnosticEngine diags;
  FileId id = sm.add("t.tenet", text);
  SourceUnit u = parseFile(sm, id, diags);
  REQUIRE_FALSE(diags.hasErrors());
  return astFingerprint(u);
}

}  // namespace

TEST_CASE("fmt aligns '=' within a run of properties", "[format]") {
  std::string out = formatted(
      "exception legacy \"Legacy\" {\n"
      "waives=access_control.mfa\n"
      "  approver  =   ciso\n"
      "expires = 2027-03-31\n"
      "}\n");
  CHECK(out ==
        "exception legacy \"Legacy\" {\n"
        "  waives   = access_control.mfa\n"
        "  approver = ciso\n"
        "  expires  = 2027-03-31\n"
        "}\n");
}

TEST_CASE("fmt aligns lint settings and breaks runs at other items", "[format]") {
  std::string out = formatted(
      "project acme { organization = \"Acme\" lint { weak-modal = error prose-drift = off } }\n");
  CHECK(out ==
        "project acme {\n"
        "  organization = \"Acme\"\n"
        "\n"
        "  lint {\n"
        "    weak-modal  = error\n"
        "    prose-drift = off\n"
        "  }\n"
        "}\n");
}

TEST_CASE("fmt puts properties in the canonical order of their block", "[format]") {
  std::string out = formatted(
      "policy p \"P\" {\n"
      "  review = every 12 months\n"
      "  version = \"1.0\"\n"
      "  owner = ciso\n"
      "  effective = 2026-01-15\n"
      "  approver = cto\n"
      "}\n");
  CHECK(out ==
        "policy p \"P\" {\n"
        "  owner     = ciso\n"
        "  approver  = cto\n"
        "  version   = \"1.0\"\n"
        "  effective = 2026-01-15\n"
        "  review    = every 12 months\n"
        "}\n");
}

TEST_CASE("fmt orders the items of a control: statement, properties, satisfies, expect, evidence", "[format]") {
  std::string out = formatted(
      "policy p {\n"
      "  control c {\n"
      "    evidence \"tickets\"\n"
      "    expect okta.enforced\n"
      "    satisfies iso27001.A.5.1\n"
      "    owner = ciso\n"
      "    cadence = every 3 months\n"
      "    statement \"Text.\"\n"
      "  }\n"
      "}\n");
  CHECK(out ==
        "policy p {\n"
        "  control c {\n"
        "    statement \"Text.\"\n"
        "    cadence = every 3 months\n"
        "    owner   = ciso\n"
        "    satisfies iso27001.A.5.1\n"
        "    expect okta.enforced\n"
        "    evidence \"tickets\"\n"
        "  }\n"
        "}\n");
}

TEST_CASE("fmt keeps the written order when a property is repeated", "[format]") {
  std::string out = formatted("role r {\n  email = \"a\"\n  holder = \"b\"\n  email = \"c\"\n}\n");
  CHECK(out == "role r {\n  email  = \"a\"\n  holder = \"b\"\n  email  = \"c\"\n}\n");
}

TEST_CASE("fmt keeps leading, trailing and end-of-block comments with their items", "[format]") {
  std::string out = formatted(
      "// about the role\n"
      "role r \"R\" {  // on the brace\n"
      "  email = \"a\" // trailing\n"
      "  // about the holder\n"
      "  holder = \"b\"\n"
      "  // at the end\n"
      "}  // after the block\n"
      "// end of file\n");
  CHECK(out ==
        "// about the role\n"
        "role r \"R\" {  // on the brace\n"
        "  // about the holder\n"
        "  holder = \"b\"\n"
        "  email  = \"a\"  // trailing\n"
        "  // at the end\n"
        "}  // after the block\n"
        "// end of file\n");
}

TEST_CASE("fmt copies prose blocks byte for byte", "[format]") {
  std::string prose = "\"\"\"\n   odd    indentation\n\n\tand a tab  \n      \"\"\"";
  std::string out = formatted("policy p {\n      section \"S\"   " + prose + "\n}\n");
  CHECK(out == "policy p {\n  section \"S\" " + prose + "\n}\n");
}

TEST_CASE("fmt writes LF line breaks, also inside prose, and keeps a byte order mark", "[format]") {
  std::string out = formatted("\xEF\xBB\xBFrole r {\r\n  holder = \"a\"\r\n}\r\npolicy p {\r\n  section \"S\" \"\"\"\r\n  x\r\n  \"\"\"\r\n}\r\n");
  CHECK(out == "\xEF\xBB\xBFrole r {\n  holder = \"a\"\n}\n\npolicy p {\n  section \"S\" \"\"\"\n  x\n  \"\"\"\n}\n");
}

TEST_CASE("fmt spaces expressions canonically and keeps their line breaks", "[format]") {
  std::string out = formatted(
      "policy p {\n"
      "  control c {\n"
      "    expect count ( u in okta.users where not(u.active) ) <= - 1 + len( okta.users )\n"
      "    expect all u in okta.users where u.active:u.mfa\n"
      "            else \"{u.email}\"\n"
      "  }\n"
      "}\n");
  CHECK(out ==
        "policy p {\n"
        "  control c {\n"
        "    expect count(u in okta.users where not (u.active)) <= -1 + len(okta.users)\n"
        "    expect all u in okta.users where u.active: u.mfa\n"
        "      else \"{u.email}\"\n"
        "  }\n"
        "}\n");
}

TEST_CASE("fmt lays out schemas and aligns crosswalk relations as a table", "[format]") {
  std::string out = formatted(
      "facts f { source = \"f.json\" schema { a : list < { b : int , c:string? } > , d: \"x\"|\"y\" } }\n"
      "crosswalk a -> b { source = \"s\"\n A.1 -> B.10 equal\n none -> B.2 \"gap\"\n A.10.1 -> B.3 subset \"why\" }\n");
  CHECK(out ==
        "facts f {\n"
        "  source = \"f.json\"\n"
        "  schema {\n"
        "    a: list<{ b: int, c: string? }>\n"
        "    d: \"x\" | \"y\"\n"
        "  }\n"
        "}\n"
        "\n"
        "crosswalk a -> b {\n"
        "  source = \"s\"\n"
        "  A.1    -> B.10 equal\n"
        "  none   -> B.2         \"gap\"\n"
        "  A.10.1 -> B.3  subset \"why\"\n"
        "}\n");
}

TEST_CASE("fmt separates declarations by one blank line and keeps at most one elsewhere", "[format]") {
  std::string out = formatted("role a\n\n\n\nrole b\nrole c {\n\n\n  holder = \"x\"\n\n\n}\n");
  CHECK(out == "role a\n\nrole b\n\nrole c {\n  holder = \"x\"\n}\n");
}

TEST_CASE("fmt refuses files with syntax errors", "[format]") {
  SourceManager sm;
  DiagnosticEngine diags;
  FormatOutcome r = formatText(sm, diags, "bad.tenet", "role r { holder = }\n");
  CHECK(r.status == FormatStatus::InvalidInput);
  CHECK(diags.hasErrors());
  CHECK(fmtOutcome("policy p { # comment\n}\n").status == FormatStatus::InvalidInput);
  CHECK(fmtOutcome("role r \"unterminated\n").status == FormatStatus::InvalidInput);
  CHECK(fmtOutcome(std::string("role r\0", 7)).status == FormatStatus::InvalidInput);
  CHECK(fmtOutcome("role r \"\xff\"\n").status == FormatStatus::InvalidInput);
}

TEST_CASE("the fingerprint ignores layout and property order but not meaning", "[format]") {
  CHECK(fingerprintOf("role r { holder = \"a\" email = \"b\" }") ==
        fingerprintOf("role r {\n  email  = \"b\"\n  holder = \"a\"\n}\n"));
  CHECK(fingerprintOf("role r { holder = \"a\" }") != fingerprintOf("role r { holder = \"b\" }"));
  CHECK(fingerprintOf("policy p { control c { expect a - b } }") !=
        fingerprintOf("policy p { control c { expect a-b } }"));
}

TEST_CASE("fmt is idempotent on the example project and the stdlib", "[format]") {
  namespace fs = std::filesystem;
  std::size_t count = 0;
  for (const char* dir : {"examples/acme", "stdlib"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(TENET_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".tenet") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      INFO(e.path().string());
      formatted(ss.str());  // checks success and idempotence
      ++count;
    }
  }
  CHECK(count > 20);
}

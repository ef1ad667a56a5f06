// Text and JSON rendering of diagnostics.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tenet/diag/Render.h"

using namespace tenet;

TEST_CASE("text output is clang style with caret and tildes under the range", "[diag]") {
  SourceManager sm;
  FileId f = sm.add("policies/a.tenet", "policy p {\n  owner = cisoo\n}\n");
  DiagnosticEngine diags;
  diags.report(DiagCode::UnknownRole, SourceRange{f, 21, 26}, "cisoo").withHelp("did you mean 'ciso'?");
  std::ostringstream out;
  renderTextAll(out, sm, diags);
  CHECK(out.str() ==
        "policies/a.tenet:2:11: error: no role is named 'cisoo' [unknown-role]\n"
        "  owner = cisoo\n"
        "          ^~~~~\n"
        "help: did you mean 'ciso'?\n");
}

TEST_CASE("columns and carets count characters, not bytes", "[diag]") {
  SourceManager sm;
  // Each "é" takes two bytes: the 'x' is byte 9 but the eighth character.
  FileId f = sm.add("a.tenet", "// \xC3\xA9t\xC3\xA9 x\nrole");
  DiagnosticEngine diags;
  diags.report(DiagCode::UnknownName, SourceRange{f, 9, 10}, "x");
  std::ostringstream out;
  renderText(out, sm, diags.all()[0]);
  std::string s = out.str();
  CHECK(s.rfind("a.tenet:1:8: error:", 0) == 0);
  CHECK(s.find("\n       ^\n") != std::string::npos);
}

TEST_CASE("notes are printed under their diagnostic with their own location", "[diag]") {
  SourceManager sm;
  FileId f = sm.add("a.tenet", "role a\nrole a\n");
  DiagnosticEngine diags;
  diags.report(DiagCode::DuplicateDefinition, SourceRange{f, 12, 13}, "role", "a")
      .note("first defined here", SourceRange{f, 5, 6});
  std::ostringstream out;
  renderTextAll(out, sm, diags);
  CHECK(out.str() ==
        "a.tenet:2:6: error: role 'a' is defined more than once [duplicate-definition]\n"
        "role a\n"
        "     ^\n"
        "a.tenet:1:6: note: first defined here\n"
        "role a\n"
        "     ^\n");
}

TEST_CASE("colour codes appear only when asked for", "[diag]") {
  SourceManager sm;
  FileId f = sm.add("a.tenet", "x");
  DiagnosticEngine diags;
  diags.report(DiagCode::UnknownName, SourceRange{f, 0, 1}, "x");
  std::ostringstream plain, colored;
  renderTextAll(plain, sm, diags);
  renderTextAll(colored, sm, diags, TextRenderOptions{true});
  CHECK(plain.str().find('\x1b') == std::string::npos);
  CHECK(colored.str().find("\x1b[1;31merror") != std::string::npos);
}

TEST_CASE("JSON output carries the same diagnostics", "[diag]") {
  SourceManager sm;
  FileId f = sm.add("a.tenet", "role a\nrole a\n");
  DiagnosticEngine diags;
  diags.report(DiagCode::DuplicateDefinition, SourceRange{f, 12, 13}, "role", "a")
      .note("first defined here", SourceRange{f, 5, 6});
  std::ostringstream out;
  renderJson(out, sm, diags);
  auto j = nlohmann::json::parse(out.str());
  REQUIRE(j["diagnostics"].size() == 1);
  auto d = j["diagnostics"][0];
  CHECK(d["code"] == "duplicate-definition");
  CHECK(d["severity"] == "error");
  CHECK(d["location"]["file"] == "a.tenet");
  CHECK(d["location"]["start"]["line"] == 2);
  CHECK(d["location"]["start"]["column"] == 6);
  CHECK(d["location"]["end"]["column"] == 7);
  CHECK(d["notes"][0]["message"] == "first defined here");
  CHECK(d["notes"][0]["location"]["start"]["line"] == 1);
  CHECK(j["summary"]["errors"] == 1);
}

TEST_CASE("the summary line counts errors and warnings", "[diag]") {
  DiagnosticEngine diags;
  CHECK(summaryLine(diags).empty());
  diags.report(DiagCode::UnknownName, SourceRange{}, "x");
  CHECK(summaryLine(diags) == "1 error");
  diags.report(DiagCode::UnknownName, SourceRange{}, "y");
  diags.report(DiagCode::NoSourceFiles, SourceRange{}, "d");
  CHECK(summaryLine(diags) == "2 errors and 1 warning");
}

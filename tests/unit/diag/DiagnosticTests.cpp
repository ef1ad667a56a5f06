// The diagnostics table, the engine, and "did you mean".
#include <catch2/catch.hpp>
#include <set>

#include "tenet/diag/Diagnostic.h"

using namespace tenet;

TEST_CASE("every code in the table is unique, kebab-case and has a message", "[diag]") {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kDiagTable.size(); ++i) {
    const DiagInfo& info = kDiagTable[i];
    CHECK(static_cast<std::size_t>(info.code) == i);
    CHECK(names.insert(info.name).second);
    CHECK_FALSE(info.message.empty());
    for (char c : info.name) CHECK(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'));
  }
}

TEST_CASE("reports fill the message from the table and count by severity", "[diag]") {
  DiagnosticEngine diags;
  auto& d = diags.report(DiagCode::UnknownRole, SourceRange{0, 1, 5}, "cisoo");
  d.withHelp("did you mean 'ciso'?").note("declared here", SourceRange{0, 0, 1});
  diags.report(DiagCode::NoSourceFiles, SourceRange{}, "empty");
  CHECK(diags.all().size() == 2);
  CHECK(diags.all()[0].message == "no role is named 'cisoo'");
  CHECK(diags.all()[0].notes.size() == 1);
  CHECK(diags.errorCount() == 1);
  CHECK(diags.warningCount() == 1);
}

TEST_CASE("the engine stops storing at its limit but keeps counting errors", "[diag]") {
  DiagnosticEngine diags;
  diags.setLimit(3);
  for (int i = 0; i < 10; ++i) diags.report(DiagCode::UnknownName, SourceRange{0, 0, 1}, "x").note("n");
  CHECK(diags.all().size() == 3);
  CHECK(diags.dropped() == 7);
  CHECK(diags.errorCount() == 10);
  CHECK(diags.full());
  diags.report(DiagCode::NoSourceFiles, SourceRange{0, 0, 1}, "dir");  // a warning, past the limit
  CHECK(diags.warningCount() == 1);
  CHECK(diags.dropped() == 8);
  CHECK(diags.all().size() == 3);
}

TEST_CASE("did you mean picks a close name and nothing when none is close", "[diag]") {
  std::vector<std::string> roles{"ciso", "cto", "head_of_people"};
  CHECK(closestName("cisoo", roles) == "ciso");
  CHECK(closestName("head_of_peple", roles) == "head_of_people");
  CHECK(closestName("finance", roles).empty());
  CHECK(closestName("ciso", roles) != "ciso");
}

TEST_CASE("did you mean prefers the nearest requirement number", "[diag]") {
  std::vector<std::string> ids{"CC6.1", "CC6.2", "CC6.3", "CC6.4", "CC6.5", "CC6.6", "CC6.7", "CC6.8", "CC9.1", "CC9.2"};
  CHECK(closestName("CC6.9", ids) == "CC6.8");
  CHECK(closestName("CC9.9", ids) == "CC9.2");
  CHECK(closestName("CC6.10", ids) == "CC6.1");
}

// The driver: the stdlib it carries and how it reads a project from disk.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "../Support.h"

using namespace tenet;
using namespace tenet::test;
namespace fs = std::filesystem;

TEST_CASE("the built-in stdlib holds the four framework catalogues", "[driver]") {
  auto c = compile({{"empty.tenet", ""}});
  REQUIRE(c.model());
  CHECK(codes(c).empty());
  const Model& m = *c.model();
  auto count = [&](const char* fw, const char* prefix) {
    std::size_t n = 0;
    for (const auto& r : m.framework(fw)->requirements)
      if (r->id.rfind(prefix, 0) == 0) ++n;
    return n;
  };
  CHECK(count("iso27001", "A.") == 93);
  CHECK(count("iso27001", "A.5.") == 37);
  CHECK(count("iso27001", "A.6.") == 8);
  CHECK(count("iso27001", "A.7.") == 14);
  CHECK(count("iso27001", "A.8.") == 34);
  CHECK(count("iso27001_2013", "A.") == 114);
  CHECK(m.framework("soc2")->requirements.size() == 61);
  CHECK(count("soc2", "CC") == 33);
  CHECK(m.framework("nist_csf")->requirements.size() == 106);
  CHECK(m.framework("soc2")->find("CC9.9") == nullptr);
  CHECK(m.framework("iso27001")->find("A.5.7")->title == "Threat intelligence");
}

TEST_CASE("the example repository checks clean", "[driver]") {
  CompileOptions opts;
  opts.paths = {std::string(TENET_SOURCE_DIR) + "/examples/acme"};
  Compilation c(opts);
  CHECK(c.run());
  CHECK(c.diagnostics().all().empty());
  REQUIRE(c.model());
  CHECK(c.model()->policies.size() >= 10);
  std::size_t controls = 0;
  for (const auto& [_, p] : c.model()->policies) controls += p->controls.size();
  CHECK(controls >= 50);
  CHECK(c.model()->exceptions.size() >= 1);
}

TEST_CASE("files are found recursively in a stable order, skipping hidden folders", "[driver]") {
  fs::path dir = fs::temp_directory_path() / "tenet-driver-test";
  fs::remove_all(dir);
  fs::create_directories(dir / "b");
  fs::create_directories(dir / ".git");
  std::ofstream(dir / "b" / "z.tenet") << "role z \"Z\"\n";
  std::ofstream(dir / "a.tenet") << "role a \"A\"\n";
  std::ofstream(dir / ".git" / "x.tenet") << "this is not tenet\n";
  std::ofstream(dir / "notes.txt") << "ignored\n";
  CompileOptions opts;
  opts.paths = {dir.string()};
  Compilation c(opts);
  CHECK(c.run());
  std::vector<std::string> paths;
  for (const auto& u : c.units())
    if (!c.sources().file(u.file).fromStdlib) paths.push_back(c.sources().file(u.file).path);
  CHECK(paths == std::vector<std::string>{(dir / "a.tenet").string(), (dir / "b" / "z.tenet").string()});
  fs::remove_all(dir);
}

TEST_CASE("a missing path is an input failure", "[driver]") {
  CompileOptions opts;
  opts.paths = {"/nonexistent/tenet/project"};
  Compilation c(opts);
  CHECK_FALSE(c.run());
  CHECK(c.inputFailed());
  CHECK(hasCode(c, "path-not-found"));
}

TEST_CASE("a compilation that reuses an earlier one's syntax trees reports what a fresh one does", "[driver]") {
  fs::path dir = fs::temp_directory_path() / "tenet-reuse-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "roles.tenet") << "role ciso \"CISO\" { holder = \"Dana\" }\n";
  std::ofstream(dir / "broken.tenet") << "role cto \"CTO\" { holder = \"Sam\" \n";  // a syntax error, unchanged below
  std::ofstream(dir / "policy.tenet") << "policy p \"P\" { owner = ciso }\n";
  auto options = [&] {
    CompileOptions o;
    o.paths = {dir.string()};
    return o;
  };
  auto signature = [](const Compilation& c) {
    std::vector<std::string> out;
    for (const auto& d : c.diagnostics().all())
      out.push_back(std::string(d.name()) + "@" + c.sources().file(d.range.file).path + ":" +
                    std::to_string(d.range.begin));
    return out;
  };
  auto first = std::make_unique<Compilation>(options());
  first->run();
  REQUIRE(hasCode(*first, "syntax-error"));

  // An edit in one file, given as an editor buffer; the others are reused.
  CompileOptions o = options();
  o.overlays[fs::canonical(dir / "policy.tenet").string()] = "policy p \"P\" { owner = cisso }\n";
  o.reuse = first.get();
  Compilation second(o);
  second.run();
  first.reset();  // nothing of the reused trees may point into it any more

  CompileOptions fresh = options();
  fresh.overlays = o.overlays;
  Compilation third(fresh);
  third.run();
  CHECK(signature(second) == signature(third));
  CHECK(hasCode(second, "syntax-error"));  // kept from the reused file
  CHECK(hasCode(second, "unknown-role"));  // found in the edited file
  REQUIRE(second.model());
  CHECK(second.model()->policy("p") != nullptr);
  fs::remove_all(dir);
}

TEST_CASE("a compilation that reuses an earlier one's files reads only the editor's buffers", "[driver]") {
  fs::path dir = fs::temp_directory_path() / "tenet-reuse-files-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  dir = fs::canonical(dir);
  std::ofstream(dir / "roles.tenet") << "role ciso \"CISO\" { holder = \"Dana\" }\n";
  std::ofstream(dir / "binary.tenet", std::ios::binary) << std::string("role x\0y", 8);
  std::ofstream(dir / "policy.tenet") << "policy p \"P\" { owner = ciso }\n";
  std::string policy = (dir / "policy.tenet").string();
  auto options = [&](std::string text) {
    CompileOptions o;
    o.paths = {dir.string()};
    o.overlays[policy] = std::move(text);
    return o;
  };
  auto signature = [](const Compilation& c) {
    std::vector<std::string> out;
    for (const auto& d : c.diagnostics().all())
      out.push_back(std::string(d.name()) + "@" + c.sources().file(d.range.file).path + ":" +
                    std::to_string(d.range.begin) + " " + d.message);
    return out;
  };
  auto fileId = [](const Compilation& c, const fs::path& p) { return c.sources().find(p.string()).value(); };
  Compilation expected(options("policy p \"P\" { owner = cto }\n"));
  expected.run();

  auto first = std::make_unique<Compilation>(options("policy p \"P\" { owner = ciso }\n"));
  first->run();
  CHECK(hasCode(*first, "binary-file"));
  CHECK_FALSE(hasCode(*first, "unknown-role"));

  // Written to disk after the first compilation read the folder.
  std::ofstream(dir / "roles.tenet") << "role ciso \"CISO\" { holder = \"Dana\" }\n"
                                        "role cto \"CTO\" { holder = \"Sam\" }\n";

  CompileOptions o = options("policy p \"P\" { owner = cto }\n");
  o.reuse = first.get();
  o.reuseFiles = true;
  auto second = std::make_unique<Compilation>(std::move(o));
  second->run();
  first.reset();
  CHECK(signature(*second) == signature(expected));  // the roles as read before: no cto
  CHECK(hasCode(*second, "unknown-role"));
  CHECK(second->reused(fileId(*second, dir / "roles.tenet")));
  CHECK_FALSE(second->reused(fileId(*second, dir / "policy.tenet")));
  CHECK(second->sources().file(fileId(*second, dir / "roles.tenet")).text.find("cto") == std::string::npos);

  // Read from disk again: the new role is there.
  CompileOptions again = options("policy p \"P\" { owner = cto }\n");
  again.reuse = second.get();
  auto third = std::make_unique<Compilation>(std::move(again));
  third->run();
  second.reset();
  CHECK_FALSE(hasCode(*third, "unknown-role"));
  CHECK(hasCode(*third, "binary-file"));
  CHECK_FALSE(third->reused(fileId(*third, dir / "roles.tenet")));

  // Buffers for other files than before: the folder is read again.
  std::ofstream(dir / "roles.tenet") << "role ciso \"CISO\" { holder = \"Dana\" }\n";
  CompileOptions other = options("policy p \"P\" { owner = cto }\n");
  other.overlays[(dir / "new.tenet").string()] = "role cfo \"CFO\" { holder = \"Helen\" }\n";
  other.reuse = third.get();
  other.reuseFiles = true;
  Compilation fourth(std::move(other));
  fourth.run();
  third.reset();
  CHECK(hasCode(fourth, "unknown-role"));
  CHECK(fourth.sources().find((dir / "new.tenet").string()).has_value());
  fs::remove_all(dir);
}

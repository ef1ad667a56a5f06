// The published site's building blocks: safe Markdown, file names that stay
// inside the output folder, and replacing a site as a whole.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "../Support.h"
#include "tenet/analysis/Crosswalk.h"
#include "tenet/site/Markdown.h"
#include "tenet/site/Output.h"
#include "tenet/site/Site.h"

using namespace tenet;
using namespace tenet::test;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A fresh folder under the system's temporary folder, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "tenet-site-test-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE("Markdown renders GitHub tables, lists, emphasis and links", "[site]") {
  std::string html = markdownToHtml(
      "Some **bold** text.\n\n- one\n- two\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n[guide](https://example.com/g)\n");
  CHECK(contains(html, "<strong>bold</strong>"));
  CHECK(contains(html, "<li>one</li>"));
  CHECK(contains(html, "<table>"));
  CHECK(contains(html, "<td>2</td>"));
  CHECK(contains(html, "<a href=\"https://example.com/g\">guide</a>"));
}

TEST_CASE("Markdown leaves raw HTML out", "[site]") {
  std::string html = markdownToHtml("Hello <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n<iframe src=x></iframe>\n");
  CHECK_FALSE(contains(html, "<script"));
  CHECK_FALSE(contains(html, "<img"));
  CHECK_FALSE(contains(html, "<iframe"));
  CHECK_FALSE(contains(html, "onerror"));
  CHECK(contains(html, "Hello"));
}

TEST_CASE("Markdown drops unsafe links and keeps their text", "[site]") {
  std::string html = markdownToHtml(
      "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c](data:text/html,x) [d](vbscript:x) [e](file:///etc/passwd) "
      "[ok](https://example.com) [mail](mailto:a@example.com) [rel](other.html#x) [anchor](#top)\n");
  CHECK_FALSE(contains(html, "javascript:"));
  CHECK_FALSE(contains(html, "JaVaScRiPt:"));
  CHECK_FALSE(contains(html, "data:"));
  CHECK_FALSE(contains(html, "vbscript:"));
  CHECK_FALSE(contains(html, "file:"));
  for (const char* text : {">a<", ">b<", ">c<", ">d<", ">e<"}) CHECK_FALSE(contains(html, text));
  for (const char* text : {"a ", "b ", "c ", "d ", "e "}) CHECK(contains(html, text));
  CHECK(contains(html, "<a href=\"https://example.com\">ok</a>"));
  CHECK(contains(html, "<a href=\"mailto:a@example.com\">mail</a>"));
  CHECK(contains(html, "<a href=\"other.html#x\">rel</a>"));
  CHECK(contains(html, "<a href=\"#top\">anchor</a>"));
}

TEST_CASE("Markdown shows images as their description, making no outside request", "[site]") {
  std::string html = markdownToHtml("![the diagram](https://tracker.example/p.png) and ![](x.png)\n");
  CHECK_FALSE(contains(html, "<img"));
  CHECK_FALSE(contains(html, "tracker.example"));
  CHECK(contains(html, "[image: the diagram]"));
  CHECK(contains(html, "[image]"));
}

TEST_CASE("Markdown headings sit below the section's own heading", "[site]") {
  MarkdownOptions o;
  o.headingOffset = 2;
  std::string html = markdownToHtml("# Top\n\n###### Deep\n", o);
  CHECK(contains(html, "<h3>Top</h3>"));
  CHECK(contains(html, "<h6>Deep</h6>"));
}

TEST_CASE("Link addresses are judged however the scheme is spelt", "[site]") {
  CHECK(isSafeLink("https://example.com"));
  CHECK(isSafeLink("HTTP://example.com"));
  CHECK(isSafeLink("mailto:x@example.com"));
  CHECK(isSafeLink("page.html"));
  CHECK(isSafeLink("#x"));
  CHECK(isSafeLink("/a:b"));
  CHECK(isSafeLink("a/b:c"));
  CHECK_FALSE(isSafeLink("javascript:alert(1)"));
  CHECK_FALSE(isSafeLink(" JAVASCRIPT:alert(1)"));
  CHECK_FALSE(isSafeLink("java\tscript:alert(1)"));
  CHECK_FALSE(isSafeLink("java\nscript:alert(1)"));
  CHECK_FALSE(isSafeLink("data:text/html,x"));
  CHECK_FALSE(isSafeLink("vbscript:x"));
  CHECK_FALSE(isSafeLink("file:///etc/passwd"));
}

TEST_CASE("Markdown escaping shows text literally", "[site]") {
  std::string html = markdownToHtml("Owner: " + markdownEscape("*R&D* <lead> [x](javascript:y) _a_") + "\n");
  CHECK(contains(html, "*R&amp;D* &lt;lead&gt; [x](javascript:y) _a_"));
  CHECK_FALSE(contains(html, "<em>"));
  CHECK_FALSE(contains(html, "<a "));
}

TEST_CASE("File names from identifiers stay inside the output folder", "[site]") {
  CHECK(fileSlug("access_control") == "access_control");
  CHECK(fileSlug("key-management") == "key-management");
  std::string evil = fileSlug("../../etc/passwd");
  CHECK(evil.find('/') == std::string::npos);
  CHECK(evil.find("..") == std::string::npos);
  CHECK(isSafeSitePath("policy-" + evil + ".html"));
  CHECK(fileSlug("") == "~");
  CHECK(fileSlug("a b") != fileSlug("a_b"));
  // Long names are cut, and names that share the first 100 characters differ.
  std::string longA(300, 'a'), longB = longA + "b";
  CHECK(fileSlug(longA).size() < 130);
  CHECK(fileSlug(longA) != fileSlug(longB));
}

TEST_CASE("Only relative paths of safe names are written", "[site]") {
  CHECK(isSafeSitePath("index.html"));
  CHECK(isSafeSitePath("policy-access_control.html"));
  CHECK(isSafeSitePath(".tenet-site"));
  CHECK_FALSE(isSafeSitePath(""));
  CHECK_FALSE(isSafeSitePath("/etc/passwd"));
  CHECK_FALSE(isSafeSitePath("../index.html"));
  CHECK_FALSE(isSafeSitePath("a/../../b.html"));
  CHECK_FALSE(isSafeSitePath("a//b.html"));
  CHECK_FALSE(isSafeSitePath(".hidden"));
  CHECK_FALSE(isSafeSitePath("sub/.tenet-site"));
  CHECK_FALSE(isSafeSitePath("a b.html"));
  CHECK_FALSE(isSafeSitePath("a\\b.html"));
}

TEST_CASE("The site is never written over the folder of its sources", "[site]") {
  TempDir tmp;
  fs::create_directories(tmp.path / "proj" / "policies");
  fs::create_directories(tmp.path / "site");
  std::string proj = (tmp.path / "proj").string();
  CHECK(folderHolds(proj, proj));
  CHECK(folderHolds(proj, proj + "/"));
  CHECK(folderHolds(tmp.path.string(), proj));
  CHECK(folderHolds("/", proj));
  CHECK(folderHolds(proj, (tmp.path / "proj" / "policies" / ".." / "policies").string()));
  CHECK_FALSE(folderHolds((tmp.path / "proj" / "policies").string(), proj));
  CHECK_FALSE(folderHolds((tmp.path / "site").string(), proj));
  CHECK_FALSE(folderHolds((tmp.path / "pro").string(), proj));
  // Through a link to the project folder.
  fs::create_directory_symlink(tmp.path / "proj", tmp.path / "link");
  CHECK(folderHolds((tmp.path / "link").string(), proj));
  CHECK(folderHolds(proj, (tmp.path / "link" / "policies").string()));
}

TEST_CASE("A site is written whole, and replaces only a previous site", "[site]") {
  TempDir tmp;
  fs::path out = tmp.path / "site";
  std::string error;

  REQUIRE(writeSite(out.string(), {{"index.html", "one"}, {"style.css", "css"}}, error));
  CHECK(readFile(out / "index.html") == "one");
  CHECK(fs::exists(out / kSiteMarker));

  SECTION("a second build replaces the first entirely") {
    REQUIRE(writeSite(out.string(), {{"index.html", "two"}}, error));
    CHECK(readFile(out / "index.html") == "two");
    CHECK_FALSE(fs::exists(out / "style.css"));
    CHECK(entries(tmp.path) == std::set<std::string>{"site"});  // no temporary folder left
  }
  SECTION("a build that cannot finish leaves the previous site as it was") {
    CHECK_FALSE(writeSite(out.string(), {{"index.html", "two"}, {"../escape.html", "x"}}, error));
    CHECK(contains(error, "../escape.html"));
    CHECK(readFile(out / "index.html") == "one");
    CHECK(readFile(out / "style.css") == "css");
    CHECK_FALSE(fs::exists(tmp.path / "escape.html"));
    CHECK(entries(tmp.path) == std::set<std::string>{"site"});
  }
  SECTION("a folder of other files is never replaced") {
    fs::path other = tmp.path / "documents";
    fs::create_directories(other);
    std::ofstream(other / "thesis.docx") << "years of work";
    CHECK_FALSE(writeSite(other.string(), {{"index.html", "x"}}, error));
    CHECK(contains(error, "did not write"));
    CHECK(readFile(other / "thesis.docx") == "years of work");
    CHECK(entries(other) == std::set<std::string>{"thesis.docx"});
  }
  SECTION("a file or a symbolic link is not a site folder") {
    std::ofstream(tmp.path / "file.txt") << "text";
    CHECK_FALSE(writeSite((tmp.path / "file.txt").string(), {{"index.html", "x"}}, error));
    CHECK(readFile(tmp.path / "file.txt") == "text");
    fs::create_directory_symlink(out, tmp.path / "link");
    CHECK_FALSE(writeSite((tmp.path / "link").string(), {{"index.html", "x"}}, error));
    CHECK(readFile(out / "index.html") == "one");
  }
  SECTION("the temporary folder of a build that was killed is cleared by the next") {
    fs::path stale = tmp.path / ".site.tenet-tmp-999999999";
    fs::create_directories(stale);
    std::ofstream(stale / "index.html") << "half";
    REQUIRE(writeSite(out.string(), {{"index.html", "three"}}, error));
    CHECK_FALSE(fs::exists(stale));
    CHECK(readFile(out / "index.html") == "three");
  }
}

TEST_CASE("The site of a small project links its pages together", "[site]") {
  Compilation c = compileOne(R"(
project p "P ISMS" { organization = "P Corp"  frameworks = [iso27001] }
role ciso "CISO" { holder = "Dana" }
policy access "Access <Policy>" {
  owner = ciso
  approver = ciso
  review = every 12 months
  section "Why" """
  {owner} reviews this {review}.
  """
  control mfa "MFA" {
    statement "Accounts **must** use MFA."
    satisfies iso27001.A.5.17
    evidence "Okta report"
  }
}
)");
  REQUIRE(c.model());
  CrosswalkGraph graph(*c.model());
  DriftReport drift;
  drift.asOf = Date{2026, 11, 22};
  drift.policies = {};
  SiteInput in;
  in.model = c.model();
  in.sources = &c.sources();
  in.graph = &graph;
  in.drift = &drift;
  in.toolVersion = "test";
  std::vector<SiteFile> files = renderSite(in);
  std::map<std::string, std::string> byPath;
  for (const auto& f : files) {
    CHECK(isSafeSitePath(f.path));
    byPath[f.path] = f.content;
  }
  REQUIRE(byPath.count("index.html"));
  REQUIRE(byPath.count("policy-access.html"));
  REQUIRE(byPath.count("framework-iso27001.html"));
  REQUIRE(byPath.count("soa.html"));
  REQUIRE(byPath.count("style.css"));
  const std::string& policy = byPath["policy-access.html"];
  CHECK(contains(policy, "<h1>Access &lt;Policy&gt;</h1>"));
  CHECK(contains(policy, "CISO reviews this every 12 months."));
  CHECK(contains(policy, "href=\"framework-iso27001.html#req-A.5.17\""));
  CHECK(contains(byPath["framework-iso27001.html"], "id=\"req-A.5.17\""));
  CHECK(contains(byPath["framework-iso27001.html"], "href=\"policy-access.html#control-mfa\""));
  CHECK(contains(policy, "id=\"control-mfa\""));
  CHECK(contains(byPath["index.html"], "href=\"policy-access.html\""));
  CHECK_FALSE(contains(policy, "Revision history"));  // no history given
  // Every page but the stylesheet is a whole HTML document with the stylesheet.
  for (const auto& [path, content] : byPath)
    if (path.ends_with(".html")) {
      CHECK(content.rfind("<!DOCTYPE html>", 0) == 0);
      CHECK(contains(content, "<link rel=\"stylesheet\" href=\"style.css\">"));
      CHECK_FALSE(contains(content, "<script"));
    }
  // Rendering twice gives the same bytes.
  std::vector<SiteFile> again = renderSite(in);
  REQUIRE(again.size() == files.size());
  for (std::size_t k = 0; k < files.size(); ++k) {
    CHECK(again[k].path == files[k].path);
    CHECK(again[k].content == files[k].content);
  }
}

// The language server after edits: whatever it kept from one compilation to
// the next (texts, syntax trees, lint findings per file), what it publishes
// is what `tenet check` and `tenet lint` report for the same texts, compiled
// afresh. Also: when it reads the disk again, and watching files.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "Session.h"
#include "tenet/driver/Compilation.h"
#include "tenet/lint/Lint.h"

using namespace tenet::lsp;
using namespace tenet::lsp::test;
namespace fs = std::filesystem;

namespace {

/// One diagnostic as the server publishes it, in one line of text.
using Report = std::map<std::string, std::vector<std::string>>;  // by canonical path, in order

std::string line(long long l1, long long c1, long long l2, long long c2, int severity, const std::string& code,
                 const std::string& message, const std::vector<std::string>& related) {
  std::string out = std::to_string(l1) + ":" + std::to_string(c1) + "-" + std::to_string(l2) + ":" +
                    std::to_string(c2) + " " + std::to_string(severity) + " [" + code + "] " + message;
  for (const auto& r : related) out += " | " + r;
  return out;
}

std::string canonicalPath(const std::string& path) {
  std::error_code ec;
  auto p = fs::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

/// What the server last published for each file, leaving out empty lists.
Report published(const Session& s) {
  std::map<std::string, Json> last;
  for (const auto& m : s.sent)
    if (m.value("method", "") == "textDocument/publishDiagnostics")
      last[m["params"]["uri"].get<std::string>()] = m["params"]["diagnostics"];
  Report out;
  for (const auto& [uri, list] : last) {
    if (list.empty()) continue;
    auto& lines = out[canonicalPath(uriToPath(uri))];
    for (const auto& d : list) {
      std::vector<std::string> related;
      if (d.contains("relatedInformation"))
        for (const auto& r : d["relatedInformation"])
          related.push_back(r["message"].get<std::string>() + " @" +
                            std::to_string(r["location"]["range"]["start"]["line"].get<long long>()));
      const Json& r = d["range"];
      lines.push_back(line(r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"],
                           d["severity"], d["code"], d["message"], related));
    }
  }
  return out;
}

/// What `tenet lint` reports for the project in `root` with `buffers` (by
/// path) in place of their files: a fresh compilation, every rule, the
/// project's lint block and the suppressions, as of the session's date.
Report freshLint(const fs::path& root, const std::map<std::string, std::string>& buffers) {
  tenet::CompileOptions o;
  o.paths = {root.string()};
  o.defaultToCurrentFolder = false;
  o.warnIfNoSources = false;
  for (const auto& [path, text] : buffers) o.overlays[canonicalPath(path)] = text;
  tenet::Compilation comp(std::move(o));
  comp.run();
  if (comp.model()) {
    tenet::LintConfigOptions config;
    if (!comp.diagnostics().hasErrors()) {
      tenet::LintContext ctx{*comp.model(), comp.sources(), tenet::Date{2026, 11, 22}, comp.diagnostics()};
      tenet::runLintRules(ctx);
      config.reportSuppressions = true;
    }
    tenet::applyLintConfig(*comp.model(), comp.units(), comp.sources(), comp.diagnostics(), config);
    comp.diagnostics().sort(comp.sources());
  }
  const tenet::SourceManager& sm = comp.sources();
  Report out;
  for (const auto& d : comp.diagnostics().all()) {
    if (!d.range.valid() || sm.file(d.range.file).fromStdlib) continue;
    auto a = sm.utf16Position(d.range.file, d.range.begin);
    auto b = sm.utf16Position(d.range.file, std::max(d.range.begin, d.range.end));
    std::vector<std::string> related;
    for (const auto& n : d.notes)
      if (n.range.valid())
        related.push_back(n.message + " @" + std::to_string(sm.utf16Position(n.range.file, n.range.begin).line));
    int severity = d.severity == tenet::Severity::Error ? 1 : d.severity == tenet::Severity::Warning ? 2 : 3;
    out[canonicalPath(sm.file(d.range.file).path)].push_back(
        line(a.line, a.col, b.line, b.col, severity, std::string(d.name()),
             d.help.empty() ? d.message : d.message + "\n" + d.help, related));
  }
  return out;
}

/// The lines only one of the reports holds, file by file; empty when they agree.
std::string difference(const Report& got, const Report& want) {
  std::string out;
  std::set<std::string> paths;
  for (const auto& [path, _] : got) paths.insert(path);
  for (const auto& [path, _] : want) paths.insert(path);
  for (const auto& path : paths) {
    auto g = got.find(path);
    auto w = want.find(path);
    std::vector<std::string> none;
    const auto& gl = g == got.end() ? none : g->second;
    const auto& wl = w == want.end() ? none : w->second;
    if (gl == wl) continue;
    out += path + ":\n";
    for (const auto& l : gl) out += "  published: " + l + "\n";
    for (const auto& l : wl) out += "  tenet lint: " + l + "\n";
  }
  return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

const char* kProject = R"(project acme "Acme" {
  organization = "Acme"
  frameworks   = [iso27001, soc2]

  lint {
    manual-only = off
  }
}
)";

const char* kRoles = R"(role ciso "Chief Information Security Officer" { holder = "Dana Reyes" }
role ceo "Chief Executive Officer" { holder = "Priya Natarajan" }
role cto "Chief Technology Officer" { holder = "Sam Ortiz" }
)";

const char* kAccess = R"(facts okta "Okta export" {
  source = "okta.json"
  schema {
    exported_at: date
    users: list<{ email: string, mfa: bool }>
  }
}

policy access "Access Control Policy" {
  owner     = ciso
  approver  = ceo
  effective = 2026-01-15
  review    = every 12 months

  section "Purpose" "Who may access what."
  section "Scope" "All accounts."

  control mfa "Multi-factor authentication" {
    statement "Every account **must** use MFA."
    satisfies iso27001.A.5.17
    expect all u in okta.users: u.mfa
      else "{u.email} has no MFA"
    evidence okta.exported_at fresh within 7 days
  }
}
)";

// Owned and approved by the same role: owner-is-approver names the role's title.
const char* kBackup = R"(policy backup "Backup Policy" {
  owner     = ciso
  approver  = ciso
  effective = 2026-02-01
  review    = every 12 months

  section "Purpose" "Keep data recoverable."

  control restore "Restore tests" {
    statement "Backups are restored quarterly, as appropriate."
    cadence   = every 12 months
    satisfies iso27001.A.8.13
    evidence "Restore test records"
  }
}
)";

// Past its review date as of 2026-11-22.
const char* kVendor = R"(policy vendor "Vendor Policy" {
  owner     = cto
  approver  = ceo
  effective = 2024-03-01
  review    = every 12 months

  control intake "Vendor intake" {
    statement "Vendors may be reviewed regularly."
    satisfies soc2.CC9.2
  }
}
)";

struct Project {
  TempProject dir;
  std::string project, roles, access, backup, vendor;  // URIs
  std::map<std::string, std::string> disk;           // by URI: what is written there
  Project() {
    write("project.tenet", kProject, project);
    write("roles.tenet", kRoles, roles);
    write("policies/access.tenet", kAccess, access);
    write("policies/backup.tenet", kBackup, backup);
    write("policies/vendor.tenet", kVendor, vendor);
  }
  void write(const std::string& rel, const std::string& text, std::string& uri) {
    uri = dir.write(rel, text);
    disk[uri] = text;
  }
};

/// An editor session on a Project that remembers its open buffers, and
/// checks after each step that the server published what a fresh
/// `tenet lint` of the same texts reports.
struct Editor {
  Project& p;
  Session s;
  std::map<std::string, std::string> buffers;  // by URI
  std::map<std::string, int> versions;

  explicit Editor(Project& project, Json capabilities = Json::object()) : p(project) {
    s.initialize(p.dir.root.string(), std::move(capabilities));
  }
  void open(const std::string& uri) {
    buffers[uri] = p.disk.at(uri);
    versions[uri] = 1;
    s.open(uri, buffers[uri]);
  }
  void edit(const std::string& uri, const std::string& text) {
    buffers[uri] = text;
    s.change(uri, text, ++versions[uri]);
  }
  void close(const std::string& uri) {
    buffers.erase(uri);
    s.close(uri);
  }
  /// Writes the buffer to disk, as an editor saves it.
  void save(const std::string& uri) {
    p.dir.write(uriToPath(uri).substr(p.dir.root.string().size() + 1), buffers.at(uri));
    p.disk[uri] = buffers.at(uri);
    s.save(uri);
  }
  Report expected() const {
    std::map<std::string, std::string> byPath;
    for (const auto& [uri, text] : buffers) byPath[uriToPath(uri)] = text;
    return freshLint(p.dir.root, byPath);
  }
  void require(const std::string& step) {
    INFO("after " << step);
    REQUIRE(difference(published(s), expected()) == "");
  }
};

}  // namespace

TEST_CASE("After edits the server publishes what tenet lint reports: a weak modal added, then removed", "[lsp]") {
  Project p;
  Editor e(p);
  e.open(p.access);
  e.require("opening");
  CHECK_FALSE(hasCode(e.s.diagnostics(p.access), "weak-modal"));
  CHECK(hasCode(e.s.diagnostics(p.backup), "vague-wording"));  // a file not open, linted too

  e.edit(p.access, replaced(kAccess, "**must** use", "should use"));
  e.require("adding 'should'");
  CHECK(hasCode(e.s.diagnostics(p.access), "weak-modal"));

  e.edit(p.access, kAccess);
  e.require("removing it");
  CHECK_FALSE(hasCode(e.s.diagnostics(p.access), "weak-modal"));
  // Findings of files not edited are still there.
  CHECK(hasCode(e.s.diagnostics(p.backup), "prose-cadence-mismatch"));
  CHECK(hasCode(e.s.diagnostics(p.vendor), "review-overdue"));
}

TEST_CASE("After edits the server publishes what tenet lint reports: a role's title in another file", "[lsp]") {
  Project p;
  Editor e(p);
  e.open(p.roles);
  e.require("opening");
  auto message = [&] {
    for (const auto& d : e.s.diagnostics(p.backup))
      if (d["code"] == "owner-is-approver") return d["message"].get<std::string>();
    return std::string();
  };
  CHECK(message().find("Chief Information Security Officer") != std::string::npos);

  e.edit(p.roles, replaced(kRoles, "Chief Information Security Officer", "Head of Security"));
  e.require("renaming the role");
  CHECK(message().find("Head of Security") != std::string::npos);

  // The role gone: an error in the unchanged policy, and no lint at all.
  e.edit(p.roles, replaced(kRoles, R"(role ciso "Chief Information Security Officer" { holder = "Dana Reyes" })", ""));
  e.require("removing the role");
  CHECK(hasCode(e.s.diagnostics(p.backup), "unknown-role"));
  CHECK_FALSE(hasCode(e.s.diagnostics(p.vendor), "review-overdue"));

  e.edit(p.roles, kRoles);
  e.require("restoring it");
  CHECK(hasCode(e.s.diagnostics(p.vendor), "review-overdue"));
}

TEST_CASE("After edits the server publishes what tenet lint reports: suppressions and the lint block", "[lsp]") {
  Project p;
  Editor e(p);
  e.open(p.vendor);
  e.open(p.project);
  e.require("opening");
  REQUIRE(hasCode(e.s.diagnostics(p.vendor), "weak-modal"));

  // A suppression written in the edited file.
  std::string suppressed =
      replaced(kVendor, "    statement \"Vendors may",
               "    // tenet-ignore weak-modal: quoted from the contract\n    statement \"Vendors may");
  e.edit(p.vendor, suppressed);
  e.require("suppressing weak-modal");
  CHECK_FALSE(hasCode(e.s.diagnostics(p.vendor), "weak-modal"));
  CHECK(hasCode(e.s.diagnostics(p.vendor), "vague-cadence"));

  // One that suppresses nothing is reported.
  e.edit(p.vendor, replaced(suppressed, "tenet-ignore weak-modal", "tenet-ignore weak-modal, unused-role"));
  e.require("suppressing a rule that finds nothing there");
  CHECK(hasCode(e.s.diagnostics(p.vendor), "unused-suppression"));
  e.edit(p.vendor, kVendor);
  e.require("removing the suppression");

  // The project's lint block applies to findings in files that did not change.
  e.edit(p.project,
         replaced(kProject, "manual-only = off", "manual-only = off\n    weak-modal = off\n    review-overdue = error"));
  e.require("turning weak-modal off");
  CHECK_FALSE(hasCode(e.s.diagnostics(p.vendor), "weak-modal"));
  for (const auto& d : e.s.diagnostics(p.vendor))
    if (d["code"] == "review-overdue") CHECK(d["severity"] == 1);
  e.edit(p.project, kProject);
  e.require("restoring the lint block");
  CHECK(hasCode(e.s.diagnostics(p.vendor), "weak-modal"));
}

TEST_CASE("A file changed on disk is read again after didSave or didChangeWatchedFiles", "[lsp]") {
  Project p;
  Editor e(p);
  e.open(p.access);
  e.require("opening");

  // Another program changes a file that is not open.
  std::string fixed = replaced(kVendor, "may be reviewed regularly", "**must** be reviewed every 12 months");
  p.write("policies/vendor.tenet", fixed, p.vendor);
  e.s.watched(p.vendor, 2);
  e.require("a watched file changed");
  CHECK_FALSE(hasCode(e.s.diagnostics(p.vendor), "weak-modal"));

  // A new file, then its removal.
  std::string extra;
  p.write("policies/extra.tenet", replaced(kVendor, "policy vendor", "policy extra"), extra);
  e.s.watched(extra, 1);
  e.require("a watched file created");
  CHECK(hasCode(e.s.diagnostics(extra), "weak-modal"));
  fs::remove(uriToPath(extra));
  p.disk.erase(extra);
  e.s.watched(extra, 3);
  e.require("a watched file deleted");
  Json cleared = e.s.diagnostics(extra);
  CHECK((cleared.is_array() && cleared.empty()));

  // A file written behind the editor's back, then a buffer saved: the save
  // reads the disk again.
  p.write("policies/vendor.tenet", kVendor, p.vendor);
  e.edit(p.access, replaced(kAccess, "**must** use", "should use"));
  e.save(p.access);
  e.require("saving");
  CHECK(hasCode(e.s.diagnostics(p.vendor), "weak-modal"));
  CHECK(hasCode(e.s.diagnostics(p.access), "weak-modal"));

  e.close(p.access);
  e.require("closing the saved file");
}

TEST_CASE("Between edits the server reads only the edited buffer", "[lsp]") {
  Project p;
  Editor e(p);
  e.open(p.access);
  // Changed on disk without a word to the server: an edit elsewhere does not
  // see it (the editor reports such changes through watched files).
  p.dir.write("policies/vendor.tenet", replaced(kVendor, "may be reviewed regularly", "**must** be reviewed"));
  e.edit(p.access, replaced(kAccess, "Who may access what.", "Who accesses what."));
  CHECK(hasCode(e.s.diagnostics(p.vendor), "weak-modal"));
  e.s.watched(p.vendor, 2);
  CHECK_FALSE(hasCode(e.s.diagnostics(p.vendor), "weak-modal"));
}

TEST_CASE("The server asks to watch .tenet files when the client can watch them", "[lsp]") {
  auto registrations = [](const Session& s) {
    std::vector<Json> out;
    for (const auto& m : s.sent)
      if (m.value("method", "") == "client/registerCapability") out.push_back(m);
    return out;
  };
  TempProject dir;
  Session plain;
  plain.initialize(dir.root.string());
  CHECK(registrations(plain).empty());

  Session watching;
  watching.initialize(dir.root.string(), {{"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}}});
  auto sent = registrations(watching);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].contains("id"));
  const Json& r = sent[0]["params"]["registrations"][0];
  CHECK(r["method"] == "workspace/didChangeWatchedFiles");
  CHECK(r["registerOptions"]["watchers"][0]["globPattern"] == "**/*.tenet");
  // The client's answer needs nothing.
  std::size_t before = watching.sent.size();
  watching.server.handle(Json{{"jsonrpc", "2.0"}, {"id", sent[0]["id"]}, {"result", nullptr}});
  CHECK(watching.sent.size() == before);
}

TEST_CASE("Any sequence of edits publishes what tenet lint reports for the same texts", "[lsp]") {
  Project p;
  Editor e(p);
  // Edits an editor could make, each one way and back.
  struct Toggle {
    std::string* uri;
    std::string from, to;
  };
  std::vector<Toggle> toggles = {
      {&p.access, "**must** use", "should use"},
      {&p.access, "    statement \"Every", "    // tenet-ignore weak-modal: a quote\n    statement \"Every"},
      {&p.access, "iso27001.A.5.17", "iso27001.A.5.99"},                     // an error: no lint
      {&p.access, "exported_at fresh within 7 days", "exported_at"},         // evidence-without-freshness
      {&p.backup, "approver  = ciso", "approver  = ceo"},                     // owner-is-approver gone
      {&p.backup, "as appropriate", "within 24 hours"},
      {&p.backup, "  control restore", "  control restore2 \"Second\" { statement \"Checked.\" }\n  control restore"},
      {&p.vendor, "2024-03-01", "2026-03-01"},                                // review no longer overdue
      {&p.vendor, "regularly", "every 12 months"},
      {&p.vendor, "policy vendor", "policy vendor {"},                        // a syntax error
      {&p.roles, "Chief Information Security Officer", "Security Lead"},
      {&p.roles, "role cto \"Chief Technology Officer\" { holder = \"Sam Ortiz\" }", ""},  // unknown-role
      {&p.roles, "holder = \"Priya Natarajan\"", "holder = \"\""},
      {&p.project, "manual-only = off", "manual-only = off\n    vague-wording = off"},
      {&p.project, "manual-only = off", "manual-only = error"},
  };
  std::vector<bool> applied(toggles.size(), false);
  std::mt19937 random(20261122);
  for (int step = 0; step < 60; ++step) {
    std::size_t k = random() % toggles.size();
    Toggle& t = toggles[k];
    std::string& uri = *t.uri;
    if (!e.buffers.count(uri)) e.open(uri);
    std::string text = e.buffers[uri];
    const std::string& from = applied[k] ? t.to : t.from;
    const std::string& to = applied[k] ? t.from : t.to;
    auto at = text.find(from);
    if (at == std::string::npos) continue;  // another toggle rewrote the same text
    text.replace(at, from.size(), to);
    applied[k] = !applied[k];
    int action = static_cast<int>(random() % 10);
    e.edit(uri, text);
    if (action == 0) e.save(uri);
    if (action == 1) {
      e.save(uri);
      e.close(uri);
    }
    e.require("step " + std::to_string(step) + ": toggle " + std::to_string(k) + " action " + std::to_string(action));
  }
}

TEST_CASE("Past the diagnostic limit the server publishes the findings tenet lint keeps", "[lsp]") {
  TempProject dir;
  // Nine findings in each policy: more than the 5000 diagnostics kept.
  auto policies = [](int file, int from) {
    std::string text;
    for (int i = from; i < 100; ++i)
      text += "policy p" + std::to_string(file) + "_" + std::to_string(i) + R"( "P" {
  control c "C" {
    statement "Staff should review access regularly, as appropriate."
    satisfies iso27001.A.5.15
  }
}
)";
    return text;
  };
  std::vector<std::string> uris;
  for (int f = 0; f < 6; ++f) uris.push_back(dir.write("p" + std::to_string(f) + ".tenet", policies(f, 0)));
  Session s;
  s.initialize(dir.root.string());
  std::map<std::string, std::string> buffers{{uriToPath(uris[3]), policies(3, 0)}};
  s.open(uris[3], buffers.begin()->second);
  REQUIRE(difference(published(s), freshLint(dir.root, buffers)) == "");
  std::size_t shown = 0;
  for (const auto& [_, lines] : published(s)) shown += lines.size();
  CHECK(shown == tenet::DiagnosticEngine::kDefaultLimit);

  // Fewer findings in one file: others come into view.
  buffers.begin()->second = policies(3, 90);
  s.change(uris[3], buffers.begin()->second, 2);
  REQUIRE(difference(published(s), freshLint(dir.root, buffers)) == "");
}

// The drift report in its four formats: text for people, JSON, SARIF 2.1.0
// for code scanning and GitHub workflow annotations.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "../Support.h"
#include "tenet/diag/Render.h"
#include "tenet/emit/DriftReport.h"

using namespace tenet;
using namespace tenet::test;

namespace {

const char* kFacts = R"(
facts okta "Okta" {
  source = "facts/okta.json"
  schema {
    exported_at: date
    enforced: bool
    users: list<{ email: string, active: bool, mfa: bool }>
  }
}
facts reviews "Reviews" {
  source = "facts/reviews.json"
  schema { reviews: list<{ system: string, completed: date }> }
}
)";

const char* kOkta = R"({"exported_at": "2026-11-12", "enforced": true, "users": [
  {"email": "dana@acme.example", "active": true, "mfa": true},
  {"email": "sam@acme.example", "active": true, "mfa": false},
  {"email": "old@acme.example", "active": false, "mfa": false},
  {"email": "bot@acme.example", "active": true, "mfa": false}
]})";

const char* kPolicy = R"(role ciso "CISO" { holder = "Dana Reyes" }

policy p "Policy P" {
  owner     = ciso
  effective = 2025-01-10
  review    = every 12 months
  control ok "Passing control" { expect okta.enforced }
  control mfa "MFA for everyone" {
    expect all u in okta.users where u.active: u.mfa else "{u.email} has no MFA"
  }
  control reviews "Access reviews" { expect all r in reviews.reviews: age(r.completed) <= 90 days }
  control minutes "Risk committee" { evidence "Signed minutes of the risk committee" }
  control vpn "Legacy VPN" { expect okta.enforced == false else "enforcement is on" }
  control export "Fresh export" { evidence okta.exported_at fresh within 5 days }
}

exception legacy "Legacy VPN waiver" {
  waives   = p.vpn
  approver = ciso
  expires  = 2027-03-31
}
)";

/// A compiled project, its facts (reviews missing) and its drift report.
struct World {
  Compilation comp;
  SourceManager factsSm;
  DiagnosticEngine factsDiags;
  std::map<std::string, LoadedFacts> facts;
  DriftReport report;
};

std::unique_ptr<World> world(const std::string& policy, std::size_t maxFailuresShown = 5,
                             const std::string& policyFile = "p.tenet", const char* okta = kOkta) {
  auto w = std::unique_ptr<World>(new World{compile({{"facts.tenet", kFacts}, {policyFile, policy}}), {}, {}, {}, {}});
  std::string problems;
  for (const auto& d : w->comp.diagnostics().all()) problems += d.message + "\n";
  INFO(problems);
  REQUIRE(codes(w->comp).empty());
  const Model& m = *w->comp.model();
  w->facts.emplace("okta", loadFactsText(*m.facts.at("okta"), "okta.json", okta, w->factsSm, w->factsDiags));
  LoadedFacts missing;
  missing.facts = m.facts.at("reviews").get();
  missing.path = "facts/reviews.json";
  missing.missing = true;
  w->facts.emplace("reviews", std::move(missing));
  REQUIRE(w->factsDiags.all().empty());
  DriftOptions opts;
  opts.asOf = Date{2026, 11, 22};
  opts.eval.maxFailuresShown = maxFailuresShown;
  w->report = computeDrift(m, w->facts, opts, w->comp.diagnostics());
  w->comp.diagnostics().sort(w->comp.sources());
  return w;
}

std::string render(const World& w, DriftFormat format, DriftRenderOptions options = {}) {
  std::ostringstream out;
  renderDrift(out, w.report, w.comp.sources(), w.comp.diagnostics(), format, options);
  return out.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

const nlohmann::json* findControl(const nlohmann::json& doc, std::string_view id) {
  for (const auto& p : doc["policies"])
    for (const auto& c : p["controls"])
      if (c["id"] == id) return &c;
  return nullptr;
}

const nlohmann::json* findResult(const nlohmann::json& run, std::string_view control) {
  for (const auto& r : run["results"])
    if (r.contains("properties") && r["properties"].value("control", "") == control) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("drift formats are named text, json, sarif and github", "[drift-report]") {
  CHECK(parseDriftFormat("text") == DriftFormat::Text);
  CHECK(parseDriftFormat("json") == DriftFormat::Json);
  CHECK(parseDriftFormat("sarif") == DriftFormat::Sarif);
  CHECK(parseDriftFormat("github") == DriftFormat::Github);
  CHECK_FALSE(parseDriftFormat("html"));
}

TEST_CASE("the text report lists every control with its outcome and what went wrong", "[drift-report]") {
  auto w = world(kPolicy, 1);
  CHECK(render(*w, DriftFormat::Text) ==
        "Drift as of 2026-11-22\n"
        "\n"
        "p: Policy P (next review 2026-01-10, review overdue)\n"
        "  PASS     p.ok  Passing control\n"
        "  FAIL     p.mfa  MFA for everyone\n"
        "           expectation at p.tenet:9 fails for 2 elements:\n"
        "             sam@acme.example has no MFA\n"
        "             and 1 more\n"
        "  UNKNOWN  p.reviews  Access reviews\n"
        "           expectation at p.tenet:11 is unknown: the facts file facts/reviews.json is missing\n"
        "  MANUAL   p.minutes  Risk committee\n"
        "  WAIVED   p.vpn  Legacy VPN\n"
        "           waived by exception legacy \"Legacy VPN waiver\" until 2027-03-31\n"
        "  FAIL     p.export  Fresh export\n"
        "           evidence at p.tenet:14 is stale: the evidence is from 2026-11-12, 10 days old; it must be at "
        "most 5 days old\n"
        "\n"
        "p.tenet:6:3: warning: policy 'p' was due for review on 2026-01-10, 316 days ago [review-overdue]\n"
        "  review    = every 12 months\n"
        "  ^~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "help: review the policy, then record it with a new version and effective date\n"
        "\n"
        "6 controls: 1 pass, 2 fail, 1 unknown, 1 manual, 1 waived.\n"
        "1 warning found.\n");
}

TEST_CASE("the text report names a single failure on one line and colours outcomes only when asked",
          "[drift-report]") {
  auto w = world(kPolicy);  // both failing users shown
  auto plain = lines(render(*w, DriftFormat::Text));
  CHECK(std::find(plain.begin(), plain.end(), "             bot@acme.example has no MFA") != plain.end());
  CHECK(std::find(plain.begin(), plain.end(), "             and 0 more") == plain.end());
  CHECK(render(*w, DriftFormat::Text).find('\x1b') == std::string::npos);

  DriftRenderOptions color;
  color.color = true;
  std::string coloured = render(*w, DriftFormat::Text, color);
  CHECK(coloured.find("  \x1b[1;31mFAIL\x1b[0m     p.mfa") != std::string::npos);
  CHECK(coloured.find("  \x1b[1;33mUNKNOWN\x1b[0m  p.reviews") != std::string::npos);
  CHECK(coloured.find("  \x1b[1;32mPASS\x1b[0m     p.ok") != std::string::npos);
  CHECK(coloured.find("  \x1b[1;36mWAIVED\x1b[0m   p.vpn") != std::string::npos);
  CHECK(coloured.find("  MANUAL") != std::string::npos);  // manual stays plain

  auto single = world(R"(policy q { control one "One" { expect okta.enforced == false else "MFA is not enforced" } })");
  auto out = lines(render(*single, DriftFormat::Text));
  REQUIRE(out.size() >= 6);
  CHECK(out[2] == "q");
  CHECK(out[3] == "  FAIL     q.one  One");
  CHECK(out[4] == "           expectation at p.tenet:1 fails: MFA is not enforced");
}

TEST_CASE("the text report points out an exception that waives a passing control", "[drift-report]") {
  auto w = world(R"(role ciso "CISO" { holder = "Dana Reyes" }
policy q { control on "Enforced" { expect okta.enforced } }
exception spare "No longer needed" {
  waives   = q.on
  approver = ciso
  expires  = 2027-03-31
}
)");
  auto out = lines(render(*w, DriftFormat::Text));
  REQUIRE(out.size() >= 5);
  CHECK(out[3] == "  PASS     q.on  Enforced");
  CHECK(out[4] == "           exception spare waives it, but it passes: the exception can be retired");
  auto doc = nlohmann::json::parse(render(*w, DriftFormat::Json));
  CHECK(doc["policies"][0]["controls"][0]["outcome"] == "pass");
  CHECK(doc["policies"][0]["controls"][0]["waivedBy"] == "spare");
  CHECK(doc["policies"][0]["nextReview"].is_null());
  CHECK(doc["policies"][0]["title"].is_null());
}

TEST_CASE("a report where nothing was evaluated says so instead of looking like success", "[drift-report]") {
  auto w = world(R"(policy q {
    control a "A" { evidence "Signed minutes" }
    control b "B" { evidence "A screenshot of the settings" }
  })");
  auto out = lines(render(*w, DriftFormat::Text));
  CHECK(out.back() ==
        "2 controls: 0 pass, 0 fail, 0 unknown, 2 manual, 0 waived. Nothing was evaluated: no control has an "
        "expectation or dated evidence.");
  CHECK(lines(render(*w, DriftFormat::Github)).back() == out.back());
  CHECK(render(*w, DriftFormat::Text).find('%') == std::string::npos);
}

TEST_CASE("the JSON report holds every control, expectation and diagnostic", "[drift-report]") {
  auto w = world(kPolicy, 1);
  auto doc = nlohmann::json::parse(render(*w, DriftFormat::Json));
  CHECK(doc["asOf"] == "2026-11-22");
  CHECK(doc["summary"] == nlohmann::json{{"controls", 6}, {"pass", 1}, {"fail", 2}, {"unknown", 1}, {"manual", 1},
                                         {"waived", 1}});
  REQUIRE(doc["policies"].size() == 1);
  const auto& p = doc["policies"][0];
  CHECK(p["policy"] == "p");
  CHECK(p["title"] == "Policy P");
  CHECK(p["nextReview"] == "2026-01-10");
  CHECK(p["reviewOverdue"] == true);
  CHECK(p["controls"].size() == 6);

  const auto* mfa = findControl(doc, "p.mfa");
  REQUIRE(mfa);
  CHECK((*mfa)["title"] == "MFA for everyone");
  CHECK((*mfa)["outcome"] == "fail");
  CHECK((*mfa)["waivedBy"].is_null());
  const auto& e = (*mfa)["expectations"][0];
  CHECK(e["outcome"] == "fail");
  CHECK(e["failures"] == nlohmann::json{"sam@acme.example has no MFA"});
  CHECK(e["failureCount"] == 2);
  CHECK(e["reason"].is_null());
  CHECK(e["location"] == nlohmann::json{{"file", "p.tenet"}, {"line", 9}, {"column", 5}});

  const auto* reviews = findControl(doc, "p.reviews");
  REQUIRE(reviews);
  CHECK((*reviews)["outcome"] == "unknown");
  CHECK((*reviews)["expectations"][0]["reason"] == "the facts file facts/reviews.json is missing");

  const auto* vpn = findControl(doc, "p.vpn");
  REQUIRE(vpn);
  CHECK((*vpn)["outcome"] == "waived");
  CHECK((*vpn)["waivedBy"] == "legacy");

  const auto* exportCtl = findControl(doc, "p.export");
  REQUIRE(exportCtl);
  CHECK((*exportCtl)["evidence"][0]["outcome"] == "fail");
  CHECK((*exportCtl)["evidence"][0]["detail"] ==
        "the evidence is from 2026-11-12, 10 days old; it must be at most 5 days old");

  const auto* minutes = findControl(doc, "p.minutes");
  REQUIRE(minutes);
  CHECK((*minutes)["outcome"] == "manual");
  CHECK((*minutes)["evidence"][0]["detail"] == "Signed minutes of the risk committee");

  // The diagnostics are those of `tenet check --format json`.
  REQUIRE(doc["diagnostics"].size() == 1);
  const auto& d = doc["diagnostics"][0];
  CHECK(d["code"] == "review-overdue");
  CHECK(d["severity"] == "warning");
  CHECK(d["location"]["file"] == "p.tenet");
  CHECK(d["location"]["start"] == nlohmann::json{{"line", 6}, {"column", 3}});
  std::ostringstream check;
  renderJson(check, w->comp.sources(), w->comp.diagnostics());
  CHECK(nlohmann::json::parse(check.str())["diagnostics"] == doc["diagnostics"]);
}

TEST_CASE("the SARIF report is a SARIF 2.1.0 log as code scanning reads it", "[drift-report]") {
  auto w = world(kPolicy, 1);
  DriftRenderOptions o;
  o.toolVersion = "0.1.0";
  auto doc = nlohmann::json::parse(render(*w, DriftFormat::Sarif, o));
  CHECK(doc["version"] == "2.1.0");
  CHECK(doc["$schema"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
  REQUIRE(doc["runs"].size() == 1);
  const auto& run = doc["runs"][0];
  const auto& driver = run["tool"]["driver"];
  CHECK(driver["name"] == "tenet");
  CHECK(driver["version"] == "0.1.0");
  CHECK_FALSE(driver.contains("informationUri"));
  std::vector<std::string> ruleIds;
  for (const auto& r : driver["rules"]) {
    ruleIds.push_back(r["id"]);
    CHECK_FALSE(r["shortDescription"]["text"].get<std::string>().empty());
    CHECK(r["shortDescription"]["text"].get<std::string>().find("{}") == std::string::npos);
  }
  // drift-unknown for p.reviews; no evidence-unknown, since no evidence lacks a date.
  CHECK(ruleIds == std::vector<std::string>{"drift-fail", "drift-unknown", "evidence-stale", "review-overdue"});
  // review-overdue is a lint rule: its summary, then the message as its full description.
  CHECK(driver["rules"][3]["shortDescription"]["text"] == "A policy is past its review date");
  CHECK(driver["rules"][3]["fullDescription"]["text"] == "Policy '\u2026' was due for review on \u2026, \u2026 ago");
  CHECK(driver["rules"][3]["properties"]["tags"] == nlohmann::json({"lint", "review"}));
  CHECK(driver["rules"][3]["defaultConfiguration"]["level"] == "warning");

  const auto& results = run["results"];
  REQUIRE(results.size() == 5);  // mfa, reviews, vpn (waived), export, review-overdue; not ok or minutes
  std::set<std::string> fingerprints;
  int lastLine = 0;
  for (const auto& r : results) {
    CHECK(ruleIds.at(r["ruleIndex"].get<std::size_t>()) == r["ruleId"]);
    REQUIRE(r["locations"].size() == 1);
    const auto& loc = r["locations"][0]["physicalLocation"];
    CHECK(loc["artifactLocation"]["uri"] == "p.tenet");
    int line = loc["region"]["startLine"];
    CHECK(line >= lastLine);  // sorted by file and position
    lastLine = line;
    fingerprints.insert(r["partialFingerprints"]["tenet/v1"].get<std::string>());
  }
  CHECK(fingerprints.size() == results.size());

  const auto* mfa = findResult(run, "p.mfa");
  REQUIRE(mfa);
  CHECK((*mfa)["ruleId"] == "drift-fail");
  CHECK((*mfa)["level"] == "error");
  CHECK((*mfa)["message"]["text"] == "control p.mfa fails for 2 elements: sam@acme.example has no MFA; and 1 more");
  const auto& region = (*mfa)["locations"][0]["physicalLocation"]["region"];
  CHECK(region["startLine"] == 9);
  CHECK(region["startColumn"] == 5);
  CHECK(region["endLine"] == 9);
  CHECK(region["endColumn"] == 81);  // the column after `else "..."`

  const auto* reviews = findResult(run, "p.reviews");
  REQUIRE(reviews);
  CHECK((*reviews)["ruleId"] == "drift-unknown");
  CHECK((*reviews)["level"] == "warning");
  CHECK((*reviews)["message"]["text"] ==
        "control p.reviews cannot be decided: the facts file facts/reviews.json is missing");

  const auto* stale = findResult(run, "p.export");
  REQUIRE(stale);
  CHECK((*stale)["ruleId"] == "evidence-stale");
  CHECK((*stale)["level"] == "error");
  CHECK((*stale)["locations"][0]["physicalLocation"]["region"]["startLine"] == 14);

  // A waived failure is kept, as a suppressed note.
  const auto* vpn = findResult(run, "p.vpn");
  REQUIRE(vpn);
  CHECK((*vpn)["level"] == "note");
  CHECK((*vpn)["suppressions"][0]["kind"] == "external");
  CHECK((*vpn)["suppressions"][0]["justification"] == "waived by exception legacy");

  const auto& overdue = results[0];  // line 6 comes first
  CHECK(overdue["ruleId"] == "review-overdue");
  CHECK(overdue["level"] == "warning");
  CHECK(overdue["message"]["text"] ==
        "policy 'p' was due for review on 2026-01-10, 316 days ago\n"
        "help: review the policy, then record it with a new version and effective date");
  CHECK(overdue["locations"][0]["physicalLocation"]["region"] ==
        nlohmann::json{{"startLine", 6}, {"startColumn", 3}, {"endLine", 6}, {"endColumn", 30}});
}

TEST_CASE("SARIF fingerprints do not change with the evaluation date", "[drift-report]") {
  auto fingerprints = [](Date asOf) {
    auto w = world(kPolicy, 1);
    DriftOptions opts;
    opts.asOf = asOf;
    DiagnosticEngine diags;
    DriftReport report = computeDrift(*w->comp.model(), w->facts, opts, diags);
    std::ostringstream out;
    renderDrift(out, report, w->comp.sources(), diags, DriftFormat::Sarif);
    std::map<std::string, std::string> byRule;
    auto doc = nlohmann::json::parse(out.str());
    for (const auto& r : doc["runs"][0]["results"]) {
      std::string control = r.contains("properties") ? r["properties"].value("control", "") : "";
      byRule[r["ruleId"].get<std::string>() + " " + control] = r["partialFingerprints"]["tenet/v1"];
    }
    return byRule;
  };
  // "10 days old" becomes "11 days old", "316 days ago" becomes "317 days ago".
  auto a = fingerprints(Date{2026, 11, 22});
  auto b = fingerprints(Date{2026, 11, 23});
  CHECK(a.size() == 5);
  CHECK(a == b);
}

TEST_CASE("drift rule ids do not clash with diagnostic codes", "[drift-report]") {
  for (const auto& info : kDiagTable)
    for (std::string_view id : {"drift-fail", "drift-unknown", "evidence-stale", "evidence-unknown"})
      CHECK(info.name != id);
}

TEST_CASE("GitHub annotations are one workflow command per finding, escaped", "[drift-report]") {
  auto w = world(kPolicy, 1);
  CHECK(render(*w, DriftFormat::Github) ==
        "::error file=p.tenet,line=9,col=5,endLine=9,endColumn=81,title=control p.mfa fails for 2 elements "
        "(drift-fail)::sam@acme.example has no MFA%0Aand 1 more\n"
        "::warning file=p.tenet,line=11,col=38,endLine=11,endColumn=98,title=control p.reviews cannot be decided "
        "(drift-unknown)::the facts file facts/reviews.json is missing\n"
        "::error file=p.tenet,line=14,col=35,endLine=14,endColumn=80,title=control p.export has stale evidence "
        "(evidence-stale)::the evidence is from 2026-11-12, 10 days old; it must be at most 5 days old\n"
        "::warning file=p.tenet,line=6,col=3,endLine=6,endColumn=30,title=review-overdue::policy 'p' was due for "
        "review on 2026-01-10, 316 days ago%0Ahelp: review the policy, then record it with a new version and "
        "effective date\n"
        "6 controls: 1 pass, 2 fail, 1 unknown, 1 manual, 1 waived.\n");
}

TEST_CASE("messages with commas, colons, percent signs, newlines and control characters are escaped",
          "[drift-report]") {
  const char* okta = R"({"exported_at": "2026-11-20", "enforced": true, "users": [
    {"email": "sam\r@acme.example", "active": true, "mfa": false},
    {"email": "\u001b[31mbot@acme.example", "active": true, "mfa": false}
  ]})";
  auto w = world(R"(policy q {
  control esc "Escaping" {
    expect all u in okta.users where u.active: u.mfa else "{u.email}: 100% done, or not\nsee the runbook"
  }
  control multi "Two lines" {
    expect all u in okta.users where u.active:
      u.mfa else "{u.email} has no MFA"
  }
})",
                 5, "dir/a,b:c.tenet", okta);
  auto gh = lines(render(*w, DriftFormat::Github));
  REQUIRE(gh.size() == 3);
  // Properties escape % CR LF : and ,; the message escapes % CR LF.
  CHECK(gh[0] ==
        "::error file=dir/a%2Cb%3Ac.tenet,line=3,col=5,endLine=3,endColumn=106,title=control q.esc fails for 2 "
        "elements (drift-fail)::sam%0D@acme.example: 100%25 done, or not%0Asee the runbook%0A?[31mbot@acme.example: "
        "100%25 done, or not%0Asee the runbook");
  // Columns only on a one-line annotation.
  CHECK(gh[1] ==
        "::error file=dir/a%2Cb%3Ac.tenet,line=6,endLine=7,title=control q.multi fails for 2 elements "
        "(drift-fail)::sam%0D@acme.example has no MFA%0A?[31mbot@acme.example has no MFA");
  CHECK(gh[2] == "2 controls: 0 pass, 2 fail, 0 unknown, 0 manual, 0 waived.");

  // Text: continuation lines are indented, and no escape sequence reaches the terminal.
  std::string text = render(*w, DriftFormat::Text);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\r') == std::string::npos);
  auto t = lines(text);
  CHECK(std::find(t.begin(), t.end(), "             sam @acme.example: 100% done, or not") != t.end());
  CHECK(std::find(t.begin(), t.end(), "             see the runbook") != t.end());
  CHECK(std::find(t.begin(), t.end(), "             ?[31mbot@acme.example: 100% done, or not") != t.end());

  // SARIF: the path is a URI reference; the message keeps the data as it is.
  auto sarif = nlohmann::json::parse(render(*w, DriftFormat::Sarif));
  const auto& r = sarif["runs"][0]["results"][0];
  CHECK(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "dir/a%2Cb%3Ac.tenet");
  CHECK(r["message"]["text"] ==
        "control q.esc fails for 2 elements: sam\r@acme.example: 100% done, or not\nsee the runbook; "
        "\x1b[31mbot@acme.example: 100% done, or not\nsee the runbook");
  CHECK(sarif["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["endLine"] == 7);
}

TEST_CASE("the same report renders to the same bytes every time", "[drift-report]") {
  auto a = world(kPolicy, 1);
  auto b = world(kPolicy, 1);
  DriftRenderOptions o;
  o.toolVersion = "0.1.0";
  for (auto f : {DriftFormat::Text, DriftFormat::Json, DriftFormat::Sarif, DriftFormat::Github}) {
    std::string first = render(*a, f, o);
    CHECK(render(*a, f, o) == first);
    CHECK(render(*b, f, o) == first);
  }
}

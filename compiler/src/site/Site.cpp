// The published site: static HTML pages built from the compiled model, the
// drift report and the git history. Every piece of user text goes through
// `esc` (or through the Markdown renderer, which escapes it); every file
// name and anchor through `fileSlug` / `anchor`.
#include "tenet/site/Site.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "tenet/analysis/Coverage.h"
#include "tenet/base/Embedded.h"
#include "tenet/base/Thread.h"
#include "tenet/emit/DriftReport.h"
#include "tenet/emit/Table.h"
#include "tenet/facts/FactStore.h"
#include "tenet/site/Markdown.h"

namespace tenet {

namespace {

bool slugChar(char c, bool dot) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         (dot && c == '.');
}

/// Letters, digits, `_`, `-` (and `.` for anchors) kept; other bytes as ~XX.
std::string slug(std::string_view name, bool dot) {
  std::string out;
  for (char c : name) {
    if (slugChar(c, dot)) out += c;
    else out += fmt::format("~{:02X}", static_cast<unsigned char>(c));
  }
  constexpr std::size_t kMax = 100;
  if (out.size() > kMax) {
    // FNV-1a: a stable checksum keeps cut names apart.
    std::uint64_t h = 1469598103934665603ULL;
    for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    out = out.substr(0, kMax) + fmt::format("~{:016x}", h);
  }
  if (out.empty()) out = "~";
  return out;
}

std::string anchor(std::string_view prefix, std::string_view id) { return std::string(prefix) + slug(id, true); }

/// HTML text. Control characters, which HTML does not allow, become U+FFFD.
std::string esc(std::string_view s) {
  std::string clean;
  clean.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto u = static_cast<unsigned char>(s[i]);
    if ((u < 0x20 && u != '\n' && u != '\t') || u == 0x7f) {
      clean += "\xEF\xBF\xBD";
    } else if (u == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      clean += "\xEF\xBF\xBD";  // C1 controls
      ++i;
    } else {
      clean += s[i];
    }
  }
  return htmlEscape(clean);
}

/// An identifier that may break after a `.` in a narrow column.
std::string breakable(std::string_view id) {
  std::string out;
  for (char c : id) {
    out += esc(std::string_view(&c, 1));
    if (c == '.') out += "<wbr>";
  }
  return out;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string_view outcomeWord(Outcome o) {
  switch (o) {
    case Outcome::Pass: return "Pass";
    case Outcome::Fail: return "Fail";
    case Outcome::Unknown: return "Unknown";
    case Outcome::Manual: return "Manual";
    case Outcome::Waived: return "Waived";
  }
  return "Unknown";
}

std::string badge(Outcome o) {
  return fmt::format("<span class=\"status status-{}\">{}</span>", outcomeName(o), outcomeWord(o));
}

/// Worst first, as for a requirement's status: a failing control makes a
/// policy fail, and it shows "pass" only when every control passes.
int severityRank(Outcome o) {
  switch (o) {
    case Outcome::Fail: return 0;
    case Outcome::Unknown: return 1;
    case Outcome::Waived: return 2;
    case Outcome::Manual: return 3;
    case Outcome::Pass: return 4;
  }
  return 1;
}

std::string titleOr(const std::optional<Text>& t, std::string_view fallback) {
  return t && !t->value.empty() ? t->value : std::string(fallback);
}

class SiteBuilder {
 public:
  explicit SiteBuilder(const SiteInput& in) : in_(in), m_(*in.model) {
    for (const auto& pd : in_.drift->policies) {
      policyDrift_[pd.policy] = &pd;
      for (const auto& cd : pd.controls) controlDrift_[cd.result.control] = &cd;
    }
    const ProjectDecl* project = m_.project;
    siteTitle_ = project ? titleOr(project->title, project->name.name) : "Policies";
    if (project)
      if (const Property* org = findProperty(project->properties, "organization"))
        if (org->value && org->value->text) org_ = org->value->text->value;
    // Pages for the frameworks the project targets first, then for every
    // other framework a control names or a crosswalk reaches.
    std::set<const Framework*> seen;
    for (const Framework* fw : m_.projectFrameworks)
      if (seen.insert(fw).second) frameworks_.push_back(fw);
    for (const auto& [name, fw] : m_.frameworks)
      if (seen.insert(fw.get()).second) frameworks_.push_back(fw.get());
  }

  std::vector<SiteFile> build() {
    // Each page is rendered from the model alone, so pages are rendered on
    // every core and collected in this order.
    std::vector<std::pair<std::string, std::function<std::string()>>> pages;
    pages.emplace_back("index.html", [this] { return indexPage(); });
    for (const auto& [name, policy] : m_.policies)
      pages.emplace_back(policyFile(*policy), [this, p = policy.get()] { return policyPage(*p); });
    pages.emplace_back("all-policies.html", [this] { return allPoliciesPage(); });
    pages.emplace_back("frameworks.html", [this] { return frameworksPage(); });
    for (const Framework* fw : frameworks_)
      pages.emplace_back(frameworkFile(*fw), [this, fw] { return frameworkPage(*fw); });
    pages.emplace_back("crosswalks.html", [this] { return crosswalksPage(); });
    for (const auto& [a, b] : crosswalkPairs())
      pages.emplace_back(crosswalkFile(*a, *b), [this, a = a, b = b] { return crosswalkPage(*a, *b); });
    pages.emplace_back("soa.html", [this] { return soaPage(); });
    pages.emplace_back("coverage.html", [this] { return coveragePage(); });
    pages.emplace_back("drift.html", [this] { return driftPage(); });

    std::vector<SiteFile> files(pages.size());
    std::atomic<std::size_t> next{0};
    std::mutex failedLock;
    std::exception_ptr failed;  // the first page that could not be rendered, raised again below
    auto work = [&] {
      for (std::size_t i; (i = next++) < pages.size();) {
        try {
          files[i] = {pages[i].first, pages[i].second()};
        } catch (...) {
          std::lock_guard<std::mutex> hold(failedLock);
          if (!failed) failed = std::current_exception();
          next = pages.size();
        }
      }
    };
    ensureMarkdownReady();  // registers cmark-gfm's extensions once, before any thread uses them
    std::size_t workers = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), pages.size());
    std::vector<StackThread> threads;
    for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    if (failed) std::rethrow_exception(failed);
    for (const EmbeddedFile& asset : embeddedSiteAssets()) files.push_back({asset.name, std::string(asset.data, asset.size)});
    return files;
  }

 private:
  const SiteInput& in_;
  const Model& m_;
  std::map<const Policy*, const PolicyDrift*> policyDrift_;
  std::map<const Control*, const ControlDrift*> controlDrift_;
  std::string siteTitle_, org_;
  std::vector<const Framework*> frameworks_;

  // ---- names of pages and anchors ----------------------------------------

  static std::string policyFile(const Policy& p) { return "policy-" + fileSlug(p.decl->name.name) + ".html"; }
  static std::string frameworkFile(const Framework& f) { return "framework-" + fileSlug(f.name) + ".html"; }
  static std::string crosswalkFile(const Framework& a, const Framework& b) {
    return "crosswalk-" + fileSlug(a.name) + "--" + fileSlug(b.name) + ".html";
  }
  static std::string requirementLink(const Requirement& r) {
    return frameworkFile(*r.framework) + "#" + anchor("req-", r.id);
  }
  static std::string controlLink(const Control& c) {
    return policyFile(*c.policy) + "#" + anchor("control-", c.decl->name.name);
  }
  static std::string controlId(const Control& c) { return c.policy->decl->name.name + "." + c.decl->name.name; }

  std::string asOf() const { return formatDate(in_.drift->asOf); }

  /// A source file's path relative to the project's folder, when it is in it.
  std::string displayPath(const std::string& path) const {
    if (in_.projectRoot.empty()) return path;
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(path, ec);
    std::filesystem::path root = std::filesystem::absolute(in_.projectRoot, ec);
    if (ec) return path;
    std::filesystem::path rel = abs.lexically_normal().lexically_relative(root.lexically_normal());
    if (rel.empty() || *rel.begin() == "..") return path;
    return rel.generic_string();
  }

  std::string sourceText(SourceRange r) const {
    if (!r.valid()) return {};
    const std::string& text = in_.sources->file(r.file).text;
    if (r.begin > text.size() || r.end > text.size() || r.end < r.begin) return {};
    return text.substr(r.begin, r.end - r.begin);
  }

  std::string roleText(const RoleDecl* role, bool withHolder) const {
    if (!role) return {};
    std::string text = titleOr(role->title, role->name.name);
    if (withHolder)
      if (const Property* holder = findProperty(role->properties, "holder"))
        if (holder->value && holder->value->text && !holder->value->text->value.empty())
          text += " (" + holder->value->text->value + ")";
    return text;
  }

  const RoleDecl* roleNamed(const Expr* e) const {
    if (!e || e->kind != ExprKind::Name) return nullptr;
    auto it = m_.roles.find(e->name.name);
    return it == m_.roles.end() ? nullptr : it->second;
  }

  /// A property's value as a reader sees it: a role by its title, a cadence
  /// as `every 3 months`, a date as 2026-01-15.
  std::string valueText(const Expr& e) const {
    switch (e.kind) {
      case ExprKind::String: return e.text ? e.text->value : std::string();
      case ExprKind::Date: return formatDate(e.dateValue);
      case ExprKind::Cadence: return cadenceText(e.durationValue);
      case ExprKind::Duration: return durationText(e.durationValue);
      case ExprKind::Bool: return e.boolValue ? "yes" : "no";
      case ExprKind::Int: return std::to_string(e.intValue);
      case ExprKind::Number: return e.numberText;
      case ExprKind::None: return "none";
      case ExprKind::Name:
        if (const RoleDecl* r = roleNamed(&e)) return roleText(r, false);
        if (const Framework* fw = m_.framework(e.name.name)) return fw->title;
        return e.name.name;
      case ExprKind::List: {
        std::string out;
        for (const auto& c : e.children) out += (out.empty() ? "" : ", ") + valueText(*c);
        return out;
      }
      default: return oneLine(sourceText(e.range));
    }
  }

  std::string propertyText(const std::vector<Property>& props, std::string_view key) const {
    const Property* p = findProperty(props, key);
    return p && p->value ? valueText(*p->value) : std::string();
  }

  /// Prose with its `{name}` interpolations filled in, rendered from Markdown.
  std::string prose(const Text& t, const ControlDecl* control, const PolicyDecl* policy, int headingOffset) const {
    std::string md;
    for (const auto& part : t.parts) {
      if (!part.isInterpolation) {
        md += part.text;
        continue;
      }
      const Property* p = nullptr;
      if (part.path.size() == 1) {
        if (control) p = findProperty(control->properties, part.path[0].name);
        if (!p && policy) p = findProperty(policy->properties, part.path[0].name);
      }
      md += markdownEscape(p && p->value ? valueText(*p->value) : sourceText(part.range));
    }
    MarkdownOptions mo;
    mo.headingOffset = headingOffset;
    return markdownToHtml(md, mo);
  }

  // ---- page frame ----------------------------------------------------------

  std::string page(std::string_view title, std::string_view current, const std::string& body,
                   std::string_view bodyClass = "") const {
    std::string out;
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<meta name=\"generator\" content=\"Tenet " + esc(in_.toolVersion) + "\">\n";
    out += "<title>" + esc(title) + " | " + esc(siteTitle_) + "</title>\n";
    out += "<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n";
    out += bodyClass.empty() ? "<body>\n" : "<body class=\"" + std::string(bodyClass) + "\">\n";
    out += "<header class=\"site-header\">\n<p class=\"site-title\"><a href=\"index.html\">" + esc(siteTitle_) +
           "</a></p>\n<nav aria-label=\"Site\">\n<ul>\n";
    static constexpr std::pair<const char*, const char*> kNav[] = {
        {"index.html", "Policies"},
        {"frameworks.html", "Frameworks"},
        {"soa.html", "Statement of Applicability"},
        {"coverage.html", "Coverage"},
        {"crosswalks.html", "Crosswalks"},
        {"drift.html", "Drift"},
    };
    for (const auto& [href, label] : kNav) {
      bool here = current == href;
      out += fmt::format("<li><a href=\"{}\"{}>{}</a></li>\n", href, here ? " aria-current=\"page\"" : "", label);
    }
    out += "</ul>\n</nav>\n</header>\n<main>\n" + body + "</main>\n";
    out += "<footer class=\"site-footer\">\n<p>Generated by Tenet " + esc(in_.toolVersion) +
           " from the policy repository. Control status as evaluated against the facts as of " + asOf() +
           ".</p>\n</footer>\n</body>\n</html>\n";
    return out;
  }

  static std::string table(const Table& t) {
    std::ostringstream s;
    renderTableHtml(s, t);
    return "<div class=\"table-wrap\">\n" + s.str() + "</div>\n";
  }

  // ---- status --------------------------------------------------------------

  struct Counts {
    std::size_t n[5] = {0, 0, 0, 0, 0};
    std::size_t total = 0;
    void add(Outcome o) {
      ++n[static_cast<int>(o)];
      ++total;
    }
    Outcome worst() const {
      Outcome w = Outcome::Pass;
      for (int k = 0; k < 5; ++k)
        if (n[k] && severityRank(static_cast<Outcome>(k)) < severityRank(w)) w = static_cast<Outcome>(k);
      return w;
    }
    std::string text() const {
      std::string out;
      for (Outcome o : {Outcome::Fail, Outcome::Unknown, Outcome::Waived, Outcome::Manual, Outcome::Pass})
        if (n[static_cast<int>(o)])
          out += (out.empty() ? "" : ", ") + fmt::format("{} {}", n[static_cast<int>(o)], outcomeName(o));
      return out.empty() ? "no controls" : out;
    }
  };

  Counts policyCounts(const Policy& p) const {
    Counts c;
    for (const auto& control : p.controls)
      if (auto it = controlDrift_.find(control.get()); it != controlDrift_.end()) c.add(it->second->result.outcome);
    return c;
  }

  std::string policyStatus(const Policy& p) const {
    Counts c = policyCounts(p);
    if (c.total == 0) return "<span class=\"status status-none\">No controls</span>";
    return badge(c.worst()) + " <span class=\"counts\">" + esc(c.text()) + "</span>";
  }

  // ---- index ---------------------------------------------------------------

  std::string indexPage() const {
    std::string b;
    if (!org_.empty()) b += "<p class=\"org\">" + esc(org_) + "</p>\n";
    b += "<h1>" + esc(siteTitle_) + "</h1>\n";
    if (m_.project)
      if (const Property* scope = findProperty(m_.project->properties, "scope"))
        if (scope->value && scope->value->text) {
          b += "<section class=\"scope\">\n<h2>Scope of the information security management system</h2>\n";
          b += prose(*scope->value->text, nullptr, nullptr, 2) + "</section>\n";
        }
    if (!m_.projectFrameworks.empty()) {
      b += "<section>\n<h2>Frameworks</h2>\n<ul>\n";
      for (const Framework* fw : m_.projectFrameworks)
        b += "<li><a href=\"" + frameworkFile(*fw) + "\">" + esc(fw->title) + "</a></li>\n";
      b += "</ul>\n</section>\n";
    }
    b += "<section>\n<h2>Policies</h2>\n<div class=\"table-wrap\">\n<table class=\"policies\">\n<thead><tr>";
    for (const char* h : {"Policy", "Owner", "Approver", "Version", "Effective", "Next review", "Status"})
      b += std::string("<th scope=\"col\">") + h + "</th>";
    b += "</tr></thead>\n<tbody>\n";
    for (const auto& [name, policy] : m_.policies) {
      const PolicyDecl& d = *policy->decl;
      const PolicyDrift* pd = policyDrift_.count(policy.get()) ? policyDrift_.at(policy.get()) : nullptr;
      std::string next = pd && pd->nextReview ? formatDate(*pd->nextReview) : "";
      if (pd && pd->reviewOverdue) next += " <span class=\"status status-fail\">overdue</span>";
      b += "<tr><td><a href=\"" + policyFile(*policy) + "\">" + esc(titleOr(d.title, d.name.name)) + "</a></td>";
      b += "<td>" + esc(roleText(policy->owner, false)) + "</td>";
      b += "<td>" + esc(roleText(policy->approver, false)) + "</td>";
      b += "<td>" + esc(propertyText(d.properties, "version")) + "</td>";
      b += "<td class=\"date\">" + esc(propertyText(d.properties, "effective")) + "</td>";
      b += "<td class=\"date\">" + next + "</td>";
      b += "<td>" + policyStatus(*policy) + "</td></tr>\n";
    }
    b += "</tbody>\n</table>\n</div>\n";
    b += "<p><a href=\"all-policies.html\">All policies in one document</a>, for printing or saving as PDF.</p>\n";
    b += "<p>Status as of " + asOf() + ": " + esc(summarySentence(in_.drift->summary)) +
         " See the <a href=\"drift.html\">drift report</a>.</p>\n</section>\n";
    b += "<section>\n<h2>Reports</h2>\n<ul>\n"
         "<li><a href=\"soa.html\">Statement of Applicability</a> (ISO/IEC 27001:2022, clause 6.1.3 d)</li>\n"
         "<li><a href=\"coverage.html\">Coverage</a> of each framework by the controls</li>\n"
         "<li><a href=\"crosswalks.html\">Crosswalks</a> between frameworks</li>\n"
         "<li><a href=\"drift.html\">Drift</a>: what the facts show against what the policies say</li>\n"
         "</ul>\n</section>\n";
    return page("Policies", "index.html", b);
  }

  // ---- one policy ----------------------------------------------------------

  std::string policyPage(const Policy& policy) const {
    return page(titleOr(policy.decl->title, policy.decl->name.name), "", policyArticle(policy, ""), "document");
  }

  /// Every policy in one document, each starting on a new page in print.
  std::string allPoliciesPage() const {
    std::string b = "<h1 class=\"screen-only\">All policies</h1>\n<p class=\"screen-only\">Every policy in one "
                    "document, for printing or saving as PDF: each policy starts on a new page.</p>\n";
    for (const auto& [name, policy] : m_.policies) b += policyArticle(*policy, fileSlug(name) + "--");
    return page("All policies", "", b, "document");
  }

  /// A policy as a document. `idPrefix` keeps anchors apart when several
  /// policies share a page.
  std::string policyArticle(const Policy& policy, const std::string& idPrefix) const {
    const PolicyDecl& d = *policy.decl;
    const PolicyDrift* pd = policyDrift_.count(&policy) ? policyDrift_.at(&policy) : nullptr;
    std::string title = titleOr(d.title, d.name.name);
    std::string b = idPrefix.empty() ? "<article class=\"policy\">\n"
                                     : "<article class=\"policy\" id=\"" + idPrefix + "policy\">\n";
    if (!org_.empty()) b += "<p class=\"org\">" + esc(org_) + "</p>\n";
    b += "<h1>" + esc(title) + "</h1>\n";

    // Document control.
    b += "<table class=\"doc-control\">\n<caption>Document control</caption>\n<tbody>\n";
    auto row = [&](std::string_view label, const std::string& html) {
      b += "<tr><th scope=\"row\">" + std::string(label) + "</th><td>" + html + "</td></tr>\n";
    };
    row("Document", "<code>" + esc(d.name.name) + "</code>");
    row("Owner", esc(roleText(policy.owner, true)));
    row("Approver", esc(roleText(policy.approver, true)));
    row("Version", esc(propertyText(d.properties, "version")));
    row("Effective date", esc(propertyText(d.properties, "effective")));
    row("Review cadence", esc(propertyText(d.properties, "review")));
    std::string next = pd && pd->nextReview ? formatDate(*pd->nextReview) : "";
    if (pd && pd->reviewOverdue) next += " <span class=\"status status-fail\">overdue</span>";
    row("Next review", next);
    row("Classification", esc(propertyText(d.properties, "classification")));
    row("Control status", policyStatus(policy) + " <span class=\"as-of\">as of " + asOf() + "</span>");
    b += "</tbody>\n</table>\n";

    b += historySection(policy);

    // Prose sections, numbered as a policy document is.
    int number = 0;
    for (const auto& s : d.sections) {
      ++number;
      b += fmt::format("<section class=\"prose\">\n<h2>{}. {}</h2>\n", number, esc(s.heading.value));
      b += prose(s.body, nullptr, &d, 2) + "</section>\n";
    }
    if (!policy.controls.empty()) {
      ++number;
      b += fmt::format("<section class=\"controls\">\n<h2>{}. Controls</h2>\n", number);
      for (const auto& c : policy.controls) b += controlSection(*c, number, idPrefix);
      b += "</section>\n";
    }
    b += "</article>\n";
    return b;
  }

  std::string historySection(const Policy& policy) const {
    if (!in_.history) return {};
    const std::string& path = in_.sources->file(policy.decl->range.file).path;
    auto it = in_.history->revisions.find(path);
    if (it == in_.history->revisions.end()) return {};
    std::string b = "<section class=\"history\">\n<h2>Revision history</h2>\n";
    auto dirty = in_.history->uncommitted.find(path);
    if (dirty != in_.history->uncommitted.end() && dirty->second)
      b += "<p class=\"note\">This copy includes changes to <code>" + esc(displayPath(path)) +
           "</code> that are not committed yet.</p>\n";
    if (it->second.empty()) {
      bool isDirty = dirty != in_.history->uncommitted.end() && dirty->second;
      if (in_.history->shallow && !isDirty)
        b += "<p class=\"note\">This copy of the repository holds only its latest commits (a shallow clone), and "
             "they did not change this policy. Build from a full clone to show its revision history.</p>\n";
      else
        b += "<p>The policy's file has not been committed yet.</p>\n";
      return b + "</section>\n";
    }
    b += "<div class=\"table-wrap\">\n<table>\n<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Author</th>"
         "<th scope=\"col\">Change</th><th scope=\"col\">Commit</th></tr></thead>\n<tbody>\n";
    for (const Revision& r : it->second)
      b += "<tr><td class=\"date\">" + esc(r.date) + "</td><td>" + esc(r.author) + "</td><td>" + esc(r.summary) +
           "</td><td class=\"commit\"><code>" +
           esc(r.commit) + "</code></td></tr>\n";
    b += "</tbody>\n</table>\n</div>\n";
    if (in_.history->shallow)
      b += "<p class=\"note\">Older revisions are not shown: this copy of the repository holds only part of its "
           "history.</p>\n";
    return b + "</section>\n";
  }

  std::string controlSection(const Control& c, int sectionNumber, const std::string& idPrefix) const {
    const ControlDecl& d = *c.decl;
    const ControlDrift* cd = controlDrift_.count(&c) ? controlDrift_.at(&c) : nullptr;
    std::size_t index = 0;
    for (std::size_t k = 0; k < c.policy->controls.size(); ++k)
      if (c.policy->controls[k].get() == &c) index = k + 1;
    std::string b = "<section class=\"control\" id=\"" + anchor(idPrefix + "control-", d.name.name) + "\">\n";
    b += fmt::format("<h3>{}.{} {}</h3>\n", sectionNumber, index, esc(titleOr(d.title, d.name.name)));
    b += "<p class=\"control-meta\"><code>" + esc(controlId(c)) + "</code>";
    if (cd) b += " " + badge(cd->result.outcome);
    b += "</p>\n";
    if (d.statement) b += "<div class=\"statement\">\n" + prose(*d.statement, &d, c.policy->decl, 3) + "</div>\n";
    b += "<dl class=\"control-facts\">\n";
    if (const Property* owner = findProperty(d.properties, "owner"))
      if (const RoleDecl* r = roleNamed(owner->value.get())) b += "<dt>Owner</dt><dd>" + esc(roleText(r, true)) + "</dd>\n";
    if (std::string cadence = propertyText(d.properties, "cadence"); !cadence.empty())
      b += "<dt>Cadence</dt><dd>" + esc(cadence) + "</dd>\n";
    if (!c.satisfies.empty()) {
      // Grouped by framework, in the order the frameworks are first named.
      std::vector<const Framework*> order;
      for (const Requirement* r : c.satisfies)
        if (std::find(order.begin(), order.end(), r->framework) == order.end()) order.push_back(r->framework);
      b += "<dt>Satisfies</dt><dd>\n";
      for (const Framework* fw : order) {
        b += "<p class=\"framework\">" + esc(fw->title) + "</p>\n<ul class=\"requirements\">\n";
        for (const Requirement* r : c.satisfies)
          if (r->framework == fw)
            b += "<li><a href=\"" + requirementLink(*r) + "\"><span class=\"req-id\">" + esc(r->id) + "</span> " +
                 esc(r->title) + "</a></li>\n";
        b += "</ul>\n";
      }
      b += "</dd>\n";
    }
    if (!d.evidence.empty()) {
      b += "<dt>Evidence</dt><dd><ul class=\"evidence\">\n";
      for (std::size_t k = 0; k < d.evidence.size(); ++k) {
        const EvidenceDecl& e = d.evidence[k];
        const EvidenceResult* r = cd && k < cd->result.evidence.size() ? &cd->result.evidence[k] : nullptr;
        b += "<li>";
        bool described = e.expr && e.expr->kind == ExprKind::String && e.expr->text;
        if (described) {
          b += esc(e.expr->text->value);
        } else {
          b += "<code>" + esc(oneLine(sourceText(e.expr ? e.expr->range : SourceRange{}))) + "</code>";
          if (e.freshWithin) b += ", fresh within " + esc(durationText(*e.freshWithin));
        }
        if (r) {
          b += " " + badge(r->outcome);
          if (!r->detail.empty() && !described) b += " <span class=\"detail\">" + esc(r->detail) + "</span>";
        }
        b += "</li>\n";
      }
      b += "</ul></dd>\n";
    }
    if (!d.expects.empty()) {
      b += "<dt>Automated checks</dt><dd><ul class=\"checks\">\n";
      for (std::size_t k = 0; k < d.expects.size(); ++k) {
        const ExpectDecl& e = d.expects[k];
        const ExpectResult* r = cd && k < cd->result.expects.size() ? &cd->result.expects[k] : nullptr;
        b += "<li><code>" + esc(oneLine(sourceText(e.expr ? e.expr->range : SourceRange{}))) + "</code>";
        if (r) {
          b += " " + badge(r->outcome);
          if (r->outcome == Outcome::Fail) {
            b += "<ul class=\"failures\">\n";
            for (const auto& line : failureLines(*r)) b += "<li>" + esc(line) + "</li>\n";
            b += "</ul>";
          } else if (r->outcome == Outcome::Unknown && !r->reason.empty()) {
            b += " <span class=\"detail\">" + esc(r->reason) + "</span>";
          }
        }
        b += "</li>\n";
      }
      b += "</ul></dd>\n";
    }
    if (cd && cd->waivedBy) {
      const ExceptionDecl& ex = *cd->waivedBy->decl;
      b += "<dt>Exception</dt><dd>" + esc(titleOr(ex.title, ex.name.name));
      if (std::string until = propertyText(ex.properties, "expires"); !until.empty()) b += ", until " + esc(until);
      if (cd->waivedBy->approver) b += ", approved by " + esc(roleText(cd->waivedBy->approver, true));
      b += "</dd>\n";
    }
    b += "</dl>\n</section>\n";
    return b;
  }

  // ---- frameworks ------------------------------------------------------------

  std::string frameworksPage() const {
    std::string b = "<h1>Frameworks</h1>\n";
    std::set<const Framework*> targeted(m_.projectFrameworks.begin(), m_.projectFrameworks.end());
    auto list = [&](bool wanted) {
      std::string out = "<ul>\n";
      for (const Framework* fw : frameworks_)
        if (targeted.count(fw) == (wanted ? 1u : 0u))
          out += "<li><a href=\"" + frameworkFile(*fw) + "\">" + esc(fw->title) + "</a> <code>" + esc(fw->name) +
                 "</code>, " + plural(fw->requirements.size(), "requirement", "requirements") + "</li>\n";
      return out + "</ul>\n";
    };
    if (!targeted.empty()) b += "<h2>Frameworks of this programme</h2>\n" + list(true);
    if (targeted.size() < frameworks_.size())
      b += "<h2>Other frameworks</h2>\n<p>Reached through crosswalks or named by a control.</p>\n" + list(false);
    return page("Frameworks", "frameworks.html", b);
  }

  /// Links to controls; with `via`, how each reaches the requirement. The
  /// controls in `skip` (those already listed as direct) are left out.
  std::string linkList(const std::vector<CoverageLink>& links, bool via,
                       const std::vector<CoverageLink>* skip = nullptr) const {
    // A requirement of a large project is reached by thousands of links:
    // repeats are found by what an item shows (the control, and with `via`
    // the relation), not by comparing the items' HTML.
    struct Shown {
      const Control* control;
      const Requirement* via;
      RelationKind kind;
      bool derived;
      bool operator==(const Shown&) const = default;
    };
    struct Hash {
      std::size_t operator()(const Shown& s) const {
        return std::hash<const void*>()(s.control) * 31 + std::hash<const void*>()(s.via) * 7 +
               static_cast<std::size_t>(s.kind) * 2 + (s.derived ? 1 : 0);
      }
    };
    std::unordered_set<const Control*> direct;
    if (skip)
      for (const auto& l : *skip) direct.insert(l.control);
    std::unordered_set<Shown, Hash> seen;
    std::string out;
    for (const auto& l : links) {
      if (direct.count(l.control)) continue;
      Shown key = via ? Shown{l.control, l.via, l.kind, l.derived} : Shown{l.control, nullptr, RelationKind::Equal, false};
      if (!seen.insert(key).second) continue;
      out += "<li><a href=\"" + controlLink(*l.control) + "\">" + breakable(controlId(*l.control)) + "</a>";
      if (auto it = controlDrift_.find(l.control); it != controlDrift_.end()) out += " " + badge(it->second->result.outcome);
      if (via)
        out += " <span class=\"via\">(" + std::string(relationName(l.kind)) + " via " + esc(l.via->framework->name) +
               " " + esc(l.via->id) + (l.derived ? ", derived" : "") + ")</span>";
      out += "</li>";
    }
    return out.empty() ? std::string() : "<ul class=\"links\">" + out + "</ul>";
  }

  std::string frameworkPage(const Framework& fw) const {
    FrameworkCoverage fc = computeCoverage(m_, *in_.graph, fw, in_.drift);
    std::string b = "<h1>" + esc(fw.title) + "</h1>\n";
    b += "<p>" + plural(fw.requirements.size(), "requirement", "requirements") + ": " +
         std::to_string(fc.count(CoverageState::Direct)) + " with a control of their own, " +
         std::to_string(fc.count(CoverageState::Full)) + " fully and " + std::to_string(fc.count(CoverageState::Partial)) +
         " partly covered through crosswalks, " + std::to_string(fc.count(CoverageState::None)) + " not covered, " +
         std::to_string(fc.count(CoverageState::Excluded)) + " excluded.</p>\n";
    b += "<div class=\"table-wrap\">\n<table class=\"requirements\">\n<thead><tr>";
    for (const char* h : {"Requirement", "Title", "Controls", "Through crosswalks", "Status"})
      b += std::string("<th scope=\"col\">") + h + "</th>";
    b += "</tr></thead>\n<tbody>\n";
    std::vector<const GroupDecl*> open;
    for (const auto& rc : fc.requirements) {
      const Requirement& r = *rc.requirement;
      // A heading row for each group entered.
      std::size_t common = 0;
      while (common < open.size() && common < r.groups.size() && open[common] == r.groups[common]) ++common;
      open.resize(common);
      for (std::size_t k = common; k < r.groups.size(); ++k) {
        const GroupDecl* g = r.groups[k];
        open.push_back(g);
        b += fmt::format("<tr class=\"group group-{}\"><th scope=\"rowgroup\" colspan=\"5\">{}{}</th></tr>\n",
                         std::min<std::size_t>(k + 1, 3), esc(g->id.value),
                         g->title ? " " + esc(g->title->value) : std::string());
      }
      b += "<tr id=\"" + anchor("req-", r.id) + "\"><td class=\"req-id\">" + esc(r.id) + "</td><td>" + esc(r.title) +
           "</td><td>" + linkList(rc.direct, false) + "</td><td>" + linkList(rc.crosswalk, true, &rc.direct) + "</td><td>" +
           requirementStatus(rc) + "</td></tr>\n";
    }
    b += "</tbody>\n</table>\n</div>\n";
    return page(fw.title, "frameworks.html", b, "wide");
  }

  std::string requirementStatus(const RequirementCoverage& rc) const {
    if (rc.exclusion)
      return "<span class=\"status status-excluded\">Excluded</span>\n" + prose(rc.exclusion->reason, nullptr, nullptr, 3);
    if (auto o = implementationStatus(rc, in_.drift)) return badge(*o);
    switch (rc.state) {
      case CoverageState::Full: return "<span class=\"status status-crosswalk\">Covered through a crosswalk</span>";
      case CoverageState::Partial: return "<span class=\"status status-partial\">Partly covered</span>";
      case CoverageState::None: return "<span class=\"status status-none\">Not covered</span>";
      default: return {};
    }
  }

  // ---- crosswalks -------------------------------------------------------------

  /// The crosswalks written in the stdlib or the project, and each pair of
  /// the project's frameworks, in a fixed order.
  std::vector<std::pair<const Framework*, const Framework*>> crosswalkPairs() const {
    std::vector<std::pair<const Framework*, const Framework*>> pairs;
    std::set<std::pair<std::string, std::string>> seen;
    auto add = [&](const Framework* a, const Framework* b) {
      if (a && b && a != b && seen.insert({a->name, b->name}).second) pairs.push_back({a, b});
    };
    const auto& pf = m_.projectFrameworks;
    for (std::size_t i = 0; i < pf.size(); ++i)
      for (std::size_t j = i + 1; j < pf.size(); ++j) add(pf[i], pf[j]);
    std::vector<std::pair<std::string, std::string>> written;
    for (const CrosswalkDecl* cw : m_.crosswalks) written.push_back({cw->from.name, cw->to.name});
    std::sort(written.begin(), written.end());
    for (const auto& [a, b] : written)
      if (!seen.count({b, a})) add(m_.framework(a), m_.framework(b));
    return pairs;
  }

  std::string crosswalksPage() const {
    std::string b = "<h1>Crosswalks</h1>\n<p>How the requirements of one framework relate to those of another: "
                    "equal, subset, superset or intersecting, with the source of each relation. Where no crosswalk "
                    "joins two frameworks directly, relations are derived through others and marked so.</p>\n<ul>\n";
    for (const auto& [a, c] : crosswalkPairs())
      b += "<li><a href=\"" + crosswalkFile(*a, *c) + "\">" + esc(a->title) + " to " + esc(c->title) + "</a></li>\n";
    b += "</ul>\n";
    return page("Crosswalks", "crosswalks.html", b);
  }

  /// The relations, each with its rationale; the sources of the crosswalks
  /// once above them rather than on every row.
  std::string crosswalkList(const Framework& a, const Framework& c) const {
    const CrosswalkGraph& graph = *in_.graph;
    std::string b;
    std::vector<const CrosswalkDecl*> written = graph.crosswalksBetween(a, c);
    if (!written.empty()) {
      b += "<dl class=\"sources\">\n";
      for (const CrosswalkDecl* cw : written) {
        b += "<dt>" + esc(titleOr(cw->title, cw->from.name + " to " + cw->to.name)) + "</dt>\n<dd>";
        if (const Property* src = findProperty(cw->properties, "source"); src && src->value && src->value->text)
          b += "Source: " + esc(src->value->text->value);
        if (const Property* url = findProperty(cw->properties, "url"); url && url->value && url->value->text) {
          const std::string& u = url->value->text->value;
          b += isSafeLink(u) ? " <a href=\"" + esc(u) + "\">" + esc(u) + "</a>" : " " + esc(u);
        }
        b += "</dd>\n";
      }
      b += "</dl>\n";
    }
    std::vector<Mapping> mappings = graph.mappings(a, c);
    std::map<const Requirement*, std::vector<const Mapping*>> byFrom;
    std::size_t derived = 0;
    for (const auto& m : mappings) {
      byFrom[m.from].push_back(&m);
      derived += m.derived();
    }
    if (derived) {
      std::string via;
      for (const auto& chain : graph.chains(a, c)) {
        std::string one;
        for (const Framework* f : chain) one += (one.empty() ? "" : " to ") + f->title;
        via += (via.empty() ? "" : "; ") + one;
      }
      b += "<p>No crosswalk joins these two frameworks directly: " + plural(derived, "relation is", "relations are") +
           " derived through " + esc(via) + ". A derived relation takes the weakest link of its path.</p>\n";
    }
    b += "<p>Relations: <em>equal</em> (the same scope); <em>subset</em> (the left requirement is contained in the "
         "right one); <em>superset</em> (the left contains the right); <em>intersects</em> (they overlap).</p>\n";
    b += "<div class=\"table-wrap\">\n<table class=\"crosswalk\">\n<thead><tr><th scope=\"col\">" + esc(a.title) +
         "</th><th scope=\"col\">" + esc(c.title) + "</th><th scope=\"col\">Relation</th><th scope=\"col\">"
         "Rationale or path</th></tr></thead>\n<tbody>\n";
    auto req = [&](const Requirement& r) {
      std::string link = frameworkHasPage(*r.framework) ? "<a href=\"" + requirementLink(r) + "\">" + esc(r.id) + "</a>"
                                                         : esc(r.id);
      return "<span class=\"req-id\">" + link + "</span> " + esc(r.title);
    };
    for (const auto& r : a.requirements) {
      auto it = byFrom.find(r.get());
      if (it == byFrom.end()) {
        const StatedGap* g = graph.gap(r.get(), c);
        b += "<tr><td>" + req(*r) + "</td><td></td><td>none</td><td>" +
             esc(g ? "No counterpart: " + g->reason : "No relation recorded.") + "</td></tr>\n";
        continue;
      }
      for (const Mapping* m : it->second) {
        std::string why;
        if (m->derived()) why = "Derived: " + describePath(*m);
        else if (const Relation* rel = m->path.front()->relation; rel && rel->rationale) why = rel->rationale->value;
        b += "<tr><td>" + req(*r) + "</td><td>" + req(*m->to) + "</td><td>" + std::string(relationName(m->kind)) +
             (m->derived() ? " (derived)" : "") + "</td><td>" + esc(why) + "</td></tr>\n";
      }
    }
    b += "</tbody>\n</table>\n</div>\n";
    return b;
  }

  bool frameworkHasPage(const Framework& fw) const {
    return std::find(frameworks_.begin(), frameworks_.end(), &fw) != frameworks_.end();
  }

  std::string crosswalkPage(const Framework& a, const Framework& c) const {
    std::string b = "<h1>" + esc(a.title) + " to " + esc(c.title) + "</h1>\n";
    b += "<p><a href=\"#list\">List</a> | <a href=\"#matrix\">Matrix</a></p>\n";
    b += "<section id=\"list\">\n<h2>List</h2>\n" + crosswalkList(a, c) + "</section>\n";
    b += "<section id=\"matrix\" class=\"matrix\">\n<h2>Matrix</h2>\n" + table(crosswalkMatrix(*in_.graph, a, c)) +
         "</section>\n";
    return page(a.title + " to " + c.title, "crosswalks.html", b, "wide");
  }

  // ---- reports ---------------------------------------------------------------

  std::string soaPage() const {
    const Framework* iso = m_.framework("iso27001");
    std::string b = org_.empty() ? std::string() : "<p class=\"org\">" + esc(org_) + "</p>\n";
    b += "<h1>Statement of Applicability</h1>\n";
    if (!iso) {
      b += "<p>The project has no ISO/IEC 27001:2022 catalogue, so there is no Statement of Applicability.</p>\n";
    } else {
      b += "<p>ISO/IEC 27001:2022, clause 6.1.3 d: every Annex A control, whether it is applicable, why, and how "
           "far it is implemented.</p>\n";
      FrameworkCoverage fc = computeCoverage(m_, *in_.graph, *iso, in_.drift);
      b += "<div class=\"table-wrap\">\n<table class=\"soa\">\n<thead><tr>";
      for (const char* h : {"Control", "Title", "Applicable", "Justification", "Implemented by", "Implementation status"})
        b += std::string("<th scope=\"col\">") + h + "</th>";
      b += "</tr></thead>\n<tbody>\n";
      for (const SoaEntry& e : soaEntries(fc)) {
        const Requirement& r = *e.coverage->requirement;
        std::string status = e.outcome ? badge(*e.outcome) + " " : std::string();
        b += "<tr><td class=\"req-id\"><a href=\"" + requirementLink(r) + "\">" + esc(r.id) + "</a></td><td>" +
             esc(r.title) + "</td><td>" + (e.applicable ? "Yes" : "No") + "</td><td>" +
             (e.coverage->exclusion ? prose(e.coverage->exclusion->reason, nullptr, nullptr, 3) : esc(e.justification)) +
             "</td><td>" + (e.applicable ? linkList(e.coverage->direct, false) : std::string()) + "</td><td>" + status +
             esc(e.status) + "</td></tr>\n";
      }
      b += "</tbody>\n</table>\n</div>\n";
      for (const auto& note : soaNotes(fc)) b += "<p>" + esc(note) + "</p>\n";
    }
    return page("Statement of Applicability", "soa.html", b, "soa");
  }

  std::string coveragePage() const {
    std::vector<FrameworkCoverage> coverage = computeCoverage(m_, *in_.graph, in_.drift);
    std::string b = "<h1>Coverage</h1>\n";
    if (coverage.empty()) {
      b += "<p>The project names no framework (frameworks = [iso27001, soc2]) and no control satisfies a "
           "requirement yet.</p>\n";
    } else {
      b += table(coverageSummaryTable(coverage));
      for (const auto& fc : coverage) b += table(coverageTable(fc));
    }
    return page("Coverage", "coverage.html", b, "wide");
  }

  std::string problemLine(const Diagnostic& d) const {
    std::string where;
    if (d.range.valid()) {
      LineCol lc = in_.sources->lineCol(d.range.file, d.range.begin);
      where = fmt::format("{}:{}:{}", displayPath(in_.sources->file(d.range.file).path), lc.line, lc.col);
    }
    return "<li><span class=\"status status-" + std::string(d.severity == Severity::Error ? "fail" : "unknown") +
           "\">" + (d.severity == Severity::Error ? "Error" : "Warning") + "</span> " + (where.empty() ? "" : "<code>" + esc(where) + "</code> ") +
           esc(d.message) + "</li>\n";
  }

  std::string driftPage() const {
    std::string b = "<h1>Drift report</h1>\n<p>Every control's expectations and evidence evaluated against the "
                    "facts exported from the organization's systems, as of " +
                    asOf() + ". " + esc(summarySentence(in_.drift->summary)) + "</p>\n";
    if (in_.problems && !in_.problems->all().empty()) {
      b += "<section>\n<h2>Problems</h2>\n<ul class=\"problems\">\n";
      for (const auto& d : in_.problems->all()) b += problemLine(d);
      b += "</ul>\n</section>\n";
    }
    for (const auto& pd : in_.drift->policies) {
      const PolicyDecl& d = *pd.policy->decl;
      b += "<section>\n<h2><a href=\"" + policyFile(*pd.policy) + "\">" + esc(titleOr(d.title, d.name.name)) +
           "</a></h2>\n";
      if (pd.controls.empty()) {
        b += "<p>No controls.</p>\n</section>\n";
        continue;
      }
      b += "<div class=\"table-wrap\">\n<table class=\"drift\">\n<thead><tr><th scope=\"col\">Control</th>"
           "<th scope=\"col\">Status</th><th scope=\"col\">Details</th></tr></thead>\n<tbody>\n";
      for (const auto& cd : pd.controls) {
        const Control& c = *cd.result.control;
        b += "<tr><td><a href=\"" + controlLink(c) + "\">" + esc(titleOr(c.decl->title, c.decl->name.name)) +
             "</a><br><code>" + esc(controlId(c)) + "</code></td><td>" + badge(cd.result.outcome) + "</td><td>" +
             driftDetails(cd) + "</td></tr>\n";
      }
      b += "</tbody>\n</table>\n</div>\n</section>\n";
    }
    if (!m_.exceptions.empty()) {
      b += "<section>\n<h2>Exceptions</h2>\n<div class=\"table-wrap\">\n<table class=\"exceptions\">\n<thead><tr>"
           "<th scope=\"col\">Exception</th><th scope=\"col\">Waives</th><th scope=\"col\">Approver</th>"
           "<th scope=\"col\">Granted</th><th scope=\"col\">Expires</th><th scope=\"col\">Status</th>"
           "<th scope=\"col\">Reason</th></tr></thead>\n<tbody>\n";
      for (const auto& [name, ex] : m_.exceptions) {
        const ExceptionDecl& d = *ex->decl;
        b += "<tr><td>" + esc(titleOr(d.title, d.name.name)) + "</td><td>" +
             (ex->waives ? "<a href=\"" + controlLink(*ex->waives) + "\">" + esc(controlId(*ex->waives)) + "</a>"
                         : std::string()) +
             "</td><td>" + esc(roleText(ex->approver, true)) + "</td><td class=\"date\">" +
             esc(propertyText(d.properties, "granted")) + "</td><td class=\"date\">" +
             esc(propertyText(d.properties, "expires")) + "</td><td>" + exceptionStatus(*ex) + "</td><td>";
        if (const Property* reason = findProperty(d.properties, "reason"); reason && reason->value && reason->value->text)
          b += prose(*reason->value->text, nullptr, nullptr, 3);
        b += "</td></tr>\n";
      }
      b += "</tbody>\n</table>\n</div>\n</section>\n";
    }
    return page("Drift", "drift.html", b);
  }

  /// Whether an exception waives anything as of the report's date, as
  /// `tenet drift` decides it: it must be approved and not expired.
  std::string exceptionStatus(const Exception& ex) const {
    const Property* expires = findProperty(ex.decl->properties, "expires");
    if (expires && expires->value && expires->value->kind == ExprKind::Date &&
        expires->value->dateValue < in_.drift->asOf)
      return "<span class=\"status status-fail\">Expired</span> it waives nothing";
    if (!ex.approver) return "<span class=\"status status-fail\">Not approved</span> it waives nothing";
    return "<span class=\"status status-waived\">In force</span>";
  }

  std::string driftDetails(const ControlDrift& cd) const {
    std::string out;
    if (cd.result.outcome == Outcome::Waived && cd.waivedBy)
      return "Waived by the exception " + esc(titleOr(cd.waivedBy->decl->title, cd.waivedBy->decl->name.name));
    for (const auto& e : cd.result.expects) {
      if (e.outcome == Outcome::Fail)
        for (const auto& line : failureLines(e)) out += "<li>" + esc(line) + "</li>";
      else if (e.outcome == Outcome::Unknown)
        out += "<li>" + esc(e.reason.empty() ? "the expectation could not be evaluated" : e.reason) + "</li>";
    }
    for (const auto& e : cd.result.evidence)
      if (e.outcome == Outcome::Fail || e.outcome == Outcome::Unknown)
        out += "<li>" + esc(e.detail.empty() ? "the evidence could not be read" : e.detail) + "</li>";
    return out.empty() ? std::string() : "<ul class=\"failures\">" + out + "</ul>";
  }
};

}  // namespace

std::string fileSlug(std::string_view name) { return slug(name, false); }

std::vector<SiteFile> renderSite(const SiteInput& input) { return SiteBuilder(input).build(); }

}  // namespace tenet

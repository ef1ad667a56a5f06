// Declarations, names and properties: collects every declaration across
// files, reports duplicates and unknown names, checks each property against
// what its declaration accepts, and builds the Model.
#include "tenet/sema/Sema.h"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>
#include <unordered_map>

#include "Checker.h"
#include "tenet/lint/Lint.h"

namespace tenet {

namespace {

enum class PropKind { String, Text, Date, Bool, Role, Cadence, Frameworks, ControlRef };

struct PropSpec {
  std::string_view name;
  PropKind kind;
  bool required = false;
};

constexpr PropSpec kProjectProps[] = {
    {"frameworks", PropKind::Frameworks}, {"scope", PropKind::Text}, {"organization", PropKind::String}};
constexpr PropSpec kRoleProps[] = {{"holder", PropKind::String}, {"email", PropKind::String}};
constexpr PropSpec kPolicyProps[] = {{"owner", PropKind::Role},        {"approver", PropKind::Role},
                                     {"version", PropKind::String},    {"effective", PropKind::Date},
                                     {"review", PropKind::Cadence},    {"classification", PropKind::String},
                                     {"pending", PropKind::Bool}};
constexpr PropSpec kControlProps[] = {{"cadence", PropKind::Cadence}, {"owner", PropKind::Role}};
constexpr PropSpec kFactsProps[] = {{"source", PropKind::String, true}};
constexpr PropSpec kFrameworkProps[] = {{"edition", PropKind::String},
                                        {"publisher", PropKind::String},
                                        {"source", PropKind::String},
                                        {"url", PropKind::String}};
constexpr PropSpec kGroupProps[] = {{"description", PropKind::Text}};
constexpr PropSpec kRequirementProps[] = {{"description", PropKind::Text}};
constexpr PropSpec kCrosswalkProps[] = {{"source", PropKind::Text, true}, {"url", PropKind::String}};
constexpr PropSpec kExceptionProps[] = {{"waives", PropKind::ControlRef, true}, {"approver", PropKind::Role},
                                        {"expires", PropKind::Date},          {"granted", PropKind::Date},
                                        {"reason", PropKind::Text}};

const char* expectedKind(PropKind k) {
  switch (k) {
    case PropKind::String: return "a string in double quotes";
    case PropKind::Text: return "a string or a \"\"\" prose block";
    case PropKind::Date: return "a date such as 2026-01-15";
    case PropKind::Bool: return "true or false";
    case PropKind::Role: return "the name of a role";
    case PropKind::Cadence: return "a cadence such as 'every 12 months'";
    case PropKind::Frameworks: return "a list of framework names such as [iso27001, soc2]";
    case PropKind::ControlRef: return "a control written as policy.control";
  }
  return "a value";
}

std::string describeExpr(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Error: return "not readable";
    case ExprKind::Bool: return "true/false";
    case ExprKind::Int: return "a whole number";
    case ExprKind::Number: return "a number";
    case ExprKind::String: return e.text && e.text->isProse ? "a prose block" : "a string";
    case ExprKind::Date: return "a date";
    case ExprKind::Duration: return "a duration";
    case ExprKind::None: return "none";
    case ExprKind::Cadence: return "a cadence";
    case ExprKind::List: return "a list";
    case ExprKind::Name: return "the name '" + e.name.name + "'";
    case ExprKind::Member: return "a dotted name";
    default: return "an expression";
  }
}

/// The properties of a declaration that it accepts, the first of each key:
/// no more than the properties it accepts, so few enough to search in order.
class PropMap {
 public:
  static constexpr std::size_t kMax = 8;  ///< the most any declaration accepts

  const Property* get(std::string_view key) const {
    for (std::size_t i = 0; i < size_; ++i)
      if (found_[i]->key.name == key) return found_[i];
    return nullptr;
  }
  void add(const Property& p) { found_[size_++] = &p; }

 private:
  std::array<const Property*, kMax> found_{};
  std::size_t size_ = 0;
};

}  // namespace

class Analyzer {
 public:
  Analyzer(const SourceManager& sm, const std::vector<SourceUnit>& units, DiagnosticEngine& diags, Model& m)
      : sm_(sm), units_(units), diags_(diags), m_(m), checker_(m, diags) {}

  void run() {
    declareFrameworks();
    declareGlobals();
    for (const auto& u : units_) {
      for (const auto& p : u.projects) checkProject(p);
      for (const auto& r : u.roles) checkProperties("a role", r.name, r.properties, kRoleProps);
      for (const auto& f : u.facts) checkFacts(f);
    }
    for (const auto& u : units_)
      for (const auto& p : u.policies) checkPolicy(p);
    for (const auto& u : units_) {
      for (const auto& c : u.crosswalks) checkCrosswalk(c);
      for (const auto& a : u.applicability) checkApplicability(a);
      for (const auto& e : u.exceptions) checkException(e);
    }
    checkStatementOfApplicability();
  }

 private:
  const SourceManager& sm_;
  const std::vector<SourceUnit>& units_;
  DiagnosticEngine& diags_;
  Model& m_;
  Checker checker_;

  struct Symbol {
    std::string kind;
    SourceRange range;
  };
  std::map<std::string, Symbol, std::less<>> globals_;
  std::unordered_map<const PolicyDecl*, Policy*> policyOf_;
  std::map<const Framework*, SourceRange> targetRange_;  ///< where the project lists each framework
  std::map<const FactsDecl*, const Facts*> factsOf_;

  bool fromStdlib(SourceRange r) const { return r.valid() && sm_.file(r.file).fromStdlib; }

  void duplicate(const std::string& kind, const Ident& name, SourceRange first) {
    diags_.report(DiagCode::DuplicateDefinition, name.range, kind, name.name).note("first defined here", first);
  }

  // ---- declarations -------------------------------------------------------

  void declareFrameworks() {
    // Stdlib files come first; a project's own framework of the same name
    // replaces the stdlib one, so that a catalogue can be overridden.
    for (const auto& u : units_) {
      for (const auto& f : u.frameworks) {
        if (f.name.name.empty()) continue;
        auto it = m_.frameworks.find(f.name.name);
        if (it != m_.frameworks.end()) {
          if (it->second->fromStdlib && !fromStdlib(f.range)) {
            m_.frameworks.erase(it);
          } else {
            duplicate("framework", f.name, it->second->decl->name.range);
            continue;
          }
        }
        auto fw = std::make_unique<Framework>();
        fw->name = f.name.name;
        fw->title = f.title ? f.title->value : f.name.name;
        fw->decl = &f;
        fw->fromStdlib = fromStdlib(f.range);
        m_.frameworks.emplace(f.name.name, std::move(fw));
      }
    }
    for (auto& [name, fw] : m_.frameworks) {
      plain(fw->decl->title);
      checkProperties("a framework", fw->decl->name, fw->decl->properties, kFrameworkProps);
      std::map<std::string, SourceRange> groups;
      addRequirements(*fw, fw->decl->items, {}, groups);
    }
  }

  void addRequirements(Framework& fw, const std::vector<FrameworkItem>& items, std::vector<const GroupDecl*> path,
                       std::map<std::string, SourceRange>& groups) {
    for (const auto& item : items) {
      if (item.group) {
        const GroupDecl& g = *item.group;
        checker_.plainText(g.id);
        plain(g.title);
        checkProperties("a group", Ident{g.id.value, g.id.range}, g.properties, kGroupProps);
        auto [it, fresh] = groups.emplace(g.id.value, g.id.range);
        if (!fresh) duplicate("group", Ident{g.id.value, g.id.range}, it->second);
        else fw.groups.emplace(g.id.value, &g);
        auto inner = path;
        inner.push_back(&g);
        addRequirements(fw, g.items, inner, groups);
      } else if (item.requirement) {
        const RequirementDecl& r = *item.requirement;
        plain(r.title);
        checkProperties("a requirement", Ident{r.id.id, r.id.range}, r.properties, kRequirementProps);
        if (auto* prev = fw.find(r.id.id)) {
          duplicate("requirement", Ident{r.id.id, r.id.range}, prev->decl->id.range);
          continue;
        }
        auto req = std::make_unique<Requirement>();
        req->id = r.id.id;
        req->title = r.title ? r.title->value : "";
        req->framework = &fw;
        req->groups = path;
        req->decl = &r;
        fw.byId.emplace(req->id, req.get());
        fw.requirements.push_back(std::move(req));
      }
    }
  }

  void plain(const std::optional<Text>& t) {
    if (t) checker_.plainText(*t);
  }

  bool declare(const std::string& kind, const Ident& name) {
    if (name.name.empty()) return false;
    if (name.name == "today") {
      diags_.report(DiagCode::ReservedName, name.range, name.name);
      return false;
    }
    auto [it, fresh] = globals_.emplace(name.name, Symbol{kind, name.range});
    if (!fresh) {
      auto& d = diags_.report(DiagCode::DuplicateDefinition, name.range, kind, name.name);
      d.note(it->second.kind == kind ? "first defined here" : "'" + name.name + "' is already the name of a " +
                                                                  it->second.kind + " here",
             it->second.range);
      return false;
    }
    return true;
  }

  // Scratch space of findRepeatedControls, kept from one policy to the next.
  std::vector<std::pair<std::string_view, std::size_t>> byName_;
  std::vector<const ControlDecl*> firstOf_;

  /// Sets firstOf_[i] to the first control of `p` named as its control i,
  /// when that is an earlier one (and to null otherwise).
  void findRepeatedControls(const PolicyDecl& p) {
    byName_.clear();
    for (std::size_t i = 0; i < p.controls.size(); ++i)
      if (!p.controls[i].name.name.empty()) byName_.emplace_back(p.controls[i].name.name, i);
    std::sort(byName_.begin(), byName_.end());
    firstOf_.assign(p.controls.size(), nullptr);
    for (std::size_t k = 1; k < byName_.size(); ++k)
      if (byName_[k].first == byName_[k - 1].first) {
        std::size_t before = byName_[k - 1].second;
        firstOf_[byName_[k].second] = firstOf_[before] ? firstOf_[before] : &p.controls[before];
      }
  }

  void declareGlobals() {
    for (const auto& u : units_) {
      for (const auto& p : u.projects) plain(p.title);
      for (const auto& r : u.roles) plain(r.title);
      for (const auto& f : u.facts) plain(f.title);
      for (const auto& e : u.exceptions) plain(e.title);
      for (const auto& c : u.crosswalks) {
        plain(c.title);
        for (const auto& r : c.relations) plain(r.rationale);
      }
      for (const auto& a : u.applicability)
        for (const auto& e : a.exclusions) checker_.plainText(e.reason);
      for (const auto& p : u.policies) {
        plain(p.title);
        for (const auto& s : p.sections) checker_.plainText(s.heading);
        for (const auto& c : p.controls) plain(c.title);
      }
      for (const auto& p : u.projects) {
        if (m_.project) {
          diags_.report(DiagCode::DuplicateDefinition, p.name.range, "project", p.name.name)
              .note("the project is already declared here; a repository has one project block", m_.project->name.range);
          continue;
        }
        m_.project = &p;
      }
      for (const auto& r : u.roles)
        if (declare("role", r.name)) m_.roles.emplace(r.name.name, &r);
      for (const auto& p : u.policies) {
        if (!declare("policy", p.name)) continue;
        auto pol = std::make_unique<Policy>();
        pol->decl = &p;
        policyOf_[&p] = pol.get();
        findRepeatedControls(p);
        pol->controls.reserve(p.controls.size());
        for (std::size_t i = 0; i < p.controls.size(); ++i) {
          const ControlDecl& c = p.controls[i];
          if (c.name.name.empty()) continue;
          if (const ControlDecl* first = firstOf_[i]) {
            duplicate("control", c.name, first->name.range);
            continue;
          }
          auto ctl = std::make_unique<Control>();
          ctl->decl = &c;
          ctl->policy = pol.get();
          pol->controls.push_back(std::move(ctl));
        }
        m_.policies.emplace(p.name.name, std::move(pol));
      }
      for (const auto& f : u.facts) {
        if (!declare("facts block", f.name)) continue;
        auto facts = std::make_unique<Facts>();
        facts->decl = &f;
        facts->type = checker_.schemaType(f.schema);
        factsOf_[&f] = facts.get();
        checker_.declareFacts(f.name.name, facts->type);
        m_.facts.emplace(f.name.name, std::move(facts));
      }
      for (const auto& e : u.exceptions) {
        if (!declare("exception", e.name)) continue;
        auto ex = std::make_unique<Exception>();
        ex->decl = &e;
        m_.exceptions.emplace(e.name.name, std::move(ex));
      }
    }
  }

  // ---- properties ---------------------------------------------------------

  template <std::size_t N>
  PropMap checkProperties(const std::string& what, const Ident& owner, const std::vector<Property>& props,
                          const PropSpec (&specs)[N]) {
    static_assert(N <= PropMap::kMax);
    PropMap out;
    for (const auto& p : props) {
      if (p.value && p.value->kind == ExprKind::Error) continue;  // the syntax error says it all
      const PropSpec* spec = nullptr;
      for (const auto& s : specs)
        if (s.name == p.key.name) spec = &s;
      if (!spec) {
        std::vector<std::string> names;
        for (const auto& s : specs) names.emplace_back(s.name);
        auto& d = diags_.report(DiagCode::UnknownProperty, p.key.range, capitalize(what), p.key.name);
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        std::string best = closestName(p.key.name, names);
        d.withHelp(best.empty() ? "the properties here are: " + list
                                : "did you mean '" + best + "'? The properties here are: " + list);
        if (!best.empty()) d.withFix(p.key.range, best);
        continue;
      }
      if (const Property* first = out.get(p.key.name)) {
        diags_.report(DiagCode::DuplicateProperty, p.key.range, p.key.name, stripArticle(what))
            .note("first set here", first->key.range);
        continue;
      }
      out.add(p);
      checkValue(p, *spec);
    }
    for (const auto& s : specs) {
      if (s.required && !out.get(s.name))
        diags_.report(DiagCode::MissingProperty, owner.range, stripArticle(what), owner.name, s.name);
    }
    return out;
  }

  static std::string capitalize(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
  }
  static std::string stripArticle(const std::string& s) {
    if (s.rfind("a ", 0) == 0) return s.substr(2);
    if (s.rfind("an ", 0) == 0) return s.substr(3);
    return s;
  }

  void wrongValue(const Property& p, const PropSpec& spec) {
    diags_.report(DiagCode::PropertyType, p.value->range, p.key.name, expectedKind(spec.kind), describeExpr(*p.value));
  }

  void checkValue(const Property& p, const PropSpec& spec) {
    const Expr& v = *p.value;
    if (v.kind == ExprKind::Error) return;  // a syntax error was reported already
    switch (spec.kind) {
      case PropKind::String:
        if (v.kind != ExprKind::String || (v.text && v.text->isProse)) wrongValue(p, spec);
        else checker_.plainText(*v.text);
        break;
      case PropKind::Text:
        if (v.kind != ExprKind::String) wrongValue(p, spec);
        else checker_.plainText(*v.text);
        break;
      case PropKind::Date:
        if (v.kind != ExprKind::Date) wrongValue(p, spec);
        break;
      case PropKind::Bool:
        if (v.kind != ExprKind::Bool) wrongValue(p, spec);
        break;
      case PropKind::Role:
        if (v.kind != ExprKind::Name) wrongValue(p, spec);
        else resolveRole(v.name);
        break;
      case PropKind::Cadence:
        if (v.kind != ExprKind::Cadence) {
          auto& d = diags_.report(DiagCode::PropertyType, v.range, p.key.name, expectedKind(spec.kind), describeExpr(v));
          if (v.kind == ExprKind::Duration) d.withHelp("write 'every' before the duration");
        } else if (v.durationValue.amount <= 0) {
          diags_.report(DiagCode::NonPositiveDuration, v.range, "a cadence");
        }
        break;
      case PropKind::Frameworks:
        if (v.kind != ExprKind::List) {
          wrongValue(p, spec);
          break;
        }
        for (const auto& e : v.children) {
          if (e->kind != ExprKind::Name) {
            diags_.report(DiagCode::PropertyType, e->range, p.key.name, expectedKind(spec.kind), describeExpr(*e));
            continue;
          }
          if (const Framework* fw = resolveFramework(e->name)) {
            m_.projectFrameworks.push_back(fw);
            targetRange_.emplace(fw, e->range);
          }
        }
        break;
      case PropKind::ControlRef:
        if (v.kind != ExprKind::Member || v.children.empty() || v.children[0]->kind != ExprKind::Name) wrongValue(p, spec);
        break;
    }
  }

  const RoleDecl* resolveRole(const Ident& name) {
    auto it = m_.roles.find(name.name);
    if (it != m_.roles.end()) return it->second;
    auto& d = diags_.report(DiagCode::UnknownRole, name.range, name.name);
    didYouMean(d, name, namesOf(roleNames_, m_.roles));
    return nullptr;
  }

  const Framework* resolveFramework(const Ident& name) {
    if (const Framework* fw = m_.framework(name.name)) return fw;
    std::vector<std::string> names;
    for (const auto& [n, _] : m_.frameworks) names.push_back(n);
    auto& d = diags_.report(DiagCode::UnknownFramework, name.range, name.name);
    didYouMean(d, name, names);
    if (d.help.empty() && !names.empty()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      d.withHelp("the frameworks available are: " + list);
    }
    return nullptr;
  }

  const Requirement* resolveRequirement(const Framework& fw, const std::string& id, SourceRange range) {
    if (const Requirement* r = fw.find(id)) return r;
    std::vector<std::string> ids;
    for (const auto& r : fw.requirements) ids.push_back(r->id);
    // A group id (`CC6`, `A.5`) is a common slip: say what it is.
    for (const auto& r : fw.requirements) {
      for (const GroupDecl* g : r->groups) {
        if (g->id.value != id) continue;
        diags_.report(DiagCode::UnknownRequirement, range, id, fw.name, fw.title).withHelp("'" + id + "' is a group of requirements" + (g->title ? " (" + g->title->value + ")" : "") +
                   ", not a requirement: name the requirements it holds, such as '" + r->id + "'");
        return nullptr;
      }
    }
    if (reportOtherFramework(fw, id, range)) return nullptr;
    auto& d = diags_.report(DiagCode::UnknownRequirement, range, id, fw.name, fw.title);
    std::string best = closestName(id, ids);
    if (!best.empty()) {
      const Requirement* r = fw.find(best);
      d.withHelp("did you mean '" + best + "' (" + r->title + ")?");
      d.withFix(range, best);
    }
    return nullptr;
  }

  /// An id of another framework, most often of the other edition
  /// (`iso27001.A.9.4.2`, a 2013 control): say whose it is, and give its
  /// counterpart in the framework meant when a crosswalk records one.
  bool reportOtherFramework(const Framework& fw, const std::string& id, SourceRange range) {
    const Framework* owner = nullptr;
    for (const auto& [_, other] : m_.frameworks) {
      if (other.get() != &fw && other->find(id)) {
        owner = other.get();
        break;
      }
    }
    if (!owner) return false;
    std::vector<std::pair<std::string, std::string>> counterparts;  // id, relation
    for (const auto& u : units_) {
      for (const auto& c : u.crosswalks) {
        bool forward = c.from.name == owner->name && c.to.name == fw.name;
        bool backward = c.from.name == fw.name && c.to.name == owner->name;
        if (!forward && !backward) continue;
        for (const auto& r : c.relations) {
          if (forward && r.from.id == id && fw.find(r.to.id)) counterparts.emplace_back(r.to.id, r.kind.name);
          if (backward && r.to.id == id && fw.find(r.from.id)) counterparts.emplace_back(r.from.id, r.kind.name);
        }
      }
    }
    auto& d = diags_.report(DiagCode::RequirementOfOtherFramework, range, id, fw.name, fw.title, owner->name,
                            owner->title);
    if (counterparts.empty()) return true;
    std::string list;
    for (const auto& [cid, kind] : counterparts)
      list += (list.empty() ? "" : ", ") + cid + " (" + fw.find(cid)->title + ")";
    d.withHelp("in " + fw.title + " it corresponds to " + list);
    if (counterparts.size() == 1) d.withFix(range, counterparts.front().first);
    return true;
  }

  /// Looking a name up among N names costs about N; a compilation spends
  /// at most this much on "did you mean", so that thousands of unknown
  /// names among thousands of declared ones do not make a check quadratic.
  /// Past it, unknown names are reported without a suggestion.
  static constexpr std::size_t kSuggestionBudget = 2'000'000;
  std::size_t suggestionBudget_ = kSuggestionBudget;
  std::vector<std::string> roleNames_, policyNames_;  ///< built at the first unknown name of each kind

  const std::vector<std::string>& namesOf(std::vector<std::string>& cache, const auto& declared) {
    if (cache.empty())
      for (const auto& [n, _] : declared) cache.push_back(n);
    return cache;
  }

  void didYouMean(Diagnostic& d, const Ident& name, const std::vector<std::string>& names) {
    if (names.size() > suggestionBudget_) {
      suggestionBudget_ = 0;
      return;
    }
    suggestionBudget_ -= names.size();
    std::string best = closestName(name.name, names);
    if (!best.empty()) {
      d.withHelp("did you mean '" + best + "'?");
      d.withFix(name.range, best);
    }
  }

  // ---- checks per declaration ---------------------------------------------

  void checkProject(const ProjectDecl& p) {
    if (&p != m_.project) return;
    checkProperties("a project", p.name, p.properties, kProjectProps);
    for (const auto& l : p.lint) {
      if (!findLintRule(l.rule.name)) {
        auto& d = diags_.report(DiagCode::UnknownLintRule, l.rule.range, l.rule.name);
        std::vector<std::string> ids;
        for (const LintRule& r : lintRules()) ids.emplace_back(r.id());
        std::string best = closestName(l.rule.name, ids);
        if (!best.empty()) d.withHelp("did you mean '" + best + "'?").withFix(l.rule.range, best);
        else d.withHelp("'tenet rules' lists the rules");
      }
      const std::string& lv = l.level.name;
      if (lv != "error" && lv != "warning" && lv != "off") {
        auto& d = diags_.report(DiagCode::InvalidLintLevel, l.level.range, lv);
        didYouMean(d, l.level, {"error", "warning", "off"});
      }
    }
  }

  void checkFacts(const FactsDecl& f) {
    PropMap props = checkProperties("a facts block", f.name, f.properties, kFactsProps);
    auto it = factsOf_.find(&f);
    if (it == factsOf_.end()) return;
    const Property* src = props.get("source");
    if (src && src->value->kind == ExprKind::String) const_cast<Facts*>(it->second)->source = src->value->text->value;
  }

  void checkPolicy(const PolicyDecl& p) {
    PropMap props = checkProperties("a policy", p.name, p.properties, kPolicyProps);
    Policy* pol = nullptr;
    if (auto it = policyOf_.find(&p); it != policyOf_.end()) pol = it->second;
    auto role = [&](const char* key) -> const RoleDecl* {
      const Property* prop = props.get(key);
      if (!prop || prop->value->kind != ExprKind::Name) return nullptr;
      auto r = m_.roles.find(prop->value->name.name);
      return r == m_.roles.end() ? nullptr : r->second;
    };
    if (pol) {
      pol->owner = role("owner");
      pol->approver = role("approver");
    }
    for (const auto& s : p.sections) checker_.checkProse(s.body, nullptr, &p);
    // The policy's controls are its declarations in order, less those
    // without a name or with a name taken before.
    std::size_t next = 0;
    for (const auto& c : p.controls) {
      Control* ctl = nullptr;
      if (pol && next < pol->controls.size() && pol->controls[next]->decl == &c) ctl = pol->controls[next++].get();
      checkControl(c, p, ctl);
    }
  }

  void checkControl(const ControlDecl& c, const PolicyDecl& p, Control* ctl) {
    checkProperties("a control", c.name, c.properties, kControlProps);
    if (c.statement) checker_.checkProse(*c.statement, &c, &p);
    std::map<const Requirement*, const ReqRef*> listed;
    if (ctl) {
      ctl->satisfies.reserve(c.satisfies.size());
      ctl->satisfiesRefs.reserve(c.satisfies.size());
    }
    const ReqRef* previous = nullptr;
    for (const auto& ref : c.satisfies) {
      const ReqRef* before = previous;
      previous = &ref;
      if (ref.framework.name.empty() || ref.id.empty()) continue;  // a syntax error was reported
      const Framework* fw = resolveFramework(ref.framework);
      if (!fw) continue;
      const Requirement* r = resolveRequirement(*fw, ref.id, ref.idRange);
      if (!r) continue;
      if (auto [it, fresh] = listed.emplace(r, &ref); !fresh) {
        auto& d = diags_.report(DiagCode::DuplicateRequirement, ref.range, ref.framework.name + "." + ref.id)
                      .note("first listed here", it->second->range);
        // Removing `, id` changes nothing, when only a comma and spaces
        // join it to the reference before it in the same list.
        if (before && before->range.file == ref.range.file && before->range.end <= ref.range.begin) {
          std::string_view between =
              sm_.text(SourceRange{ref.range.file, before->range.end, ref.range.begin});
          if (between.find_first_not_of(" \t,") == std::string_view::npos &&
              std::count(between.begin(), between.end(), ',') == 1)
            d.withFix(SourceRange{ref.range.file, before->range.end, ref.range.end}, "", true);
        }
        continue;
      }
      if (ctl) {
        ctl->satisfies.push_back(r);
        ctl->satisfiesRefs.push_back(&ref);
      }
    }
    for (const auto& e : c.expects) checker_.checkExpect(e, c);
    for (const auto& ev : c.evidence) checker_.checkEvidence(ev, c);
  }

  void checkCrosswalk(const CrosswalkDecl& c) {
    // A project that replaces a stdlib framework with its own catalogue
    // takes over its crosswalks too: the stdlib's no longer apply.
    if (fromStdlib(c.range)) {
      const Framework* a = m_.framework(c.from.name);
      const Framework* b = m_.framework(c.to.name);
      if ((a && !a->fromStdlib) || (b && !b->fromStdlib)) return;
    }
    m_.crosswalks.push_back(&c);
    checkProperties("a crosswalk", Ident{c.from.name + " -> " + c.to.name, c.from.range}, c.properties,
                    kCrosswalkProps);
    const Framework* from = resolveFramework(c.from);
    const Framework* to = resolveFramework(c.to);
    for (const auto& r : c.relations) {
      if (from) resolveRequirement(*from, r.from.id, r.from.range);
      if (to) resolveRequirement(*to, r.to.id, r.to.range);
      const std::string& k = r.kind.name;
      if (k.empty()) continue;  // a syntax error was reported
      if (k != "equal" && k != "subset" && k != "superset" && k != "intersects") {
        auto& d = diags_.report(DiagCode::UnknownRelation, r.kind.range, k);
        didYouMean(d, r.kind, {"equal", "subset", "superset", "intersects"});
      }
    }
    for (const auto& g : c.gaps) {
      const Framework* side = g.inTo ? to : from;
      if (side) resolveRequirement(*side, g.id.id, g.id.range);
      checker_.plainText(g.reason);
    }
  }

  // Exclusions already seen, per framework, across all applicability blocks.
  std::map<std::string, std::map<std::string, SourceRange>> excluded_;

  void checkApplicability(const ApplicabilityDecl& a) {
    m_.applicability.push_back(&a);
    const Framework* fw = resolveFramework(a.framework);
    auto& seen = excluded_[a.framework.name];
    for (const auto& e : a.exclusions) {
      auto [it, fresh] = seen.emplace(e.id.id, e.id.range);
      if (!fresh)
        diags_.report(DiagCode::DuplicateExclusion, e.id.range, e.id.id).note("first excluded here", it->second);
      std::string_view reason = e.reason.value;
      if (reason.find_first_not_of(" \t\r\n") == std::string_view::npos)
        diags_.report(DiagCode::EmptyExclusionReason, e.reason.range, e.id.id);
      if (!fw || !fresh) continue;
      // A group (SOC 2's `P`, ISO's `A.7`) excludes every requirement in it.
      auto exclude = [&](const Requirement* r) {
        auto [at, added] = m_.exclusions.emplace(r, &e);
        if (!added && at->second != &e)  // `exclude P` and then `exclude P1.1`
          diags_.report(DiagCode::DuplicateExclusion, e.id.range, r->id)
              .note("already excluded here, with '" + at->second->id.id + "'", at->second->id.range);
        return added;
      };
      if (auto g = fw->groups.find(e.id.id); g != fw->groups.end()) {
        for (const auto& r : fw->requirements)
          if (std::find(r->groups.begin(), r->groups.end(), g->second) != r->groups.end())
            if (!exclude(r.get())) break;
        continue;
      }
      if (const Requirement* r = resolveRequirement(*fw, e.id.id, e.id.range)) exclude(r);
    }
  }

  /// The checks that need every control and every exclusion.
  void checkStatementOfApplicability() {
    const Framework* iso = m_.framework("iso27001");
    auto target = iso ? targetRange_.find(iso) : targetRange_.end();
    // The ISO 27001 requirements some control implements, when the project targets it.
    std::set<const Requirement*> implemented;
    for (const auto& [_, p] : m_.policies) {
      for (const auto& c : p->controls) {
        for (std::size_t i = 0; i < c->satisfies.size(); ++i) {
          const Requirement* r = c->satisfies[i];
          if (target != targetRange_.end() && r->framework == iso) implemented.insert(r);
          auto ex = m_.exclusions.find(r);
          if (ex == m_.exclusions.end()) continue;
          diags_.report(DiagCode::ExcludedButSatisfied, c->satisfiesRefs[i]->range, r->framework->name + "." + r->id)
              .note("excluded here", ex->second->id.range)
              .withHelp("remove the exclusion, or remove the requirement from this control");
        }
      }
    }
    if (target == targetRange_.end()) return;
    // One warning for all of them: a new project would otherwise get ninety.
    std::vector<const Requirement*> gaps;
    for (const auto& r : iso->requirements) {
      bool annexA = !r->groups.empty() && r->groups.front()->id.value.rfind("A.", 0) == 0;
      if (annexA && !implemented.count(r.get()) && !m_.exclusions.count(r.get())) gaps.push_back(r.get());
    }
    if (gaps.empty()) return;
    std::string list;
    for (std::size_t i = 0; i < gaps.size() && i < 8; ++i) list += (i ? ", " : "") + gaps[i]->id;
    if (gaps.size() > 8) list += fmt::format(" and {} more", gaps.size() - 8);
    diags_.report(DiagCode::SoaGap, target->second, gaps.size(), list)
        .withHelp("name each in a control's 'satisfies', or exclude it with a reason in 'applicability iso27001'; "
                  "'tenet soa' lists them all");
  }

  void checkException(const ExceptionDecl& e) {
    PropMap props = checkProperties("an exception", e.name, e.properties, kExceptionProps);
    Exception* ex = nullptr;
    if (auto it = m_.exceptions.find(e.name.name); it != m_.exceptions.end() && it->second->decl == &e)
      ex = it->second.get();
    if (const Property* approver = props.get("approver"); approver && ex && approver->value->kind == ExprKind::Name) {
      auto r = m_.roles.find(approver->value->name.name);
      if (r != m_.roles.end()) ex->approver = r->second;
    }
    const Property* waives = props.get("waives");
    if (!waives) return;
    const Expr& v = *waives->value;
    if (v.kind != ExprKind::Member || v.children.empty() || v.children[0]->kind != ExprKind::Name) return;
    const Ident& policyName = v.children[0]->name;
    const Policy* pol = m_.policy(policyName.name);
    if (!pol) {
      auto& d = diags_.report(DiagCode::UnknownPolicy, policyName.range, policyName.name);
      didYouMean(d, policyName, namesOf(policyNames_, m_.policies));
      return;
    }
    for (const auto& c : pol->controls) {
      if (c->decl->name.name == v.name.name) {
        if (ex) ex->waives = c.get();
        return;
      }
    }
    std::vector<std::string> names;
    for (const auto& c : pol->controls) names.push_back(c->decl->name.name);
    auto& d = diags_.report(DiagCode::UnknownControl, v.name.range, policyName.name, v.name.name);
    didYouMean(d, v.name, names);
  }
};

std::unique_ptr<Model> analyze(const SourceManager& sm, const std::vector<SourceUnit>& units,
                               DiagnosticEngine& diags) {
  auto model = std::make_unique<Model>();
  Analyzer(sm, units, diags, *model).run();
  return model;
}

}  // namespace tenet

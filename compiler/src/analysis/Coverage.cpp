// Coverage of framework requirements by controls, and the reports built on it.
#include "tenet/analysis/Coverage.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

namespace tenet {

std::string_view stateName(CoverageState s) {
  switch (s) {
    case CoverageState::Excluded: return "excluded";
    case CoverageState::Direct: return "mapped";
    case CoverageState::Full: return "covered through crosswalk";
    case CoverageState::Partial: return "partly covered through crosswalk";
    case CoverageState::None: return "not covered";
  }
  return "not covered";
}

std::size_t FrameworkCoverage::count(CoverageState s) const {
  return static_cast<std::size_t>(
      std::count_if(requirements.begin(), requirements.end(), [&](const auto& r) { return r.state == s; }));
}

std::size_t FrameworkCoverage::countThroughCrosswalks(CoverageState s) const {
  return static_cast<std::size_t>(std::count_if(requirements.begin(), requirements.end(),
                                                [&](const auto& r) { return r.throughCrosswalksOnly == s; }));
}

bool isAnnexA(const Requirement& r) {
  return !r.groups.empty() && r.groups.front()->id.value.rfind("A.", 0) == 0;
}

namespace {

std::string controlName(const Control& c) { return c.policy->decl->name.name + "." + c.decl->name.name; }

std::string joinControls(const std::vector<CoverageLink>& links, bool withVia) {
  // Repeats are found by what a link shows (the control, and with `withVia`
  // the relation), not by comparing the text: a requirement of a large
  // project is reached by thousands of links.
  using Shown = std::tuple<const Control*, const Requirement*, RelationKind, bool>;
  struct Hash {
    std::size_t operator()(const Shown& s) const {
      return std::hash<const void*>()(std::get<0>(s)) * 31 + std::hash<const void*>()(std::get<1>(s)) * 7 +
             static_cast<std::size_t>(std::get<2>(s)) * 2 + (std::get<3>(s) ? 1 : 0);
    }
  };
  std::unordered_set<Shown, Hash> seen;
  std::string out;
  for (const auto& l : links) {
    Shown key = withVia ? Shown{l.control, l.via, l.kind, l.derived} : Shown{l.control, nullptr, RelationKind::Equal, false};
    if (!seen.insert(key).second) continue;
    if (!out.empty()) out += "; ";
    out += controlName(*l.control);
    if (withVia)
      out += " (" + std::string(relationName(l.kind)) + " via " + l.via->framework->name + "." + l.via->id +
             (l.derived ? ", derived" : "") + ")";
  }
  return out;
}

}  // namespace

std::optional<Outcome> implementationStatus(const RequirementCoverage& rc, const DriftReport* drift) {
  if (!drift || rc.direct.empty()) return std::nullopt;
  std::map<const Control*, Outcome> outcomes;
  for (const auto& p : drift->policies)
    for (const auto& c : p.controls) outcomes[c.result.control] = c.result.outcome;
  // Worst first: one failing control makes the requirement fail.
  static const Outcome kOrder[] = {Outcome::Fail, Outcome::Unknown, Outcome::Waived, Outcome::Manual, Outcome::Pass};
  int worst = 4;
  for (const auto& l : rc.direct) {
    auto it = outcomes.find(l.control);
    if (it == outcomes.end()) continue;
    for (int k = 0; k < 5; ++k)
      if (kOrder[k] == it->second) worst = std::min(worst, k);
  }
  return kOrder[worst];
}

FrameworkCoverage computeCoverage(const Model& model, const CrosswalkGraph& graph, const Framework& target,
                                  const DriftReport* drift) {
  FrameworkCoverage fc;
  fc.framework = &target;
  fc.drift = drift;
  std::map<const Requirement*, RequirementCoverage> by;
  for (const auto& r : target.requirements) by[r.get()].requirement = r.get();

  for (const auto& [r, e] : model.exclusions)
    if (r->framework == &target) by[r].exclusion = e;

  // Controls by the requirements they name, per framework. Keyed by name,
  // not address, so that the order of links is the same on every run.
  std::map<std::string, std::map<const Requirement*, std::vector<const Control*>>> satisfied;
  for (const auto& [_, p] : model.policies)
    for (const auto& c : p->controls)
      for (const Requirement* r : c->satisfies) satisfied[r->framework->name][r].push_back(c.get());

  for (const auto& [fwName, reqs] : satisfied) {
    const Framework* fw = model.framework(fwName);
    if (fw == &target) {
      for (const auto& [r, controls] : reqs)
        for (const Control* c : controls) by[r].direct.push_back(CoverageLink{c, r, RelationKind::Equal, {}, false});
      continue;
    }
    bool contributes = false;
    for (const Mapping& m : graph.mappings(*fw, target)) {
      auto it = reqs.find(m.from);
      if (it == reqs.end()) continue;
      contributes = true;
      for (const Control* c : it->second)
        by[m.to].crosswalk.push_back(CoverageLink{c, m.from, m.kind, describePath(m), m.derived()});
    }
    if (contributes) fc.sources.push_back(fw);
  }

  // A clause and its sub-clauses (9.3 and 9.3.1): naming the clause meets its
  // sub-clauses, and naming every sub-clause meets the clause.
  std::map<const Requirement*, std::vector<const Requirement*>> children;
  std::vector<const Requirement*> parents;  // in catalogue order
  std::map<const Requirement*, const Requirement*> parent;
  for (const auto& r : target.requirements) {
    for (std::string id = r->id; id.rfind('.') != std::string::npos;) {
      id.erase(id.rfind('.'));
      if (const Requirement* p = target.find(id)) {
        if (children[p].empty()) parents.push_back(p);
        children[p].push_back(r.get());
        parent[r.get()] = p;
        break;
      }
    }
  }
  for (const auto& r : target.requirements) {
    auto& rc = by[r.get()];
    auto p = parent.find(r.get());
    if (!rc.direct.empty() || p == parent.end()) continue;
    for (auto l : by[p->second].direct) {
      l.path = "through " + p->second->id;
      rc.direct.push_back(l);
    }
  }
  // Deepest clauses first: a parent is written before its sub-clauses.
  for (auto pit = parents.rbegin(); pit != parents.rend(); ++pit) {
    const Requirement* p = *pit;
    const auto& kids = children[p];
    auto& rc = by[p];
    if (!rc.direct.empty()) continue;
    bool all = std::all_of(kids.begin(), kids.end(), [&](const Requirement* k) { return !by[k].direct.empty() || by[k].exclusion; });
    if (!all) continue;
    for (const Requirement* k : kids)
      for (auto l : by[k].direct) {
        if (!l.path.empty()) continue;  // inherited from this very clause
        l.path = "through its sub-clauses";
        rc.direct.push_back(l);
      }
  }

  for (const auto& r : target.requirements) {
    RequirementCoverage rc = std::move(by[r.get()]);
    bool anyFull = std::any_of(rc.crosswalk.begin(), rc.crosswalk.end(), [](const auto& l) { return l.full(); });
    CoverageState through = anyFull ? CoverageState::Full : rc.crosswalk.empty() ? CoverageState::None : CoverageState::Partial;
    rc.throughCrosswalksOnly = rc.exclusion ? CoverageState::Excluded : through;
    rc.state = rc.exclusion ? CoverageState::Excluded : !rc.direct.empty() ? CoverageState::Direct : through;
    fc.requirements.push_back(std::move(rc));
  }
  return fc;
}

std::vector<FrameworkCoverage> computeCoverage(const Model& model, const CrosswalkGraph& graph,
                                               const DriftReport* drift) {
  std::vector<const Framework*> targets = model.projectFrameworks;
  if (targets.empty()) {
    std::set<const Framework*> named;
    for (const auto& [_, p] : model.policies)
      for (const auto& c : p->controls)
        for (const Requirement* r : c->satisfies) named.insert(r->framework);
    targets.assign(named.begin(), named.end());
    std::sort(targets.begin(), targets.end(), [](auto* a, auto* b) { return a->name < b->name; });
  }
  std::vector<FrameworkCoverage> out;
  std::set<const Framework*> done;
  for (const Framework* fw : targets)
    if (done.insert(fw).second) out.push_back(computeCoverage(model, graph, *fw, drift));
  return out;
}

Table coverageSummaryTable(const std::vector<FrameworkCoverage>& coverage) {
  Table t;
  t.title = "Coverage summary";
  t.columns = {{"framework", "Framework"},
               {"requirements", "Requirements"},
               {"excluded", "Excluded"},
               {"mapped", "Mapped to a control"},
               {"crosswalk_full", "Covered through crosswalk"},
               {"crosswalk_partial", "Partly, through crosswalk"},
               {"not_covered", "Not covered"},
               {"verified", "Verified against facts"}};
  for (const auto& fc : coverage) {
    std::size_t total = fc.requirements.size();
    std::size_t inScope = total - fc.count(CoverageState::Excluded);
    std::string verified = "0 (nothing evaluated yet)";
    if (fc.drift) {
      std::size_t passing = 0;
      for (const auto& rc : fc.requirements)
        if (rc.state == CoverageState::Direct && implementationStatus(rc, fc.drift) == Outcome::Pass) ++passing;
      verified = fmt::format("{} of {}", passing, inScope);
    }
    t.rows.push_back({fc.framework->name, std::to_string(total), std::to_string(fc.count(CoverageState::Excluded)),
                      fmt::format("{} of {}", fc.count(CoverageState::Direct), inScope),
                      std::to_string(fc.count(CoverageState::Full)), std::to_string(fc.count(CoverageState::Partial)),
                      std::to_string(fc.count(CoverageState::None)), verified});
  }
  for (const auto& fc : coverage) {
    if (fc.sources.empty()) continue;
    std::string from;
    for (std::size_t i = 0; i < fc.sources.size(); ++i)
      from += (i == 0 ? "" : i + 1 == fc.sources.size() ? " and " : ", ") + fc.sources[i]->name;
    std::size_t inScope = fc.requirements.size() - fc.count(CoverageState::Excluded);
    t.notes.push_back(fmt::format(
        "{}: counting only what the controls mapped to {} give through crosswalks, {} of {} requirements in scope "
        "are covered in full, {} in part, and {} not at all.",
        fc.framework->name, from, fc.countThroughCrosswalks(CoverageState::Full), inScope,
        fc.countThroughCrosswalks(CoverageState::Partial), fc.countThroughCrosswalks(CoverageState::None)));
  }
  const DriftReport* drift = coverage.empty() ? nullptr : coverage.front().drift;
  if (drift) {
    t.notes.push_back(fmt::format(
        "Verified counts the requirements whose controls all pass against the facts as of {:04}-{:02}-{:02}; a "
        "control that is unknown, manual or waived is not counted as verified.",
        drift->asOf.year, drift->asOf.month, drift->asOf.day));
  } else {
    t.notes.push_back(
        "Coverage is declared, not verified: it counts the controls that claim each requirement. Whether those "
        "controls are practised is shown once their expectations are evaluated against facts (--as-of or "
        "--evaluate).");
  }
  return t;
}

Table coverageTable(const FrameworkCoverage& fc) {
  Table t;
  t.title = fc.framework->title + " (" + fc.framework->name + ")";
  t.columns = {{"requirement", "Requirement"}, {"title", "Title"},
               {"state", "Coverage"},          {"status", "Status"},
               {"controls", "Controls"},       {"through", "Through crosswalks"},
               {"note", "Note"}};
  for (const auto& rc : fc.requirements) {
    std::string status = rc.state == CoverageState::Excluded ? "excluded"
                         : rc.state == CoverageState::None   ? "none"
                                                             : "declared";
    if (auto o = implementationStatus(rc, fc.drift)) status = std::string(outcomeName(*o));
    std::string note;
    if (rc.exclusion) note = "excluded: " + rc.exclusion->reason.value;
    else if (!rc.direct.empty() && !rc.direct.front().path.empty()) note = "mapped " + rc.direct.front().path;
    t.rows.push_back({rc.requirement->id, rc.requirement->title, std::string(stateName(rc.state)), status,
                      joinControls(rc.direct, false), joinControls(rc.crosswalk, true), note});
  }
  return t;
}

Table crosswalkTable(const CrosswalkGraph& graph, const Framework& from, const Framework& to) {
  Table t;
  t.title = from.title + " to " + to.title;
  t.columns = {{"from", from.name},        {"from_title", from.name + " title"}, {"to", to.name},
               {"to_title", to.name + " title"},
               {"relation", "Relation"}, {"derived", "Derived"},  {"source", "Source or path"}};
  auto mappings = graph.mappings(from, to);
  std::map<const Requirement*, std::vector<const Mapping*>> byFrom;
  for (const auto& m : mappings) byFrom[m.from].push_back(&m);
  for (const auto& r : from.requirements) {
    auto it = byFrom.find(r.get());
    if (it == byFrom.end()) {
      const StatedGap* g = graph.gap(r.get(), to);
      t.rows.push_back({r->id, r->title, "", "", "none", "",
                        g ? "no counterpart: " + g->reason : "no relation recorded"});
      continue;
    }
    for (const Mapping* m : it->second) {
      std::string source;
      if (m->derived()) {
        source = describePath(*m);
      } else {
        const Relation* rel = m->path.front()->relation;
        const Property* src = nullptr;
        for (const auto& p : m->path.front()->crosswalk->properties)
          if (p.key.name == "source") src = &p;
        source = src && src->value->text ? src->value->text->value : m->path.front()->crosswalk->from.name;
        if (rel && rel->rationale) source = rel->rationale->value + " [" + source + "]";
      }
      t.rows.push_back({r->id, r->title, m->to->id, m->to->title, std::string(relationName(m->kind)),
                        m->derived() ? "yes" : "", source});
    }
  }
  std::size_t derived = std::count_if(mappings.begin(), mappings.end(), [](const Mapping& m) { return m.derived(); });
  if (derived) {
    auto chains = graph.chains(from, to);
    std::string via;
    for (const auto& chain : chains) {
      std::string c;
      for (const Framework* f : chain) c += (c.empty() ? "" : " -> ") + f->name;
      via += (via.empty() ? "" : "; ") + c;
    }
    t.notes.push_back(fmt::format(
        "No crosswalk joins {} and {} directly: the {} relations are derived through {}. A derived relation takes "
        "the weakest link of its path.",
        from.name, to.name, derived, via));
  }
  t.notes.push_back(
      "Relations: equal (same scope); subset (the left requirement is contained in the right one); superset (the "
      "left contains the right); intersects (they overlap).");
  return t;
}

Table crosswalkMatrix(const CrosswalkGraph& graph, const Framework& from, const Framework& to) {
  auto mappings = graph.mappings(from, to);
  std::vector<const Requirement*> cols;
  std::set<const Requirement*> colSet;
  for (const auto& r : to.requirements)
    for (const auto& m : mappings)
      if (m.to == r.get() && colSet.insert(r.get()).second) cols.push_back(r.get());
  std::map<std::pair<const Requirement*, const Requirement*>, const Mapping*> cell;
  for (const auto& m : mappings) cell[{m.from, m.to}] = &m;
  Table t;
  t.title = from.title + " to " + to.title + " (matrix)";
  t.columns.push_back({"requirement", from.name});
  for (const Requirement* c : cols) t.columns.push_back({c->id, c->id});
  std::set<const Requirement*> rows;
  for (const auto& m : mappings) rows.insert(m.from);
  for (const auto& r : from.requirements) {
    if (!rows.count(r.get())) continue;
    std::vector<std::string> row{r->id};
    for (const Requirement* c : cols) {
      auto it = cell.find({r.get(), c});
      if (it == cell.end()) {
        row.emplace_back();
        continue;
      }
      static const char* kSymbols[] = {"=", "<", ">", "~"};
      std::string s = kSymbols[static_cast<int>(it->second->kind)];
      if (it->second->derived()) s += "*";
      row.push_back(s);
    }
    t.rows.push_back(std::move(row));
  }
  t.notes.push_back("= equal, < subset (row within column), > superset (row contains column), ~ intersects; "
                    "* derived through another framework.");
  return t;
}

std::vector<SoaEntry> soaEntries(const FrameworkCoverage& fc) {
  std::vector<SoaEntry> out;
  for (const auto& rc : fc.requirements) {
    if (!isAnnexA(*rc.requirement)) continue;
    SoaEntry e;
    e.coverage = &rc;
    if (rc.exclusion) {
      e.applicable = false;
      e.justification = rc.exclusion->reason.value;
      e.status = "excluded";
      out.push_back(std::move(e));
      continue;
    }
    std::set<std::string> policies;
    for (const auto& l : rc.direct) policies.insert(l.control->policy->decl->title ? l.control->policy->decl->title->value
                                                                                   : l.control->policy->decl->name.name);
    if (!rc.direct.empty()) {
      std::string list;
      std::size_t i = 0;
      for (const auto& p : policies)
        list += (i++ == 0 ? "" : i == policies.size() ? " and the " : ", the ") + p;
      e.justification = fmt::format("Implemented by {} control{} of the {}.", rc.direct.size(),
                                    rc.direct.size() == 1 ? "" : "s", list);
    } else if (!rc.crosswalk.empty()) {
      e.justification = "Reached only through a crosswalk; no control names this Annex A control.";
    } else {
      e.justification = "Applicable, but no control implements it yet.";
    }
    e.status = rc.direct.empty() ? "not implemented" : "declared (not yet verified)";
    e.outcome = implementationStatus(rc, fc.drift);
    if (e.outcome) {
      switch (*e.outcome) {
        case Outcome::Pass: e.status = "implemented: its controls pass"; break;
        case Outcome::Fail: e.status = "implemented, but a control fails"; break;
        case Outcome::Unknown: e.status = "implemented, not verifiable: a control is unknown"; break;
        case Outcome::Manual: e.status = "implemented, checked by people (manual)"; break;
        case Outcome::Waived: e.status = "implemented, a failure is waived by an exception"; break;
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> soaNotes(const FrameworkCoverage& fc) {
  std::size_t applicable = 0, excluded = 0, implemented = 0;
  for (const auto& e : soaEntries(fc)) {
    if (!e.applicable) ++excluded;
    else if (!e.coverage->direct.empty()) ++implemented, ++applicable;
    else ++applicable;
  }
  std::vector<std::string> notes;
  notes.push_back(fmt::format("{} Annex A controls: {} applicable ({} with controls, {} without), {} excluded.",
                              applicable + excluded, applicable, implemented, applicable - implemented, excluded));
  if (fc.drift)
    notes.push_back(fmt::format("Implementation status as evaluated against the facts as of {:04}-{:02}-{:02}.",
                                fc.drift->asOf.year, fc.drift->asOf.month, fc.drift->asOf.day));
  else
    notes.push_back("Implementation status is declared until the controls' expectations are evaluated against "
                    "facts (--as-of or --evaluate).");
  return notes;
}

Table soaTable(const FrameworkCoverage& fc) {
  Table t;
  t.title = "Statement of Applicability: " + fc.framework->title + " Annex A";
  t.columns = {{"control", "Control"},       {"title", "Title"},
               {"applicable", "Applicable"}, {"justification", "Justification"},
               {"implemented_by", "Implemented by"}, {"status", "Implementation status"}};
  for (const auto& e : soaEntries(fc))
    t.rows.push_back({e.coverage->requirement->id, e.coverage->requirement->title, e.applicable ? "Yes" : "No",
                      e.justification, e.applicable ? joinControls(e.coverage->direct, false) : "", e.status});
  t.notes = soaNotes(fc);
  return t;
}

}  // namespace tenet

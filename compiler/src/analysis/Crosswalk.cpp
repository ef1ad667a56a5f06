// The crosswalk graph: typed relations in both directions, and derivation
// through intermediate frameworks with the weakest-link rule.
#include "tenet/analysis/Crosswalk.h"

#include <algorithm>
#include <deque>
#include <set>

namespace tenet {

std::string_view relationName(RelationKind k) {
  switch (k) {
    case RelationKind::Equal: return "equal";
    case RelationKind::Subset: return "subset";
    case RelationKind::Superset: return "superset";
    case RelationKind::Intersects: return "intersects";
  }
  return "intersects";
}

std::optional<RelationKind> parseRelation(std::string_view name) {
  if (name == "equal") return RelationKind::Equal;
  if (name == "subset") return RelationKind::Subset;
  if (name == "superset") return RelationKind::Superset;
  if (name == "intersects") return RelationKind::Intersects;
  return std::nullopt;
}

RelationKind inverse(RelationKind k) {
  if (k == RelationKind::Subset) return RelationKind::Superset;
  if (k == RelationKind::Superset) return RelationKind::Subset;
  return k;
}

RelationKind compose(RelationKind a, RelationKind b) {
  if (a == RelationKind::Equal) return b;
  if (b == RelationKind::Equal) return a;
  if (a == b && a != RelationKind::Intersects) return a;
  return RelationKind::Intersects;
}

namespace {
// Stronger relations sort first: equal, then the containments, then overlap.
int strength(RelationKind k) {
  switch (k) {
    case RelationKind::Equal: return 0;
    case RelationKind::Subset:
    case RelationKind::Superset: return 1;
    case RelationKind::Intersects: return 2;
  }
  return 2;
}
}  // namespace

CrosswalkGraph::CrosswalkGraph(const Model& model) : model_(model) {
  for (const auto& [_, fw] : model.frameworks)
    for (std::size_t i = 0; i < fw->requirements.size(); ++i) order_[fw->requirements[i].get()] = i;
  for (const CrosswalkDecl* c : model.crosswalks) {
    const Framework* from = model.framework(c->from.name);
    const Framework* to = model.framework(c->to.name);
    if (!from || !to || from == to) continue;
    between_[{from, to}].push_back(c);
    between_[{to, from}].push_back(c);
    for (const auto& r : c->relations) {
      const Requirement* a = from->find(r.from.id);
      const Requirement* b = to->find(r.to.id);
      auto kind = parseRelation(r.kind.name);
      if (!a || !b || !kind) continue;  // reported by sema
      auto fwd = std::make_unique<CrosswalkEdge>(CrosswalkEdge{a, b, *kind, c, &r, false});
      auto back = std::make_unique<CrosswalkEdge>(CrosswalkEdge{b, a, inverse(*kind), c, &r, true});
      out_[a].push_back(fwd.get());
      out_[b].push_back(back.get());
      edges_.push_back(std::move(fwd));
      edges_.push_back(std::move(back));
    }
    for (const auto& g : c->gaps) {
      const Framework* side = g.inTo ? to : from;
      const Framework* other = g.inTo ? from : to;
      if (const Requirement* r = side->find(g.id.id)) gaps_[{r, other}] = StatedGap{r, other, g.reason.value, c};
    }
  }
}

const std::vector<const CrosswalkDecl*>& CrosswalkGraph::crosswalksBetween(const Framework& a,
                                                                         const Framework& b) const {
  static const std::vector<const CrosswalkDecl*> kNone;
  auto it = between_.find({&a, &b});
  return it == between_.end() ? kNone : it->second;
}

const StatedGap* CrosswalkGraph::gap(const Requirement* r, const Framework& other) const {
  auto it = gaps_.find({r, &other});
  return it == gaps_.end() ? nullptr : &it->second;
}

std::vector<std::vector<const Framework*>> CrosswalkGraph::chains(const Framework& from, const Framework& to,
                                                                 unsigned maxHops) const {
  // Breadth-first over frameworks; every shortest chain is kept.
  std::vector<std::vector<const Framework*>> found;
  std::deque<std::vector<const Framework*>> queue{{&from}};
  std::size_t bestLen = SIZE_MAX;
  while (!queue.empty()) {
    auto chain = std::move(queue.front());
    queue.pop_front();
    if (chain.size() > bestLen || chain.size() > maxHops + 1) break;
    const Framework* last = chain.back();
    if (last == &to) {
      bestLen = chain.size();
      found.push_back(std::move(chain));
      continue;
    }
    std::set<const Framework*> next;
    for (const auto& [key, _] : between_)
      if (key.first == last) next.insert(key.second);
    std::vector<const Framework*> ordered(next.begin(), next.end());
    std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->name < b->name; });
    for (const Framework* n : ordered) {
      if (std::find(chain.begin(), chain.end(), n) != chain.end()) continue;
      auto longer = chain;
      longer.push_back(n);
      queue.push_back(std::move(longer));
    }
  }
  return found;
}

std::vector<Mapping> CrosswalkGraph::mappings(const Framework& from, const Framework& to, unsigned maxHops) const {
  if (&from == &to) return {};  // a framework is not crosswalked to itself
  std::map<std::pair<const Requirement*, const Requirement*>, Mapping> best;
  auto consider = [&](Mapping m) {
    auto key = std::make_pair(m.from, m.to);
    auto it = best.find(key);
    if (it == best.end()) {
      best.emplace(key, std::move(m));
      return;
    }
    const Mapping& cur = it->second;
    auto rank = [](const Mapping& x) { return std::make_pair(strength(x.kind), x.path.size()); };
    if (rank(m) < rank(cur)) it->second = std::move(m);
  };
  for (const auto& chain : chains(from, to, maxHops)) {
    // Extend paths one crosswalk at a time along the chain.
    std::vector<Mapping> frontier;
    for (const auto& r : from.requirements) frontier.push_back(Mapping{r.get(), r.get(), RelationKind::Equal, {}});
    for (std::size_t hop = 1; hop < chain.size(); ++hop) {
      std::vector<Mapping> next;
      for (const Mapping& m : frontier) {
        auto it = out_.find(m.to);
        if (it == out_.end()) continue;
        for (const CrosswalkEdge* e : it->second) {
          if (e->to->framework != chain[hop]) continue;
          Mapping n = m;
          n.to = e->to;
          n.kind = m.path.empty() ? e->kind : compose(m.kind, e->kind);
          n.path.push_back(e);
          next.push_back(std::move(n));
        }
      }
      frontier = std::move(next);
    }
    for (auto& m : frontier) consider(std::move(m));
  }
  std::vector<Mapping> out;
  for (auto& [_, m] : best) out.push_back(std::move(m));
  std::sort(out.begin(), out.end(), [&](const Mapping& a, const Mapping& b) {
    return std::make_pair(order_.at(a.from), order_.at(a.to)) < std::make_pair(order_.at(b.from), order_.at(b.to));
  });
  return out;
}

std::string describePath(const Mapping& m) {
  if (m.path.empty()) return {};
  std::string s = m.path.front()->from->id;
  for (const CrosswalkEdge* e : m.path) {
    s += " -> ";
    s += e->to->id;
    if (e != m.path.back()) s += " (" + e->to->framework->name + ")";
  }
  return s;
}

}  // namespace tenet

/// @file Crosswalk.h
/// @brief The graph of typed relations between framework requirements, and
/// the relations derived from it through intermediate frameworks.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tenet/sema/Model.h"

namespace tenet {

/// How two requirements relate, read as `from <kind> to`.
enum class RelationKind : std::uint8_t {
  Equal,       ///< the same scope
  Subset,      ///< `from` is contained in `to`: meeting `to` meets `from`
  Superset,    ///< `from` contains `to`: meeting `from` meets `to`
  Intersects,  ///< they overlap; neither contains the other
};

std::string_view relationName(RelationKind k);
std::optional<RelationKind> parseRelation(std::string_view name);
/// The same relation read the other way round: subset becomes superset.
RelationKind inverse(RelationKind k);
/// `a` then `b` along a path, taking the weakest link: equal keeps the other
/// relation, subsets chain to a subset, supersets to a superset, and any
/// other mix only tells that the two ends overlap.
RelationKind compose(RelationKind a, RelationKind b);
/// Whether meeting `from` meets all of `to` (equal or superset).
inline bool fullyMeets(RelationKind k) { return k == RelationKind::Equal || k == RelationKind::Superset; }

/// One relation as written in a crosswalk, possibly read backwards.
struct CrosswalkEdge {
  const Requirement* from = nullptr;
  const Requirement* to = nullptr;
  RelationKind kind = RelationKind::Intersects;
  const CrosswalkDecl* crosswalk = nullptr;  ///< where it is written, for its source
  const Relation* relation = nullptr;
  bool reversed = false;                     ///< read against the direction it was written in
};

/// A relation between a requirement of one framework and one of another,
/// either written (one edge) or derived along a path of edges.
struct Mapping {
  const Requirement* from = nullptr;
  const Requirement* to = nullptr;
  RelationKind kind = RelationKind::Intersects;
  std::vector<const CrosswalkEdge*> path;
  bool derived() const { return path.size() > 1; }
};

/// A requirement that a crosswalk says has no counterpart on the other side.
struct StatedGap {
  const Requirement* requirement = nullptr;
  const Framework* other = nullptr;
  std::string reason;
  const CrosswalkDecl* crosswalk = nullptr;
};

class CrosswalkGraph {
 public:
  explicit CrosswalkGraph(const Model& model);

  /// Every relation from requirements of `from` to requirements of `to`:
  /// the written ones when some crosswalk joins the two frameworks, else
  /// those derived along the shortest chains of crosswalks (at most
  /// `maxHops` crosswalks long). Sorted by `from` in catalogue order, then
  /// `to`. For each pair of ends the strongest relation found is kept.
  std::vector<Mapping> mappings(const Framework& from, const Framework& to, unsigned maxHops = 3) const;

  /// The chains of frameworks that `mappings` follows (empty when none).
  std::vector<std::vector<const Framework*>> chains(const Framework& from, const Framework& to,
                                                    unsigned maxHops = 3) const;

  /// Gaps stated for a requirement with respect to another framework.
  const StatedGap* gap(const Requirement* r, const Framework& other) const;

  const std::vector<const CrosswalkDecl*>& crosswalksBetween(const Framework& a, const Framework& b) const;

 private:
  const Model& model_;
  std::vector<std::unique_ptr<CrosswalkEdge>> edges_;
  std::map<const Requirement*, std::vector<const CrosswalkEdge*>> out_;
  std::map<std::pair<const Framework*, const Framework*>, std::vector<const CrosswalkDecl*>> between_;
  std::map<std::pair<const Requirement*, const Framework*>, StatedGap> gaps_;
  std::map<const Requirement*, std::size_t> order_;  ///< catalogue position, for sorting
};

/// `A.5.1.1 -> A.5.1 (iso27001_2013 -> iso27001) -> CC5.3` style text.
std::string describePath(const Mapping& m);

}  // namespace tenet

/// @file Model.h
/// @brief The compiled model: every declaration of a project and the
/// stdlib, with references resolved. Emitters, the linter and the language
/// server read this, not the checker's internals.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tenet/sema/Types.h"
#include "tenet/syntax/AST.h"

namespace tenet {

struct Framework;

/// Hashes a string and a string view alike, so that a map keyed by strings
/// is searched with a view.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Requirement {
  std::string id;
  std::string title;
  const Framework* framework = nullptr;
  std::vector<const GroupDecl*> groups;  ///< enclosing groups, outermost first
  const RequirementDecl* decl = nullptr;
};

struct Framework {
  std::string name;
  std::string title;
  const FrameworkDecl* decl = nullptr;
  bool fromStdlib = false;
  std::vector<std::unique_ptr<Requirement>> requirements;  ///< in written order
  std::unordered_map<std::string, const Requirement*, StringHash, std::equal_to<>> byId;
  std::map<std::string, const GroupDecl*, std::less<>> groups;  ///< by group id

  const Requirement* find(std::string_view id) const {
    auto it = byId.find(id);
    return it == byId.end() ? nullptr : it->second;
  }
};

struct Control {
  const ControlDecl* decl = nullptr;
  const struct Policy* policy = nullptr;
  std::vector<const Requirement*> satisfies;  ///< resolved, in written order
  std::vector<const ReqRef*> satisfiesRefs;   ///< where each of `satisfies` is written
};

struct Policy {
  const PolicyDecl* decl = nullptr;
  const RoleDecl* owner = nullptr;
  const RoleDecl* approver = nullptr;
  std::vector<std::unique_ptr<Control>> controls;
};

struct Facts {
  const FactsDecl* decl = nullptr;
  const Type* type = nullptr;  ///< the record type of its schema
  std::string source;          ///< path as written
};

struct Exception {
  const ExceptionDecl* decl = nullptr;
  const Control* waives = nullptr;
  const RoleDecl* approver = nullptr;
};

struct Model {
  const ProjectDecl* project = nullptr;
  std::vector<const Framework*> projectFrameworks;  ///< the frameworks the project targets

  std::map<std::string, const RoleDecl*, std::less<>> roles;
  std::map<std::string, std::unique_ptr<Policy>, std::less<>> policies;
  std::map<std::string, std::unique_ptr<Facts>, std::less<>> facts;
  std::map<std::string, std::unique_ptr<Framework>, std::less<>> frameworks;
  std::vector<const CrosswalkDecl*> crosswalks;
  std::vector<const ApplicabilityDecl*> applicability;
  /// Every excluded requirement with its exclusion; excluding a group (such
  /// as SOC 2's `P`) excludes each requirement in it.
  std::map<const Requirement*, const Exclusion*> exclusions;
  std::map<std::string, std::unique_ptr<Exception>, std::less<>> exceptions;

  TypeArena types;

  const Policy* policy(std::string_view name) const {
    auto it = policies.find(name);
    return it == policies.end() ? nullptr : it->second.get();
  }
  const Framework* framework(std::string_view name) const {
    auto it = frameworks.find(name);
    return it == frameworks.end() ? nullptr : it->second.get();
  }
};

}  // namespace tenet

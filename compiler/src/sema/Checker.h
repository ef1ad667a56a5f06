// The type checker for facts schemas, expectations, evidence and
// interpolations. Internal to sema; the rest of the compiler reads Model.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tenet/diag/Diagnostic.h"
#include "tenet/sema/Model.h"

namespace tenet {

class Checker {
 public:
  Checker(Model& m, DiagnosticEngine& diags);

  /// The record type of a facts schema; reports unknown types and duplicate fields.
  const Type* schemaType(const std::vector<FieldDecl>& fields);
  void declareFacts(const std::string& name, const Type* type);

  void checkExpect(const ExpectDecl& e, const ControlDecl& c);
  void checkEvidence(const EvidenceDecl& e, const ControlDecl& c);
  /// `{name}` in a statement or section names a property of the control
  /// (when there is one) or of the policy.
  void checkProse(const Text& t, const ControlDecl* c, const PolicyDecl* p);
  /// Text where nothing is filled in (titles, reasons, string values):
  /// a `{name}` there would be printed as written, so it is reported.
  void plainText(const Text& t);

 private:
  struct Var {
    std::string_view name;  ///< in the syntax tree being checked
    const Type* type;
  };

  const Type* typeOf(const TypeExpr& t);
  const Type* check(const Expr& e);
  const Type* checkName(const Expr& e);
  const Type* checkMember(const Expr& e);
  const Type* checkCall(const Expr& e);
  const Type* checkBinary(const Expr& e);
  const Type* checkQuantifier(const Expr& e);
  /// Reports `e`, of type `t`, unless it is a condition; `what` names its place.
  void requireCondition(const Expr& e, const Type* t, std::string_view what);
  bool comparable(const Expr& lhs, const Type* a, const Expr& rhs, const Type* b);
  void checkEnumLiteral(const Type* enumType, const Expr& literal, const Expr& field);
  void checkInterpolations(const Text& t);
  std::vector<std::string> namesInScope() const;
  const Type* lookup(std::string_view name) const;

  Model& m_;
  DiagnosticEngine& diags_;
  std::map<std::string, const Type*, std::less<>> facts_;
  std::vector<Var> scope_;
  const ControlDecl* control_ = nullptr;
};

}  // namespace tenet

/// @file AST.h
/// @brief Tenet's own syntax tree. Built from the ANTLR parse tree by
/// syntax/AstBuilder and independent of it: no ANTLR type or parse-tree
/// pointer appears here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tenet/base/Source.h"

namespace tenet {

struct Type;  // sema/Types.h

struct Ident {
  std::string name;
  SourceRange range;
};

/// A calendar date, already validated.
struct Date {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const Date&) const = default;
};

enum class DurationUnit : std::uint8_t { Day, Week, Month, Year };

struct Duration {
  std::int64_t amount = 0;
  DurationUnit unit = DurationUnit::Day;
};

/// As people read a duration: `7 days`, `1 month`.
std::string durationText(const Duration& d);
/// As Tenet writes a cadence: `every 3 months`, `every 1 year`.
std::string cadenceText(const Duration& d);

/// A string or prose literal split into text and `{name}` interpolations.
struct TextPart {
  bool isInterpolation = false;
  std::string text;                 ///< literal text (escapes resolved)
  std::vector<Ident> path;          ///< `{u.email}` -> [u, email]
  SourceRange range;                ///< of the whole `{...}` or text run
};

struct Text {
  bool isProse = false;             ///< written as """..."""
  std::string value;                ///< the text with escapes resolved (prose: dedented)
  std::vector<TextPart> parts;
  SourceRange range;                ///< including the quotes
};

// ---------------------------------------------------------------------------
// Expressions

enum class ExprKind : std::uint8_t {
  Error,       ///< could not be parsed; already reported
  Bool, Int, Number, String, Date, Duration, None,
  Cadence,     ///< `every 3 months` (property values only)
  List,        ///< `[a, b]`
  Name,        ///< `okta`, `u`, `today`, `cadence`
  Member,      ///< `base.field`
  Call,        ///< `age(x)`, `len(x)`
  Unary,       ///< `not x`, `-x`
  Binary,      ///< `a op b`
  Quantifier,  ///< `all x in L where c: body` / `any ...`
  Count,       ///< `count(x in L where c)`
};

enum class BinaryOp : std::uint8_t { Or, And, Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, Add, Sub };
enum class UnaryOp : std::uint8_t { Not, Neg };
enum class QuantKind : std::uint8_t { All, Any };

const char* spelling(BinaryOp op);

struct Expr {
  ExprKind kind;
  SourceRange range;
  mutable const Type* type = nullptr;  ///< set by the type checker

  // Literals
  bool boolValue = false;
  std::int64_t intValue = 0;
  double numberValue = 0;
  std::string numberText;  ///< as written, for output
  Date dateValue;
  Duration durationValue;
  std::unique_ptr<Text> text;  ///< String; held apart, as most expressions are not strings

  // Names and members: `name` is the identifier or member field name.
  Ident name;

  // Operators
  BinaryOp binaryOp = BinaryOp::Eq;
  UnaryOp unaryOp = UnaryOp::Not;
  QuantKind quantKind = QuantKind::All;

  // Children: Member [base]; Call [args...]; Unary [operand]; Binary [lhs, rhs];
  // List [elements...]; Quantifier/Count [domain, where?, body?] as below.
  std::vector<std::unique_ptr<Expr>> children;

  // Quantifier and Count: `var`, domain, optional filter, body (Quantifier).
  Ident var;
  Expr* domain = nullptr;
  Expr* filter = nullptr;
  Expr* body = nullptr;

  explicit Expr(ExprKind k, SourceRange r) : kind(k), range(r) {}
};

using ExprPtr = std::unique_ptr<Expr>;

// ---------------------------------------------------------------------------
// Types written in facts schemas

enum class TypeExprKind : std::uint8_t { Named, List, Record, Enum };

struct FieldDecl;

struct TypeExpr {
  TypeExprKind kind = TypeExprKind::Named;
  SourceRange range;
  bool optional = false;
  Ident name;                                  ///< Named: bool/int/number/string/date/duration; List: `list`
  std::unique_ptr<TypeExpr> element;           ///< List
  std::vector<FieldDecl> fields;               ///< Record
  std::vector<std::pair<std::string, SourceRange>> enumValues;  ///< Enum
};

struct FieldDecl {
  Ident name;
  std::unique_ptr<TypeExpr> type;
  SourceRange range;
};

// ---------------------------------------------------------------------------
// Declarations

struct Property {
  Ident key;
  ExprPtr value;
  SourceRange range;
};

/// The property named `key`, or null when it is not set.
const Property* findProperty(const std::vector<Property>& props, std::string_view key);

/// `iso27001.A.5.17`: the framework, then the requirement's own id.
struct ReqRef {
  Ident framework;
  std::string id;
  SourceRange idRange;
  SourceRange range;
};

/// A requirement id as written inside a framework, crosswalk or applicability.
struct ReqId {
  std::string id;
  SourceRange range;
};

struct LintSetting {
  Ident rule;
  Ident level;
  SourceRange range;
};

struct ProjectDecl {
  Ident name;
  std::optional<Text> title;
  std::vector<Property> properties;
  std::vector<LintSetting> lint;
  SourceRange range;
};

struct RoleDecl {
  Ident name;
  std::optional<Text> title;
  std::vector<Property> properties;
  SourceRange range;
};

struct SectionDecl {
  Text heading;
  Text body;
  SourceRange range;
};

struct ExpectDecl {
  ExprPtr expr;
  std::optional<Text> elseMessage;
  SourceRange range;
};

struct EvidenceDecl {
  ExprPtr expr;
  std::optional<Duration> freshWithin;
  SourceRange freshRange;
  SourceRange range;
};

struct ControlDecl {
  Ident name;
  std::optional<Text> title;
  std::optional<Text> statement;
  SourceRange statementRange;
  std::vector<Property> properties;
  std::vector<ReqRef> satisfies;
  std::vector<ExpectDecl> expects;
  std::vector<EvidenceDecl> evidence;
  SourceRange range;
};

struct PolicyDecl {
  Ident name;
  std::optional<Text> title;
  std::vector<Property> properties;
  std::vector<SectionDecl> sections;
  std::vector<ControlDecl> controls;
  SourceRange range;
};

struct FactsDecl {
  Ident name;
  std::optional<Text> title;
  std::vector<Property> properties;
  std::vector<FieldDecl> schema;
  bool hasSchema = false;
  SourceRange range;
};

struct RequirementDecl {
  ReqId id;
  std::optional<Text> title;
  std::vector<Property> properties;
  SourceRange range;
};

struct GroupDecl;

/// Frameworks and groups hold groups and requirements in written order.
struct FrameworkItem {
  std::unique_ptr<GroupDecl> group;      ///< exactly one of these is set
  std::unique_ptr<RequirementDecl> requirement;
};

struct GroupDecl {
  Text id;
  std::optional<Text> title;
  std::vector<Property> properties;
  std::vector<FrameworkItem> items;
  SourceRange range;
};

struct FrameworkDecl {
  Ident name;
  std::optional<Text> title;
  std::vector<Property> properties;
  std::vector<FrameworkItem> items;
  SourceRange range;
};

struct Relation {
  ReqId from;
  ReqId to;
  Ident kind;  ///< equal, subset, superset, intersects
  std::optional<Text> rationale;
  SourceRange range;
};

/// `none -> P4.1 "why"` or `A.7.4 -> none "why"`: a requirement of one side
/// that has no counterpart on the other.
struct Gap {
  ReqId id;
  bool inTo = false;  ///< true for `none -> id` (the id belongs to the `to` framework)
  Text reason;
  SourceRange range;
};

struct CrosswalkDecl {
  Ident from;
  Ident to;
  std::optional<Text> title;
  std::vector<Property> properties;
  std::vector<Relation> relations;
  std::vector<Gap> gaps;
  SourceRange range;
};

struct Exclusion {
  ReqId id;
  Text reason;
  SourceRange range;
};

struct ApplicabilityDecl {
  Ident framework;
  std::vector<Exclusion> exclusions;
  SourceRange range;
};

struct ExceptionDecl {
  Ident name;
  std::optional<Text> title;
  std::vector<Property> properties;
  SourceRange range;
};

/// A comment, kept for the formatter and for inline lint suppressions.
struct Comment {
  std::string text;  ///< including the leading `//`
  SourceRange range;
};

/// Everything declared in one source file.
struct SourceUnit {
  FileId file = kNoFile;
  std::vector<ProjectDecl> projects;
  std::vector<RoleDecl> roles;
  std::vector<PolicyDecl> policies;
  std::vector<FactsDecl> facts;
  std::vector<FrameworkDecl> frameworks;
  std::vector<CrosswalkDecl> crosswalks;
  std::vector<ApplicabilityDecl> applicability;
  std::vector<ExceptionDecl> exceptions;
  std::vector<Comment> comments;
  /// Stretches after a syntax error whose meaning is uncertain: checks of
  /// later stages are not reported there, so one mistake gives one error.
  /// Sorted and not overlapping.
  std::vector<SourceRange> damaged;
};

}  // namespace tenet

// Type checking of expressions against the declared facts schemas, before
// anything is evaluated.
#include "Checker.h"

#include <algorithm>
#include <set>

namespace tenet {

namespace {

bool isA(const Type* t, TypeKind k) { return t && t->kind == k; }
bool isErr(const Type* t) { return !t || t->kind == TypeKind::Error; }
/// What a condition may be: true/false, or an error already reported.
bool isCondition(const Type* t) { return isErr(t) || isA(t, TypeKind::Bool); }

const char* quantName(QuantKind k) { return k == QuantKind::All ? "all" : "any"; }

constexpr std::string_view kFunctions[] = {"age", "len"};
constexpr std::string_view kToday = "today";

}  // namespace

Checker::Checker(Model& m, DiagnosticEngine& diags) : m_(m), diags_(diags) {}

void Checker::declareFacts(const std::string& name, const Type* type) { facts_[name] = type; }

// ---- schemas ----------------------------------------------------------------

const Type* Checker::schemaType(const std::vector<FieldDecl>& fields) {
  std::vector<RecordField> out;
  std::map<std::string, SourceRange> seen;
  for (const auto& f : fields) {
    auto [it, fresh] = seen.emplace(f.name.name, f.name.range);
    if (!fresh) {
      diags_.report(DiagCode::DuplicateDefinition, f.name.range, "field", f.name.name)
          .note("first defined here", it->second);
      continue;
    }
    out.push_back(RecordField{f.name.name, f.type ? typeOf(*f.type) : m_.types.error(), f.name.range});
  }
  return m_.types.record(std::move(out));
}

const Type* Checker::typeOf(const TypeExpr& t) {
  switch (t.kind) {
    case TypeExprKind::Named: {
      static const std::map<std::string, TypeKind, std::less<>> kNames = {
          {"bool", TypeKind::Bool},     {"int", TypeKind::Int},   {"number", TypeKind::Number},
          {"string", TypeKind::String}, {"date", TypeKind::Date}, {"duration", TypeKind::Duration}};
      auto it = kNames.find(t.name.name);
      if (it == kNames.end()) {
        std::vector<std::string> names{"bool", "int", "number", "string", "date", "duration", "list"};
        auto& d = diags_.report(DiagCode::UnknownType, t.name.range, t.name.name);
        std::string best = closestName(t.name.name, names);
        if (!best.empty()) d.withHelp("did you mean '" + best + "'?").withFix(t.name.range, best);
        return m_.types.error();
      }
      return m_.types.scalar(it->second, t.optional);
    }
    case TypeExprKind::List:
      if (t.name.name != "list") {
        diags_.report(DiagCode::UnknownType, t.name.range, t.name.name + "<...>");
        return m_.types.error();
      }
      return m_.types.list(t.element ? typeOf(*t.element) : m_.types.error(), t.optional);
    case TypeExprKind::Record:
      return m_.types.withOptional(schemaType(t.fields), t.optional);
    case TypeExprKind::Enum: {
      std::vector<std::string> values;
      std::map<std::string, SourceRange> seen;
      for (const auto& [v, r] : t.enumValues) {
        auto [it, fresh] = seen.emplace(v, r);
        if (!fresh) {
          diags_.report(DiagCode::DuplicateDefinition, r, "enum value", v).note("first listed here", it->second);
          continue;
        }
        values.push_back(v);
      }
      return m_.types.enumeration(std::move(values), t.optional);
    }
  }
  return m_.types.error();
}

// ---- declarations that hold expressions -------------------------------------

void Checker::checkExpect(const ExpectDecl& e, const ControlDecl& c) {
  control_ = &c;
  scope_.clear();
  const Type* t = check(*e.expr);
  requireCondition(*e.expr, t, "an expectation");
  if (e.elseMessage) {
    // The message is written for each failing element of an outer `all`.
    if (e.expr->kind == ExprKind::Quantifier && e.expr->quantKind == QuantKind::All && e.expr->domain &&
        e.expr->domain->type) {
      const Type* d = e.expr->domain->type;
      scope_.push_back({e.expr->var.name, isA(d, TypeKind::List) && d->element ? d->element : m_.types.error()});
    }
    checkInterpolations(*e.elseMessage);
    scope_.clear();
  }
  control_ = nullptr;
}

void Checker::checkEvidence(const EvidenceDecl& e, const ControlDecl& c) {
  control_ = &c;
  scope_.clear();
  const Type* t = check(*e.expr);
  bool isDate = isA(t, TypeKind::Date);
  if (!isErr(t) && !isDate && !isA(t, TypeKind::String))
    diags_.report(DiagCode::InvalidEvidence, e.expr->range, describe(t));
  if (e.freshWithin) {
    if (!isErr(t) && !isDate) diags_.report(DiagCode::FreshnessWithoutDate, e.freshRange, describe(t));
    if (e.freshWithin->amount <= 0) diags_.report(DiagCode::NonPositiveDuration, e.freshRange, "the freshness window");
  }
  control_ = nullptr;
}

void Checker::checkProse(const Text& t, const ControlDecl* c, const PolicyDecl* p) {
  if (std::none_of(t.parts.begin(), t.parts.end(),
                   [](const TextPart& part) { return part.isInterpolation && !part.path.empty(); }))
    return;
  std::vector<std::string> names;
  if (c)
    for (const auto& prop : c->properties) names.push_back(prop.key.name);
  if (p)
    for (const auto& prop : p->properties) names.push_back(prop.key.name);
  for (const auto& part : t.parts) {
    if (!part.isInterpolation || part.path.empty()) continue;
    std::string full;
    for (const auto& seg : part.path) full += (full.empty() ? "" : ".") + seg.name;
    bool found = part.path.size() == 1 &&
                 std::find(names.begin(), names.end(), part.path[0].name) != names.end();
    if (found) continue;
    auto& d = diags_.report(DiagCode::UnknownInterpolation, part.range, full);
    std::string best = closestName(full, names);
    if (!best.empty()) {
      d.withHelp("did you mean '{" + best + "}'?");
    } else if (names.empty()) {
      d.withHelp(c ? "declare it first, for example: cadence = every 3 months"
                   : "prose can name the policy's own properties, such as {owner} or {version}");
    } else {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "{" : ", {") + n + "}";
      d.withHelp("the names declared here are: " + list);
    }
  }
}

void Checker::plainText(const Text& t) {
  for (const auto& part : t.parts) {
    if (!part.isInterpolation) continue;
    std::string full;
    for (const auto& seg : part.path) full += (full.empty() ? "" : ".") + seg.name;
    diags_.report(DiagCode::InterpolationNotAllowed, part.range, full);
  }
}

void Checker::checkInterpolations(const Text& t) {
  for (const auto& part : t.parts) {
    if (!part.isInterpolation || part.path.empty()) continue;
    const Ident& first = part.path[0];
    const Type* cur = lookup(first.name);
    if (!cur) {
      auto& d = diags_.report(DiagCode::UnknownInterpolation, part.range, first.name);
      std::string best = closestName(first.name, namesInScope());
      if (!best.empty()) d.withHelp("did you mean '{" + best + "}'?");
      continue;
    }
    for (std::size_t i = 1; i < part.path.size() && !isErr(cur); ++i) {
      const Ident& seg = part.path[i];
      if (!isA(cur, TypeKind::Record)) {
        diags_.report(DiagCode::NotARecord, seg.range, "'" + part.path[i - 1].name + "'", describe(cur));
        cur = nullptr;
        break;
      }
      const RecordField* f = cur->field(seg.name);
      if (!f) {
        std::vector<std::string> names;
        for (const auto& ff : cur->fields) names.push_back(ff.name);
        auto& d = diags_.report(DiagCode::UnknownField, seg.range, "'" + part.path[i - 1].name + "'", seg.name);
        std::string best = closestName(seg.name, names);
        if (!best.empty()) d.withHelp("did you mean '" + best + "'?").withFix(seg.range, best);
        break;
      }
      cur = f->type;
    }
  }
}

// ---- expressions --------------------------------------------------------------

std::vector<std::string> Checker::namesInScope() const {
  std::vector<std::string> names;
  for (const auto& v : scope_) names.emplace_back(v.name);
  for (const auto& [n, _] : facts_) names.push_back(n);
  if (control_)
    for (const auto& p : control_->properties)
      if (p.value && p.value->kind == ExprKind::Cadence) names.push_back(p.key.name);
  names.emplace_back("today");
  return names;
}

const Type* Checker::lookup(std::string_view name) const {
  for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
    if (it->name == name) return it->type;
  if (control_)
    for (const auto& p : control_->properties)
      if (p.key.name == name && p.value && p.value->kind == ExprKind::Cadence)
        return m_.types.scalar(TypeKind::Duration);
  if (name == kToday) return m_.types.scalar(TypeKind::Date);
  if (auto it = facts_.find(name); it != facts_.end()) return it->second;
  return nullptr;
}

void Checker::requireCondition(const Expr& e, const Type* t, std::string_view what) {
  if (isCondition(t)) return;
  auto& d = diags_.report(DiagCode::NotACondition, e.range, what, describe(t));
  if (isA(t, TypeKind::List)) d.withHelp("to test each element, write: all x in <list>: <condition>");
}

const Type* Checker::check(const Expr& e) {
  const Type* t = m_.types.error();
  auto& types = m_.types;
  switch (e.kind) {
    case ExprKind::Error: break;
    case ExprKind::Bool: t = types.scalar(TypeKind::Bool); break;
    case ExprKind::Int: t = types.scalar(TypeKind::Int); break;
    case ExprKind::Number: t = types.scalar(TypeKind::Number); break;
    case ExprKind::String:
      if (e.text) plainText(*e.text);
      t = types.scalar(TypeKind::String);
      break;
    case ExprKind::Date: t = types.scalar(TypeKind::Date); break;
    case ExprKind::Duration:
    case ExprKind::Cadence: t = types.scalar(TypeKind::Duration); break;
    case ExprKind::None: t = types.scalar(TypeKind::None); break;
    case ExprKind::List: {
      const Type* elem = nullptr;
      for (const auto& c : e.children) {
        const Type* ct = check(*c);
        if (isErr(ct)) continue;
        if (!elem) {
          elem = ct;
        } else if (!comparable(*e.children[0], elem, *c, ct)) {
          diags_.report(DiagCode::TypeMismatch, c->range,
                        "the elements of a list must have one type: this is " + describe(ct) +
                            ", the first is " + describe(elem));
        } else if (elem->kind == TypeKind::Int && ct->kind == TypeKind::Number) {
          elem = ct;
        }
      }
      t = types.list(elem);
      break;
    }
    case ExprKind::Name: t = checkName(e); break;
    case ExprKind::Member: t = checkMember(e); break;
    case ExprKind::Call: t = checkCall(e); break;
    case ExprKind::Unary: {
      const Type* ot = check(*e.children[0]);
      if (e.unaryOp == UnaryOp::Not) {
        requireCondition(*e.children[0], ot, "the operand of 'not'");
        t = types.scalar(TypeKind::Bool);
      } else {
        if (!isErr(ot) && !ot->isNumeric() && !isA(ot, TypeKind::Duration)) {
          diags_.report(DiagCode::TypeMismatch, e.range, "'-' cannot negate " + describe(ot));
        } else {
          t = ot;
        }
      }
      break;
    }
    case ExprKind::Binary: t = checkBinary(e); break;
    case ExprKind::Quantifier:
    case ExprKind::Count: t = checkQuantifier(e); break;
  }
  e.type = t;
  return t;
}

const Type* Checker::checkName(const Expr& e) {
  if (const Type* t = lookup(e.name.name)) return t;
  auto& d = [&]() -> Diagnostic& {
    if (m_.roles.count(e.name.name) || m_.policies.count(e.name.name) || m_.frameworks.count(e.name.name))
      return diags_.report(DiagCode::TypeMismatch, e.range,
                           "'" + e.name.name + "' is not a value that can be checked; expressions work on facts");
    return diags_.report(DiagCode::UnknownName, e.name.range, e.name.name);
  }();
  if (d.code == DiagCode::UnknownName) {
    // `today-30` is `today` minus 30 written without spaces.
    auto dash = e.name.name.find('-');
    if (dash != std::string::npos && lookup(std::string_view(e.name.name).substr(0, dash))) {
      d.withHelp("names may contain '-', so this reads as one name; to subtract, put spaces around the minus sign: " +
                 e.name.name.substr(0, dash) + " - " + e.name.name.substr(dash + 1));
    } else if (std::string best = closestName(e.name.name, namesInScope()); !best.empty()) {
      d.withHelp("did you mean '" + best + "'?").withFix(e.name.range, best);
    } else if (dash != std::string::npos) {
      d.withHelp("names may contain '-'; to subtract, put spaces around the minus sign");
    }
  }
  return m_.types.error();
}

const Type* Checker::checkMember(const Expr& e) {
  const Expr& base = *e.children[0];
  const Type* bt = check(base);
  if (isErr(bt)) return m_.types.error();
  if (!isA(bt, TypeKind::Record)) {
    bool named = base.kind == ExprKind::Name || base.kind == ExprKind::Member;
    auto& d = diags_.report(DiagCode::NotARecord, e.name.range, named ? "'" + base.name.name + "'" : std::string("this"),
                            describe(bt));
    if (isA(bt, TypeKind::List))
      d.withHelp("a list has no fields of its own; to look at each element, write: all x in <list>: x." + e.name.name);
    return m_.types.error();
  }
  const RecordField* f = bt->field(e.name.name);
  if (!f) {
    std::vector<std::string> names;
    for (const auto& ff : bt->fields) names.push_back(ff.name);
    std::string what = base.kind == ExprKind::Name ? "'" + base.name.name + "'"
                       : base.kind == ExprKind::Member ? "'" + base.name.name + "'"
                                                       : std::string("this record");
    auto& d = diags_.report(DiagCode::UnknownField, e.name.range, what, e.name.name);
    std::string best = closestName(e.name.name, names);
    if (!best.empty()) d.withHelp("did you mean '" + best + "'?").withFix(e.name.range, best);
    else if (!f && !names.empty()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      d.withHelp("its fields are: " + list);
    }
    return m_.types.error();
  }
  return bt->optional ? m_.types.withOptional(f->type, true) : f->type;
}

const Type* Checker::checkCall(const Expr& e) {
  std::vector<const Type*> args;
  for (const auto& a : e.children) args.push_back(check(*a));
  const std::string& fn = e.name.name;
  auto arity = [&](const char* takes) {
    if (args.size() == 1) return true;
    diags_.report(DiagCode::WrongArgumentCount, e.range, fn, takes,
                  args.size() == 0 ? std::string("none was") : fmt::format("{} were", args.size()));
    return false;
  };
  if (fn == "age") {
    if (!arity("one date")) return m_.types.error();
    if (!isErr(args[0]) && !isA(args[0], TypeKind::Date)) {
      diags_.report(DiagCode::TypeMismatch, e.children[0]->range, "age() needs a date, but this is " + describe(args[0]));
      return m_.types.error();
    }
    return m_.types.scalar(TypeKind::Duration, args[0]->optional);
  }
  if (fn == "len") {
    if (!arity("one list")) return m_.types.error();
    if (!isErr(args[0]) && !isA(args[0], TypeKind::List)) {
      diags_.report(DiagCode::NotAList, e.children[0]->range, "len()", describe(args[0]));
      return m_.types.error();
    }
    return m_.types.scalar(TypeKind::Int, !isErr(args[0]) && args[0]->optional);
  }
  auto& d = diags_.report(DiagCode::UnknownFunction, e.name.range, fn);
  std::vector<std::string> names(std::begin(kFunctions), std::end(kFunctions));
  std::string best = closestName(fn, names);
  d.withHelp(best.empty() ? "the functions are age(date) and len(list)" : "did you mean '" + best + "'?");
  return m_.types.error();
}

namespace {
// `f.status` for a field path, for messages.
std::string pathText(const Expr& e) {
  if (e.kind == ExprKind::Name) return e.name.name;
  if (e.kind == ExprKind::Member && !e.children.empty()) {
    std::string base = pathText(*e.children[0]);
    return base.empty() ? std::string() : base + "." + e.name.name;
  }
  return {};
}
}  // namespace

void Checker::checkEnumLiteral(const Type* enumType, const Expr& lit, const Expr& field) {
  if (lit.kind != ExprKind::String || !lit.text) return;
  const auto& vals = enumType->enumValues;
  if (std::find(vals.begin(), vals.end(), lit.text->value) != vals.end()) return;
  std::string list;
  for (const auto& v : vals) list += (list.empty() ? "\"" : ", \"") + v + "\"";
  std::string path = pathText(field);
  auto& d = diags_.report(DiagCode::UnknownEnumValue, lit.range, lit.text->value,
                          path.empty() ? std::string("this field") : path, list);
  std::string best = closestName(lit.text->value, vals);
  if (!best.empty()) d.withHelp("did you mean \"" + best + "\"?");
}

bool Checker::comparable(const Expr& lhs, const Type* a, const Expr& rhs, const Type* b) {
  if (isErr(a) || isErr(b)) return true;
  if (a->kind == TypeKind::None || b->kind == TypeKind::None) return true;  // checked by the caller
  if (a->isNumeric() && b->isNumeric()) return true;
  if (a->kind == TypeKind::Enum && b->kind == TypeKind::String) {
    checkEnumLiteral(a, rhs, lhs);
    return true;
  }
  if (b->kind == TypeKind::Enum && a->kind == TypeKind::String) {
    checkEnumLiteral(b, lhs, rhs);
    return true;
  }
  if (a->kind == TypeKind::Enum && b->kind == TypeKind::Enum) {
    // Two enums can be equal only if they share a value.
    for (const auto& v : a->enumValues)
      if (std::find(b->enumValues.begin(), b->enumValues.end(), v) != b->enumValues.end()) return true;
    return a->enumValues.empty() || b->enumValues.empty();
  }
  if (a->kind != b->kind) return false;
  if (a->kind == TypeKind::List) {
    if (!a->element || !b->element) return true;
    return a->element->kind == b->element->kind || (a->element->isNumeric() && b->element->isNumeric());
  }
  return true;
}

const Type* Checker::checkBinary(const Expr& e) {
  const Expr& l = *e.children[0];
  const Expr& r = *e.children[1];
  const Type* a = check(l);
  const Type* b = check(r);
  auto& types = m_.types;
  const Type* boolean = types.scalar(TypeKind::Bool);
  std::string op = spelling(e.binaryOp);
  switch (e.binaryOp) {
    case BinaryOp::And:
    case BinaryOp::Or:
      if (!isCondition(a)) requireCondition(l, a, "each side of '" + op + "'");
      if (!isCondition(b)) requireCondition(r, b, "each side of '" + op + "'");
      return boolean;
    case BinaryOp::Eq:
    case BinaryOp::Ne: {
      bool lnone = isA(a, TypeKind::None), rnone = isA(b, TypeKind::None);
      if (lnone != rnone) {
        const Type* other = lnone ? b : a;
        if (!isErr(other) && !other->optional)
          diags_.report(DiagCode::TypeMismatch, e.range,
                        "this compares " + describe(other) +
                            " with none, but it is never absent; only optional fields (written T?) can be none");
        return boolean;
      }
      if (!comparable(l, a, r, b))
        diags_.report(DiagCode::TypeMismatch, e.range, "cannot compare " + describe(a) + " with " + describe(b));
      return boolean;
    }
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge: {
      if (isErr(a) || isErr(b)) return boolean;
      bool ok = (a->isNumeric() && b->isNumeric()) || (isA(a, TypeKind::Date) && isA(b, TypeKind::Date)) ||
                (isA(a, TypeKind::Duration) && isA(b, TypeKind::Duration));
      if (!ok) {
        auto& d = diags_.report(DiagCode::TypeMismatch, e.range,
                                "cannot compare " + describe(a) + " with " + describe(b) + " using '" + op + "'");
        bool dateVsDuration = (isA(a, TypeKind::Date) && isA(b, TypeKind::Duration)) ||
                              (isA(a, TypeKind::Duration) && isA(b, TypeKind::Date));
        bool usesAge = (l.kind == ExprKind::Call && l.name.name == "age") || (r.kind == ExprKind::Call && r.name.name == "age");
        if (dateVsDuration && usesAge) d.withHelp("age() gives a duration: compare it with a duration such as 30 days");
        else if (dateVsDuration) d.withHelp("to test how old a date is, write age(date) <= 30 days");
        else if (!isA(a, b->kind)) d.withHelp("'" + op + "' compares numbers, dates or durations with their own kind");
      }
      return boolean;
    }
    case BinaryOp::In:
    case BinaryOp::NotIn: {
      if (isErr(b)) return boolean;
      if (!isA(b, TypeKind::List)) {
        diags_.report(DiagCode::NotAList, r.range, "the right side of '" + op + "'", describe(b));
        return boolean;
      }
      if (b->element && !comparable(l, a, r, b->element)) {
        diags_.report(DiagCode::TypeMismatch, e.range,
                      "cannot look for " + describe(a) + " in " + describe(b));
      } else if (isA(a, TypeKind::Enum) && r.kind == ExprKind::List) {
        for (const auto& item : r.children) checkEnumLiteral(a, *item, l);  // `tier in ["high", "critical"]`
      }
      return boolean;
    }
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      if (isErr(a) || isErr(b)) return types.error();
      bool opt = a->optional || b->optional;
      if (a->isNumeric() && b->isNumeric())
        return types.scalar(a->kind == TypeKind::Number || b->kind == TypeKind::Number ? TypeKind::Number : TypeKind::Int, opt);
      if (isA(a, TypeKind::Date) && isA(b, TypeKind::Duration)) return types.scalar(TypeKind::Date, opt);
      if (isA(a, TypeKind::Duration) && isA(b, TypeKind::Duration)) return types.scalar(TypeKind::Duration, opt);
      if (e.binaryOp == BinaryOp::Add && isA(a, TypeKind::Duration) && isA(b, TypeKind::Date))
        return types.scalar(TypeKind::Date, opt);
      if (e.binaryOp == BinaryOp::Sub && isA(a, TypeKind::Date) && isA(b, TypeKind::Date))
        return types.scalar(TypeKind::Duration, opt);
      diags_.report(DiagCode::TypeMismatch, e.range,
                    "'" + op + "' cannot combine " + describe(a) + " and " + describe(b));
      return types.error();
    }
  }
  return types.error();
}

const Type* Checker::checkQuantifier(const Expr& e) {
  const Type* dt = check(*e.domain);
  const Type* elem = m_.types.error();
  auto what = [&] { return e.kind == ExprKind::Count ? "count()" : std::string("'") + quantName(e.quantKind) + "'"; };
  if (!isErr(dt)) {
    if (!isA(dt, TypeKind::List)) {
      diags_.report(DiagCode::NotAList, e.domain->range, what(), describe(dt));
    } else if (dt->element) {
      elem = dt->element;
    }
  }
  if (e.var.name == kToday) diags_.report(DiagCode::ReservedName, e.var.range, e.var.name);
  scope_.push_back({e.var.name, elem});
  if (e.filter) requireCondition(*e.filter, check(*e.filter), "the condition after 'where'");
  if (e.body) {
    const Type* bt = check(*e.body);
    if (!isCondition(bt)) requireCondition(*e.body, bt, "the body of " + what());
  }
  scope_.pop_back();
  return m_.types.scalar(e.kind == ExprKind::Count ? TypeKind::Int : TypeKind::Bool);
}

}  // namespace tenet

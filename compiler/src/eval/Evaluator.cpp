// Evaluation of expectations over loaded facts, in three-valued logic: a
// condition is true, false or unknown, and unknown never counts as passing.
#include "tenet/eval/Evaluator.h"

#include <fmt/format.h>

#include <cmath>
#include <memory>

namespace tenet {

std::string_view outcomeName(Outcome o) {
  switch (o) {
    case Outcome::Pass: return "pass";
    case Outcome::Fail: return "fail";
    case Outcome::Unknown: return "unknown";
    case Outcome::Manual: return "manual";
    case Outcome::Waived: return "waived";
  }
  return "unknown";
}

namespace {

/// A value at run time: from the facts, from a literal, or unknown.
struct Val {
  enum class K : std::uint8_t { Unknown, Absent, Bool, Int, Number, String, Date, Duration, FactList, FactRecord, List };
  K k = K::Unknown;
  bool b = false;
  std::int64_t i = 0;  ///< Int; Date as days since 1970-01-01
  double d = 0;
  Duration dur;
  std::string_view s;
  const FactStore* store = nullptr;
  FactValue fv;
  const Type* type = nullptr;  ///< for facts lists and records: their schema type
  std::shared_ptr<const std::vector<Val>> list;
  std::string reason;  ///< why it is unknown

  static Val unknown(std::string why) {
    Val v;
    v.reason = std::move(why);
    return v;
  }
  static Val boolean(bool x) {
    Val v;
    v.k = K::Bool;
    v.b = x;
    return v;
  }
};

/// Too much work for one expectation: reported as unknown, not as a hang.
struct StepLimit {};

std::string dateText(std::int64_t days) { return formatDate(civilFromDays(days)); }

class Run {
 public:
  Run(const Model& model, const std::map<std::string, LoadedFacts>& facts, const EvalOptions& options,
      const Control& control)
      : model_(model), facts_(facts), options_(options), control_(control),
        today_(daysFromCivil(options.today)) {}

  ExpectResult expect(const ExpectDecl& e) {
    ExpectResult r;
    r.expect = &e;
    steps_ = 0;
    try {
      const Expr& x = *e.expr;
      if (x.kind == ExprKind::Quantifier && x.quantKind == QuantKind::All) return allExpect(e, x, r);
      Val v = eval(x);
      if (v.k == Val::K::Bool) {
        r.outcome = v.b ? Outcome::Pass : Outcome::Fail;
        if (!v.b) {
          r.failureCount = 1;
          r.failures.push_back(e.elseMessage ? interpolate(*e.elseMessage) : "the expectation does not hold");
        }
      } else {
        r.outcome = Outcome::Unknown;
        r.reason = v.reason.empty() ? "the expectation could not be evaluated" : v.reason;
      }
    } catch (const StepLimit&) {
      r.outcome = Outcome::Unknown;
      r.reason = "evaluating it would take more than the step limit allows";
    }
    return r;
  }

  EvidenceResult evidence(const EvidenceDecl& e) {
    EvidenceResult r;
    r.evidence = &e;
    steps_ = 0;
    Val v;
    try {
      v = eval(*e.expr);
    } catch (const StepLimit&) {
      v = Val::unknown("evaluating it would take more than the step limit allows");
    }
    if (v.k == Val::K::String) {
      r.outcome = Outcome::Manual;
      r.detail = std::string(v.s);
      return r;
    }
    if (v.k != Val::K::Date) {
      r.outcome = Outcome::Unknown;
      r.detail = v.k == Val::K::Absent ? "no date was recorded" : v.reason;
      return r;
    }
    std::int64_t age = today_ - v.i;
    if (age < 0) {  // a date after the evaluation date: a clock or an export is wrong
      r.outcome = Outcome::Unknown;
      r.detail = fmt::format("the evidence is dated {}, after the evaluation date", dateText(v.i));
      return r;
    }
    if (e.freshWithin) {
      std::int64_t window = days(*e.freshWithin);
      if (age > window) {
        r.outcome = Outcome::Fail;
        r.detail = fmt::format("the evidence is from {}, {} days old; it must be at most {} old", dateText(v.i), age,
                               durationText(*e.freshWithin));
        return r;
      }
    }
    r.outcome = Outcome::Pass;
    r.detail = fmt::format("the evidence is from {}", dateText(v.i));
    return r;
  }

 private:
  const Model& model_;
  const std::map<std::string, LoadedFacts>& facts_;
  const EvalOptions& options_;
  const Control& control_;
  std::int64_t today_;
  std::vector<std::pair<std::string_view, Val>> scope_;
  std::size_t steps_ = 0;

  void step() {
    if (++steps_ > options_.maxSteps) throw StepLimit{};
  }

  /// A duration in days, months and years counted back from today.
  std::int64_t days(const Duration& d) const {
    switch (d.unit) {
      case DurationUnit::Day: return d.amount;
      case DurationUnit::Week: return d.amount * 7;
      case DurationUnit::Month: return today_ - daysFromCivil(addMonths(civilFromDays(today_), -d.amount));
      case DurationUnit::Year: return today_ - daysFromCivil(addMonths(civilFromDays(today_), -12 * d.amount));
    }
    return d.amount;
  }

  Val fromFact(const FactStore& store, const FactValue& fv, const Type* t) const {
    Val v;
    switch (fv.kind) {
      case FactKind::Absent: v.k = Val::K::Absent; break;
      case FactKind::Bool: v.k = Val::K::Bool; v.b = fv.u.b; break;
      case FactKind::Int: v.k = Val::K::Int; v.i = fv.u.i; break;
      case FactKind::Number: v.k = Val::K::Number; v.d = fv.u.d; break;
      case FactKind::String: v.k = Val::K::String; v.s = store.string(fv); break;
      case FactKind::Date: v.k = Val::K::Date; v.i = fv.u.i; break;
      case FactKind::Duration:
        v.k = Val::K::Duration;
        v.dur = Duration{fv.u.i / 4, static_cast<DurationUnit>(fv.u.i % 4)};
        break;
      case FactKind::List: v.k = Val::K::FactList; v.store = &store; v.fv = fv; v.type = t; break;
      case FactKind::Record: v.k = Val::K::FactRecord; v.store = &store; v.fv = fv; v.type = t; break;
    }
    return v;
  }

  std::size_t length(const Val& l) const {
    return l.k == Val::K::FactList ? l.store->size(l.fv) : l.list ? l.list->size() : 0;
  }
  Val element(const Val& l, std::size_t k) const {
    if (l.k == Val::K::FactList) return fromFact(*l.store, l.store->children(l.fv)[k], l.type ? l.type->element : nullptr);
    return (*l.list)[k];
  }
  static bool isList(const Val& v) { return v.k == Val::K::FactList || v.k == Val::K::List; }

  Val lookup(const Ident& name) const {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
      if (it->first == name.name) return it->second;
    for (const auto& p : control_.decl->properties) {
      if (p.key.name == name.name && p.value && p.value->kind == ExprKind::Cadence) {
        Val v;
        v.k = Val::K::Duration;
        v.dur = p.value->durationValue;
        return v;
      }
    }
    if (name.name == "today") {
      Val v;
      v.k = Val::K::Date;
      v.i = today_;
      return v;
    }
    auto f = facts_.find(name.name);
    if (f == facts_.end()) return Val::unknown("the facts '" + name.name + "' were not loaded");
    const LoadedFacts& lf = f->second;
    if (lf.missing) return Val::unknown("the facts file " + lf.path + " is missing");
    if (!lf.store) return Val::unknown("the facts file " + lf.path + " could not be used");
    return fromFact(*lf.store, lf.store->root(), lf.facts->type);
  }

  Val eval(const Expr& e) {
    step();
    switch (e.kind) {
      case ExprKind::Error: return Val::unknown("the expression has an error");
      case ExprKind::Bool: return Val::boolean(e.boolValue);
      case ExprKind::Int: { Val v; v.k = Val::K::Int; v.i = e.intValue; return v; }
      case ExprKind::Number: { Val v; v.k = Val::K::Number; v.d = e.numberValue; return v; }
      case ExprKind::String: { Val v; v.k = Val::K::String; v.s = e.text ? std::string_view(e.text->value) : ""; return v; }
      case ExprKind::Date: { Val v; v.k = Val::K::Date; v.i = daysFromCivil(e.dateValue); return v; }
      case ExprKind::Duration:
      case ExprKind::Cadence: { Val v; v.k = Val::K::Duration; v.dur = e.durationValue; return v; }
      case ExprKind::None: { Val v; v.k = Val::K::Absent; return v; }
      case ExprKind::List: {
        auto items = std::make_shared<std::vector<Val>>();
        for (const auto& c : e.children) items->push_back(eval(*c));
        Val v;
        v.k = Val::K::List;
        v.list = std::move(items);
        return v;
      }
      case ExprKind::Name: return lookup(e.name);
      case ExprKind::Member: {
        Val base = eval(*e.children[0]);
        if (base.k == Val::K::Unknown) return base;
        if (base.k == Val::K::Absent) return base;  // a field of an absent record is absent
        if (base.k != Val::K::FactRecord || !base.type) return Val::unknown("'" + e.name.name + "' could not be read");
        for (std::size_t k = 0; k < base.type->fields.size(); ++k)
          if (base.type->fields[k].name == e.name.name)
            return fromFact(*base.store, base.store->children(base.fv)[k], base.type->fields[k].type);
        return Val::unknown("no field '" + e.name.name + "'");
      }
      case ExprKind::Call: return call(e);
      case ExprKind::Unary: {
        Val o = eval(*e.children[0]);
        if (o.k == Val::K::Unknown) return o;
        if (e.unaryOp == UnaryOp::Not) return o.k == Val::K::Bool ? Val::boolean(!o.b) : Val::unknown("not a condition");
        if (o.k == Val::K::Int) o.i = -o.i;
        else if (o.k == Val::K::Number) o.d = -o.d;
        else if (o.k == Val::K::Duration) o.dur.amount = -o.dur.amount;
        else return Val::unknown("the value is absent");
        return o;
      }
      case ExprKind::Binary: return binary(e);
      case ExprKind::Quantifier: return quantifier(e);
      case ExprKind::Count: return count(e);
    }
    return Val::unknown("the expression could not be evaluated");
  }

  Val call(const Expr& e) {
    if (e.children.size() != 1) return Val::unknown("wrong number of arguments");
    Val a = eval(*e.children[0]);
    if (a.k == Val::K::Unknown) return a;
    if (a.k == Val::K::Absent) return Val::unknown(e.name.name + "() of an absent value");
    if (e.name.name == "age" && a.k == Val::K::Date) {
      Val v;
      v.k = Val::K::Duration;
      v.dur = Duration{today_ - a.i, DurationUnit::Day};
      return v;
    }
    if (e.name.name == "len" && isList(a)) {
      Val v;
      v.k = Val::K::Int;
      v.i = static_cast<std::int64_t>(length(a));
      return v;
    }
    return Val::unknown("'" + e.name.name + "' could not be evaluated");
  }

  /// Equality in the sense of `==`: unknown when either side is.
  Val equal(const Val& a, const Val& b) {
    if (a.k == Val::K::Unknown) return a;
    if (b.k == Val::K::Unknown) return b;
    if (a.k == Val::K::Absent || b.k == Val::K::Absent) {
      if (a.k == Val::K::Absent && b.k == Val::K::Absent) return Val::boolean(true);
      return Val::boolean(false);
    }
    if ((a.k == Val::K::Int || a.k == Val::K::Number) && (b.k == Val::K::Int || b.k == Val::K::Number))
      return Val::boolean(num(a) == num(b));
    if (a.k != b.k) return Val::boolean(false);
    switch (a.k) {
      case Val::K::Bool: return Val::boolean(a.b == b.b);
      case Val::K::String: return Val::boolean(a.s == b.s);
      case Val::K::Date: return Val::boolean(a.i == b.i);
      case Val::K::Duration: return Val::boolean(days(a.dur) == days(b.dur));
      default: return Val::unknown("these values cannot be compared");
    }
  }
  static double num(const Val& v) { return v.k == Val::K::Int ? static_cast<double>(v.i) : v.d; }

  Val binary(const Expr& e) {
    BinaryOp op = e.binaryOp;
    if (op == BinaryOp::And || op == BinaryOp::Or) {
      // Kleene logic: false and unknown is false; true or unknown is true.
      Val a = eval(*e.children[0]);
      bool decisive = op == BinaryOp::Or;
      if (a.k == Val::K::Bool && a.b == decisive) return a;
      Val b = eval(*e.children[1]);
      if (b.k == Val::K::Bool && b.b == decisive) return b;
      if (a.k != Val::K::Bool) return a.k == Val::K::Unknown ? a : Val::unknown("not a condition");
      if (b.k != Val::K::Bool) return b.k == Val::K::Unknown ? b : Val::unknown("not a condition");
      return Val::boolean(!decisive);
    }
    Val a = eval(*e.children[0]);
    Val b = eval(*e.children[1]);
    if (a.k == Val::K::Unknown) return a;
    if (b.k == Val::K::Unknown) return b;
    switch (op) {
      case BinaryOp::Eq: return equal(a, b);
      case BinaryOp::Ne: {
        Val r = equal(a, b);
        if (r.k == Val::K::Bool) r.b = !r.b;
        return r;
      }
      case BinaryOp::In:
      case BinaryOp::NotIn: {
        if (b.k == Val::K::Absent) return Val::unknown("the list is absent");
        if (!isList(b)) return Val::unknown("not a list");
        bool found = false, unsure = false;
        for (std::size_t k = 0; k < length(b) && !found; ++k) {
          step();
          Val r = equal(a, element(b, k));
          if (r.k == Val::K::Bool) found = r.b;
          else unsure = true;
        }
        if (!found && unsure) return Val::unknown("some elements could not be compared");
        return Val::boolean(op == BinaryOp::In ? found : !found);
      }
      default: break;
    }
    if (a.k == Val::K::Absent || b.k == Val::K::Absent)
      return Val::unknown(std::string("an optional value is absent, so '") + spelling(op) + "' cannot be decided");
    bool numeric = (a.k == Val::K::Int || a.k == Val::K::Number) && (b.k == Val::K::Int || b.k == Val::K::Number);
    switch (op) {
      case BinaryOp::Lt:
      case BinaryOp::Le:
      case BinaryOp::Gt:
      case BinaryOp::Ge: {
        double x, y;
        if (numeric) { x = num(a); y = num(b); }
        else if (a.k == Val::K::Date && b.k == Val::K::Date) { x = static_cast<double>(a.i); y = static_cast<double>(b.i); }
        else if (a.k == Val::K::Duration && b.k == Val::K::Duration) { x = static_cast<double>(days(a.dur)); y = static_cast<double>(days(b.dur)); }
        else return Val::unknown("these values cannot be ordered");
        bool r = op == BinaryOp::Lt ? x < y : op == BinaryOp::Le ? x <= y : op == BinaryOp::Gt ? x > y : x >= y;
        return Val::boolean(r);
      }
      case BinaryOp::Add:
      case BinaryOp::Sub: {
        int sign = op == BinaryOp::Add ? 1 : -1;
        Val v;
        if (numeric) {
          if (a.k == Val::K::Int && b.k == Val::K::Int) { v.k = Val::K::Int; v.i = a.i + sign * b.i; }
          else { v.k = Val::K::Number; v.d = num(a) + sign * num(b); }
          return v;
        }
        if (a.k == Val::K::Date && b.k == Val::K::Duration) {
          v.k = Val::K::Date;
          Duration d = b.dur;
          if (d.unit == DurationUnit::Month || d.unit == DurationUnit::Year) {
            std::int64_t months = (d.unit == DurationUnit::Year ? 12 : 1) * d.amount * sign;
            v.i = daysFromCivil(addMonths(civilFromDays(a.i), months));
          } else {
            v.i = a.i + sign * (d.unit == DurationUnit::Week ? 7 : 1) * d.amount;
          }
          return v;
        }
        if (a.k == Val::K::Duration && b.k == Val::K::Date && sign > 0) {
          Val swapped = b;
          Val dur = a;
          return addDate(swapped, dur);
        }
        if (a.k == Val::K::Date && b.k == Val::K::Date && sign < 0) {
          v.k = Val::K::Duration;
          v.dur = Duration{a.i - b.i, DurationUnit::Day};
          return v;
        }
        if (a.k == Val::K::Duration && b.k == Val::K::Duration) {
          v.k = Val::K::Duration;
          v.dur = Duration{days(a.dur) + sign * days(b.dur), DurationUnit::Day};
          return v;
        }
        return Val::unknown("these values cannot be added or subtracted");
      }
      default: return Val::unknown("the operator could not be evaluated");
    }
  }

  Val addDate(const Val& date, const Val& dur) {
    Val v;
    v.k = Val::K::Date;
    if (dur.dur.unit == DurationUnit::Month || dur.dur.unit == DurationUnit::Year) {
      std::int64_t months = (dur.dur.unit == DurationUnit::Year ? 12 : 1) * dur.dur.amount;
      v.i = daysFromCivil(addMonths(civilFromDays(date.i), months));
    } else {
      v.i = date.i + (dur.dur.unit == DurationUnit::Week ? 7 : 1) * dur.dur.amount;
    }
    return v;
  }

  /// Runs `visit` for each element that passes the `where` filter, with the
  /// quantifier's variable bound to the element. Returns
  /// false (with `why`) when the domain or a filter is unknown.
  template <typename Visit>
  bool each(const Expr& q, Visit visit, std::string& why, std::size_t& considered) {
    Val domain = eval(*q.domain);
    if (domain.k == Val::K::Unknown) {
      why = domain.reason;
      return false;
    }
    if (domain.k == Val::K::Absent) {
      why = "the list is absent";
      return false;
    }
    if (!isList(domain)) {
      why = "not a list";
      return false;
    }
    std::size_t n = length(domain);
    for (std::size_t k = 0; k < n; ++k) {
      step();
      scope_.emplace_back(q.var.name, element(domain, k));
      bool keep = true;
      if (q.filter) {
        Val f = eval(*q.filter);
        if (f.k != Val::K::Bool) {
          why = f.reason.empty() ? "the 'where' condition could not be decided for an element" : f.reason;
          scope_.pop_back();
          return false;
        }
        keep = f.b;
      }
      if (keep) {
        ++considered;
        visit(k);
      }
      scope_.pop_back();
    }
    return true;
  }

  Val quantifier(const Expr& q) {
    std::string why;
    std::size_t considered = 0, yes = 0, no = 0;
    std::string unknownWhy;
    bool ok = each(
        q,
        [&](std::size_t) {
          Val b = eval(*q.body);
          if (b.k == Val::K::Bool) (b.b ? yes : no)++;
          else if (unknownWhy.empty()) unknownWhy = b.reason;
        },
        why, considered);
    if (!ok) return Val::unknown(why);
    if (considered == 0) return Val::unknown("there is no element to check: an empty list proves nothing");
    bool unsure = yes + no < considered;
    if (q.quantKind == QuantKind::All) {
      if (no > 0) return Val::boolean(false);
      if (unsure) return Val::unknown(unknownWhy);
      return Val::boolean(true);
    }
    if (yes > 0) return Val::boolean(true);
    if (unsure) return Val::unknown(unknownWhy);
    return Val::boolean(false);
  }

  Val count(const Expr& q) {
    std::string why;
    std::size_t considered = 0;
    bool ok = each(q, [](std::size_t) {}, why, considered);
    if (!ok) return Val::unknown(why);
    Val v;
    v.k = Val::K::Int;
    v.i = static_cast<std::int64_t>(considered);
    return v;
  }

  /// `expect all x in L where c: p else "..."`: each failing element is
  /// named with the `else` message.
  ExpectResult allExpect(const ExpectDecl& e, const Expr& q, ExpectResult& r) {
    std::string why;
    std::size_t considered = 0, unknowns = 0;
    std::string unknownWhy;
    bool ok = each(
        q,
        [&](std::size_t k) {
          Val b = eval(*q.body);
          if (b.k != Val::K::Bool) {
            ++unknowns;
            if (unknownWhy.empty()) unknownWhy = b.reason;
          } else if (!b.b) {
            if (r.failures.size() < options_.maxFailuresShown)
              r.failures.push_back(e.elseMessage ? interpolate(*e.elseMessage)
                                                 : fmt::format("element {} does not meet the expectation", k + 1));
            ++r.failureCount;
          }
        },
        why, considered);
    if (!ok) {
      r.outcome = Outcome::Unknown;
      r.reason = why;
    } else if (considered == 0) {
      r.outcome = Outcome::Unknown;
      r.reason = q.filter ? "no element matches the 'where' condition: that proves nothing"
                          : "the list is empty: that proves nothing";
    } else if (r.failureCount > 0) {
      r.outcome = Outcome::Fail;
    } else if (unknowns > 0) {
      r.outcome = Outcome::Unknown;
      r.reason = unknownWhy;
    } else {
      r.outcome = Outcome::Pass;
    }
    return r;
  }

  std::string text(const Val& v) const {
    switch (v.k) {
      case Val::K::Unknown: return "(unknown)";
      case Val::K::Absent: return "none";
      case Val::K::Bool: return v.b ? "true" : "false";
      case Val::K::Int: return std::to_string(v.i);
      case Val::K::Number: return fmt::format("{}", v.d);
      case Val::K::String: return std::string(v.s);
      case Val::K::Date: return dateText(v.i);
      case Val::K::Duration: return durationText(v.dur);
      case Val::K::FactList:
      case Val::K::List: return fmt::format("({} elements)", length(v));
      case Val::K::FactRecord: return "(a record)";
    }
    return "";
  }

  std::string interpolate(const Text& t) {
    std::string out;
    for (const auto& part : t.parts) {
      if (!part.isInterpolation) {
        out += part.text;
        continue;
      }
      Val v = lookup(part.path[0]);
      for (std::size_t k = 1; k < part.path.size() && v.k == Val::K::FactRecord && v.type; ++k) {
        const Type* rt = v.type;
        Val next = Val::unknown("");
        for (std::size_t f = 0; f < rt->fields.size(); ++f)
          if (rt->fields[f].name == part.path[k].name)
            next = fromFact(*v.store, v.store->children(v.fv)[f], rt->fields[f].type);
        v = next;
      }
      out += text(v);
    }
    return out;
  }
};

}  // namespace

Evaluator::Evaluator(const Model& model, const std::map<std::string, LoadedFacts>& facts, EvalOptions options)
    : model_(model), facts_(facts), options_(options) {}

ControlResult Evaluator::evaluate(const Control& control) const {
  ControlResult r;
  r.control = &control;
  Run run(model_, facts_, options_, control);
  for (const auto& e : control.decl->expects) r.expects.push_back(run.expect(e));
  for (const auto& e : control.decl->evidence) r.evidence.push_back(run.evidence(e));
  bool automated = !r.expects.empty();
  bool fail = false, unknown = false;
  for (const auto& e : r.expects) {
    fail = fail || e.outcome == Outcome::Fail;
    unknown = unknown || e.outcome == Outcome::Unknown;
  }
  for (const auto& e : r.evidence) {
    if (e.outcome == Outcome::Manual) continue;
    automated = true;
    fail = fail || e.outcome == Outcome::Fail;
    unknown = unknown || e.outcome == Outcome::Unknown;
  }
  r.outcome = !automated ? Outcome::Manual : fail ? Outcome::Fail : unknown ? Outcome::Unknown : Outcome::Pass;
  return r;
}

}  // namespace tenet

// The drift report: evaluation of every control, exceptions and review dates.
#include "tenet/eval/Drift.h"

#include <fmt/format.h>

namespace tenet {

std::string ControlDrift::id() const {
  return result.control->policy->decl->name.name + "." + result.control->decl->name.name;
}

namespace {


Date addDuration(const Date& d, const Duration& dur) {
  switch (dur.unit) {
    case DurationUnit::Day: return civilFromDays(daysFromCivil(d) + dur.amount);
    case DurationUnit::Week: return civilFromDays(daysFromCivil(d) + 7 * dur.amount);
    case DurationUnit::Month: return addMonths(d, dur.amount);
    case DurationUnit::Year: return addMonths(d, 12 * dur.amount);
  }
  return d;
}

}  // namespace

std::optional<Date> nextReviewDate(const Policy& policy) {
  const Property* effective = findProperty(policy.decl->properties, "effective");
  const Property* review = findProperty(policy.decl->properties, "review");
  if (effective && review && effective->value && review->value && effective->value->kind == ExprKind::Date &&
      review->value->kind == ExprKind::Cadence && review->value->durationValue.amount > 0)
    return addDuration(effective->value->dateValue, review->value->durationValue);
  return std::nullopt;
}

bool checkPolicyReview(const Policy& policy, Date asOf, DiagnosticEngine& diags, std::optional<Date>& next) {
  next = nextReviewDate(policy);
  if (!next) return false;
  std::int64_t late = daysFromCivil(asOf) - daysFromCivil(*next);
  if (late <= 0) return false;
  const Property* review = findProperty(policy.decl->properties, "review");
  diags.report(DiagCode::ReviewOverdue, review->range, policy.decl->name.name, formatDate(*next),
               fmt::format("{} day{}", late, late == 1 ? "" : "s"))
      .withHelp("review the policy, then record it with a new version and effective date");
  return true;
}

void applyBaseline(DriftReport& report, const std::set<std::string>& failedBefore) {
  report.summary.hasBaseline = true;
  report.summary.knownFailures = 0;
  for (auto& p : report.policies)
    for (auto& c : p.controls) {
      c.inBaseline = c.result.outcome == Outcome::Fail && failedBefore.count(c.id());
      if (c.inBaseline) ++report.summary.knownFailures;
    }
}

DriftReport computeDrift(const Model& model, const std::map<std::string, LoadedFacts>& facts,
                         const DriftOptions& options, DiagnosticEngine& diags) {
  DriftReport report;
  report.asOf = options.asOf;
  EvalOptions eval = options.eval;
  eval.today = options.asOf;
  Evaluator evaluator(model, facts, eval);
  std::int64_t today = daysFromCivil(options.asOf);

  // Valid waivers by control. An expired or unapproved exception waives nothing.
  std::map<const Control*, const Exception*> waivers;
  for (const auto& [name, ex] : model.exceptions) {
    if (!ex->waives) continue;
    const Property* expires = findProperty(ex->decl->properties, "expires");
    if (!ex->approver) {
      diags.report(DiagCode::ExceptionNotApproved, ex->decl->name.range, name);
      continue;
    }
    if (expires && expires->value->kind == ExprKind::Date && daysFromCivil(expires->value->dateValue) < today) {
      diags.report(DiagCode::ExceptionExpired, expires->value->range, name, formatDate(expires->value->dateValue),
                   ex->waives->policy->decl->name.name + "." + ex->waives->decl->name.name)
          .withHelp("renew it with a new expiry date and approval, or fix the control and remove the exception");
      continue;
    }
    waivers.emplace(ex->waives, ex.get());
  }

  for (const auto& [name, policy] : model.policies) {
    PolicyDrift pd;
    pd.policy = policy.get();
    pd.reviewOverdue = checkPolicyReview(*policy, options.asOf, diags, pd.nextReview);
    for (const auto& control : policy->controls) {
      ControlDrift cd;
      cd.result = evaluator.evaluate(*control);
      if (auto w = waivers.find(control.get()); w != waivers.end()) {
        cd.waivedBy = w->second;
        if (cd.result.outcome == Outcome::Fail) cd.result.outcome = Outcome::Waived;
      }
      switch (cd.result.outcome) {
        case Outcome::Pass: ++report.summary.pass; break;
        case Outcome::Fail: ++report.summary.fail; break;
        case Outcome::Unknown: ++report.summary.unknown; break;
        case Outcome::Manual: ++report.summary.manual; break;
        case Outcome::Waived: ++report.summary.waived; break;
      }
      pd.controls.push_back(std::move(cd));
    }
    report.policies.push_back(std::move(pd));
  }
  return report;
}

}  // namespace tenet

// The lint rules, in one explicit list at the end of this file. Each rule is
// a diagnostic code (compiler/src/diag/diagnostics.txt) with a category, a
// summary and a check; each has a page in docs/rules/ and golden tests in
// tests/golden/lint/.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "tenet/analysis/ProseDrift.h"
#include "tenet/eval/Drift.h"
#include "tenet/facts/FactStore.h"
#include "tenet/lint/Lint.h"

namespace tenet {

namespace {

bool inProject(const LintContext& ctx, SourceRange r) { return r.valid() && !ctx.sources.file(r.file).fromStdlib; }

/// The project's policies, in name order.
template <typename F>
void eachPolicy(const LintContext& ctx, F f) {
  for (const auto& [name, p] : ctx.model.policies)
    if (p->decl && inProject(ctx, p->decl->range)) f(*p);
}

template <typename F>
void eachControl(const Policy& p, F f) {
  for (const auto& c : p.controls)
    if (c->decl) f(*c);
}

std::string controlId(const Control& c) { return c.policy->decl->name.name + "." + c.decl->name.name; }

// ---- wording ----------------------------------------------------------------

/// weak-modal and vague-wording, from one reading of each statement.
void wording(const LintContext& ctx, const Policy& p) {
  eachControl(p, [&](const Control& c) {
    if (!c.decl->statement) return;
    for (const auto& w : findWording(*c.decl->statement, ctx.sources)) {
      if (w.kind == WordingKind::Unmeasurable) {
        ctx.diags.report(DiagCode::VagueWording, w.range, w.phrase)
            .withHelp("give a number an auditor can check, such as 'within 24 hours' or 'at least 14 characters'");
        continue;
      }
      auto& d = ctx.diags.report(DiagCode::WeakModal, w.range, w.phrase);
      std::string lower = w.phrase;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower == "should" || lower == "may") {
        d.withHelp("write 'must' for what is required; if it is truly optional, it is not a control");
        d.withFix(w.range, "must");  // a change of meaning: never applied by --fix
      } else if (lower == "should not" || lower == "may not") {
        d.withHelp("write 'must not' for what is forbidden");
        d.withFix(w.range, "must not");
      } else {
        d.withHelp("state what is done and when it may be skipped, or record the gap as an exception");
      }
    }
  });
}

constexpr std::size_t kMaxStatementWords = 120;

void statementTooLong(const LintContext& ctx, const Policy& p) {
  eachControl(p, [&](const Control& c) {
    if (!c.decl->statement) return;
    std::size_t words = 0;
    bool inWord = false;
    for (char ch : c.decl->statement->value) {
      bool space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
      if (!space && !inWord) ++words;
      inWord = !space;
    }
    if (words > kMaxStatementWords)
      ctx.diags.report(DiagCode::StatementTooLong, c.decl->statement->range, words, kMaxStatementWords)
          .withHelp("split it into several controls, or move the background into a section of the policy");
  });
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

void missingStatement(const LintContext& ctx, const Policy& p) {
  eachControl(p, [&](const Control& c) {
    if (!c.decl->statement || blank(c.decl->statement->value))
      ctx.diags.report(DiagCode::MissingStatement, c.decl->name.range, controlId(c))
          .withHelp("add: statement \"\"\" ... \"\"\" saying what is done, by whom and how often");
  });
}

// ---- controls and evidence ----------------------------------------------------

void satisfiesNothing(const LintContext& ctx, const Policy& p) {
  eachControl(p, [&](const Control& c) {
    if (c.decl->satisfies.empty())
      ctx.diags.report(DiagCode::SatisfiesNothing, c.decl->name.range, controlId(c))
          .withHelp("name the requirements it meets, such as: satisfies iso27001.A.5.15, soc2.CC6.1");
  });
}

void manualOnly(const LintContext& ctx, const Policy& p) {
  eachControl(p, [&](const Control& c) {
    if (c.decl->expects.empty() && c.decl->evidence.empty())
      ctx.diags.report(DiagCode::ManualOnly, c.decl->name.range, controlId(c))
          .withHelp("add an 'expect' over facts, or the 'evidence' people collect (evidence \"Signed review records\")");
  });
}

void evidenceWithoutFreshness(const LintContext& ctx, const Policy& p) {
  eachControl(p, [&](const Control& c) {
    for (const auto& e : c.decl->evidence)
      if (e.expr && e.expr->kind != ExprKind::String && e.expr->kind != ExprKind::Error && !e.freshWithin)
        ctx.diags.report(DiagCode::EvidenceWithoutFreshness, e.range)
            .withHelp("say how recent it must be, such as: fresh within 7 days");
  });
}

// ---- ownership ---------------------------------------------------------------

void policyWithoutOwner(const LintContext& ctx, const Policy& p) {
  if (!findProperty(p.decl->properties, "owner"))
    ctx.diags.report(DiagCode::PolicyWithoutOwner, p.decl->name.range, p.decl->name.name)
        .withHelp("name the role accountable for it: owner = ciso");
}

void policyWithoutApprover(const LintContext& ctx, const Policy& p) {
  if (!findProperty(p.decl->properties, "approver"))
    ctx.diags.report(DiagCode::PolicyWithoutApprover, p.decl->name.range, p.decl->name.name)
        .withHelp("name the role that approves it: approver = ceo");
}

void ownerIsApprover(const LintContext& ctx) {
  eachPolicy(ctx, [&](const Policy& p) {
    if (!p.owner || p.owner != p.approver) return;
    const Property* approver = findProperty(p.decl->properties, "approver");
    std::string role = p.owner->title && !p.owner->title->value.empty() ? p.owner->title->value : p.owner->name.name;
    ctx.diags.report(DiagCode::OwnerIsApprover, approver ? approver->range : p.decl->name.range, p.decl->name.name, role)
        .withHelp("have another role approve it, such as the CEO or the management board");
  });
}

void roleWithoutHolder(const LintContext& ctx) {
  for (const auto& [name, role] : ctx.model.roles) {
    if (!inProject(ctx, role->range)) continue;
    const Property* holder = findProperty(role->properties, "holder");
    if (!holder || !holder->value || (holder->value->text && blank(holder->value->text->value)))
      ctx.diags.report(DiagCode::RoleWithoutHolder, role->name.range, name)
          .withHelp("name the person who holds it: holder = \"Dana Reyes\"");
  }
}

void unusedRole(const LintContext& ctx) {
  std::set<const RoleDecl*> used;
  for (const auto& [_, p] : ctx.model.policies) {
    used.insert(p->owner);
    used.insert(p->approver);
    for (const auto& c : p->controls)
      if (const Property* o = findProperty(c->decl->properties, "owner"); o && o->value && o->value->kind == ExprKind::Name)
        if (auto it = ctx.model.roles.find(o->value->name.name); it != ctx.model.roles.end()) used.insert(it->second);
  }
  for (const auto& [_, e] : ctx.model.exceptions) used.insert(e->approver);
  for (const auto& [name, role] : ctx.model.roles)
    if (inProject(ctx, role->range) && !used.count(role))
      ctx.diags.report(DiagCode::UnusedRole, role->name.range, name)
          .withHelp("make it the owner or approver of a policy, a control or an exception, or remove it");
}

/// Removes from `unread` each name that `e` holds.
void readNames(const Expr& e, std::set<std::string_view>& unread) {
  if (e.kind == ExprKind::Name) unread.erase(e.name.name);
  for (const auto& child : e.children) {
    if (unread.empty()) return;
    if (child) readNames(*child, unread);
  }
}

void unusedFacts(const LintContext& ctx) {
  // The project's facts blocks that no expression has named yet: the search
  // ends when every one has been named.
  std::set<std::string_view> unread;
  for (const auto& [name, f] : ctx.model.facts)
    if (f->decl && inProject(ctx, f->decl->range)) unread.insert(name);
  for (const auto& [_, p] : ctx.model.policies)
    for (const auto& c : p->controls) {
      for (const auto& e : c->decl->expects)
        if (e.expr && !unread.empty()) readNames(*e.expr, unread);
      for (const auto& e : c->decl->evidence)
        if (e.expr && !unread.empty()) readNames(*e.expr, unread);
      if (unread.empty()) return;
    }
  for (const auto& [name, f] : ctx.model.facts)
    if (unread.count(name))
      ctx.diags.report(DiagCode::UnusedFacts, f->decl->name.range, name)
          .withHelp("check it in a control's 'expect' or 'evidence', or stop exporting it");
}

// ---- review ------------------------------------------------------------------

bool hasSection(const PolicyDecl& p, std::initializer_list<std::string_view> words) {
  for (const auto& s : p.sections) {
    std::string heading = s.heading.value;
    for (char& ch : heading) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (auto w : words)
      if (heading.find(w) != std::string::npos) return true;
  }
  return false;
}

void policyWithoutPurpose(const LintContext& ctx, const Policy& p) {
  if (!hasSection(*p.decl, {"purpose", "objective"}))
    ctx.diags.report(DiagCode::PolicyWithoutPurpose, p.decl->name.range, p.decl->name.name)
        .withHelp("add: section \"Purpose\" \"\"\" why the policy exists \"\"\"");
}

void policyWithoutScope(const LintContext& ctx, const Policy& p) {
  if (!hasSection(*p.decl, {"scope", "applicability"}))
    ctx.diags.report(DiagCode::PolicyWithoutScope, p.decl->name.range, p.decl->name.name)
        .withHelp("add: section \"Scope\" \"\"\" the people, systems and information it covers \"\"\"");
}

void policyWithoutReview(const LintContext& ctx, const Policy& p) {
  if (!findProperty(p.decl->properties, "review"))
    ctx.diags.report(DiagCode::PolicyWithoutReview, p.decl->name.range, p.decl->name.name)
        .withHelp("say how often it is reviewed: review = every 12 months");
}

void reviewOverdue(const LintContext& ctx, const Policy& p) {
  std::optional<Date> next;
  checkPolicyReview(p, ctx.asOf, ctx.diags, next);
}

void futureEffectiveDate(const LintContext& ctx, const Policy& p) {
  const Property* effective = findProperty(p.decl->properties, "effective");
  if (!effective || !effective->value || effective->value->kind != ExprKind::Date) return;
  if (!(ctx.asOf < effective->value->dateValue)) return;
  const Property* pending = findProperty(p.decl->properties, "pending");
  if (pending && pending->value && pending->value->kind == ExprKind::Bool && pending->value->boolValue) return;
  ctx.diags.report(DiagCode::FutureEffectiveDate, effective->range, p.decl->name.name,
                   formatDate(effective->value->dateValue), formatDate(ctx.asOf))
      .withHelp("mark a policy that is approved but not yet in force with: pending = true");
}

// ---- exceptions --------------------------------------------------------------

void exceptionWithoutExpiry(const LintContext& ctx) {
  for (const auto& [name, e] : ctx.model.exceptions)
    if (inProject(ctx, e->decl->range) && !findProperty(e->decl->properties, "expires"))
      ctx.diags.report(DiagCode::ExceptionWithoutExpiry, e->decl->name.range, name)
          .withHelp("give it an end date, when the gap must be closed or the exception renewed: expires = 2027-03-31");
}

constexpr std::int64_t kMaxExceptionDays = 366;

void exceptionTooLong(const LintContext& ctx) {
  for (const auto& [name, e] : ctx.model.exceptions) {
    if (!inProject(ctx, e->decl->range)) continue;
    const Property* expires = findProperty(e->decl->properties, "expires");
    if (!expires || !expires->value || expires->value->kind != ExprKind::Date) continue;
    const Property* granted = findProperty(e->decl->properties, "granted");
    Date start = granted && granted->value && granted->value->kind == ExprKind::Date ? granted->value->dateValue
                                                                                     : ctx.asOf;
    std::int64_t days = daysFromCivil(expires->value->dateValue) - daysFromCivil(start);
    if (days > kMaxExceptionDays)
      ctx.diags.report(DiagCode::ExceptionTooLong, expires->range, name, days)
          .withHelp("let it expire within a year, and renew it then if the gap is still open");
  }
}

void exceptionWithoutReason(const LintContext& ctx) {
  for (const auto& [name, e] : ctx.model.exceptions) {
    if (!inProject(ctx, e->decl->range)) continue;
    const Property* reason = findProperty(e->decl->properties, "reason");
    bool empty = !reason || !reason->value || (reason->value->text && blank(reason->value->text->value));
    if (empty)
      ctx.diags.report(DiagCode::ExceptionWithoutReason, e->decl->name.range, name)
          .withHelp("say why the control cannot be met and what compensates for it: reason = \"\"\" ... \"\"\"");
  }
}

}  // namespace

const std::vector<LintRule>& lintRules() {
  // The one list of rules. A rule without a check is reported by another
  // stage (the checker or the prose analysis) and configured like the rest.
  static const std::vector<LintRule> kRules = {
      {DiagCode::WeakModal, LintCategory::Wording, "A statement uses a weak modal verb such as should or may",
       wording},
      // Found in the same reading of the statements as weak-modal.
      {DiagCode::VagueWording, LintCategory::Wording,
       "A statement uses a word nobody can measure, such as appropriate or promptly"},
      {DiagCode::VagueCadence, LintCategory::Wording,
       "A statement says regularly or periodically, and the control declares no cadence"},
      {DiagCode::ProseCadenceMismatch, LintCategory::Wording,
       "A statement names a cadence that differs from the control's declared cadence"},
      {DiagCode::StatementTooLong, LintCategory::Wording, "A statement is too long to audit in one reading",
       statementTooLong},
      {DiagCode::MissingStatement, LintCategory::Controls, "A control has no statement", missingStatement},
      {DiagCode::SatisfiesNothing, LintCategory::Controls, "A control satisfies no framework requirement",
       satisfiesNothing},
      {DiagCode::DuplicateRequirement, LintCategory::Controls, "A control lists the same requirement twice", nullptr,
       true},
      {DiagCode::ManualOnly, LintCategory::Evidence, "A control has neither an expectation nor evidence", manualOnly},
      {DiagCode::EvidenceWithoutFreshness, LintCategory::Evidence,
       "Evidence read from the facts has no freshness window", evidenceWithoutFreshness},
      {DiagCode::PolicyWithoutOwner, LintCategory::Ownership, "A policy has no owner", policyWithoutOwner},
      {DiagCode::PolicyWithoutApprover, LintCategory::Ownership, "A policy has no approver", policyWithoutApprover},
      {DiagCode::OwnerIsApprover, LintCategory::Ownership,
       "A policy's owner also approves it (no segregation of duties)", ownerIsApprover},
      {DiagCode::RoleWithoutHolder, LintCategory::Ownership, "A role names no holder", roleWithoutHolder},
      {DiagCode::UnusedRole, LintCategory::Ownership, "A role owns and approves nothing", unusedRole},
      {DiagCode::UnusedFacts, LintCategory::Evidence, "A facts source is read by no control", unusedFacts},
      {DiagCode::PolicyWithoutPurpose, LintCategory::Structure, "A policy has no Purpose section",
       policyWithoutPurpose},
      {DiagCode::PolicyWithoutScope, LintCategory::Structure, "A policy has no Scope section", policyWithoutScope},
      {DiagCode::PolicyWithoutReview, LintCategory::Review, "A policy has no review cadence", policyWithoutReview},
      {DiagCode::ReviewOverdue, LintCategory::Review, "A policy is past its review date", reviewOverdue},
      {DiagCode::FutureEffectiveDate, LintCategory::Review,
       "A policy takes effect in the future but is not marked pending", futureEffectiveDate},
      {DiagCode::ExceptionWithoutExpiry, LintCategory::Exceptions, "An exception has no expiry date",
       exceptionWithoutExpiry},
      {DiagCode::ExceptionTooLong, LintCategory::Exceptions, "An exception runs for more than a year",
       exceptionTooLong},
      {DiagCode::ExceptionWithoutReason, LintCategory::Exceptions, "An exception gives no reason",
       exceptionWithoutReason},
  };
  return kRules;
}

void runLintRules(const LintContext& ctx) {
  for (const LintRule& r : lintRules()) {
    if (r.check.project) r.check.project(ctx);
    if (r.check.policy) eachPolicy(ctx, [&](const Policy& p) { r.check.policy(ctx, p); });
  }
  checkProseDrift(ctx.model, ctx.sources, ctx.diags);  // vague-cadence, prose-cadence-mismatch
}

void runPolicyLintRules(const LintContext& ctx, const Policy& policy) {
  if (!policy.decl || !inProject(ctx, policy.decl->range)) return;
  for (const LintRule& r : lintRules())
    if (r.check.policy) r.check.policy(ctx, policy);
  checkProseDrift(policy, ctx.sources, ctx.diags);
}

void runProjectLintRules(const LintContext& ctx) {
  for (const LintRule& r : lintRules())
    if (r.check.project) r.check.project(ctx);
}

}  // namespace tenet

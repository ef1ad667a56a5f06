#!/usr/bin/env python3
"""Generates a synthetic Tenet project of any size, for Tenet's benchmark kit.

    bench/generate_project.py OUT_DIR [--size-mb MB | --policies N] [--records N]
                              [--seed S] [--markdown OUT_MD_DIR]

writes into OUT_DIR:

  project.tenet          the project (frameworks [iso27001, soc2]) and its roles,
                         each with a holder;
  facts.tenet            five facts blocks with their schemas: okta, github,
                         aws, mdm and vulns;
  policies/THEME/*.tenet one policy a file, in one folder a theme: owner,
                         approver, version, effective date, review cadence and
                         classification; Purpose, Scope and sometimes a third
                         section of Markdown prose (paragraphs, lists, now and
                         then a table); 6 to 11 controls, each with a statement
                         that says **must**, sometimes a cadence, `satisfies`
                         of real requirement identifiers (read from
                         stdlib/iso27001-2022.tenet and stdlib/soc2.tenet), and
                         an expectation over the facts or evidence;
  facts/okta.json        the identity export, with --records users (default
                         1,000), written by bench/facts/generate.py so that the
                         two benchmarks read the same kind of file;
  facts/{github,aws,mdm,vulnerabilities}.json
                         small exports (a few hundred records each).

--size-mb MB writes policies until the .tenet sources reach MB millions of
bytes (10 gives about 3,000 policies and 25,000 controls); --policies N writes
N policies. Policy i depends only on i and the seed, so a smaller project is a
prefix of a larger one, and the same arguments give the same bytes on every
machine. The project passes `tenet check` without errors (with warnings:
soa-gap for the Annex A controls a small project does not reach).

--markdown OUT_MD_DIR also writes the same prose as Markdown, one file per
policy (see prose_to_markdown.py), for markdownlint-cli2 and pandoc.
"""

import argparse
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "facts"))
sys.path.insert(0, HERE)
import generate as facts_generate  # noqa: E402  (bench/facts/generate.py)
import prose_to_markdown  # noqa: E402

EXPORTED_AT = facts_generate.EXPORTED_AT
EXPORT_DAY = facts_generate.EXPORT_DAY


# ---- requirement identifiers, from the stdlib ----------------------------------

def requirement_ids(path, keep):
    ids = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*requirement\s+([A-Za-z0-9][A-Za-z0-9.]*)", line)
            if m and keep(m.group(1)):
                ids.append(m.group(1))
    return ids


ISO_IDS = requirement_ids(os.path.join(REPO, "stdlib", "iso27001-2022.tenet"), lambda r: r.startswith("A."))
# The Security, Availability and Confidentiality categories, as in a usual SOC 2 report.
SOC2_IDS = requirement_ids(os.path.join(REPO, "stdlib", "soc2.tenet"), lambda r: r.startswith(("CC", "A1", "C1")))
if len(ISO_IDS) < 90 or len(SOC2_IDS) < 30:
    sys.exit("generate_project.py: could not read the requirement identifiers from stdlib/")

# ---- the organization -----------------------------------------------------------

ROLES = [
    ("ceo", "Chief Executive Officer", "Priya Natarajan"),
    ("ciso", "Chief Information Security Officer", "Dana Reyes"),
    ("cto", "Chief Technology Officer", "Sam Ortiz"),
    ("cfo", "Chief Financial Officer", "Helen Okafor"),
    ("vp_engineering", "VP Engineering", "Marcus Chen"),
    ("head_of_infrastructure", "Head of Infrastructure and SRE", "Kenji Watanabe"),
    ("head_of_people", "Head of People", "Aisha Bello"),
    ("it_manager", "IT Manager", "Jonas Lindqvist"),
    ("dpo", "Data Protection Officer", "Claire Dubois"),
    ("general_counsel", "General Counsel", "Rachel Goldberg"),
    ("security_engineering_lead", "Security Engineering Lead", "Tariq Haddad"),
    ("head_of_support", "Head of Customer Support", "Ingrid Novak"),
]

# (folder, title, owner, approver, systems the policy is about)
THEMES = [
    ("access", "Access Control", "ciso", "cto", ["Okta", "AWS IAM Identity Center", "GitHub", "the production databases"]),
    ("assets", "Asset Management", "it_manager", "ciso", ["the asset inventory", "Kandji", "the CMDB"]),
    ("continuity", "Business Continuity", "head_of_infrastructure", "cto", ["the disaster recovery region", "AWS Backup", "the status page"]),
    ("change", "Change Management", "vp_engineering", "cto", ["GitHub Actions", "Jira", "the deployment pipeline"]),
    ("crypto", "Cryptography", "security_engineering_lead", "ciso", ["AWS KMS", "the certificate manager", "1Password"]),
    ("data", "Data Protection", "dpo", "general_counsel", ["the customer database", "the data warehouse", "Google Workspace"]),
    ("people", "Human Resources Security", "head_of_people", "ceo", ["BambooHR", "the onboarding checklist", "the training platform"]),
    ("incident", "Incident Response", "ciso", "ceo", ["PagerDuty", "the incident channel", "the SIEM"]),
    ("isms", "Information Security", "ciso", "ceo", ["the ISMS", "the risk register", "the policy repository"]),
    ("operations", "Operations Security", "head_of_infrastructure", "ciso", ["CloudWatch", "the SIEM", "the patching pipeline"]),
    ("risk", "Risk Management", "ciso", "cfo", ["the risk register", "the treatment plan", "Jira"]),
    ("sdlc", "Secure Development", "vp_engineering", "ciso", ["GitHub", "the CI pipeline", "the dependency scanner"]),
    ("suppliers", "Supplier Management", "general_counsel", "cfo", ["the vendor inventory", "the contract repository", "the procurement workflow"]),
    ("endpoint", "Endpoint Security", "it_manager", "ciso", ["Kandji", "the EDR console", "the laptop fleet"]),
    ("network", "Network Security", "head_of_infrastructure", "ciso", ["the VPC firewalls", "the load balancers", "the VPN"]),
    ("logging", "Logging and Monitoring", "security_engineering_lead", "ciso", ["CloudTrail", "the SIEM", "the log archive"]),
    ("physical", "Physical Security", "it_manager", "cfo", ["the office access system", "the visitor log", "the data centre provider"]),
    ("privacy", "Privacy", "dpo", "general_counsel", ["the record of processing", "the consent service", "the DSAR workflow"]),
    ("support", "Customer Support Security", "head_of_support", "ciso", ["Zendesk", "the support console", "the call recordings"]),
    ("cloud", "Cloud Security", "head_of_infrastructure", "cto", ["AWS Organizations", "the landing zone", "AWS Config"]),
]

SCOPES = ["", "Workforce ", "Production ", "Corporate ", "Customer ", "Third-Party ", "Engineering ", "Remote "]
ASPECTS = ["Policy", "Standard", "Procedure", "Policy", "Policy", "Standard"]
TEAMS = ["Engineering", "Security", "IT", "Operations", "People", "Finance", "Legal", "Support", "Data", "Product"]
ARTIFACTS = ["a Jira SEC ticket", "the risk register", "the asset inventory", "the ISMS evidence folder",
             "a signed review record", "the change log", "the training platform", "the vendor inventory"]
COMPANY = "Northwind"

# ---- prose ----------------------------------------------------------------------

PURPOSE = [
    "This policy defines how {co} protects {sys} and the information they hold, so that every team knows what is required of it and auditors can trace each commitment to a control.",
    "It sets out the responsibilities of the {team} team and of every person who uses {sys}, and the records that show the controls are practised.",
    "The policy supports the objectives of the information security management system: confidentiality of customer data, integrity of the service and availability for customers in every region.",
    "Where a requirement of this policy cannot be met, the gap is recorded as an exception with an owner and an expiry date, and approved by the policy owner.",
    "Each control below states one commitment in plain words, names the requirement it satisfies, and says how compliance is shown: from the nightly exports or from records kept by the owner.",
    "The controls were chosen from the risk assessment of {sys}; the risk register links each risk to the controls that treat it.",
]
SCOPE = [
    "This policy applies to all employees, contractors and temporary staff of {co}, and to every system listed in the asset inventory as in scope of the ISMS.",
    "It covers {sys}, in the production, staging and development environments, and the people and processes that build, run and support them.",
    "Suppliers that process {co} or customer information are bound to it through their contracts; the Supplier Management Policy says how.",
    "Systems outside the ISMS scope, such as the marketing website, are excluded unless they hold customer data.",
    "The policy applies in every country where {co} operates; where local law requires more, local law prevails and the difference is recorded.",
]
BULLETS = [
    "**Least privilege**: access is granted per role, never to individuals directly.",
    "**Defence in depth**: no single control is relied on to protect customer data.",
    "**Accountability**: every control has an owner who keeps its evidence.",
    "**Automation first**: a check that can run from the exports runs every night.",
    "**Secure by default**: new systems start from the hardened baseline.",
    "**Need to know**: customer data is visible only to the teams that serve the customer.",
    "**Traceability**: every change is linked to a ticket and a reviewed pull request.",
    "**Timeliness**: findings are fixed within the windows of the vulnerability standard.",
    "**Separation of duties**: the author of a change does not approve it.",
    "**Evidence over assertion**: a control is met when its records show it, not when someone says so.",
]
OTHER_SECTIONS = ["Principles", "Roles and responsibilities", "Definitions", "Compliance", "Exceptions", "Related documents"]
TABLE_ROWS = [
    ("Restricted", "Customer data, secrets, keys", "Encrypted, access logged"),
    ("Confidential", "Contracts, financial records", "Need to know"),
    ("Internal", "Runbooks, policies, tickets", "Workforce only"),
    ("Public", "Website, published reports", "Approved before release"),
    ("Critical", "Production platform", "Recovery within 4 hours"),
    ("High", "Identity, source code", "Recovery within 24 hours"),
]

# Control statements: each says **must**. Cadence is written as {cadence} so
# that the text and the declaration cannot disagree.
STATEMENTS = [
    "Every {thing} in {sys} **must** be reviewed by its owner {cadence}.",
    "Access to {sys} **must** be approved by the system owner before it is granted.",
    "The {team} team **must** keep {sys} on the hardened baseline.",
    "Changes to {sys} **must** go through a reviewed pull request.",
    "Logs of {sys} **must** be kept for at least 13 months.",
    "Customer data in {sys} **must** be encrypted at rest and in transit.",
    "Users of {sys} **must** complete the security training {cadence}.",
    "The {team} team **must** test the recovery of {sys} {cadence}.",
    "Critical findings in {sys} **must** be fixed within 15 days.",
    "Suppliers with access to {sys} **must** be assessed {cadence}.",
    "Incidents affecting {sys} **must** be reported within 1 hour.",
    "Administrators of {sys} **must** use separate, MFA-protected accounts.",
]
THINGS = ["account", "role assignment", "firewall rule", "service account", "API key", "group membership", "exception"]

CONTROL_TITLES = [
    "Access review", "Approval of access", "Hardened baseline", "Reviewed changes", "Log retention",
    "Encryption of customer data", "Security training", "Recovery testing", "Remediation windows",
    "Supplier assessment", "Incident reporting", "Separate administrator accounts",
]

# Expectations over the facts of facts.tenet, each with its else message.
EXPECTS = [
    ('all u in okta.users where u.active: u.mfa_enrolled', '{u.email} has no MFA factor enrolled'),
    ('count(u in okta.users where u.active and u.role == "admin") <= {n}', 'more than {n} active administrators in Okta'),
    ('all u in okta.users where u.active and u.last_login != none: age(u.last_login) <= 90 days',
     '{u.email} is active but last signed in on {u.last_login}'),
    ('any u in okta.users where u.department == "Security": u.active and u.role == "admin"',
     'no active Security administrator in Okta'),
    ('okta.mfa_policy_enforced', 'the Okta global session policy does not require MFA'),
    ('all r in github.repositories where r.production and not r.archived: r.required_approvals >= 1',
     '{r.name} merges to production without a review'),
    ('all r in github.repositories where not r.archived: r.secret_scanning', '{r.name} has secret scanning disabled'),
    ('all a in aws.accounts: a.cloudtrail_enabled and a.guardduty_enabled',
     'AWS account {a.name} has CloudTrail or GuardDuty disabled'),
    ('all b in aws.buckets where b.customer_data: b.encrypted and b.public_access_blocked',
     'bucket {b.name} holds customer data without encryption or with public access'),
    ('all a in aws.accounts: a.root_mfa', 'the root user of AWS account {a.name} has no MFA'),
    ('all d in mdm.devices: d.disk_encrypted', '{d.serial} ({d.assigned_to}) has an unencrypted disk'),
    ('all d in mdm.devices: d.screen_lock_minutes <= 15', '{d.serial} locks after more than 15 minutes'),
    ('all d in mdm.devices: age(d.last_check_in) <= 14 days', '{d.serial} has not checked in for 14 days'),
    ('all v in vulns.findings where v.severity == "critical" and v.fixed == none: age(v.opened) <= 15 days',
     '{v.id} is a critical finding open since {v.opened}'),
    ('count(v in vulns.findings where v.severity == "high" and v.fixed == none) <= {n}',
     'more than {n} high findings are open'),
]
FRESH = [("okta.exported_at", 7), ("github.exported_at", 7), ("aws.exported_at", 7), ("mdm.exported_at", 3),
         ("vulns.exported_at", 7)]
MANUAL_EVIDENCE = [
    "Signed minutes of the review, kept in the ISMS evidence folder",
    "Sample of Jira tickets with the approvals",
    "Training completion report from the training platform",
    "Recovery test report with the measured recovery time",
    "Supplier assessment questionnaires and the risk rating",
    "Post-incident reviews of the period",
]
CADENCES = ["every 1 month", "every 3 months", "every 6 months", "every 12 months"]


def wrap(text, width=78):
    """Wraps one paragraph into lines of at most `width` characters."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(line)
    return lines


def prose_block(paragraphs, indent):
    """A prose block: `paragraphs` is a list of lists of lines (already wrapped)."""
    pad = " " * indent
    out = ['"""']
    for i, para in enumerate(paragraphs):
        if i:
            out.append("")
        out.extend(pad + line for line in para)
    out.append(pad + '"""')
    return "\n".join(out)


def fill(template, rng, theme):
    return template.format(co=COMPANY, sys=rng.choice(theme[4]), team=rng.choice(TEAMS), artifact=rng.choice(ARTIFACTS),
                           thing=rng.choice(THINGS), cadence="{cadence}")


def paragraph(rng, theme, pool, sentences):
    return wrap(" ".join(fill(s, rng, theme) for s in rng.sample(pool, sentences)))


def policy_text(i, seed):
    """The text of policy i, and its (id, number of controls)."""
    rng = random.Random(seed * 1_000_003 + i)
    theme = THEMES[i % len(THEMES)]
    folder, subject, owner, approver, _ = theme
    scope = SCOPES[(i // len(THEMES)) % len(SCOPES)]
    aspect = ASPECTS[(i // (len(THEMES) * len(SCOPES))) % len(ASPECTS)]
    pid = f"{folder}_{i:05d}"
    title = f"{scope}{subject} {aspect}".strip() + f" {i // len(THEMES) + 1}"
    month = 1 + rng.randrange(9)
    if rng.random() < 0.3:
        purpose = [paragraph(rng, theme, PURPOSE, 1), paragraph(rng, theme, PURPOSE, 1)]
    else:
        purpose = [paragraph(rng, theme, PURPOSE, rng.choice((1, 2)))]
    lines = [
        f'policy {pid} "{title}" {{',
        f"  owner          = {owner}",
        f"  approver       = {approver}",
        f'  version        = "{1 + rng.randrange(4)}.{rng.randrange(10)}"',
        f"  effective      = 2026-{month:02d}-{1 + rng.randrange(28):02d}",
        "  review         = every 12 months",
        f'  classification = "{rng.choice(["Internal", "Internal", "Confidential", "Public"])}"',
        "",
        '  section "Purpose" ' + prose_block(purpose, 2),
        "",
        '  section "Scope" ' + prose_block([paragraph(rng, theme, SCOPE, 1)], 2),
    ]
    r = rng.random()
    if r < 0.25:
        heading = rng.choice(OTHER_SECTIONS)
        intro = wrap(f"The {subject.lower()} controls of {COMPANY} follow these principles:")
        items = []
        for b in rng.sample(BULLETS, rng.choice((3, 4))):
            w = wrap(b, 74)
            items.append("- " + w[0])
            items.extend("  " + x for x in w[1:])
        lines += ["", f'  section "{heading}" ' + prose_block([intro, items], 2)]
    elif r < 0.33:
        rows = rng.sample(TABLE_ROWS, 3)
        table = ["| Class | Examples | Handling |", "| --- | --- | --- |"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
        intro = wrap("Information is handled according to its class:")
        lines += ["", '  section "Classification" ' + prose_block([intro, table], 2)]
    controls = 6 + rng.randrange(6)
    for c in range(controls):
        k = rng.randrange(len(STATEMENTS))
        cid = f"c{c + 1:02d}_" + CONTROL_TITLES[k].lower().replace(" ", "_")
        statement = fill(STATEMENTS[k], rng, theme)
        body = [f'  control {cid} "{CONTROL_TITLES[k]}" {{']
        if "{cadence}" in statement:
            body.append(f"    cadence = {rng.choice(CADENCES)}")
        if rng.random() < 0.6 and len(statement) < 80:
            body.append(f'    statement "{statement}"')
        else:
            body.append("    statement " + prose_block([wrap(statement, 74)], 4))
        # Annex A identifiers in turn, so that a project of 12 policies or more
        # reaches every one of them; one or two SOC 2 criteria at random.
        n = i * 11 + c
        reqs = [ISO_IDS[n % len(ISO_IDS)]]
        if rng.random() < 0.3:
            reqs.append(ISO_IDS[(n + 47) % len(ISO_IDS)])
        reqs += rng.sample(SOC2_IDS, rng.choice((1, 1, 2)))
        body.append("    satisfies " + ", ".join(("iso27001." if x.startswith("A.") else "soc2.") + x for x in reqs))
        kind = rng.random()
        if kind < 0.5:
            expr, message = rng.choice(EXPECTS)
            limit = str(10 + rng.randrange(40))
            body.append("    expect " + expr.replace("{n}", limit))
            body.append('      else "' + message.replace("{n}", limit) + '"')
        elif kind < 0.8:
            field, days = rng.choice(FRESH)
            body.append(f"    evidence {field} fresh within {days} days")
        else:
            body.append(f'    evidence "{rng.choice(MANUAL_EVIDENCE)}"')
        body.append("  }")
        lines += [""] + body
    lines.append("}")
    return pid, folder, "\n".join(lines) + "\n", controls


PROJECT = '''// Generated by bench/generate_project.py: a synthetic policy repository for
// Tenet's benchmark kit. Do not edit; run the generator again.

project northwind "{co} Information Security Management System" {{
  organization = "{co} Ltd"
  frameworks   = [iso27001, soc2]
  scope        = """
  The ISMS covers the {co} platform and the people, processes and systems
  that build, run and support it. This project was generated with seed {seed}
  ({policies} policies).
  """
}}
'''

FACTS = '''// The nightly exports of the collectors: typed schemas over facts/*.json.

facts okta "Okta workforce identity export" {
  source = "facts/okta.json"
  schema {
    exported_at: date
    mfa_policy_enforced: bool
    users: list<{ email: string, active: bool, mfa_enrolled: bool, last_login: date?, department: string, role: "admin" | "member" | "viewer" }>
  }
}

facts github "GitHub organization settings" {
  source = "facts/github.json"
  schema {
    exported_at: date
    repositories: list<{ name: string, archived: bool, production: bool, required_approvals: int, secret_scanning: bool }>
  }
}

facts aws "AWS organization configuration" {
  source = "facts/aws.json"
  schema {
    exported_at: date
    accounts: list<{ id: string, name: string, environment: "production" | "staging" | "development" | "security", cloudtrail_enabled: bool, guardduty_enabled: bool, root_mfa: bool }>
    buckets: list<{ name: string, customer_data: bool, encrypted: bool, public_access_blocked: bool }>
  }
}

facts mdm "Laptop fleet (MDM export)" {
  source = "facts/mdm.json"
  schema {
    exported_at: date
    devices: list<{ serial: string, assigned_to: string, disk_encrypted: bool, screen_lock_minutes: int, last_check_in: date }>
  }
}

facts vulns "Open and fixed vulnerability findings" {
  source = "facts/vulnerabilities.json"
  schema {
    exported_at: date
    findings: list<{ id: string, severity: "critical" | "high" | "medium" | "low", opened: date, fixed: date? }>
  }
}
'''


def roles_text():
    out = []
    for rid, title, holder in ROLES:
        email = holder.lower().replace(" ", ".") + "@northwind.example"
        out.append(f'role {rid} "{title}" {{\n  holder = "{holder}"\n  email  = "{email}"\n}}\n')
    return "\n".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def small_facts(out_dir, seed):
    """The small exports: github, aws, mdm and vulnerabilities (all controls over them pass)."""
    import json
    rng = random.Random(seed + 7)
    day = facts_generate.date_text
    repos = [{"name": f"service-{k:03d}", "archived": k % 17 == 0, "production": k % 3 == 0,
              "required_approvals": 1 + k % 2, "secret_scanning": True} for k in range(200)]
    accounts = [{"id": f"{100000000000 + k * 7919}", "name": f"account-{k:02d}",
                 "environment": ("production", "staging", "development", "security")[k % 4],
                 "cloudtrail_enabled": True, "guardduty_enabled": True, "root_mfa": True} for k in range(40)]
    buckets = [{"name": f"northwind-bucket-{k:03d}", "customer_data": k % 4 == 0, "encrypted": True,
                "public_access_blocked": True} for k in range(300)]
    devices = [{"serial": f"C02{k:07d}", "assigned_to": f"user{k}@northwind.example", "disk_encrypted": True,
                "screen_lock_minutes": 5 + k % 11, "last_check_in": day(EXPORT_DAY - rng.randrange(7))}
               for k in range(500)]
    findings = []
    for k in range(400):
        sev = ("critical", "high", "medium", "low")[min(3, int(rng.random() * 4))]
        opened = EXPORT_DAY - rng.randrange(200)
        fixed = None if rng.random() < 0.1 else day(min(EXPORT_DAY, opened + rng.randrange(14)))
        if sev == "critical" and fixed is None:
            opened = EXPORT_DAY - rng.randrange(10)
        findings.append({"id": f"VULN-{k + 1:05d}", "severity": sev, "opened": day(opened), "fixed": fixed})
    files = {
        "github.json": {"exported_at": EXPORTED_AT, "repositories": repos},
        "aws.json": {"exported_at": EXPORTED_AT, "accounts": accounts, "buckets": buckets},
        "mdm.json": {"exported_at": EXPORTED_AT, "devices": devices},
        "vulnerabilities.json": {"exported_at": EXPORTED_AT, "findings": findings},
    }
    for name, data in files.items():
        write(os.path.join(out_dir, "facts", name), json.dumps(data, separators=(",", ":")) + "\n")


def generate(out_dir, size_mb=None, policies=None, records=1000, seed=42, markdown=None):
    """Writes the project; returns a summary dict."""
    os.makedirs(out_dir, exist_ok=True)
    limit = None if size_mb is None else int(size_mb * 1_000_000)
    total = len(FACTS.encode())
    roles = roles_text()
    total += len(roles.encode()) + 400
    n_policies = n_controls = 0
    i = 0
    while (policies is not None and i < policies) or (limit is not None and total < limit):
        pid, folder, text, controls = policy_text(i, seed)
        write(os.path.join(out_dir, "policies", folder, pid.replace("_", "-") + ".tenet"), text)
        total += len(text.encode())
        n_policies += 1
        n_controls += controls
        i += 1
    write(os.path.join(out_dir, "project.tenet"),
          PROJECT.format(co=COMPANY, seed=seed, policies=n_policies) + "\n" + roles)
    write(os.path.join(out_dir, "facts.tenet"), FACTS)
    os.makedirs(os.path.join(out_dir, "facts"), exist_ok=True)
    okta = os.path.join(out_dir, "facts", "okta.json")
    facts_generate.write_facts(okta + ".part", records, seed)
    os.replace(okta + ".part", okta)
    small_facts(out_dir, seed)
    sources = 0
    for root, _, files in os.walk(out_dir):
        sources += sum(os.path.getsize(os.path.join(root, f)) for f in files if f.endswith(".tenet"))
    summary = {"policies": n_policies, "controls": n_controls, "source_bytes": sources, "records": records,
               "okta_bytes": os.path.getsize(okta)}
    if markdown:
        summary["markdown_files"] = prose_to_markdown.convert([out_dir], markdown)
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", help="folder to write the project into (created if missing)")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--size-mb", type=float, help="size of the .tenet sources, in millions of bytes (default 10)")
    size.add_argument("--policies", type=int, help="number of policies")
    ap.add_argument("--records", type=int, default=1000, help="users in facts/okta.json (default 1000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--markdown", metavar="OUT_MD_DIR", help="also write the prose as Markdown, one file per policy")
    args = ap.parse_args()
    if args.size_mb is None and args.policies is None:
        args.size_mb = 10.0
    if (args.size_mb is not None and args.size_mb <= 0) or (args.policies is not None and args.policies < 1):
        ap.error("the size must be positive")
    if args.records < 1:
        ap.error("--records must be at least 1")
    s = generate(args.out_dir, args.size_mb, args.policies, args.records, args.seed, args.markdown)
    print(f"{args.out_dir}: {s['policies']} policies, {s['controls']} controls, {s['source_bytes']} bytes of .tenet "
          f"sources; facts/okta.json: {s['records']} users, {s['okta_bytes']} bytes"
          + (f"; {s['markdown_files']} Markdown files in {args.markdown}" if args.markdown else ""), file=sys.stderr)


if __name__ == "__main__":
    main()

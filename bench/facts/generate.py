#!/usr/bin/env python3
"""Generates a Tenet project for benchmarking `tenet drift` on a large facts file.

    bench/facts/generate.py DIR [--users N] [--seed S]

writes into DIR:

  project.tenet      a project with one facts block (`okta`) and one policy
                     whose controls run over every user: an `all ... where ...
                     else`, a `count(...)`, an `any`, and an `age(...)`
                     comparison on an optional date guarded by `!= none`;
  facts/okta.json    an Okta-like export with N users (default 1,000,000,
                     about 150 MB).

The output depends only on N and the seed: the same arguments give the same
bytes on every machine (only random.random() is used, whose sequence Python
keeps stable for a given integer seed). About 1.5 % of active users have no
MFA factor, so `access_control.mfa` fails, naming them; every other control
passes. The first user is always an active Security administrator, so that no
`where` is left without a match (which would make a control unknown) even for
a handful of users.

The file is written as exporters usually write it: no indentation, one user a
line; its top level has an `org` field that the schema does not declare.
"""

import argparse
import os
import random
import sys

EXPORTED_AT = "2026-11-22T02:15:00Z"
EXPORT_DAY = 20779  # 2026-11-22, in days since 1970-01-01

FIRST_NAMES = (
    "james mary robert patricia john jennifer michael linda david elizabeth william barbara richard susan "
    "joseph jessica thomas sarah charles karen christopher lisa daniel nancy matthew betty anthony sandra "
    "mark margaret donald ashley steven kimberly andrew emily paul donna joshua michelle kenneth carol "
    "kevin amanda brian melissa george deborah timothy stephanie ronald rebecca jason sharon edward laura "
    "jeffrey cynthia ryan dorothy jacob amy gary kathleen nicholas angela eric shirley jonathan emma "
    "stephen brenda larry pamela justin nicole scott anna brandon samantha benjamin katherine samuel "
    "christine gregory debra alexander rachel patrick carolyn frank janet raymond maria jack olivia "
    "dennis heather jerry helen tyler catherine aaron diane jose julie adam victoria nathan joyce henry "
    "lauren zachary kelly douglas christina peter ruth kyle joan noah virginia ethan judith jeremy evelyn "
    "christian hannah walter andrea keith megan austin cheryl roger jacqueline terry madison sean teresa "
    "priya wei aisha kenji mei fatima carlos sofia ahmed yuki lucas ana omar elena mateo ines arjun leila "
    "hiroshi chloe diego amara ravi noura jonas ingrid tariq zainab luca giulia pavel olga kwame ama"
).split()

LAST_NAMES = (
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez "
    "wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark "
    "ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams "
    "nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker "
    "cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper "
    "peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james "
    "bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster "
    "jimenez powell jenkins perry russell sullivan bell coleman butler henderson barnes fisher "
    "vasquez simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace west "
    "cole hayes bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall "
    "owens harrison fernandez mcdonald woods washington kennedy wells vargas henry chen freeman webb "
    "tucker guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder mason "
    "dixon munoz hunt hicks holmes palmer wagner black robertson boyd rose stone salazar fox warren "
    "mills meyer rice schmidt garza daniels ferguson nichols stephens soto weaver ryan gardner payne "
    "grant dunn kelley spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight "
    "natarajan watanabe tanaka suzuki yamamoto dubois lindqvist bello okafor mensah haddad nasser "
    "kowalski novak horvat petrov ivanova muller schneider fischer weber rossi russo ferrari costa"
).split()

# (name, weight): a software company's departments.
DEPARTMENTS = (
    ("Engineering", 30), ("Customer Support", 14), ("Sales", 13), ("Operations", 8), ("Product", 6),
    ("Marketing", 6), ("Finance", 5), ("Data", 4), ("IT", 3), ("People", 3), ("Security", 2),
    ("Legal", 2), ("Facilities", 2), ("Executive", 1), ("Procurement", 1),
)


def cumulative(pairs):
    total = sum(w for _, w in pairs)
    acc, out = 0, []
    for name, w in pairs:
        acc += w
        out.append((acc / total, name))
    return out


def pick_weighted(r, table):
    for bound, name in table:
        if r < bound:
            return name
    return table[-1][1]


def date_text(days):
    """YYYY-MM-DD of a day count since 1970-01-01 (Howard Hinnant's civil_from_days)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return "%04d-%02d-%02d" % (y + (m <= 2), m, d)


def project_text(users, admin_limit):
    return f'''// Generated by bench/facts/generate.py ({users} users): the benchmark project
// of `tenet drift`. Do not edit; run the generator again.

project bench "Tenet facts benchmark" {{
  organization = "Bench Corp"
  frameworks   = [soc2]
  scope        = "A synthetic workforce of {users} Okta accounts, generated for benchmarking."
}}

role ciso "Chief Information Security Officer" {{
  holder = "Dana Reyes"
  email  = "dana.reyes@bench.example"
}}

role cto "Chief Technology Officer" {{
  holder = "Sam Ortiz"
  email  = "sam.ortiz@bench.example"
}}

facts okta "Okta workforce identity export" {{
  source = "facts/okta.json"
  schema {{
    exported_at: date
    mfa_policy_enforced: bool
    users: list<{{ email: string, active: bool, mfa_enrolled: bool, last_login: date?, department: string, role: "admin" | "member" | "viewer" }}>
  }}
}}

policy access_control "Access Control Policy" {{
  owner     = ciso
  approver  = cto
  version   = "1.0"
  effective = 2026-01-15
  review    = every 12 months

  control mfa "Multi-factor authentication for workforce accounts" {{
    statement "Every active workforce account must sign in with multi-factor authentication."
    satisfies iso27001.A.5.17, iso27001.A.8.5, soc2.CC6.1
    expect okta.mfa_policy_enforced
      else "the Okta global session policy does not require MFA"
    expect all u in okta.users where u.active: u.mfa_enrolled
      else "{{u.email}} ({{u.department}}) has no MFA factor enrolled"
    evidence okta.exported_at fresh within 7 days
  }}

  control privileged_access "Privileged access is limited and protected" {{
    statement "Administrator roles must be held by few accounts, each with multi-factor authentication."
    satisfies iso27001.A.8.2, soc2.CC6.3
    expect count(u in okta.users where u.active and u.role == "admin") <= {admin_limit}
      else "more than {admin_limit} active Okta administrators"
    expect all u in okta.users where u.role == "admin" and u.active: u.mfa_enrolled
      else "administrator {{u.email}} has no MFA factor enrolled"
  }}

  control security_administration "The security team administers identity" {{
    statement "At least one active member of the Security department must hold the Okta administrator role."
    satisfies iso27001.A.5.2
    expect any u in okta.users where u.department == "Security": u.active and u.role == "admin"
      else "no active Security administrator in Okta"
  }}

  control dormant_accounts "Dormant accounts are disabled" {{
    cadence = every 3 months
    statement "An active account that has not signed in for 90 days must be disabled."
    satisfies iso27001.A.5.18, soc2.CC6.2
    expect all u in okta.users where u.active and u.last_login != none:
      age(u.last_login) <= 90 days
      else "{{u.email}} is active but last signed in on {{u.last_login}}"
  }}
}}
'''


def write_facts(path, users, seed):
    rng = random.Random(seed)
    rand = rng.random
    departments = cumulative(DEPARTMENTS)
    nf, nl = len(FIRST_NAMES), len(LAST_NAMES)
    seen = {}
    with open(path, "w", encoding="ascii", newline="\n", buffering=1 << 20) as out:
        out.write('{"exported_at":"%s","org":"bench-corp","mfa_policy_enforced":true,"users":[\n' % EXPORTED_AT)
        for i in range(users):
            first = FIRST_NAMES[int(rand() * nf)]
            last = LAST_NAMES[int(rand() * nl)]
            key = (first, last)
            n = seen.get(key, 0) + 1
            seen[key] = n
            email = f"{first}.{last}@bench.example" if n == 1 else f"{first}.{last}{n}@bench.example"
            department = pick_weighted(rand(), departments)
            active = rand() < 0.92
            r = rand()
            role = "admin" if r < 0.004 else "viewer" if r < 0.15 else "member"
            if department == "Security" and rand() < 0.2:
                role = "admin"
            if active:
                # About 1.5 % of active members and viewers have no MFA factor;
                # administrators always have one.
                mfa = role == "admin" or rand() >= 0.015
                # Active accounts signed in within the last 60 days.
                day = EXPORT_DAY - int(rand() * 60)
                last_login = '"%sT%02d:%02d:%02dZ"' % (date_text(day), int(rand() * 24), int(rand() * 60),
                                                       int(rand() * 60))
            else:
                mfa = rand() < 0.85
                # Deactivated accounts: some never signed in, the others long ago.
                if rand() < 0.2:
                    last_login = "null"
                else:
                    last_login = '"%sT%02d:%02d:%02dZ"' % (date_text(EXPORT_DAY - 60 - int(rand() * 900)),
                                                           int(rand() * 24), int(rand() * 60), int(rand() * 60))
            if i == 0:
                # The first account is the security lead's, so that every
                # `where` matches some user even in a tiny export.
                active, mfa, department, role = True, True, "Security", "admin"
                last_login = '"2026-11-21T08:30:00Z"'
            out.write(
                f'{{"email":"{email}","active":{"true" if active else "false"},'
                f'"mfa_enrolled":{"true" if mfa else "false"},"last_login":{last_login},'
                f'"department":"{department}","role":"{role}"}}'
                + (",\n" if i + 1 < users else "\n"))
        out.write("]}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="folder to write the project into (created if missing)")
    ap.add_argument("--users", type=int, default=1_000_000, help="number of users (default 1000000)")
    ap.add_argument("--seed", type=int, default=27001, help="random seed (default 27001)")
    args = ap.parse_args()
    if args.users < 1:
        ap.error("--users must be at least 1")
    os.makedirs(os.path.join(args.dir, "facts"), exist_ok=True)
    # Written under temporary names and renamed, so an interrupted run never
    # leaves a half-written project that looks complete.
    facts = os.path.join(args.dir, "facts", "okta.json")
    write_facts(facts + ".part", args.users, args.seed)
    os.replace(facts + ".part", facts)
    project = os.path.join(args.dir, "project.tenet")
    with open(project + ".part", "w", encoding="ascii", newline="\n") as f:
        f.write(project_text(args.users, max(10, args.users // 100)))
    os.replace(project + ".part", project)
    print(f"{args.dir}: {args.users} users, facts/okta.json {os.path.getsize(facts)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()

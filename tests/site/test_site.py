#!/usr/bin/env python3
"""Behaviour of `tenet build`: safety against injection, links that resolve,
unsafe identifiers, determinism, refusal to replace folders it did not write,
atomic replacement (a failed or killed build leaves the previous site),
revision history from git (plain, shallow clones, merges), and exit codes.

Usage: test_site.py TENET SOURCE_DIR
       SITE_TESTS="injection history" test_site.py TENET SOURCE_DIR  (some cases only)

Prints one line per case ("ok NAME" or "FAIL NAME: why") and a summary, and
exits non-zero when a case failed. Everything is written in temporary folders
that are removed at the end.
"""

import hashlib
import html.parser
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

TENET = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ""
SOURCE = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else ""
ACME = os.path.join(SOURCE, "examples", "acme")
AS_OF = "2026-11-22"


class Failure(Exception):
    pass


def check(cond, why):
    if not cond:
        raise Failure(why)


def clean_env():
    """The environment for tenet and git: no colour, no inherited git state."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["NO_COLOR"] = "1"
    env["LC_ALL"] = "C.UTF-8"
    return env


def run(args, cwd=None, env=None, timeout=300):
    return subprocess.run(args, cwd=cwd, env=env or clean_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)


def tenet(*args, cwd=None, timeout=300):
    return run([TENET, *args], cwd=cwd, timeout=timeout)


def build(project, out, *extra, cwd=None):
    return tenet("build", project, "-o", out, "--as-of", AS_OF, *extra, cwd=cwd)


def describe(p):
    return "exit %d; stdout: %s; stderr: %s" % (p.returncode, p.stdout.strip()[-600:], p.stderr.strip()[-1500:])


def snapshot(root):
    """Every entry under `root` (hidden ones too) by relative path: a file by
    the SHA-256 of its bytes, a folder as 'dir', a symbolic link by its target."""
    out = {}
    if not os.path.lexists(root):
        return None
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            if os.path.islink(full):
                out[rel] = "link:" + os.readlink(full)
            elif os.path.isdir(full):
                out[rel] = "dir"
            else:
                with open(full, "rb") as f:
                    out[rel] = hashlib.sha256(f.read()).hexdigest()
    return out


def diff_snapshots(a, b):
    if a is None or b is None:
        return "one side is missing (%s / %s)" % (a is None, b is None)
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    parts = []
    if only_a:
        parts.append("gone: %s" % only_a[:5])
    if only_b:
        parts.append("new: %s" % only_b[:5])
    if changed:
        parts.append("changed: %s" % changed[:5])
    return "; ".join(parts)


def temporaries(out):
    """The temporary folders of builds of `out`, beside it."""
    parent, name = os.path.split(os.path.abspath(out))
    prefix = "." + name + ".tenet-tmp-"
    return sorted(e for e in os.listdir(parent) if e.startswith(prefix))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def html_files(out):
    return sorted(f for f in os.listdir(out) if f.endswith(".html"))


# ---- a small DOM --------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "param", "keygen"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children = []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag):
        return [n for n in self.iter() if n.tag == tag]

    def inside(self, tag):
        p = self.parent
        while p is not None:
            if p.tag == tag:
                return True
            p = p.parent
        return False


class DomParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root
        self.starttags = []  # (tag, attrs) of every start tag, as parsed
        self.comments = []

    def handle_starttag(self, tag, attrs):
        self.starttags.append((tag, attrs))
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.starttags.append((tag, attrs))
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def parse(path):
    p = DomParser()
    p.feed(read(path))
    p.close()
    return p


# ---- projects ------------------------------------------------------------------

ROLES = """
role ciso "Chief Information Security Officer" { holder = "Dana Reyes" }
role cto "Chief Technology Officer" { holder = "Sam Ortiz" }
"""


def small_policy(name, title, extra=""):
    return """policy %s "%s" {
  owner = ciso
  approver = cto
  version = "1.0"
  effective = 2026-01-15
  review = every 12 months
  section "Purpose" \"\"\"
  The purpose of %s.%s
  \"\"\"
  control rule "A rule" {
    statement "Staff **must** follow the rule."
    satisfies iso27001.A.5.1
    evidence "A signed record"
  }
}
""" % (name, title, name, extra)


def write_small_project(root, title="Small ISMS", policies=("a",)):
    write(os.path.join(root, "project.tenet"),
          'project small "%s" {\n  organization = "Small Corp"\n  frameworks = [iso27001]\n}\n' % title + ROLES)
    for p in policies:
        write(os.path.join(root, "policies", p + ".tenet"), small_policy(p, "Policy " + p.upper()))


# ---- cases -----------------------------------------------------------------------

P1 = "<script>alert(1)</script>"
P2 = "<img src=x onerror=alert(2)>"
P3 = '"><svg onload=alert(3)>'
P3S = '\\"><svg onload=alert(3)>'  # P3 inside a Tenet string
ALL_STR = P1 + " " + P2 + " " + P3S  # for one-line strings

PROSE = """Prose %(p1)s and %(p2)s and %(p3)s.
  Links: [a](javascript:alert(4)) [b](JaVaScRiPt:alert(5)) [c](data:text/html;base64,PHNjcmlwdD4=) [d](vbscript:x)
  and [keepme-js](javascript:alert(7)) [keepme-ws](<java script:alert(8)>) [keepme-ent](&#106;avascript:alert(9))
  [keepme-tab](<jav&#x09;ascript:alert(10)>) [keepme-ref][evil] <javascript:alert(11)> [keepme-file](file:///etc/passwd)
  [keepme-colon](javascript&colon;alert(16)) [keepme-nul](java&#0;script:alert(17))
  raw <a href="javascript:alert(6)">x</a> inline <iframe src="https://evil.example/frame"></iframe>
  and <style>body {{ display: none }</style> and <object data="x.swf"></object>
  and <form action="https://evil.example/"><input name=q></form>.

  <iframe src="https://evil.example/block"></iframe>

  <style>
  p {{ color: red }
  </style>

  <script>alert(12)</script>

  ![p](https://tracker.example/p.png)

  - [ ] an open task
  - [x] a done task

  A good link: [ok](https://example.com) and [mail](mailto:security@example.com) and [rel](index.html).

  [evil]: javascript:alert(13)"""


def injection_project(root):
    prose = PROSE % {"p1": P1, "p2": P2, "p3": P3}
    write(os.path.join(root, "project.tenet"), """
project inj "Title %(s)s" {
  organization = "Org %(s)s"
  frameworks   = [iso27001]
  scope = \"\"\"
  %(prose)s
  \"\"\"
}

role ciso "CISO %(s)s" { holder = "Holder %(s)s" }
role cto "CTO" { holder = "Sam" }
""" % {"s": ALL_STR, "prose": prose})
    write(os.path.join(root, "policies", "pol.tenet"), """
policy pol "Policy %(s)s" {
  owner          = ciso
  approver       = cto
  version        = "Version %(s)s"
  effective      = 2026-01-15
  review         = every 12 months
  classification = "Class %(s)s"

  section "Heading %(s)s" \"\"\"
  %(prose)s
  \"\"\"

  control ctl "Control %(s)s" {
    statement \"\"\"
    Staff **must** read this. %(prose)s
    \"\"\"
    satisfies iso27001.A.5.1
    evidence "Evidence %(s)s"
  }

  control accounts "Accounts %(s)s" {
    statement "Every account **must** be active."
    satisfies iso27001.A.5.15
    expect all u in src.users: u.active
      else "{u.email} is not active %(s)s"
    evidence src.exported_at fresh within 7 days
  }

  control waived "Waived %(s)s" {
    statement "Every account **must** be an admin."
    satisfies iso27001.A.5.16
    expect all u in src.users: u.active
      else "{u.email} is not an admin"
  }
}

facts src "Source %(s)s" {
  source = "facts/src.json"
  schema {
    exported_at: date
    users: list<{ email: string, active: bool }>
  }
}

applicability iso27001 {
  exclude A.7.4 because \"\"\"
  Excluded %(prose)s
  \"\"\"
}

exception exc "Exception %(s)s" {
  waives   = pol.waived
  approver = ciso
  granted  = 2026-09-22
  expires  = 2027-03-31
  reason   = \"\"\"
  Reason %(prose)s
  \"\"\"
}

crosswalk iso27001 -> soc2 "Crosswalk %(s)s" {
  source = "Source of the crosswalk %(s)s"
  url = "javascript:alert(14)"
  A.5.1 -> CC1.1 intersects "Rationale %(s)s"
  A.5.2 -> none "Gap reason %(s)s"
}
""" % {"s": ALL_STR, "prose": prose})
    users = [{"email": P1 + " " + P2 + " " + P3, "active": False},
             {"email": "javascript:alert(15)", "active": False},
             {"email": "ok@example.com", "active": True}]
    write(os.path.join(root, "facts", "src.json"),
          json.dumps({"exported_at": "2026-11-20", "users": users}, indent=2))


BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background", "cite",
             "data", "codebase", "longdesc", "manifest", "ping"}
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "svg", "img", "form", "base", "frame", "frameset",
                  "applet", "math", "audio", "video", "source", "picture", "textarea", "button", "select", "template",
                  "noscript", "portal"}


def squash(value):
    """A URL as a browser reads its scheme: no whitespace or control characters, lower case."""
    return "".join(ch for ch in value if ord(ch) > 0x20 and ord(ch) != 0x7F).lower()


def check_page_safety(out, name, ids, problems):
    """Appends to `problems` whatever in page `name` is unsafe or dangling."""
    doc = parse(os.path.join(out, name))
    for tag, attrs in doc.starttags:
        where = "%s: <%s %s>" % (name, tag, " ".join("%s=%r" % a for a in attrs))
        ad = {k.lower(): (v or "") for k, v in attrs}
        if tag in FORBIDDEN_TAGS:
            problems.append("forbidden element " + where)
        if tag == "input" and not (ad.get("type", "").lower() == "checkbox" and "disabled" in ad):
            problems.append("an input that is not a disabled checkbox " + where)
        if tag == "meta" and ("http-equiv" in ad or "refresh" in ad.get("content", "").lower()):
            problems.append("meta http-equiv " + where)
        if tag == "link" and not (ad.get("rel") == "stylesheet" and ad.get("href") == "style.css"):
            problems.append("unexpected link element " + where)
        for key, value in attrs:
            key = key.lower()
            value = value or ""
            if key.startswith("on"):
                problems.append("event handler attribute " + where)
            if key == "style":
                problems.append("style attribute " + where)
            if key not in URL_ATTRS:
                continue
            sq = squash(value)
            if any(s in sq for s in BAD_SCHEMES):
                problems.append("dangerous URL %r in %s" % (value, where))
            stripped = value.strip()
            if stripped.startswith(("https://", "http://", "mailto:")):
                continue
            if key != "href" and key != "src":
                problems.append("URL attribute %s %s" % (key, where))
                continue
            if stripped == "" or ":" in stripped.split("#", 1)[0] or stripped.startswith("/"):
                problems.append("URL %r is neither a page of the site nor http(s)/mailto in %s" % (value, where))
                continue
            path, _, frag = stripped.partition("#")
            target = path or name
            if not os.path.isfile(os.path.join(out, target)):
                problems.append("link to a missing file %r in %s" % (value, where))
            elif frag and target.endswith(".html") and frag not in ids.get(target, set()):
                problems.append("link to a missing anchor %r in %s" % (value, where))
    return doc


def page_ids(out):
    ids = {}
    for name in html_files(out):
        doc = parse(os.path.join(out, name))
        ids[name] = {v for _, attrs in doc.starttags for k, v in attrs if k in ("id", "name") and v}
    return ids


def case_injection(tmp):
    proj = os.path.join(tmp, "proj")
    injection_project(proj)
    p = tenet("check", proj)
    check(p.returncode == 0, "the injection project does not check cleanly: " + describe(p))
    out = os.path.join(tmp, "site")
    p = build(proj, out)
    check(p.returncode == 0, "build failed: " + describe(p))
    pages = html_files(out)
    check("policy-pol.html" in pages and "index.html" in pages, "pages missing: %s" % pages)
    ids = page_ids(out)
    problems = []
    texts = {}
    anchors = []  # (href, text) of every link
    for name in pages:
        doc = check_page_safety(out, name, ids, problems)
        texts[name] = doc.root.text()
        for a in doc.root.find_all("a"):
            anchors.append((dict(a.attrs).get("href"), a.text(), name))
    check(not problems, "%d problems, first ones: %s" % (len(problems), problems[:8]))

    everything = "\n".join(texts.values())
    policy_text = texts["policy-pol.html"]
    # The text is shown, escaped, not lost.
    for field in ("Title ", "Org ", "CISO ", "Holder ", "Policy ", "Version ", "Class ", "Heading ", "Control ",
                  "Evidence "):
        check(field + P1 + " " + P2 + " " + P3 in everything, "the text of %r is not shown literally" % field.strip())
    for field in ("Policy ", "Version ", "Class ", "Heading ", "Control ", "Evidence ", "Holder "):
        check(field + P1 in policy_text, "the policy page does not show %r literally" % field.strip())
    check("[image: p]" in texts["index.html"] and "[image: p]" in policy_text, "an image is not shown as [image: p]")
    check(not [a for a in anchors if "tracker.example" in (a[0] or "")], "the image became a link")
    # Dropped links keep their text, outside any link.
    for label in ("keepme-js", "keepme-ws", "keepme-ent", "keepme-tab", "keepme-ref", "keepme-file", "keepme-colon",
                  "keepme-nul"):
        check(label in policy_text, "the text of the dropped link %r is lost" % label)
        linked = [a for a in anchors if label in a[1]]
        check(not linked, "%r is still a link: %s" % (label, linked[:2]))
    good = [a for a in anchors if a[0] == "https://example.com" and a[1] == "ok"]
    check(len([a for a in good if a[2] == "index.html"]) >= 1 and len([a for a in good if a[2] ==
          "policy-pol.html"]) >= 2, "the link [ok](https://example.com) is missing: %s" % good)
    check(any(a[0] == "mailto:security@example.com" for a in anchors), "the mailto link is missing")
    check(any(a[0] == "index.html" and a[1] == "rel" for a in anchors), "the relative link is missing")
    # Task list items render as disabled checkboxes (allowed above) and keep their text.
    check("an open task" in policy_text and "a done task" in policy_text, "the task list is lost")
    # Values from the facts files, and the other declarations' text, are shown escaped too.
    drift_text = texts["drift.html"]
    check(P1 + " " + P2 + " " + P3 + " is not active" in drift_text and
          P1 + " " + P2 + " " + P3 + " is not active" in policy_text, "a failing fact value is not shown literally")
    check("Waived by the exception Exception " + P1 in drift_text, "the exception's title is not shown literally")
    check("Source of the crosswalk " + P1 in texts["crosswalk-iso27001--soc2.html"] and
          "Rationale " + P1 in texts["crosswalk-iso27001--soc2.html"], "the crosswalk's text is not shown literally")
    check("javascript:alert(14)" in texts["crosswalk-iso27001--soc2.html"],
          "the crosswalk's unsafe url is not shown as text")
    # An exclusion's reason is prose, rendered from Markdown like a section:
    # its text is kept, its raw HTML left out (the element checks above).
    check("Excluded Prose" in texts["soa.html"] and "Excluded Prose" in texts["framework-iso27001.html"],
          "the exclusion's reason is lost")


def case_links(tmp):
    """Every link of the example's site (with its revision history, when the
    sources are in git) leads to a page and an anchor that exist."""
    out = os.path.join(tmp, "site")
    p = build(ACME, out)
    check(p.returncode == 0, "build of acme failed: " + describe(p))
    pages = html_files(out)
    check(len(pages) >= 20, "only %d pages" % len(pages))
    ids = page_ids(out)
    problems = []
    links = 0
    for name in pages:
        doc = check_page_safety(out, name, ids, problems)
        links += sum(1 for tag, attrs in doc.starttags if tag == "a" and dict(attrs).get("href"))
    check(not problems, "%d problems, first ones: %s" % (len(problems), problems[:8]))
    check(links > 500, "only %d links in the whole site" % links)
    return "%d pages, %d links" % (len(pages), links)


def case_identifiers(tmp):
    sources = {
        "policy": 'policy ../../evil "x" {\n  owner = ciso\n  approver = cto\n}\n',
        "role": 'role ev/il "Evil" { holder = "x" }\npolicy p "P" {\n  owner = ciso\n  approver = cto\n}\n',
        "control": ('policy p "P" {\n  owner = ciso\n  approver = cto\n  control ../x "C" {\n'
                    '    statement "Staff **must** act."\n  }\n}\n'),
    }
    expected_line = {"policy": 1, "role": 1, "control": 4}
    parent_before = {e for e in os.listdir(os.path.dirname(tmp)) if "evil" in e.lower()}
    for kind, text in sources.items():
        root = os.path.join(tmp, kind)
        write(os.path.join(root, "proj", "roles.tenet"), ROLES)
        write(os.path.join(root, "proj", "main.tenet"), text)
        work = os.path.join(root, "w1", "w2")
        os.makedirs(work)
        before = snapshot(tmp)
        p = build(os.path.join(root, "proj"), "out", cwd=work)
        check(p.returncode == 1, "%s: expected exit 1, got %s" % (kind, describe(p)))
        check(re.search(r"main\.tenet:%d:\d+: error" % expected_line[kind], p.stderr),
              "%s: stderr does not name main.tenet:%d:COL: %s" % (kind, expected_line[kind], p.stderr[-800:]))
        after = snapshot(tmp)
        check(before == after, "%s: files changed in the test folder: %s" % (kind, diff_snapshots(before, after)))
        check(not os.path.lexists(os.path.join(work, "out")), "%s: the output folder was created" % kind)
    parent_after = {e for e in os.listdir(os.path.dirname(tmp)) if "evil" in e.lower()}
    check(parent_after <= parent_before, "written outside the test folder: %s" % (parent_after - parent_before))


def case_determinism(tmp):
    one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two", "site")
    for out in (one, two):
        p = build(ACME, out, "--no-history")
        check(p.returncode == 0, "build of acme failed: " + describe(p))
    a, b = snapshot(one), snapshot(two)
    check(len([k for k in a if k.endswith(".html")]) >= 20, "too few pages: %d" % len(a))
    check(".tenet-site" in a, "no .tenet-site marker")
    check(a == b, "two builds differ: " + diff_snapshots(a, b))
    p = build(ACME, one, "--no-history")
    check(p.returncode == 0, "rebuild over the previous site failed: " + describe(p))
    c = snapshot(one)
    check(a == c, "a rebuild over the previous site differs: " + diff_snapshots(a, c))
    check(not temporaries(one), "temporary folders left: %s" % temporaries(one))


def case_refusal(tmp):
    # A folder of other files.
    occupied = os.path.join(tmp, "occupied")
    write(os.path.join(occupied, "notes.txt"), "my notes\n")
    write(os.path.join(occupied, "sub", "data.txt"), "data\n")
    before = snapshot(occupied)
    p = build(ACME, occupied, "--no-history")
    check(p.returncode == 2, "a folder of other files: expected exit 2, got " + describe(p))
    check("error" in p.stderr and "occupied" in p.stderr, "no error naming the folder on stderr: " + p.stderr)
    check(snapshot(occupied) == before, "the folder of other files changed: " +
          diff_snapshots(before, snapshot(occupied)))
    check(not temporaries(occupied), "temporary folder left: %s" % temporaries(occupied))
    # A folder holding only a hidden file is not empty either.
    hidden = os.path.join(tmp, "hidden")
    write(os.path.join(hidden, ".keep"), "")
    p = build(ACME, hidden, "--no-history")
    check(p.returncode == 2 and os.listdir(hidden) == [".keep"], "a folder with a hidden file: " + describe(p))
    # A regular file.
    regular = os.path.join(tmp, "file.html")
    write(regular, "not a folder\n")
    p = build(ACME, regular, "--no-history")
    check(p.returncode == 2, "-o at a regular file: expected exit 2, got " + describe(p))
    check(read(regular) == "not a folder\n", "the regular file changed")
    check(not temporaries(regular), "temporary folder left beside the file: %s" % temporaries(regular))
    # A symbolic link to a folder, even one holding an earlier site.
    real = os.path.join(tmp, "real-site")
    p = build(ACME, real, "--no-history")
    check(p.returncode == 0, "build into a new folder failed: " + describe(p))
    link = os.path.join(tmp, "link-site")
    os.symlink(real, link)
    before = snapshot(real)
    p = build(ACME, link, "--no-history")
    check(p.returncode == 2, "-o at a symbolic link: expected exit 2, got " + describe(p))
    check(os.path.islink(link) and os.readlink(link) == real, "the symbolic link was replaced")
    check(snapshot(real) == before, "the link's target changed")
    check(not temporaries(link), "temporary folder left beside the link: %s" % temporaries(link))
    # A folder holding the sources, even one marked as a site: nothing is
    # written and the sources stay.
    marked = os.path.join(tmp, "marked")
    write(os.path.join(marked, ".tenet-site"), "")
    write_small_project(os.path.join(marked, "proj"))
    before = snapshot(marked)
    p = build(os.path.join(marked, "proj"), marked, "--no-history")
    check(p.returncode == 2, "-o at the folder holding the sources: expected exit 2, got " + describe(p))
    check("holds" in p.stderr and "marked" in p.stderr, "the error does not say why: " + p.stderr)
    check(snapshot(marked) == before, "the folder holding the sources changed")
    check(not temporaries(marked), "temporary folder left: %s" % temporaries(marked))
    p = build(os.path.join(marked, "proj"), os.path.join(marked, "proj"), "--no-history")
    check(p.returncode == 2 and snapshot(marked) == before, "-o at the project folder itself: " + describe(p))
    # An existing empty folder is accepted.
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    p = build(ACME, empty, "--no-history")
    check(p.returncode == 0 and os.path.isfile(os.path.join(empty, "index.html")),
          "an empty folder was not accepted: " + describe(p))


def case_failed_build_keeps_site(tmp):
    out = os.path.join(tmp, "OUT")
    p = build(ACME, out, "--no-history")
    check(p.returncode == 0, "build of acme failed: " + describe(p))
    before = snapshot(out)
    broken = os.path.join(tmp, "broken")
    write_small_project(broken)
    write(os.path.join(broken, "policies", "bad.tenet"), 'policy bad "Bad" {\n  owner = nobody\n  approver = cto\n}\n')
    p = build(broken, out)
    check(p.returncode == 1, "a project with errors: expected exit 1, got " + describe(p))
    check("bad.tenet:2:" in p.stderr, "the error is not reported with its place: " + p.stderr[-500:])
    after = snapshot(out)
    check(before == after, "the previous site changed: " + diff_snapshots(before, after))
    check(not temporaries(out), "temporary folder left: %s" % temporaries(out))
    # A bad --as-of is a usage error and changes nothing either.
    p = tenet("build", ACME, "-o", out, "--as-of", "2026-13-45")
    check(p.returncode == 2, "--as-of 2026-13-45: expected exit 2, got " + describe(p))
    check(snapshot(out) == before and not temporaries(out), "a bad --as-of changed the site")


def large_project(root, policies, variant):
    write(os.path.join(root, "project.tenet"),
          'project big "Big %s ISMS" {\n  organization = "Big Corp"\n  frameworks = [iso27001, soc2]\n}\n'
          % variant + ROLES)
    iso = ["A.5.1", "A.5.15", "A.5.17", "A.8.5", "A.8.15", "A.5.24", "A.8.13"]
    soc = ["CC6.1", "CC6.2", "CC7.2", "CC8.1"]
    for i in range(policies):
        parts = ['policy p%05d "Policy %d of variant %s" {\n  owner = ciso\n  approver = cto\n  version = "1.%d"\n'
                 '  effective = 2026-01-15\n  review = every 12 months\n  classification = "Internal"\n'
                 % (i, i, variant, i)]
        for s in range(3):
            parts.append('  section "Section %d" """\n' % s)
            for line in range(6):
                parts.append("  Paragraph %d of policy %d, variant %s: staff **must** follow the *documented* "
                             "procedure; see [the guide](https://example.com/%d).\n" % (line, i, variant, i))
            parts.append('  """\n')
        for c in range(3):
            parts.append('  control c%d "Control %d of policy %d" {\n    statement """\n    The team **must** do '
                         'thing %d for policy %d (variant %s).\n    """\n    satisfies iso27001.%s, soc2.%s\n'
                         '    evidence "Record %d"\n  }\n'
                         % (c, c, i, c, i, variant, iso[(i + c) % len(iso)], soc[(i + c) % len(soc)], c))
        parts.append("}\n")
        write(os.path.join(root, "policies", "p%05d.tenet" % i), "".join(parts))


def case_killed_build(tmp):
    out = os.path.join(tmp, "OUT")
    p = build(ACME, out, "--no-history")
    check(p.returncode == 0, "build of acme failed: " + describe(p))
    before = snapshot(out)
    caught = None
    attempts = []
    for size in (2000, 4000):
        proj = os.path.join(tmp, "big-%d" % size)
        large_project(proj, size, "B%d" % size)
        started = time.monotonic()
        proc = subprocess.Popen([TENET, "build", proj, "-o", out, "--as-of", AS_OF, "--no-history"],
                                env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        temp = os.path.join(tmp, ".OUT.tenet-tmp-%d" % proc.pid)
        while proc.poll() is None:
            try:
                if os.listdir(temp):
                    proc.send_signal(signal.SIGKILL)
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.001)
        code = proc.wait()
        attempts.append("%d policies: exit %s after %.2f s" % (size, code, time.monotonic() - started))
        if code == -signal.SIGKILL:
            caught = (proj, temp)
            break
        # Finished before it could be killed: put the previous site back and try a bigger project.
        shutil.rmtree(out)
        p = build(ACME, out, "--no-history")
        check(p.returncode == 0 and snapshot(out) == before, "could not restore the previous site")
    check(caught, "the build could not be killed while it wrote its temporary folder: %s" % attempts)
    proj, temp = caught
    after = snapshot(out)
    check(before == after, "the killed build changed the previous site: " + diff_snapshots(before, after))
    check(os.path.isdir(temp), "the killed build's temporary folder is gone (%s)" % temporaries(out))
    # Other temporary-looking folders: one of a process that cannot exist, one
    # of a running process (this one), one that is not a build's.
    dead = os.path.join(tmp, ".OUT.tenet-tmp-999999999")
    alive = os.path.join(tmp, ".OUT.tenet-tmp-%d" % os.getpid())
    other = os.path.join(tmp, ".OUT.tenet-tmp-notapid")
    for d in (dead, alive, other):
        write(os.path.join(d, "x.html"), "x")
    p = build(proj, out, "--no-history")
    check(p.returncode == 0, "the build after the killed one failed: " + describe(p))
    check(not os.path.exists(temp), "the killed build's temporary folder was not removed")
    check(not os.path.exists(dead), "the temporary folder of a dead process was not removed")
    check(os.path.isdir(alive), "the temporary folder of a running process was removed")
    check(os.path.isdir(other), "a folder that is not a build's temporary folder was removed")
    shutil.rmtree(alive)
    shutil.rmtree(other)
    reference = os.path.join(tmp, "reference")
    started = time.monotonic()
    p = build(proj, reference, "--no-history")
    attempts.append("a whole build takes %.2f s" % (time.monotonic() - started))
    check(p.returncode == 0, "the reference build failed: " + describe(p))
    new, ref = snapshot(out), snapshot(reference)
    check(new == ref, "the rebuilt site is not the new project's site: " + diff_snapshots(new, ref))
    check("policy-access_control.html" not in new and "policy-p00000.html" in new, "the site was not replaced")
    check(temporaries(out) == [], "temporary folders left: %s" % temporaries(out))
    return "; ".join(attempts)


def case_modes(tmp):
    """The site's files and folders get the modes of any new file: 0666 and
    0777 less the umask of the user who builds it."""
    notes = []
    for umask in (0o022, 0o027, 0o002):
        out = os.path.join(tmp, "site-%03o" % umask)
        p = subprocess.run([TENET, "build", ACME, "-o", out, "--as-of", AS_OF, "--no-history"], env=clean_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300,
                           preexec_fn=lambda u=umask: os.umask(u))
        check(p.returncode == 0, "build with umask %03o failed: %s" % (umask, describe(p)))
        wrong = []
        for dirpath, dirnames, filenames in os.walk(out):
            for name in dirnames + filenames + ([] if dirpath != out else ["."]):
                full = os.path.normpath(os.path.join(dirpath, name))
                want = (0o777 if os.path.isdir(full) else 0o666) & ~umask
                mode = os.stat(full).st_mode & 0o7777
                if mode != want:
                    wrong.append("%s: %03o, not %03o" % (os.path.relpath(full, out), mode, want))
        check(not wrong, "umask %03o: wrong modes: %s" % (umask, wrong[:5]))
        notes.append("%03o" % umask)
    return "umasks " + ", ".join(notes)


def case_killed_build_at_random(tmp):
    """A build killed at random moments (seeded; the seed is printed) leaves
    either the previous site or the whole new one, never a mixture; the next
    build removes what the killed one left."""
    seed = int(os.environ.get("SITE_KILL_SEED") or random.SystemRandom().randrange(1 << 32))
    rng = random.Random(seed)
    out = os.path.join(tmp, "OUT")
    p = build(ACME, out, "--no-history")
    check(p.returncode == 0, "build of acme failed: " + describe(p))
    before = snapshot(out)
    proj = os.path.join(tmp, "big")
    large_project(proj, 1500, "R")
    reference = os.path.join(tmp, "reference")
    started = time.monotonic()
    p = build(proj, reference, "--no-history")
    whole = time.monotonic() - started
    check(p.returncode == 0, "the reference build failed: " + describe(p))
    new = snapshot(reference)
    notes = ["seed %d (SITE_KILL_SEED=%d to repeat); a whole build takes %.2f s" % (seed, seed, whole)]
    for attempt in range(5):
        delay = rng.uniform(0.0, whole * 1.1)
        proc = subprocess.Popen([TENET, "build", proj, "-o", out, "--as-of", AS_OF, "--no-history"],
                                env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        code = proc.wait()
        now = snapshot(out)
        check(now == before or now == new, "killed after %.3f s (exit %s), the site is neither the previous one "
              "nor the new one: %s" % (delay, code, diff_snapshots(before, now)))
        notes.append("%.2f s: %s" % (delay, "old" if now == before else "new"))
        # Back to the previous site for the next attempt; the build that does
        # it removes the killed build's temporary folder.
        if now == new:
            shutil.rmtree(out)
        p = build(ACME, out, "--no-history")
        check(p.returncode == 0 and snapshot(out) == before, "the build after the kill failed: " + describe(p))
        check(temporaries(out) == [], "temporary folders left after the next build: %s" % temporaries(out))
    return "; ".join(notes)


def git(repo, *args, date=None, author=None):
    env = clean_env()
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["HOME"] = repo  # no user configuration
    if date:
        env["GIT_AUTHOR_DATE"], env["GIT_COMMITTER_DATE"] = date
    name = author or "Init Person"
    p = run(["git", "-c", "user.name=" + name, "-c", "user.email=%s@example.com" % name.split()[0].lower(),
             "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd=repo, env=env)
    if p.returncode != 0:
        raise Failure("git %s failed: %s" % (" ".join(args), p.stderr))
    return p.stdout.strip()


def history_rows(page):
    doc = parse(page)
    for section in doc.root.find_all("section"):
        h2 = section.find_all("h2")
        if h2 and h2[0].text().strip() == "Revision history":
            rows = []
            for tbody in section.find_all("tbody"):
                for tr in tbody.find_all("tr"):
                    rows.append([td.text().strip() for td in tr.find_all("td")])
            return rows, section.text()
    return None, None


def history_repo(tmp):
    """A repository of three commits: both policies, a change to a, a change to b only.
    Returns the folder and the three abbreviated commit ids."""
    if shutil.which("git") is None:
        raise Failure("git is missing; run ./install-deps.sh")
    repo = os.path.join(tmp, "repo")
    os.makedirs(repo)
    git(repo, "init", "-q")
    write(os.path.join(repo, "project.tenet"), 'project h "History ISMS" {\n  organization = "H Corp"\n}\n' + ROLES)
    write(os.path.join(repo, "policies", "a.tenet"), small_policy("a", "Policy A", " First wording."))
    write(os.path.join(repo, "policies", "b.tenet"), small_policy("b", "Policy B"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Initial policies", date=("2026-01-10T10:00:00Z", "2026-01-10T10:00:00Z"))
    first = git(repo, "rev-parse", "--short=12", "HEAD")
    write(os.path.join(repo, "policies", "a.tenet"), small_policy("a", "Policy A", " Tightened wording."))
    git(repo, "add", "-A")
    # The author date is 2026-03-05 in UTC (2026-03-04 in New York); the committer date is later.
    git(repo, "commit", "-q", "-m", "Tighten MFA wording\n\nA body that is not the summary.",
        date=("2026-03-04T23:30:00-05:00", "2026-03-07T12:00:00Z"), author="Alex Auditor")
    second = git(repo, "rev-parse", "--short=12", "HEAD")
    with open(os.path.join(repo, "policies", "b.tenet"), "a") as f:
        f.write("// touched\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Touch policy B only", date=("2026-04-01T10:00:00Z", "2026-04-01T10:00:00Z"),
        author="Other Person")
    third = git(repo, "rev-parse", "--short=12", "HEAD")
    check(all(re.fullmatch(r"[0-9a-f]{12}", c) for c in (first, second, third)), "bad commit ids")
    return repo, first, second, third


def git_log_rows(repo, path):
    """What `git log -- PATH` lists, as rows of the Revision history table."""
    env = clean_env()
    env["TZ"] = "UTC"
    p = run(["git", "log", "--format=%ad%x1f%an%x1f%s%x1f%H", "--date=format-local:%Y-%m-%d", "--", path],
            cwd=repo, env=env)
    check(p.returncode == 0, "git log failed: " + p.stderr)
    return [[*line.split("\x1f")[:3], line.split("\x1f")[3][:12]] for line in p.stdout.splitlines() if line]


def case_history(tmp):
    repo, first, second, third = history_repo(tmp)
    out = os.path.join(tmp, "site")
    p = build(repo, out)
    check(p.returncode == 0, "build failed: " + describe(p))
    rows, _ = history_rows(os.path.join(out, "policy-a.html"))
    check(rows is not None, "policy-a.html has no Revision history section")
    expected = [["2026-03-05", "Alex Auditor", "Tighten MFA wording", second],
                ["2026-01-10", "Init Person", "Initial policies", first]]
    check(rows == expected, "revision history of a: %s, expected %s" % (rows, expected))
    page_a = read(os.path.join(out, "policy-a.html"))
    check(third not in page_a and "Touch policy B only" not in page_a, "the commit touching only b is listed for a")
    check("not committed yet" not in page_a, "a committed file is said to have uncommitted changes")
    rows_b, _ = history_rows(os.path.join(out, "policy-b.html"))
    check(rows_b is not None and [r[3] for r in rows_b] == [third, first], "revision history of b: %s" % rows_b)

    # Uncommitted changes, and a policy file never committed.
    with open(os.path.join(repo, "policies", "a.tenet"), "a") as f:
        f.write("// an edit not committed yet\n")
    write(os.path.join(repo, "policies", "c.tenet"), small_policy("c", "Policy C"))
    p = build(repo, out)
    check(p.returncode == 0, "build with uncommitted changes failed: " + describe(p))
    rows, text = history_rows(os.path.join(out, "policy-a.html"))
    check(rows == expected, "revision history with uncommitted changes: %s" % rows)
    check("not committed yet" in text and "policies/a.tenet" in text,
          "the page does not say that a.tenet has changes not committed yet: %r" % text[:400])
    _, text_b = history_rows(os.path.join(out, "policy-b.html"))
    check("not committed yet" not in text_b, "b is said to have uncommitted changes")
    rows_c, text_c = history_rows(os.path.join(out, "policy-c.html"))
    check(rows_c == [] and "not been committed" in text_c, "a policy never committed: %r" % text_c)

    # --no-history: no section at all.
    p = build(repo, out, "--no-history")
    check(p.returncode == 0, "build --no-history failed: " + describe(p))
    for name in html_files(out):
        check("Revision history" not in read(os.path.join(out, name)), "--no-history: %s has a history" % name)

    # Outside a git repository: no section either, and no warning about it.
    plain = os.path.join(tmp, "plain")
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    inside = run(["git", "-C", plain, "rev-parse", "--is-inside-work-tree"])
    check(inside.returncode != 0, "the test folder %s is inside a git repository; set TMPDIR elsewhere" % plain)
    out2 = os.path.join(tmp, "site2")
    p = build(plain, out2)
    check(p.returncode == 0, "build outside git failed: " + describe(p))
    check("revision history" not in p.stderr.lower(), "a warning about history outside a repository: " + p.stderr)
    for name in html_files(out2):
        check("Revision history" not in read(os.path.join(out2, name)), "outside git: %s has a history" % name)


def case_history_shallow(tmp):
    """A shallow clone, as CI checks a repository out (actions/checkout fetches
    one commit): the revisions it holds are listed as `git log` lists them
    there, except the clone's oldest commit (whether it changed the file
    cannot be told without its parent), with the note that older ones are
    missing; a page with no revision left says it is a shallow clone."""
    repo, first, second, third = history_repo(tmp)
    problems = []
    for depth in (1, 2):
        clone = os.path.join(tmp, "clone-%d" % depth)
        p = run(["git", "clone", "-q", "--depth", str(depth), "file://" + repo, clone])
        check(p.returncode == 0, "git clone --depth %d failed: %s" % (depth, p.stderr))
        check(git(clone, "rev-parse", "--is-shallow-repository") == "true", "the clone of depth %d is not shallow" % depth)
        out = os.path.join(tmp, "site-%d" % depth)
        p = build(clone, out)
        check(p.returncode == 0, "build of a clone of depth %d failed: %s" % (depth, describe(p)))
        for name in ("a", "b"):
            rows, text = history_rows(os.path.join(out, "policy-%s.html" % name))
            boundary = git(clone, "rev-parse", "--short=12", "HEAD~%d" % (depth - 1))
            expected = [r for r in git_log_rows(clone, "policies/%s.tenet" % name) if r[3] != boundary]
            if not expected:
                if rows or "shallow clone" not in (text or ""):
                    problems.append("depth %d, policy %s: expected no revision and a note on the shallow clone, "
                                    "got %s (%r)" % (depth, name, rows, " ".join((text or "").split())[:160]))
                continue
            if rows != expected:
                problems.append("depth %d, policy %s: the history is %s, git log lists %s%s" % (
                    depth, name, rows, expected,
                    " (the page says: %r)" % " ".join(text.split())[:120] if text else ""))
            elif "Older revisions are not shown" not in (text or ""):
                problems.append("depth %d, policy %s: no note that older revisions are missing" % (depth, name))
    check(not problems, "; ".join(problems))


def case_history_merges(tmp):
    """Merges: a branch merged with its change to a.tenet is listed as
    `git log -- a.tenet` lists it; a branch whose change to a.tenet was undone
    before the merge changed nothing on the main line, and `git log` leaves
    its commits out."""
    repo, first, second, third = history_repo(tmp)
    policy_a = os.path.join(repo, "policies", "a.tenet")
    branch = git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    day = iter(range(10, 28))

    def commit(message, author="Merge Person"):
        d = "2026-05-%02dT10:00:00Z" % next(day)
        git(repo, "commit", "-q", "-a", "-m", message, date=(d, d), author=author)

    def merge(name):
        d = "2026-05-%02dT10:00:00Z" % next(day)
        git(repo, "merge", "-q", "--no-ff", name, "-m", "Merge " + name, date=(d, d), author="Merge Person")

    # A branch whose change is merged.
    git(repo, "checkout", "-q", "-b", "kept")
    write(policy_a, small_policy("a", "Policy A", " Wording from a branch."))
    commit("Branch: new wording that is kept")
    git(repo, "checkout", "-q", branch)
    with open(os.path.join(repo, "policies", "b.tenet"), "a") as f:
        f.write("// main line\n")
    commit("Main line: touch b")
    merge("kept")
    # A branch whose change to a.tenet is reverted before it is merged.
    git(repo, "checkout", "-q", "-b", "undone")
    before = read(policy_a)
    write(policy_a, small_policy("a", "Policy A", " Wording that never ships."))
    commit("Branch: wording that never ships")
    write(policy_a, before)
    commit("Branch: revert that wording")
    git(repo, "checkout", "-q", branch)
    merge("undone")

    out = os.path.join(tmp, "site")
    p = build(repo, out)
    check(p.returncode == 0, "build failed: " + describe(p))
    for name in ("a", "b"):
        rows, _ = history_rows(os.path.join(out, "policy-%s.html" % name))
        expected = git_log_rows(repo, "policies/%s.tenet" % name)
        check(rows == expected, "policy %s: the history lists %s; git log lists %s; extra: %s" % (
            name, [r[2] for r in rows or []], [r[2] for r in expected],
            [r[2] for r in rows or [] if r not in expected]))


def case_exit_codes(tmp):
    out = os.path.join(tmp, "site")
    p = build(ACME, out, "--no-history")
    check(p.returncode == 0, "build failed: " + describe(p))
    check("index.html" in p.stdout, "stdout does not name index.html: %r" % p.stdout)
    check(p.stdout.count("\n") == 1, "stdout is not one line: %r" % p.stdout)
    p = tenet("build", "--help")
    check(p.returncode == 0, "build --help: " + describe(p))
    check(re.search(r"(^|[\s,])-o\b", p.stdout), "build --help does not mention -o: %r" % p.stdout[:400])
    p = tenet("build", ACME, "-o", os.path.join(tmp, "x"), "--no-such-option")
    check(p.returncode == 2 and not os.path.exists(os.path.join(tmp, "x")), "an unknown option: " + describe(p))


CASES = [
    ("injection", case_injection),
    ("links", case_links),
    ("identifiers", case_identifiers),
    ("determinism", case_determinism),
    ("refusal", case_refusal),
    ("failed-build-keeps-site", case_failed_build_keeps_site),
    ("killed-build", case_killed_build),
    ("killed-build-at-random", case_killed_build_at_random),
    ("modes", case_modes),
    ("history", case_history),
    ("history-shallow-clone", case_history_shallow),
    ("history-merges", case_history_merges),
    ("exit-codes", case_exit_codes),
]


def main():
    if len(sys.argv) != 3 or not os.path.isfile(TENET) or not os.path.isdir(ACME):
        print("usage: test_site.py TENET SOURCE_DIR (got %s)" % sys.argv[1:], file=sys.stderr)
        return 2
    only = set(os.environ.get("SITE_TESTS", "").split()) - {""}
    passed = failed = 0
    for name, fn in CASES:
        if only and name not in only:
            continue
        tmp = tempfile.mkdtemp(prefix="tenet-site-%s-" % name)
        started = time.monotonic()
        try:
            note = fn(tmp)
            passed += 1
            print("ok %s (%.1f s%s)" % (name, time.monotonic() - started, "; " + note if note else ""), flush=True)
        except Failure as e:
            failed += 1
            print("FAIL %s: %s" % (name, e), flush=True)
        except Exception as e:  # a bug in the test or an unexpected error: still a failure
            failed += 1
            print("FAIL %s: %s: %s\n%s" % (name, type(e).__name__, e, traceback.format_exc()), flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

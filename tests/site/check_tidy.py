#!/usr/bin/env python3
"""Every page of the site of examples/acme passes HTML Tidy (`tidy -e -q`):
no errors, and no warnings but the known false alarm about `aria-current`
(tidy 5.6 predates ARIA 1.1).

Usage: check_tidy.py TENET SOURCE_DIR

Prints one line per page ("ok NAME" or "FAIL NAME: why") and a summary, and
exits non-zero when a page failed.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

AS_OF = "2026-11-22"
MIN_PAGES = 20
# tidy 5.6 does not know ARIA 1.1's aria-current; browsers and screen readers do.
KNOWN_FALSE_ALARMS = [re.compile(r'^line \d+ column \d+ - Warning: <a> proprietary attribute "aria-current"$')]


def main():
    if len(sys.argv) != 3:
        print("usage: check_tidy.py TENET SOURCE_DIR", file=sys.stderr)
        return 2
    tenet, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    passed = failed = 0

    def fail(name, why):
        nonlocal failed
        failed += 1
        print("FAIL %s: %s" % (name, why), flush=True)

    tidy = shutil.which("tidy")
    if tidy is None:
        fail("tidy", "the 'tidy' program is missing; run ./install-deps.sh")
        print("%d passed, %d failed" % (passed, failed))
        return 1
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HTML_TIDY", "GIT_"))}
    env["NO_COLOR"] = "1"
    tmp = tempfile.mkdtemp(prefix="tenet-site-tidy-")
    try:
        out = os.path.join(tmp, "site")
        p = subprocess.run([tenet, "build", os.path.join(source, "examples", "acme"), "-o", out, "--as-of", AS_OF],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
        if p.returncode != 0:
            fail("build", "tenet build exited with %d: %s" % (p.returncode, p.stderr.strip()[-2000:]))
            print("%d passed, %d failed" % (passed, failed))
            return 1
        pages = sorted(f for f in os.listdir(out) if f.endswith(".html"))
        for name in pages:
            t = subprocess.run([tidy, "-e", "-q", os.path.join(out, name)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=120)
            lines = [l.strip() for l in t.stdout.splitlines() if l.strip()]
            unexpected = [l for l in lines if not any(r.match(l) for r in KNOWN_FALSE_ALARMS)]
            if t.returncode >= 2 or unexpected:
                fail(name, "tidy exited with %d:\n  %s" % (t.returncode, "\n  ".join(unexpected or lines)))
            elif t.returncode == 1 and not lines:
                fail(name, "tidy exited with 1 (warnings) but printed none")
            else:
                passed += 1
                print("ok %s" % name, flush=True)
        if len(pages) < MIN_PAGES:
            fail("page-count", "only %d pages were checked; expected at least %d" % (len(pages), MIN_PAGES))
        else:
            passed += 1
            print("ok page-count (%d pages)" % len(pages))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

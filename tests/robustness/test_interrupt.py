#!/usr/bin/env python3
"""`tenet fmt` and `tenet lint --fix` killed part way lose nothing.

Each file they rewrite is replaced atomically (a temporary file beside it,
synced, then renamed over it). These tests run both commands on a project of
a few hundred files that all need rewriting, kill them with SIGKILL after a
random delay (several times, from a seeded generator whose seed is printed),
and check after every kill that:

- every file holds exactly its old bytes or exactly the bytes a whole run
  writes, and keeps its permissions;
- a temporary file left behind starts with a dot, so `tenet check` and the
  next `tenet fmt` do not read it as a source;
- a whole run afterwards finishes the work.

Usage: test_interrupt.py PATH/TO/tenet [SEED]

Python standard library only. The last line of output is `N passed, M
failed`; the exit status is non-zero when anything failed.
"""

import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

TENET = ""
TIMEOUT = 120
FILES = 300
KILLS = 6


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def run(args, cwd):
    p = subprocess.run([TENET] + args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT)
    return p


def unformatted_policy(i):
    """A policy of a few KB, laid out badly, with a requirement listed twice
    (a fix `lint --fix` may apply)."""
    out = ['policy p%04d "Policy %d" {\n' % (i, i),
           "owner=ciso\n", "      approver =   cto\n", 'version="1.%d"\n' % i,
           "effective   = 2026-01-15\n", "review = every 12 months\n"]
    for s in range(3):
        out.append('section "Section %d" """\n' % s)
        for line in range(8):
            out.append("  Paragraph %d of policy %d: staff must follow the documented procedure, "
                       "step by step, and keep the records.\n" % (line, i))
        out.append('"""\n')
    for c in range(4):
        out.append('   control c%d "Control %d" {\n' % (c, c))
        out.append('statement "The team must do thing %d every 3 months."\n' % c)
        out.append("       cadence = every 3 months\n")
        out.append("satisfies iso27001.A.5.1, soc2.CC6.1,  iso27001.A.5.1\n")
        out.append('evidence    "Record %d"\n' % c)
        out.append("}\n")
    out.append("}\n")
    return "".join(out)


ROLES = ('role ciso "CISO" { holder = "Dana" }\n'
         'role cto "CTO" { holder = "Sam" }\n')

# Modes the files are given, in turn: each must survive a rewrite.
MODES = (0o644, 0o640, 0o755, 0o600)


def make_project(root):
    os.makedirs(os.path.join(root, "policies"))
    with open(os.path.join(root, "roles.tenet"), "w") as f:
        f.write(ROLES)
    for i in range(FILES):
        path = os.path.join(root, "policies", "p%04d.tenet" % i)
        with open(path, "w") as f:
            f.write(unformatted_policy(i))
        os.chmod(path, MODES[i % len(MODES)])


def contents(root):
    """{relative path: (bytes, mode)} of every file below root."""
    out = {}
    for d, _, files in os.walk(root):
        for n in files:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = (f.read(), stat.S_IMODE(os.lstat(p).st_mode))
    return out


def is_temporary(rel):
    name = os.path.basename(rel)
    return name.startswith(".") and ".tenet-tmp-" in name


def expected_after(command, original, scratch):
    """What a whole run of `command` makes of a copy of the project."""
    shutil.copytree(original, scratch, symlinks=True)
    p = run(command + ["."], scratch)
    check(p.returncode in (0, 1), "a whole run of %s failed: %s" % (command, p.stderr.decode()[-2000:]))
    return contents(scratch)


def kill_after(command, cwd, delay):
    proc = subprocess.Popen([TENET] + command + ["."], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    return proc.wait(timeout=TIMEOUT)


def check_state(work, before, after):
    """Every file is its old or its new self; returns the temporaries left."""
    now = contents(work)
    left = sorted(rel for rel in now if is_temporary(rel))
    old = new = 0
    for rel, (data, mode) in now.items():
        if rel in left:
            check(os.path.basename(rel).startswith("."), "a temporary file does not start with a dot: " + rel)
            continue
        check(rel in before, "a file appeared: " + rel)
        check(data == before[rel][0] or data == after[rel][0],
              "%s is neither its old text nor its formatted text (%d bytes)" % (rel, len(data)))
        old += data == before[rel][0]
        new += data == after[rel][0] and data != before[rel][0]
        check(mode == before[rel][1], "%s has mode %o, not %o" % (rel, mode, before[rel][1]))
    for rel in before:
        check(rel in now, "a file is gone: " + rel)
    return left, old, new


def check_temporaries_ignored(work, left):
    """`tenet check` and `tenet fmt --check` do not read temporaries."""
    p = run(["check", "--format", "json", "."], work)
    doc = json.loads(p.stdout.decode())
    files = {(d.get("location") or {}).get("file", "") for d in doc["diagnostics"]}
    check(not [f for f in files if "tenet-tmp" in f], "tenet check read a temporary file: %s" % files)
    p = run(["fmt", "--check", "."], work)
    check(b"tenet-tmp" not in p.stdout + p.stderr, "tenet fmt --check listed a temporary file")


def scenario(name, command, rng, tmp):
    original = os.path.join(tmp, name + "-original")
    make_project(original)
    before = contents(original)
    after = expected_after(command, original, os.path.join(tmp, name + "-expected"))
    changed = sum(1 for rel in before if after[rel][0] != before[rel][0])
    check(changed >= FILES, "%s changes only %d files; the test needs them all to change" % (command, changed))
    # How long a whole run takes, to kill within it.
    timing = os.path.join(tmp, name + "-timing")
    shutil.copytree(original, timing, symlinks=True)
    started = time.monotonic()
    run(command + ["."], timing)
    whole = time.monotonic() - started
    notes = []
    partial = 0
    for attempt in range(KILLS):
        work = os.path.join(tmp, "%s-%d" % (name, attempt))
        shutil.copytree(original, work, symlinks=True)
        delay = rng.uniform(0.0, whole)
        code = kill_after(command, work, delay)
        left, old, new = check_state(work, before, after)
        if old and new:
            partial += 1
        notes.append("killed after %.3f s (exit %s): %d old, %d new, %d temporaries" %
                     (delay, code, old, new, len(left)))
        check_temporaries_ignored(work, left)
        # A whole run afterwards finishes the work, temporaries or not.
        p = run(command + ["."], work)
        check(p.returncode in (0, 1), "the run after the kill failed: " + p.stderr.decode()[-2000:])
        final = contents(work)
        for rel in before:
            check(final[rel] == after[rel], "%s differs from a whole run's after the rerun" % rel)
        shutil.rmtree(work)
    print("  %s: a whole run takes %.3f s; %s" % (name, whole, "; ".join(notes)), flush=True)
    return partial


def main():
    global TENET
    if len(sys.argv) < 2 or not os.access(sys.argv[1], os.X_OK):
        print("usage: test_interrupt.py PATH/TO/tenet [SEED]", file=sys.stderr)
        return 2
    TENET = os.path.abspath(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else random.SystemRandom().randrange(1 << 32)
    print("seed %d (rerun with: test_interrupt.py TENET %d)" % (seed, seed), flush=True)
    rng = random.Random(seed)
    passed = failed = 0
    scenarios = [("fmt", ["fmt"]), ("lint-fix", ["lint", "--fix", "--as-of", "2026-11-22"])]
    for name, command in scenarios:
        tmp = tempfile.mkdtemp(prefix="tenet-interrupt-%s-" % name)
        try:
            scenario(name, command, rng, tmp)
            passed += 1
            print("ok %s" % name, flush=True)
        except Failure as e:
            failed += 1
            print("FAIL %s: %s" % (name, e), flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

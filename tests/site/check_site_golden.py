#!/usr/bin/env python3
"""Builds the site of tests/site/golden/project (with its own cut-down
catalogues, so that the goldens do not change with the real ones) and
compares every file with tests/site/golden/expected. With --update, writes
the site as the new goldens instead: an explicit step (`make update-site`)
whose diff is read before it is committed."""
import difflib
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

ARGS = ["build", "--stdlib", "tests/site/golden/stdlib", "tests/site/golden/project",
        "--as-of", "2026-11-22", "--no-history"]


def files_under(root):
    out = []
    for folder, _, names in os.walk(root):
        for n in names:
            out.append(os.path.relpath(os.path.join(folder, n), root))
    return sorted(out)


def main() -> int:
    args = sys.argv[1:]
    update = "--update" in args
    args = [a for a in args if a != "--update"]
    if len(args) != 2:
        print("usage: check_site_golden.py TENET SOURCE_DIR [--update]", file=sys.stderr)
        return 2
    tenet, root = args
    expected = os.path.join(root, "tests", "site", "golden", "expected")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "site")
        run = subprocess.run([tenet] + ARGS + ["-o", out], cwd=root, capture_output=True, timeout=120)
        if run.returncode != 0:
            print(f"FAIL: tenet {' '.join(ARGS)} exited {run.returncode}\n{run.stderr.decode(errors='replace')}")
            return 1
        got = files_under(out)
        if update:
            shutil.rmtree(expected, ignore_errors=True)
            shutil.copytree(out, expected)
            print(f"wrote {len(got)} files to {os.path.relpath(expected, root)}")
            return 0
        want = files_under(expected)
        failed = 0
        for name in sorted(set(want) - set(got)):
            print(f"FAIL {name}: not written by the build")
            failed += 1
        for name in sorted(set(got) - set(want)):
            print(f"FAIL {name}: written by the build but has no golden (run `make update-site`)")
            failed += 1
        for name in sorted(set(got) & set(want)):
            a, b = os.path.join(expected, name), os.path.join(out, name)
            if filecmp.cmp(a, b, shallow=False):
                print(f"ok {name}")
                continue
            failed += 1
            with open(a, encoding="utf-8", errors="replace") as f:
                old = f.readlines()
            with open(b, encoding="utf-8", errors="replace") as f:
                new = f.readlines()
            diff = list(difflib.unified_diff(old, new, f"expected/{name}", f"built/{name}"))
            print(f"FAIL {name}: differs from its golden\n" + "".join(diff[:80]))
        print(f"{len(got) - failed if failed <= len(got) else 0} passed, {failed} failed")
        if failed:
            print("If the change is intended, run `make update-site` and read `git diff tests/site` before committing.")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

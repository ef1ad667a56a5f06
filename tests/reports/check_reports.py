#!/usr/bin/env python3
"""Runs the report cases in cases.txt and compares each output with its
golden file. With --update, writes the outputs as the new goldens instead:
an explicit step whose diff is read before it is committed."""
import difflib
import os
import shlex
import subprocess
import sys


def main() -> int:
    args = sys.argv[1:]
    update = "--update" in args
    args = [a for a in args if a != "--update"]
    if len(args) != 2:
        print("usage: check_reports.py TENET SOURCE_DIR [--update]", file=sys.stderr)
        return 2
    tenet, root = args
    here = os.path.join(root, "tests", "reports")
    failed = passed = 0
    with open(os.path.join(here, "cases.txt"), encoding="utf-8") as f:
        cases = [l.split(None, 1) for l in f if l.strip() and not l.startswith("#")]
    for name, argv in cases:
        run = subprocess.run([tenet] + shlex.split(argv), cwd=root, capture_output=True, timeout=300)
        out = run.stdout
        golden = os.path.join(here, "expected", name)
        # `tenet drift` exits 1 when controls fail: that is its report, not an error.
        allowed = (0, 1) if argv.startswith("drift") else (0,)
        if run.returncode not in allowed:
            print(f"FAIL {name}: tenet {argv} exited {run.returncode}\n{run.stderr.decode(errors='replace')}")
            failed += 1
            continue
        if update:
            with open(golden, "wb") as g:
                g.write(out)
            print(f"wrote {name}")
            passed += 1
            continue
        try:
            with open(golden, "rb") as g:
                want = g.read()
        except OSError:
            print(f"FAIL {name}: no golden file; run `make update-reports` and read it")
            failed += 1
            continue
        if out == want:
            passed += 1
            continue
        failed += 1
        print(f"FAIL {name}: output differs from expected/{name}")
        diff = difflib.unified_diff(want.decode(errors="replace").splitlines(True),
                                    out.decode(errors="replace").splitlines(True),
                                    f"expected/{name}", f"tenet {argv}", n=2)
        sys.stdout.writelines(list(diff)[:80])
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Formatter goldens: tests/format/cases/NAME.tenet formatted by `tenet fmt`
must equal tests/format/expected/NAME.tenet.

Usage: check_format.py TENET SOURCE_DIR [--update]

For each case, on a copy in a temporary folder:
- `tenet fmt --check` lists it (exit 1) when it differs from its expected
  output, and is silent (exit 0) when it does not;
- `tenet fmt --diff` prints a unified diff naming it, and writes nothing;
- `tenet fmt` rewrites it to exactly the expected output;
- the expected output is a fixed point: `tenet fmt --check` accepts it.
With --update, the expected files are rewritten from what `tenet fmt` gives
(review the changes with git diff before committing them).
"""
import difflib
import os
import shutil
import subprocess
import sys
import tempfile


def run(tenet, args, cwd):
    return subprocess.run([tenet] + args, cwd=cwd, capture_output=True, timeout=120)


def main():
    args = [a for a in sys.argv[1:] if a != "--update"]
    update = "--update" in sys.argv[1:]
    if len(args) != 2:
        print(__doc__)
        return 2
    tenet = os.path.abspath(args[0])
    root = os.path.join(os.path.abspath(args[1]), "tests", "format")
    cases_dir, expected_dir = os.path.join(root, "cases"), os.path.join(root, "expected")
    names = sorted(f[:-6] for f in os.listdir(cases_dir) if f.endswith(".tenet"))
    failures = []
    tmp = tempfile.mkdtemp(prefix="tenet-fmt-golden-")
    try:
        for name in names:
            file = name + ".tenet"
            with open(os.path.join(cases_dir, file), "rb") as fh:
                case = fh.read()
            work = os.path.join(tmp, file)
            with open(work, "wb") as fh:
                fh.write(case)

            p = run(tenet, ["fmt", file], tmp)
            if p.returncode != 0:
                failures.append(f"{name}: tenet fmt exited {p.returncode}:\n{p.stderr.decode()}")
                continue
            with open(work, "rb") as fh:
                formatted = fh.read()
            expected_path = os.path.join(expected_dir, file)
            if update:
                os.makedirs(expected_dir, exist_ok=True)
                old = open(expected_path, "rb").read() if os.path.exists(expected_path) else None
                if old != formatted:
                    with open(expected_path, "wb") as fh:
                        fh.write(formatted)
                    print(f"updated {os.path.relpath(expected_path, root)}")
            if not os.path.exists(expected_path):
                failures.append(f"{name}: no expected output; run with --update")
                continue
            with open(expected_path, "rb") as fh:
                expected = fh.read()
            if formatted != expected:
                diff = difflib.unified_diff(expected.decode().splitlines(True), formatted.decode().splitlines(True),
                                            "expected/" + file, "formatted/" + file)
                failures.append(f"{name}: the output differs from the expected one:\n" + "".join(diff))

            # --check and --diff on the unformatted case write nothing.
            with open(work, "wb") as fh:
                fh.write(case)
            changes = case != expected
            c = run(tenet, ["fmt", "--check", file], tmp)
            if c.returncode != (1 if changes else 0) or (changes and c.stdout.decode().strip() != file):
                failures.append(f"{name}: fmt --check exited {c.returncode} with {c.stdout.decode()!r}")
            d = run(tenet, ["fmt", "--diff", file], tmp)
            out = d.stdout.decode()
            if d.returncode != (1 if changes else 0):
                failures.append(f"{name}: fmt --diff exited {d.returncode}")
            if changes and not (out.startswith(f"--- a/{file}\n+++ b/{file}\n@@ -")):
                failures.append(f"{name}: fmt --diff printed no unified diff:\n{out}")
            with open(work, "rb") as fh:
                if fh.read() != case:
                    failures.append(f"{name}: --check or --diff changed the file")
            if changes and shutil.which("patch"):
                # The diff applies and gives the formatted file.
                pp = subprocess.run(["patch", "-s", "-p1", "-o", "-", file], cwd=tmp, input=d.stdout,
                                    capture_output=True, timeout=60)
                if pp.returncode != 0 or pp.stdout != expected:
                    failures.append(f"{name}: the diff does not patch the case into the expected output:\n"
                                    + pp.stderr.decode())

            # The expected output is already formatted.
            with open(work, "wb") as fh:
                fh.write(expected)
            c = run(tenet, ["fmt", "--check", file], tmp)
            if c.returncode != 0:
                failures.append(f"{name}: the expected output is not stable under tenet fmt")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print(f"{len(names)} formatter goldens, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""`tenet fmt` over every .tenet file of the repository, on copies.

Usage: test_repository.py TENET SOURCE_DIR

Copies examples/, stdlib/, tests/golden/, tests/site/golden/ and
tests/format/expected/ into a temporary folder, then checks that:

- every file fmt accepts is formatted idempotently: a second run changes
  nothing and `fmt --check` is clean;
- every file fmt refuses (exit 2) is left byte-identical, and `tenet check`
  reports an error in it (fmt refuses only files with syntax errors);
- the meaning is unchanged: for the projects (examples/acme with the built-in
  stdlib and with the copied stdlib, tests/site/golden/project with its own
  stdlib), the diagnostics of `tenet check --format json` and the JSON of
  `tenet coverage`, `tenet soa` and `tenet drift --as-of 2026-11-22` are the
  same before and after, apart from line and column numbers; for the golden
  cases (single files and .project folders), the diagnostic codes are the
  same before and after.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

TREES = ["examples", "stdlib", "tests/golden", "tests/site/golden", "tests/format/expected"]


def run(tenet, args, cwd):
    return subprocess.run([tenet] + args, cwd=cwd, capture_output=True, timeout=300)


def strip_positions(value):
    """JSON without line and column numbers, which formatting may move."""
    if isinstance(value, dict):
        return {k: strip_positions(v) for k, v in value.items() if k not in ("start", "end", "line", "column")}
    if isinstance(value, list):
        return [strip_positions(v) for v in value]
    return value


def codes(tenet, path, cwd):
    p = run(tenet, ["check", "--format", "json", path], cwd)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return ("unreadable", p.returncode, p.stdout[:200])
    return sorted(d["code"] for d in doc.get("diagnostics", []))


def project_outputs(tenet, root, paths, stdlib):
    extra = ["--stdlib", stdlib] if stdlib else []
    out = {}
    commands = {
        "check": ["check", "--format", "json"],
        "coverage": ["coverage", "--format", "json"],
        "soa": ["soa", "--format", "json"],
        "drift": ["drift", "--as-of", "2026-11-22", "--format", "json"],
    }
    for name, args in commands.items():
        p = run(tenet, args + extra + paths, root)
        try:
            doc = strip_positions(json.loads(p.stdout))
        except ValueError:
            doc = p.stdout.decode("utf-8", "replace")
        out[name] = (p.returncode, doc)
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    tenet = os.path.abspath(sys.argv[1])
    source = os.path.abspath(sys.argv[2])
    failures = []
    tmp = tempfile.mkdtemp(prefix="tenet-fmt-repo-")
    try:
        for tree in TREES:
            src = os.path.join(source, tree)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(tmp, tree), ignore=shutil.ignore_patterns("__pycache__"))
        files = []
        for tree in TREES:
            for dirpath, dirnames, filenames in os.walk(os.path.join(tmp, tree)):
                dirnames.sort()
                for f in sorted(filenames):
                    if f.endswith(".tenet"):
                        files.append(os.path.relpath(os.path.join(dirpath, f), tmp))

        # Golden cases: single files outside .project folders, and .project folders.
        cases = []
        for tree in ["tests/golden"]:
            for dirpath, dirnames, filenames in os.walk(os.path.join(tmp, tree)):
                dirnames.sort()
                rel = os.path.relpath(dirpath, tmp)
                if any(part.endswith(".project") for part in rel.split(os.sep)):
                    if rel.endswith(".project"):
                        cases.append(rel)
                    continue
                cases += [os.path.join(rel, f) for f in sorted(filenames) if f.endswith(".tenet")]
        projects = [
            ("examples/acme (built-in stdlib)", "examples/acme", None),
            ("examples/acme (formatted stdlib)", "examples/acme", "../../stdlib"),
            ("tests/site/golden/project", "tests/site/golden/project", "../stdlib"),
        ]
        before_cases = {c: codes(tenet, c, tmp) for c in cases}
        before_projects = {
            name: project_outputs(tenet, os.path.join(tmp, root), ["."], stdlib) for name, root, stdlib in projects
        }

        refused = formatted = 0
        for f in files:
            path = os.path.join(tmp, f)
            with open(path, "rb") as fh:
                original = fh.read()
            p = run(tenet, ["fmt", f], tmp)
            with open(path, "rb") as fh:
                after = fh.read()
            if p.returncode == 2:
                refused += 1
                if after != original:
                    failures.append(f"{f}: fmt refused the file but changed it")
                c = run(tenet, ["check", f], tmp)
                if c.returncode == 0:
                    failures.append(f"{f}: fmt refused a file that checks without errors:\n{p.stderr.decode()}")
                if b"mistake in tenet" in p.stderr:
                    failures.append(f"{f}: the formatter refused to format it:\n{p.stderr.decode()}")
                if b"was not formatted" not in p.stderr:
                    failures.append(f"{f}: fmt exited 2 without saying why:\n{p.stderr.decode()}")
                continue
            if p.returncode != 0:
                failures.append(f"{f}: fmt exited {p.returncode}:\n{p.stderr.decode()}")
                continue
            formatted += 1
            again = run(tenet, ["fmt", f], tmp)
            with open(path, "rb") as fh:
                second = fh.read()
            if again.returncode != 0 or second != after or again.stdout:
                failures.append(f"{f}: formatting is not idempotent")
            check = run(tenet, ["fmt", "--check", f], tmp)
            if check.returncode != 0:
                failures.append(f"{f}: fmt --check reports a file fmt just formatted")

        for c in cases:
            now = codes(tenet, c, tmp)
            if now != before_cases[c]:
                failures.append(f"{c}: diagnostics changed: {before_cases[c]} -> {now}")
        for name, root, stdlib in projects:
            now = project_outputs(tenet, os.path.join(tmp, root), ["."], stdlib)
            for command, result in now.items():
                if result != before_projects[name][command]:
                    failures.append(f"{name}: the output of 'tenet {command}' changed after formatting")
        print(f"{formatted} files formatted idempotently, {refused} refused (syntax errors), "
              f"{len(cases)} golden cases and {len(projects)} projects compared")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs the libFuzzer fuzz targets of a TENET_FUZZ build (`make fuzz`,
`make fuzz-smoke`; see docs/fuzzing.md).

Usage: run_fuzzers.py BUILD_DIR SOURCE_DIR [--seconds N] [--parallel N] [--seeds-only] [TARGET...]

Each target runs for N seconds (default 600) on its corpus, BUILD_DIR/corpus/
<target>, which keeps what the runs before found; the generated seeds and the
committed regressions are read along with it. With --seeds-only (`make
fuzz-smoke`), a target starts from the seeds and regressions alone and keeps
nothing, so that a short run does not spend its time replaying a large corpus. Inputs that crash, leak, time
out or run out of memory are written to BUILD_DIR/artifacts/<target>/, and
the run fails, saying how to reproduce each. Every run is logged, with the
commit, the time and the outcome, to BUILD_DIR/fuzz-runs.tsv.
"""
import argparse
import datetime
import os
import shutil
import subprocess
import tempfile
import sys
import time

# Per target: the largest input, the seconds one input may take, the dictionary.
TARGETS = {
    "check": {"max_len": 16384, "timeout": 30, "dict": "tenet.dict"},
    "format": {"max_len": 16384, "timeout": 30, "dict": "tenet.dict"},
    "facts": {"max_len": 16384, "timeout": 30, "dict": "facts.dict"},
    "lsp": {"max_len": 32768, "timeout": 60, "dict": "lsp.dict"},
}
RSS_LIMIT_MB = 3072
PROBLEMS = ("crash-", "leak-", "timeout-", "oom-", "slow-unit-")


def commit(source_dir):
    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=source_dir, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=source_dir,
                               capture_output=True, text=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def start(name, build, source, seconds, seeds_only):
    conf = TARGETS[name]
    binary = os.path.join(build, "tests", "fuzz", f"fuzz_{name}")
    if not os.path.exists(binary):
        sys.exit(f"run_fuzzers: {binary} is missing; run `make fuzz-build` first")
    corpus = tempfile.mkdtemp(prefix=f"tenet-fuzz-{name}-") if seeds_only else os.path.join(build, "corpus", name)
    artifacts = os.path.join(build, "artifacts", name)
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    before = set(os.listdir(artifacts))
    dirs = [corpus, os.path.join(build, "tests", "fuzz", "seeds", name)]
    regressions = os.path.join(source, "tests", "fuzz", "regressions", name)
    if os.path.isdir(regressions):
        dirs.append(regressions)
    cmd = [binary, f"-max_total_time={seconds}", f"-timeout={conf['timeout']}", f"-rss_limit_mb={RSS_LIMIT_MB}",
           f"-max_len={conf['max_len']}", "-dict=" + os.path.join(source, "tests", "fuzz", "dict", conf["dict"]),
           "-artifact_prefix=" + artifacts + "/", "-print_final_stats=1", "-print_pcs=0"] + dirs
    log = open(os.path.join(build, f"fuzz-{name}.log"), "w")
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0", UBSAN_OPTIONS="print_stacktrace=1")
    print(f"fuzz_{name}: {seconds} s, log in {log.name}", flush=True)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    return {"name": name, "proc": proc, "log": log, "artifacts": artifacts, "before": before, "binary": binary,
            "start": time.time(), "scratch": corpus if seeds_only else None}


def finish(run, build, source, rev, seconds):
    code = run["proc"].wait()
    run["log"].close()
    if run["scratch"]:
        shutil.rmtree(run["scratch"], ignore_errors=True)
    elapsed = time.time() - run["start"]
    found = sorted(f for f in set(os.listdir(run["artifacts"])) - run["before"] if f.startswith(PROBLEMS))
    execs = ""
    with open(run["log"].name, errors="replace") as fh:
        for line in fh:
            if line.startswith("stat::number_of_executed_units:"):
                execs = line.split(":")[-1].strip()
    ok = code == 0 and not found
    with open(os.path.join(build, "fuzz-runs.tsv"), "a") as fh:
        fh.write(f"{datetime.datetime.now().isoformat(timespec='seconds')}\t{rev}\t{run['name']}\t"
                 f"{elapsed:.0f}\t{execs}\t{'clean' if ok else 'FOUND ' + ' '.join(found)}\n")
    name = run["name"]
    if ok:
        print(f"fuzz_{name}: clean, {elapsed:.0f} s, {execs or '?'} inputs", flush=True)
        return True
    print(f"fuzz_{name}: FAILED (exit {code}); the last lines of {run['log'].name}:", flush=True)
    with open(run["log"].name, errors="replace") as fh:
        print("".join(fh.readlines()[-40:]))
    for f in found or ["(no input was written; see the log)"]:
        path = os.path.join(run["artifacts"], f)
        print(f"  input: {path}")
        if found:
            print(f"  reproduce:      {run['binary']} {path}")
            print(f"  without clang:  build/tests/fuzz/fuzz_{name}_replay {path}")
            print(f"  once fixed, keep it: cp {path} tests/fuzz/regressions/{name}/<what-it-does>")
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("source")
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--parallel", type=int, default=1, help="targets run at the same time")
    ap.add_argument("--seeds-only", action="store_true", help="start from the seeds alone and keep no corpus")
    ap.add_argument("targets", nargs="*")
    args = ap.parse_intermixed_args()
    build, source = os.path.abspath(args.build), os.path.abspath(args.source)
    names = args.targets or list(TARGETS)
    for n in names:
        if n not in TARGETS:
            sys.exit(f"run_fuzzers: no target {n}; the targets are {', '.join(TARGETS)}")
    rev = commit(source)
    ok = True
    pending = list(names)
    running = []
    while pending or running:
        while pending and len(running) < max(1, args.parallel):
            running.append(start(pending.pop(0), build, source, args.seconds, args.seeds_only))
        run = running.pop(0)
        ok = finish(run, build, source, rev, args.seconds) and ok
    print("all fuzz targets ran clean" if ok else "some fuzz targets found problems (above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

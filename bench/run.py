#!/usr/bin/env python3
"""Tenet's benchmark: runs Tenet and its reference tools side by side and
writes the results into docs/performance.md.

    bench/run.py [--runs 5] [--sizes 1,5,10,25,50] [--records 10000,100000,1000000]
                 [--quick] [--smoke] [--no-write]
                 [--tenet build/tenet] [--baseline build/bench/baseline/tenet_antlr_baseline]
                 [--cache-dir DIR]

It builds nothing: build Tenet first (`make build`). It generates its inputs
into the cache folder (default $BENCH_DIR, else /tmp/tenet-bench; an input is
generated again only when its generator or its arguments change), then runs
each comparison of the targets of issue #8, the two programs in turn: one
untimed warm-up run of each (its output is checked), then --runs timed runs of
each, alternating. Wall time is measured with time.perf_counter() around the
child process; peak memory is the child's maximum resident set size, from
os.wait4(). A table of medians and ratios, one of how time and memory grow
with the size of the sources and of the facts file, and the machine it ran on
are printed, and written into docs/performance.md between the markers
<!-- bench:begin --> and <!-- bench:end --> (unless --no-write).

The comparisons (tenet first, then its reference):

  check   tenet check on the 10 MB project, and tenet_antlr_baseline on the same
          files (time and peak memory);
  lint    tenet lint examples/acme, and markdownlint-cli2 on the same policies'
          prose written as Markdown (bench/prose_to_markdown.py);
  build   tenet build on the 10 MB project, and one pandoc process converting
          the same prose, all documents in one file, to HTML;
  drift   tenet drift on bench/facts/generate.py's project with a 1,000,000-user
          JSON export, and jq length on the same file; drift's peak memory is
          also compared to the size of the file;
  lsp     tenet lsp: the time from an edit (didChange) of one file of the 10 MB
          project to its publishDiagnostics, and a cold tenet check of the project.

--quick measures the sources at 1, 5 and 10 MB only; --smoke runs every
program once on tiny inputs and checks that each ran and produced its output
(no timing is judged; this is the `bench.smoke` test of `make test`). A
reference tool that is not installed stops the benchmark with the package to
install; with --smoke, it is reported and skipped.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DOC = os.path.join(REPO, "docs", "performance.md")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
AS_OF = "2026-11-22"
MAIN_SIZE = 10.0  # MB of sources of the project the comparisons use

# (what, ratio target, the kind of ratio)
TARGETS = {
    "check_time": 0.5,
    "check_memory": 0.25,
    "lint_time": 0.1,
    "build_time": 0.2,
    "drift_time": 0.5,
    "drift_memory": 2.0,
    "lsp_time": 0.1,
}


class BenchError(Exception):
    pass


def say(*a):
    print(*a, file=sys.stderr, flush=True)


# ---- running and measuring ------------------------------------------------------

TIME = "/usr/bin/time"


def with_time(cmd, rss_file):
    """The command under /usr/bin/time, which writes its peak resident memory (KiB) to rss_file.

    os.wait4() of a child of this script would not do: Linux carries the
    parent's peak over fork and exec, so every child would show at least the
    memory of this Python process."""
    return [TIME, "-f", "%M", "-o", rss_file] + cmd if os.access(TIME, os.X_OK) else cmd


def read_rss(rss_file, usage):
    try:
        with open(rss_file) as f:
            return int(f.read().strip().split("\n")[-1]) * 1024
    except (OSError, ValueError):
        return usage.ru_maxrss * 1024  # without /usr/bin/time (--smoke only): an upper bound


class Program:
    """One command to measure. `check(result)` raises BenchError when a run's
    output is not what it should be; `before()` runs untimed before each run."""

    def __init__(self, name, cmd, ok=(0,), cwd=None, check=None, before=None):
        self.name, self.cmd, self.ok, self.cwd = name, cmd, ok, cwd
        self.check_fn, self.before = check, before
        self.times, self.rss = [], []

    def run(self, scratch, validate):
        if self.before:
            self.before()
        out = os.path.join(scratch, re.sub(r"\W+", "_", self.name) + ".out")
        err = out[:-4] + ".err"
        rss_file = out[:-4] + ".rss"
        with open(out, "wb") as o, open(err, "wb") as e:
            t0 = time.perf_counter()
            p = subprocess.Popen(with_time(self.cmd, rss_file), stdout=o, stderr=e, stdin=subprocess.DEVNULL,
                                 cwd=self.cwd)
            _, status, usage = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
        p.returncode = rc = os.waitstatus_to_exitcode(status)
        rss = read_rss(rss_file, usage)
        if validate:
            stdout = open(out, "rb").read().decode("utf-8", "replace")
            stderr = open(err, "rb").read().decode("utf-8", "replace")
            if rc not in self.ok:
                raise BenchError(f"{self.name}: `{' '.join(self.cmd)}` exited with {rc}, expected "
                                 f"{' or '.join(map(str, self.ok))}\n{stderr[-3000:]}{stdout[-2000:]}")
            if self.check_fn:
                self.check_fn(stdout, stderr)
            say(f"  {self.name}: ok (exit {rc}, {wall:.3f} s, {rss / 1e6:.1f} MB)")
        return wall, rss

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def peak(self):
        return max(self.rss)


def measure(programs, runs, warmup, scratch):
    """Runs each program once untimed (output checked), then `runs` times, in turn."""
    if warmup:
        for p in programs:
            p.run(scratch, validate=True)
    for i in range(runs):
        for p in programs:
            wall, rss = p.run(scratch, validate=(i == 0 and not warmup))
            p.times.append(wall)
            p.rss.append(rss)
    for p in programs:
        say(f"  {p.name}: median {p.median:.3f} s of {runs} (" + ", ".join(f"{t:.3f}" for t in p.times)
            + f"), peak {p.peak / 1e6:.1f} MB")


def expect(cond, message):
    if not cond:
        raise BenchError(message)


# ---- inputs -----------------------------------------------------------------------

def stamp_of(files, args):
    h = hashlib.sha256(repr(args).encode())
    for f in files:
        with open(f, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:20]


def cached(folder, files, args, make):
    """Calls make(folder) unless folder holds the output of the same generator and arguments."""
    stamp = stamp_of(files, args)
    stamp_file = os.path.join(folder, ".bench-stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return False
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    make(folder)
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return True


GENERATOR_FILES = [os.path.join(HERE, "generate_project.py"), os.path.join(HERE, "prose_to_markdown.py"),
                   os.path.join(HERE, "facts", "generate.py")]


def project_input(cache, size_mb):
    """The generated project of size_mb MB of sources, and its Markdown. Returns a dict."""
    name = f"project-{size_mb:g}mb"
    folder = os.path.join(cache, name)

    def make(folder):
        say(f"Generating a {size_mb:g} MB project into {folder} ...")
        subprocess.run([sys.executable, os.path.join(HERE, "generate_project.py"), os.path.join(folder, "project"),
                        "--size-mb", f"{size_mb:g}", "--markdown", os.path.join(folder, "markdown")], check=True)
        subprocess.run([sys.executable, os.path.join(HERE, "prose_to_markdown.py"), os.path.join(folder, "md-tmp"),
                        os.path.join(folder, "project"), "--concat", os.path.join(folder, "all.md")], check=True,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(os.path.join(folder, "md-tmp"))

    cached(folder, GENERATOR_FILES, ("project", size_mb), make)
    project = os.path.join(folder, "project")
    files, size = 0, 0
    for root, _, names in os.walk(project):
        for n in names:
            if n.endswith(".tenet"):
                files += 1
                size += os.path.getsize(os.path.join(root, n))
    policies = controls = 0
    for root, _, names in os.walk(os.path.join(project, "policies")):
        for n in names:
            text = open(os.path.join(root, n), encoding="utf-8").read()
            policies += len(re.findall(r"^policy ", text, re.M))
            controls += len(re.findall(r"^  control ", text, re.M))
    return {"dir": project, "markdown": os.path.join(folder, "markdown"), "all_md": os.path.join(folder, "all.md"),
            "files": files, "bytes": size, "policies": policies, "controls": controls, "size_mb": size_mb}


def mistakes_input(cache, proj, every=20):
    """A .tenet file of names that do not resolve, for the project `proj`: for every `every`-th policy, an
    exception that waives one of its controls under a misspelt policy name, and a control of a new policy
    that satisfies a misspelt requirement and is owned by a misspelt role. Checked together with the
    project, every one is an error whose "did you mean" is searched among all the project's names of that
    kind (policies, requirements, roles). Returns a dict."""
    out = os.path.join(cache, f"project-{proj['size_mb']:g}mb", f"mistakes-{every}.tenet")
    policies = []
    for root, _, names in sorted(os.walk(os.path.join(proj["dir"], "policies"))):
        for n in sorted(names):
            text = open(os.path.join(root, n), encoding="utf-8").read()
            m = re.search(r"^policy (\w+)", text, re.M)
            c = re.search(r"^  control (\w+)", text, re.M)
            if m and c:
                policies.append((m.group(1), c.group(1)))
    lines = ["// Names that do not resolve, for bench/run.py's scaling table: each is one error.", ""]
    count = 0
    for k, (policy, control) in enumerate(policies[::every]):
        wrong = policy[:3] + "x" + policy[3:]  # one letter too many: a slip of the keyboard
        lines += [f'exception waiver_{k:05d} "A waiver of a misspelt policy" {{',
                  f"  waives   = {wrong}.{control}", "  approver = ciso", "  granted  = 2026-09-01",
                  "  expires  = 2027-03-31", '  reason   = "Waived while the replacement is rolled out."', "}", ""]
        lines += [f'policy mistaken_{k:05d} "A policy with mistakes" {{', "  owner     = cisoo", "  approver  = ceo",
                  '  version   = "1.0"', "  effective = 2026-01-15", "  review    = every 12 months", "",
                  '  control wrong_requirement "Satisfies a misspelt requirement" {',
                  '    statement "Access rights must be reviewed every quarter."',
                  "    satisfies iso27001.A.5.155", '    evidence "Review records"', "  }", "}", ""]
        count += 3
    data = "\n".join(lines)
    if not os.path.exists(out) or open(out, encoding="utf-8").read() != data:
        with open(out, "w", encoding="utf-8") as f:
            f.write(data)
    return {"file": out, "errors": count}


def facts_input(cache, users):
    folder = os.path.join(cache, f"facts-users-{users}")

    def make(folder):
        say(f"Generating a facts project with {users} users into {folder} ...")
        subprocess.run([sys.executable, os.path.join(HERE, "facts", "generate.py"), folder, "--users", str(users)],
                       check=True)

    cached(folder, [os.path.join(HERE, "facts", "generate.py")], ("facts", users), make)
    facts = os.path.join(folder, "facts", "okta.json")
    return {"dir": folder, "facts": facts, "bytes": os.path.getsize(facts), "users": users}


# ---- the programs -------------------------------------------------------------------

def tenet_check(tenet, proj):
    def check(out, err):  # the exit code 0 already says: no errors
        expect(out.strip() != "", "tenet check printed nothing")
    return Program(f"tenet check {proj['size_mb']:g} MB", [tenet, "check", "--color", "never", proj["dir"]],
                   check=check)


def tenet_check_mistakes(tenet, proj, mistakes):
    def check(out, err):
        m = re.search(r"(\d+) errors?", out)
        expect(m and int(m.group(1)) == mistakes["errors"],
               f"tenet check found {m.group(1) if m else 'no'} errors; {mistakes['errors']} were written")
        expect("did you mean" in out, "tenet check suggested no names")
    return Program(f"tenet check {proj['size_mb']:g} MB with mistakes",
                   [tenet, "check", "--color", "never", proj["dir"], mistakes["file"]], ok=(1,), check=check)


def tenet_coverage(tenet, proj):
    def check(out, err):
        expect("iso27001" in out and "soc2" in out, f"tenet coverage printed no coverage:\n{out[:500]}")
    return Program(f"tenet coverage {proj['size_mb']:g} MB", [tenet, "coverage", "--color", "never", proj["dir"]],
                   check=check)


def baseline_parse(baseline, proj):
    def check(out, err):
        m = re.search(r"files (\d+) trees (\d+) tokens (\d+) syntax-errors (\d+)", out)
        expect(m, f"the ANTLR baseline printed no summary:\n{out}{err[-2000:]}")
        files, trees, tokens, errors = map(int, m.groups())
        expect(files == proj["files"] and trees == files,
               f"the ANTLR baseline parsed {files} files ({trees} trees); the project has {proj['files']}")
        expect(errors == 0 and tokens > 0, f"the ANTLR baseline: {errors} syntax errors, {tokens} tokens")
    return Program(f"ANTLR baseline {proj['size_mb']:g} MB", [baseline, proj["dir"]], check=check)


def tenet_drift(tenet, facts):
    def check(out, err):
        report = json.loads(out)
        s = report["summary"]
        expect(s["controls"] == 4 and s["unknown"] == 0 and s["pass"] + s["fail"] == 4,
               f"tenet drift did not evaluate every control: {s}")
    return Program(f"tenet drift {facts['users']} users",
                   [tenet, "drift", facts["dir"], "--as-of", AS_OF, "--format", "json"], ok=(0, 1), check=check)


def jq_length(jq, facts):
    def check(out, err):
        expect(out.strip().isdigit(), f"jq length printed {out!r}")
    return Program(f"jq length {facts['users']} users", [jq, "length", facts["facts"]], check=check)


# ---- the language server ---------------------------------------------------------------

class LspClient:
    """A minimal LSP client over stdio, enough to time diagnostics."""

    def __init__(self, tenet, root, scratch):
        self.rss_file = os.path.join(scratch, "lsp.rss")
        self.proc = subprocess.Popen(with_time([tenet, "lsp", "--stdio"], self.rss_file), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=root)
        self.messages = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.next_id = 1

    def _read(self):
        f = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = f.readline()
                    if not line:
                        self.messages.put(None)
                        return
                    line = line.strip()
                    if not line:
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = f.read(length)
                self.messages.put((time.perf_counter(), body))
        except (OSError, ValueError):
            self.messages.put(None)

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method, params, timeout):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout, b'"id":%d' % rid)[1]

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, match, timeout, needle=None):
        """Waits for a message for which match(message) holds; returns (arrival time, message)."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise BenchError(f"tenet lsp sent no expected message within {timeout} s")
            try:
                item = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if item is None:
                raise BenchError("tenet lsp closed its output")
            arrived, body = item
            if needle is not None and needle not in body.replace(b" ", b""):
                continue  # not the message we wait for: not even parsed
            message = json.loads(body)
            if match(message):
                return arrived, message

    def wait_diagnostics(self, uri, version, timeout):
        def match(m):
            p = m.get("params", {})
            return m.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri and \
                p.get("version") == version
        return self.wait(match, timeout, json.dumps(uri).encode()[1:-1])

    def close(self):
        try:
            self.request("shutdown", None, 60)
            self.notify("exit", None)
            self.proc.stdin.close()
        except (BenchError, OSError):
            pass
        try:
            _, status, usage = os.wait4(self.proc.pid, 0)
            self.proc.returncode = os.waitstatus_to_exitcode(status)
            return self.proc.returncode, read_rss(self.rss_file, usage)
        except ChildProcessError:
            return None, 0


def path_uri(path):
    from urllib.parse import quote
    return "file://" + quote(os.path.realpath(path))


def measure_lsp(tenet, proj, runs, warmup, scratch):
    """Times didChange -> publishDiagnostics for one file of the project. Returns a dict."""
    policies = sorted(os.path.join(r, n) for r, _, ns in os.walk(os.path.join(proj["dir"], "policies")) for n in ns)
    target = policies[len(policies) // 2]
    uri = path_uri(target)
    text = open(target, encoding="utf-8").read()
    expect(re.search(r'^  version\s*= "[^"]*"', text, re.M), f"{target} has no version property to edit")
    timeout = 600
    client = LspClient(tenet, proj["dir"], scratch)
    result = {"file": os.path.relpath(target, proj["dir"]), "times": []}
    try:
        client.request("initialize", {"processId": os.getpid(), "rootUri": path_uri(proj["dir"]),
                                      "capabilities": {}}, timeout)
        client.notify("initialized", {})
        t0 = time.perf_counter()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "tenet", "version": 1,
                                                                "text": text}})
        arrived, message = client.wait_diagnostics(uri, 1, timeout)
        result["open"] = arrived - t0
        errors = [d for d in message["params"]["diagnostics"] if d.get("severity") == 1]
        expect(not errors, f"tenet lsp reports errors in {target}: {errors[:3]}")
        version = 1
        for i in range((1 if warmup else 0) + runs):
            version += 1
            # An edit a person makes: the policy's version property.
            edited = re.sub(r'^(  version\s*= )"[^"]*"', lambda m: f'{m.group(1)}"{version}.0"', text, count=1,
                            flags=re.M)
            t0 = time.perf_counter()
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                     "contentChanges": [{"text": edited}]})
            arrived, message = client.wait_diagnostics(uri, version, timeout)
            if i >= (1 if warmup else 0):
                result["times"].append(arrived - t0)
    finally:
        rc, rss = client.close()
    expect(rc == 0, f"tenet lsp exited with {rc} after shutdown and exit")
    result["rss"] = rss
    result["median"] = statistics.median(result["times"])
    say(f"  tenet lsp: opening {result['file']}: {result['open']:.3f} s; edit to diagnostics: median "
        f"{result['median']:.3f} s of {runs} (" + ", ".join(f"{t:.3f}" for t in result["times"])
        + f"), server peak {rss / 1e6:.1f} MB")
    return result


# ---- tools ------------------------------------------------------------------------------

def markdownlint_path(smoke):
    """bench/node_modules/.bin/markdownlint-cli2, installed with `npm ci` when missing."""
    exe = os.path.join(HERE, "node_modules", ".bin", "markdownlint-cli2")
    if os.path.exists(exe):
        return exe
    if smoke:
        return None  # the test does not download anything
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        raise BenchError("markdownlint-cli2 is installed with npm, which is missing: "
                         "sudo apt-get install nodejs npm")
    say("Installing markdownlint-cli2 into bench/node_modules (npm ci) ...")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    expect(os.path.exists(exe), "npm ci did not install markdownlint-cli2")
    return exe


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().split("\n")[0]
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    osname = platform.system()
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": f"{osname}, Linux {platform.release()}"}


def git_revision():
    try:
        rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + (" with uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ---- formatting ----------------------------------------------------------------------------

def secs(s):
    return f"{s:.3f} s" if s < 1 else f"{s:.2f} s" if s < 10 else f"{s:.1f} s"


def mb(b):
    return f"{b / 1e6:.2f} MB" if b < 1e6 else f"{b / 1e6:.1f} MB" if b < 1e9 else f"{b / 1e9:.2f} GB"


def ratio_cell(r):
    return f"{r:.3f}" if r < 1 else f"{r:.2f}"


def count(n):
    return f"{n:,}"


def render(results, info, runs, command):
    out = []
    m = info["machine"]
    if info["smoke"]:
        out.append(f"A smoke run on {info['date']} (`{command}`): one run of each command, on tiny inputs; "
                   "these numbers say nothing about the targets.")
    else:
        out.append(f"Measured on {info['date']} with `{command}`: one untimed run of each command, then {runs} "
                   "timed runs of each, alternating; the median wall-clock time and the largest peak resident "
                   "memory are shown. MB are millions of bytes.")
    out.append("")
    out.append("| | |")
    out.append("| --- | --- |")
    out.append(f"| CPU | {m['cpu']}, {m['cores']} cores |")
    out.append(f"| Memory | {m['memory'] / 2**30:.0f} GiB |")
    out.append(f"| System | {m['os']} |")
    out.append(f"| Tenet | {info['tenet_version']}, commit {info['revision']}, `{info['tenet']}` |")
    for name in ("pandoc", "jq", "markdownlint-cli2", "node"):
        if info["tools"].get(name):
            out.append(f"| {name} | {info['tools'][name]} |")
    out.append("")
    out.append("### Targets")
    out.append("")
    out.append("| comparison | tenet | reference | ratio | target | met? |")
    out.append("| --- | ---: | ---: | ---: | ---: | :---: |")
    for row in results["rows"]:
        if row.get("skipped"):
            out.append(f"| {row['what']} | | {row['skipped']} | | ≤ {row['target']:g} | skipped |")
            continue
        met = row["ratio"] <= row["target"]
        out.append(f"| {row['what']} | {row['tenet']} | {row['reference']} | {ratio_cell(row['ratio'])} | "
                   f"≤ {row['target']:g} | {'yes' if met else '**no**'} |")
    out.append("")
    if results.get("lsp"):
        lsp = results["lsp"]
        out.append(f"The language server's edit was to `{lsp['file']}` (its `version` property); opening that file "
                   f"took {secs(lsp['open'])} to the first diagnostics, and the server's peak memory was "
                   f"{mb(lsp['rss'])}.")
        out.append("")
    out.append("### Scaling: sources")
    out.append("")
    out.append("`tenet check` and the ANTLR baseline on generated projects of growing size (one policy a file).")
    out.append("")
    out.append("| sources | files | policies | controls | tenet check | time / MB | peak memory | memory / MB "
               "| ANTLR baseline | time / MB | peak memory | memory / MB |")
    out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in results["sources"]:
        size = s["bytes"] / 1e6
        out.append(f"| {size:.1f} MB | {count(s['files'])} | {count(s['policies'])} | {count(s['controls'])} "
                   f"| {secs(s['check'].median)} | {s['check'].median / size:.3f} s | {mb(s['check'].peak)} "
                   f"| {s['check'].peak / s['bytes']:.1f} "
                   f"| {secs(s['base'].median)} | {s['base'].median / size:.3f} s | {mb(s['base'].peak)} "
                   f"| {s['base'].peak / s['bytes']:.1f} |")
    out.append("")
    out.append(growth_note(results["sources"], lambda s: s["bytes"], "MB of sources"))
    out.append("")
    out.append("### Scaling: coverage and names that do not resolve")
    out.append("")
    out.append("`tenet coverage` on the same projects (every control's requirements, reached directly and "
               "through the crosswalks the stdlib derives between the four frameworks), and `tenet check` on each "
               "project together with a file of mistakes that grows with it: for every 20th policy, an exception "
               "waiving a misspelt policy, a misspelt requirement and a misspelt role, each an error whose "
               "\"did you mean\" is searched among all the names of its kind.")
    out.append("")
    out.append("| sources | tenet coverage | time / MB | peak memory | errors | tenet check with the mistakes "
               "| time / MB | peak memory |")
    out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for a in results["analysis"]:
        size = a["bytes"] / 1e6
        out.append(f"| {size:.1f} MB | {secs(a['coverage'].median)} | {a['coverage'].median / size:.3f} s "
                   f"| {mb(a['coverage'].peak)} | {count(a['errors'])} | {secs(a['mistakes'].median)} "
                   f"| {a['mistakes'].median / size:.3f} s | {mb(a['mistakes'].peak)} |")
    out.append("")
    out.append(growth_note(results["analysis"], lambda s: s["bytes"], "MB of sources", key="coverage"))
    out.append("")
    out.append(growth_note(results["analysis"], lambda s: s["bytes"], "MB of sources", key="mistakes",
                           name="`tenet check` with the mistakes"))
    out.append("")
    out.append("### Scaling: facts")
    out.append("")
    out.append("`tenet drift` on `bench/facts/generate.py`'s project (four controls, five passes over the users) "
               "with a JSON export of growing size, and `jq length` on the same file.")
    out.append("")
    out.append("| records | facts file | tenet drift | time / MB | peak memory | memory / file | jq length "
               "| jq peak memory | drift / jq time |")
    out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for f in results["facts"]:
        size = f["bytes"] / 1e6
        jq_cells = (f"| {secs(f['jq'].median)} | {mb(f['jq'].peak)} | {ratio_cell(f['drift'].median / f['jq'].median)} |"
                    if f.get("jq") else "| | | |")
        out.append(f"| {count(f['users'])} | {mb(f['bytes'])} | {secs(f['drift'].median)} "
                   f"| {f['drift'].median / size:.4f} s | {mb(f['drift'].peak)} | {f['drift'].peak / f['bytes']:.1f}× "
                   + jq_cells)
    out.append("")
    out.append(growth_note(results["facts"], lambda f: f["bytes"], "MB of facts", key="drift"))
    return "\n".join(out) + "\n"


def growth_note(rows, size_of, unit, key="check", name=None):
    if len(rows) < 2:
        return "(one size only: no growth to show)"
    a, b = rows[0], rows[-1]
    sa, sb = size_of(a) / 1e6, size_of(b) / 1e6
    ta, tb = a[key].median / sa, b[key].median / sb
    ma, mb_ = a[key].peak / size_of(a), b[key].peak / size_of(b)
    return (f"From {sa:.1f} to {sb:.1f} {unit} ({sb / sa:.0f} times as much), {name or f'`tenet {key}`'} took "
            f"{b[key].median / a[key].median:.1f} times as long (time per MB {ta:.4f} s, then {tb:.4f} s) and "
            f"{b[key].peak / a[key].peak:.1f} times the memory (memory per MB {ma:.1f} MB, then {mb_:.1f} MB); "
            "for growth in proportion to the input, both per-MB columns stay flat.")


def write_doc(section):
    text = open(DOC, encoding="utf-8").read()
    if BEGIN not in text or END not in text or text.index(BEGIN) > text.index(END):
        raise BenchError(f"{DOC} has no {BEGIN} ... {END} markers to write between")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(DOC + ".part", "w", encoding="utf-8", newline="\n") as f:
        f.write(head + BEGIN + "\n" + section + END + tail)
    os.replace(DOC + ".part", DOC)


# ---- main ----------------------------------------------------------------------------------

def parse_list(text, kind):
    try:
        values = [kind(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}")
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"not a list of positive numbers: {text!r}")
    return sorted(set(values))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each command (default 5)")
    ap.add_argument("--sizes", type=lambda t: parse_list(t, float), help="MB of sources for the scaling table "
                    "(default 1,5,10,25,50; with --quick 1,5,10); 10 is always measured")
    ap.add_argument("--records", type=lambda t: parse_list(t, int),
                    help="users in the facts file for the scaling table (default 10000,100000,1000000); "
                         "the largest is the drift comparison")
    ap.add_argument("--quick", action="store_true", help="fewer sizes: 1, 5 and 10 MB")
    ap.add_argument("--smoke", action="store_true", help="every program once, on tiny inputs; outputs checked, "
                    "timings not judged (the bench.smoke test)")
    ap.add_argument("--no-write", action="store_true", help="do not write docs/performance.md")
    ap.add_argument("--tenet", default=os.path.join(REPO, "build", "tenet"), help="the tenet binary")
    ap.add_argument("--baseline", default=os.path.join(REPO, "build", "bench", "baseline", "tenet_antlr_baseline"),
                    help="the ANTLR baseline binary (target tenet_antlr_baseline)")
    ap.add_argument("--cache-dir", default=os.environ.get("BENCH_DIR") or os.path.join(tempfile.gettempdir(),
                    "tenet-bench"), help="where generated inputs are kept (default $BENCH_DIR or /tmp/tenet-bench)")
    args = ap.parse_args()
    started = time.perf_counter()
    try:
        run(args)
    except BenchError as e:
        say(f"run.py: {e}")
        return 1
    say(f"Done in {time.perf_counter() - started:.0f} s.")
    return 0


def run(args):
    smoke = args.smoke
    if args.runs < 1:
        raise BenchError("--runs must be at least 1")
    runs = 1 if smoke else args.runs
    warmup = not smoke
    if smoke:
        sizes, main_size = [0.05], 0.05
        records = [1000]
    else:
        sizes = args.sizes or ([1.0, 5.0, 10.0] if args.quick else [1.0, 5.0, 10.0, 25.0, 50.0])
        main_size = MAIN_SIZE
        if main_size not in sizes:
            sizes = sorted(sizes + [main_size])
        records = args.records or [10_000, 100_000, 1_000_000]
    for exe, what in ((args.tenet, "tenet"), (args.baseline, "the ANTLR baseline")):
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
            raise BenchError(f"no {what} at {exe}: build it first (make build, or cmake --build BUILD_DIR), "
                             f"or give its path with --{'tenet' if what == 'tenet' else 'baseline'}")
    tenet, baseline = os.path.abspath(args.tenet), os.path.abspath(args.baseline)

    if not os.access(TIME, os.X_OK):
        if not smoke:
            raise BenchError(f"{TIME} is missing (it measures peak memory): sudo apt-get install time")
        say(f"run.py: {TIME} is missing: peak memory is not measured (sudo apt-get install time)")

    # The reference tools: Debian packages, and markdownlint-cli2 from npm.
    tools, missing = {}, []
    for name, package in (("pandoc", "pandoc"), ("jq", "jq")):
        tools[name] = shutil.which(name)
        if not tools[name]:
            missing.append(package)
    if missing and not smoke:
        raise BenchError(f"missing reference tools; install them with: sudo apt-get install {' '.join(missing)}")
    tools["markdownlint-cli2"] = markdownlint_path(smoke)
    for name in [n for n, p in tools.items() if not p]:
        say(f"run.py: {name} is not installed: its comparison is skipped"
            + (" (npm ci in bench/ installs it)" if name == "markdownlint-cli2" else
               f" (sudo apt-get install {name})"))

    cache = os.path.abspath(args.cache_dir)
    os.makedirs(cache, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="tenet-bench-run-")
    try:
        results = {"rows": [], "sources": [], "analysis": [], "facts": []}
        info = {"date": datetime.date.today().isoformat(), "machine": machine(), "tenet": os.path.relpath(tenet, REPO)
                if tenet.startswith(REPO) else tenet, "tenet_version": tool_version([tenet, "--version"]),
                "revision": git_revision(), "tools": {}, "smoke": smoke}
        if tools["pandoc"]:
            info["tools"]["pandoc"] = tool_version([tools["pandoc"], "--version"])
        if tools["jq"]:
            info["tools"]["jq"] = tool_version([tools["jq"], "--version"])
        if tools["markdownlint-cli2"]:
            info["tools"]["markdownlint-cli2"] = tool_version([tools["markdownlint-cli2"], "--help"])
            info["tools"]["node"] = tool_version(["node", "--version"])

        # Inputs first, so that generating them is not timed with anything.
        projects = {s: project_input(cache, s) for s in sizes}
        facts = {n: facts_input(cache, n) for n in records}
        acme_md = os.path.join(scratch, "acme-md")
        subprocess.run([sys.executable, os.path.join(HERE, "prose_to_markdown.py"), acme_md,
                        os.path.join(REPO, "examples", "acme", "policies")], check=True, stderr=subprocess.DEVNULL)
        acme_docs = len(os.listdir(acme_md))
        proj = projects[main_size]

        # 1. tenet check and the ANTLR baseline, at every size (the main size is the comparison).
        for s in sizes:
            p = projects[s]
            say(f"check: {p['bytes'] / 1e6:.1f} MB, {p['files']} files")
            check, base = tenet_check(tenet, p), baseline_parse(baseline, p)
            measure([check, base], runs, warmup, scratch)
            results["sources"].append(dict(p, check=check, base=base))
            # Crosswalk derivation and coverage, and names that do not resolve, at the same sizes.
            mistakes = mistakes_input(cache, p)
            coverage, wrong = tenet_coverage(tenet, p), tenet_check_mistakes(tenet, p, mistakes)
            measure([coverage, wrong], runs, warmup, scratch)
            results["analysis"].append(dict(p, coverage=coverage, mistakes=wrong, errors=mistakes["errors"]))
            if s == main_size:
                main_check, main_base = check, base
        label = f"{proj['bytes'] / 1e6:.1f} MB project, {count(proj['files'])} files"
        results["rows"].append({"what": f"`tenet check`, {label}: time vs the ANTLR baseline",
                                "tenet": secs(main_check.median), "reference": secs(main_base.median),
                                "ratio": main_check.median / main_base.median, "target": TARGETS["check_time"]})
        results["rows"].append({"what": f"`tenet check`, {label}: peak memory vs the ANTLR baseline",
                                "tenet": mb(main_check.peak), "reference": mb(main_base.peak),
                                "ratio": main_check.peak / main_base.peak, "target": TARGETS["check_memory"]})

        # 2. tenet lint on examples/acme, and markdownlint-cli2 on its prose as Markdown.
        say("lint: examples/acme")
        lint = Program("tenet lint acme", [tenet, "lint", "--color", "never", "--as-of", AS_OF,
                                           os.path.join(REPO, "examples", "acme")],
                       check=lambda out, err: expect(out.strip(), "tenet lint printed nothing"))
        what = f"`tenet lint examples/acme` vs markdownlint-cli2 on its prose ({acme_docs} Markdown files)"
        if tools["markdownlint-cli2"]:
            def mdl_check(out, err):
                expect(f"Linting: {acme_docs} file(s)" in out, f"markdownlint-cli2 did not lint the files:\n{out}{err}")
            mdl = Program("markdownlint-cli2 acme", [tools["markdownlint-cli2"], "**/*.md"], ok=(0, 1), cwd=acme_md,
                          check=mdl_check)
            measure([lint, mdl], runs, warmup, scratch)
            results["rows"].append({"what": what, "tenet": secs(lint.median), "reference": secs(mdl.median),
                                    "ratio": lint.median / mdl.median, "target": TARGETS["lint_time"]})
        else:
            measure([lint], runs, warmup, scratch)
            results["rows"].append({"what": what, "skipped": "markdownlint-cli2 not installed",
                                    "target": TARGETS["lint_time"]})

        # 3. tenet build of the project, and pandoc on the same prose.
        say("build: the generated project")
        site = os.path.join(scratch, "site")
        html = os.path.join(scratch, "pandoc.html")

        def build_check(out, err):
            expect(os.path.exists(os.path.join(site, "index.html")), "tenet build wrote no index.html")
            expect(out.startswith("Wrote "), f"tenet build printed {out!r}")
        build = Program("tenet build", [tenet, "build", "--color", "never", proj["dir"], "-o", site, "--as-of",
                                        AS_OF, "--no-history"],
                        check=build_check, before=lambda: shutil.rmtree(site, ignore_errors=True))
        what = (f"`tenet build`, {proj['bytes'] / 1e6:.1f} MB project vs one pandoc process "
                f"({mb(os.path.getsize(proj['all_md']))} of Markdown to HTML)")
        if tools["pandoc"]:
            def pandoc_check(out, err):
                expect(os.path.getsize(html) > 0 and "<h1" in open(html, encoding="utf-8").read(),
                       "pandoc wrote no HTML")
            pandoc = Program("pandoc", [tools["pandoc"], "-f", "markdown", "-t", "html", "-o", html, proj["all_md"]],
                             check=pandoc_check, before=lambda: os.path.exists(html) and os.remove(html))
            measure([build, pandoc], runs, warmup, scratch)
            results["rows"].append({"what": what, "tenet": secs(build.median), "reference": secs(pandoc.median),
                                    "ratio": build.median / pandoc.median, "target": TARGETS["build_time"]})
        else:
            measure([build], runs, warmup, scratch)
            results["rows"].append({"what": what, "skipped": "pandoc not installed", "target": TARGETS["build_time"]})
        shutil.rmtree(site, ignore_errors=True)

        # 4. tenet drift and jq length, at every number of records (the largest is the comparison).
        for n in records:
            f = facts[n]
            say(f"drift: {n} users, {f['bytes'] / 1e6:.1f} MB")
            drift = tenet_drift(tenet, f)
            progs = [drift]
            if tools["jq"]:
                jq = jq_length(tools["jq"], f)
                progs.append(jq)
            measure(progs, runs, warmup, scratch)
            results["facts"].append(dict(f, drift=drift, jq=jq if tools["jq"] else None))
        last = results["facts"][-1]
        what = f"`tenet drift`, {count(last['users'])} records ({mb(last['bytes'])} JSON) vs `jq length`: time"
        if last.get("jq"):
            results["rows"].append({"what": what, "tenet": secs(last["drift"].median),
                                    "reference": secs(last["jq"].median),
                                    "ratio": last["drift"].median / last["jq"].median, "target": TARGETS["drift_time"]})
        else:
            results["rows"].append({"what": what, "skipped": "jq not installed", "target": TARGETS["drift_time"]})
        results["rows"].append({"what": f"`tenet drift`, {count(last['users'])} records: peak memory vs the size "
                                        "of the facts file",
                                "tenet": mb(last["drift"].peak), "reference": mb(last["bytes"]),
                                "ratio": last["drift"].peak / last["bytes"], "target": TARGETS["drift_memory"]})

        # 5. The language server: an edit's diagnostics, against a cold tenet check.
        say(f"lsp: an edit in the {proj['bytes'] / 1e6:.1f} MB project")
        lsp = measure_lsp(tenet, proj, runs, warmup, scratch)
        results["lsp"] = lsp
        results["rows"].append({"what": f"`tenet lsp`, {label}: diagnostics after an edit vs a cold `tenet check`",
                                "tenet": secs(lsp["median"]), "reference": secs(main_check.median),
                                "ratio": lsp["median"] / main_check.median, "target": TARGETS["lsp_time"]})

        command = "bench/run.py" + (f" --runs {args.runs}" if args.runs != 5 else "") + \
            (" --quick" if args.quick else "") + (" --smoke" if smoke else "") + \
            (f" --sizes {','.join(f'{s:g}' for s in args.sizes)}" if args.sizes else "") + \
            (f" --records {','.join(map(str, args.records))}" if args.records else "")
        section = render(results, info, runs, command)
        print(section)
        if not args.no_write and not smoke:
            write_doc(section)
            say(f"Wrote the results into {os.path.relpath(DOC)}.")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

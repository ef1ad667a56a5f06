#!/usr/bin/env python3
"""Robustness and command-line tests for `tenet check`.

Guarantee 7 of the language design: bad input of any kind (syntax, binary
junk, invalid UTF-8, huge or deeply nested files, unreadable paths) gets a
clear diagnostic with file, line and column, never a crash, a hang, or a
partial output folder. These tests feed the real binary hostile input and
check exactly that, plus the documented shape of the CLI (exit codes, JSON
and text output, colours, determinism).

Usage: test_robustness.py PATH/TO/tenet [NAME-SUBSTRING...]

Python standard library only. Every test builds its input in a fresh
temporary folder. The last line of output is `N passed, M failed`; the exit
status is non-zero when anything failed.

Another test scans this file for calls of expect_diag whose first argument
is a quoted diagnostic code, to learn which codes the robustness tests cover:
so every asserted code is written out literally, one expect_diag call per
code, never passed in a variable.
"""

import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import unittest

TENET = os.environ.get("TENET_BIN", "")
# Generous: CI runs on 2 cores. A timeout means a hang; no test asserts timing.
# The sanitizer build runs several times slower and scales it up.
TIMEOUT = 60 * float(os.environ.get("TENET_TEST_TIMEOUT_FACTOR", "1"))

ANSI = re.compile(rb"\x1b\[")
HEADER = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note): (?P<msg>.*) \[(?P<code>[a-z0-9-]+)\]$")
# Signs that something crashed or aborted into stderr.
CRASH_MARKERS = ("terminate called", "Segmentation fault", "Aborted", "AddressSanitizer", "UndefinedBehaviorSanitizer",
                 "runtime error:", "core dumped", "std::bad_alloc", "Assertion", "stack overflow")


# --------------------------------------------------------------------------
# Input generators
# --------------------------------------------------------------------------

def role_src(name):
    return f'role {name} "Role {name}" {{ holder = "Holder of {name}" }}\n'


def policy_src(name, owner, controls=1):
    out = [
        f'policy {name} "Policy {name}" {{\n',
        f"  owner     = {owner}\n",
        f"  approver  = {owner}\n",
        '  version   = "1.0"\n',
        "  effective = 2026-01-15\n",
        "  review    = every 12 months\n",
        "\n",
        '  section "Purpose" """\n',
        f"  Why policy {name} exists and whom it protects.\n",
        '  """\n',
    ]
    for i in range(controls):
        out += [
            "\n",
            f'  control c{i} "Control {i} of {name}" {{\n',
            '    statement """\n',
            f"    The team **must** carry out step {i} {{cadence}}.\n",
            '    """\n',
            "    cadence = every 3 months\n",
            "    satisfies iso27001.A.5.1, soc2.CC6.1\n",
            "    expect true\n",
            "  }\n",
        ]
    out.append("}\n")
    return "".join(out)


def valid_project_src():
    return role_src("ciso") + "\n" + policy_src("access_control", "ciso", controls=2)


def limit_memory():
    """preexec_fn for runs that a bug could turn into a memory blow-up: cap
    the address space at 4 GiB so the test fails instead of the CI machine.
    Set TENET_ROBUST_NO_MEMLIMIT=1 for sanitizer builds, which reserve more."""
    if os.environ.get("TENET_ROBUST_NO_MEMLIMIT"):
        return
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def line_of(data, offset):
    """1-based line of a byte offset: LF, CRLF and a lone CR each end a line."""
    line, start = 1, 0
    for i in range(offset):
        c = data[i]
        if c == 0x0A or (c == 0x0D and (i + 1 >= len(data) or data[i + 1] != 0x0A)):
            line, start = line + 1, i + 1
    return line, start


def line_col(data, offset):
    """1-based (line, column) of a byte offset; columns count characters."""
    line, start = line_of(data, offset)
    col = 1 + sum(1 for b in data[start:offset] if (b & 0xC0) != 0x80)
    return line, col


# --------------------------------------------------------------------------
# The harness
# --------------------------------------------------------------------------

class TenetTest(unittest.TestCase):
    maxDiff = 4000
    allow_empty_file = False  # only where the path itself was given as ""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tenet-robust-")
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        # Tests make files unreadable; give everything back before deleting.
        for root, dirs, files in os.walk(self.tmp):
            for n in dirs + files:
                p = os.path.join(root, n)
                if not os.path.islink(p):
                    try:
                        os.chmod(p, 0o755)
                    except OSError:
                        pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- files ------------------------------------------------------------

    def path(self, rel):
        return os.path.join(self.tmp, rel)

    def write(self, rel, data):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        return p

    def snapshot(self):
        """Every path under the temp folder: a check must not write anything."""
        seen = set()
        for root, dirs, files in os.walk(self.tmp):
            for n in dirs + files:
                seen.add(os.path.relpath(os.path.join(root, n), self.tmp))
        return seen

    def _as_other_user(self):
        """Runs as `nobody` when we are root, since root reads anything."""
        if os.geteuid() != 0:
            return False
        if not shutil.which("setpriv"):
            self.skipTest("running as root without setpriv: cannot drop privileges")
        os.chmod(self.tmp, 0o755)
        self.tenet_for_nobody = os.path.join(self.tmp, "tenet-for-nobody")
        shutil.copy(TENET, self.tenet_for_nobody)
        os.chmod(self.tenet_for_nobody, 0o755)
        # nobody must be able to reach the binary and the temp folder.
        for d in {os.path.dirname(self.tmp)}:
            while d not in ("/", ""):
                if not os.stat(d).st_mode & stat.S_IXOTH:
                    self.skipTest(f"{d} is not searchable by other users, so nobody cannot run the test")
                d = os.path.dirname(d)
        probe = self.run_tenet(["--version"], as_nobody=True)
        if probe.returncode != 0:
            self.skipTest(f"cannot run tenet as nobody: {probe.stderr[:200]!r}")
        return True


    # ---- running tenet ----------------------------------------------------

    def run_tenet(self, args, cwd=None, as_nobody=False, timeout=TIMEOUT, env=None, preexec_fn=None):
        cmd = [TENET] + list(args)
        if as_nobody:
            # A copy inside the temp folder, so nobody can reach it wherever the build is.
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                   self.tenet_for_nobody] + list(args)
        if env is None:
            env = dict(os.environ)
            env.pop("NO_COLOR", None)
        try:
            p = subprocess.run(cmd, cwd=cwd or self.tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout, env=env, preexec_fn=preexec_fn)
        except subprocess.TimeoutExpired:
            self.fail(f"`tenet {' '.join(args)}` did not finish within {timeout} s: a hang")
        if p.returncode < 0:
            try:
                name = signal.Signals(-p.returncode).name
            except ValueError:
                name = str(-p.returncode)
            self.fail(f"`tenet {' '.join(args)}` was killed by signal {name}; stderr:\n"
                      f"{p.stderr.decode('utf-8', 'replace')[-2000:]}")
        return p

    def assert_no_crash_output(self, p):
        err = p.stderr.decode("utf-8", "replace")
        for marker in CRASH_MARKERS:
            self.assertNotIn(marker, err, f"stderr shows a crash:\n{err[-2000:]}")

    def check_json(self, *paths, exit=None, cwd=None, stderr_empty=True, extra=(), **kw):
        """Runs `tenet check --format json PATHS`; returns the parsed document."""
        before = self.snapshot()
        p = self.run_tenet(["check", "--format", "json", *extra, *paths], cwd=cwd, **kw)
        self.assert_no_crash_output(p)
        self.assertEqual(self.snapshot(), before, "tenet check created or removed files")
        try:
            doc = json.loads(p.stdout.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            self.fail(f"--format json did not print valid UTF-8 JSON ({e}); exit {p.returncode}; "
                      f"stdout starts {p.stdout[:500]!r}; stderr {p.stderr[:1000]!r}")
        self.assert_json_shape(doc)
        if stderr_empty:
            self.assertEqual(p.stderr.decode("utf-8", "replace"), "", "tenet check wrote to stderr")
        if exit is not None:
            self.assertEqual(p.returncode, exit, f"exit code; diagnostics: {self.summarize(doc)}")
        self.proc = p
        return doc

    def check_text(self, *paths, exit=None, cwd=None, extra=(), **kw):
        p = self.run_tenet(["check", "--format", "text", *extra, *paths], cwd=cwd, **kw)
        self.assert_no_crash_output(p)
        self.assertEqual(p.stderr.decode("utf-8", "replace"), "", "tenet check wrote to stderr")
        if exit is not None:
            self.assertEqual(p.returncode, exit, f"exit code; output:\n{p.stdout.decode('utf-8', 'replace')[:3000]}")
        return p.stdout.decode("utf-8", "replace")

    # ---- assertions on the JSON document ----------------------------------

    @staticmethod
    def summarize(doc):
        out = []
        for d in doc.get("diagnostics", [])[:20]:
            loc = d.get("location") or {}
            start = loc.get("start") or {}
            out.append(f"{loc.get('file')}:{start.get('line')}:{start.get('column')} {d.get('code')}: {d.get('message')}")
        return "\n  " + "\n  ".join(out) if out else "(none)"

    def assert_location(self, loc, what):
        self.assertIsInstance(loc, dict, f"{what}: location must be an object with file, line and column")
        self.assertIsInstance(loc.get("file"), str, f"{what}: location.file")
        if not self.allow_empty_file:
            self.assertNotEqual(loc["file"], "", f"{what}: location.file is empty")
        for key in ("start", "end"):
            pos = loc.get(key)
            self.assertIsInstance(pos, dict, f"{what}: location.{key}")
            for k in ("line", "column"):
                self.assertIsInstance(pos.get(k), int, f"{what}: location.{key}.{k}")
                self.assertGreaterEqual(pos[k], 1, f"{what}: location.{key}.{k} is 1-based")
        self.assertLessEqual((loc["start"]["line"], loc["start"]["column"]),
                             (loc["end"]["line"], loc["end"]["column"]), f"{what}: the range ends before it starts")

    def assert_json_shape(self, doc):
        self.assertIsInstance(doc, dict)
        self.assertIsInstance(doc.get("diagnostics"), list, "JSON needs a diagnostics list")
        self.assertIsInstance(doc.get("summary"), dict, "JSON needs a summary object")
        for key in ("errors", "warnings"):
            self.assertIsInstance(doc["summary"].get(key), int, f"summary.{key}")
        errors = warnings = 0
        for d in doc["diagnostics"]:
            what = f"diagnostic {d.get('code')!r}"
            self.assertIsInstance(d.get("code"), str, what)
            self.assertRegex(d["code"], r"^[a-z0-9]+(-[a-z0-9]+)*$", what)
            self.assertIn(d.get("severity"), ("error", "warning", "note"), what)
            self.assertIsInstance(d.get("message"), str, what)
            self.assertNotEqual(d["message"].strip(), "", f"{what}: empty message")
            self.assertIn("location", d, what)
            if d["location"] is not None:
                self.assert_location(d["location"], what)
            self.assertIsInstance(d.get("notes"), list, f"{what}: notes")
            for n in d["notes"]:
                self.assertIsInstance(n.get("message"), str, f"{what}: note message")
                if n.get("location") is not None:
                    self.assert_location(n["location"], f"{what}, note")
            self.assertIn("help", d, what)
            self.assertTrue(d["help"] is None or isinstance(d["help"], str), f"{what}: help is a string or null")
            errors += d["severity"] == "error"
            warnings += d["severity"] == "warning"
        omitted = doc["summary"].get("omitted", 0)
        if not omitted:
            self.assertEqual(doc["summary"]["errors"], errors, "summary.errors counts the errors listed")
            self.assertEqual(doc["summary"]["warnings"], warnings, "summary.warnings counts the warnings listed")

    def expect_diag(self, code, doc, file=None, line=None, column=None, count=None, message=None, severity=None):
        """Asserts that `doc` reports `code` (at the given place, if given).

        Every diagnostic with this code must carry a location with file, line
        and column. Returns the matching diagnostics."""
        all_with_code = [d for d in doc["diagnostics"] if d["code"] == code]
        self.assertTrue(all_with_code, f"expected a {code} diagnostic; got: {self.summarize(doc)}")
        for d in all_with_code:
            self.assertIsNotNone(d["location"], f"{code} has no location")
            self.assert_location(d["location"], code)
        found = all_with_code
        if file is not None:
            found = [d for d in found if d["location"]["file"] == file]
        if line is not None:
            found = [d for d in found if d["location"]["start"]["line"] == line]
        if column is not None:
            found = [d for d in found if d["location"]["start"]["column"] == column]
        self.assertTrue(found, f"expected {code} at {file}:{line}:{column}; got: {self.summarize(doc)}")
        if count is not None:
            self.assertEqual(len(all_with_code), count, f"number of {code} diagnostics; got: {self.summarize(doc)}")
        for d in found:
            if severity is not None:
                self.assertEqual(d["severity"], severity, code)
            if message is not None:
                self.assertIn(message, d["message"], code)
        return found

    def assert_clean(self, doc):
        self.assertEqual(doc["diagnostics"], [], f"expected no diagnostics; got: {self.summarize(doc)}")
        self.assertEqual(doc["summary"]["errors"], 0)
        self.assertEqual(doc["summary"]["warnings"], 0)

    def codes(self, doc):
        return sorted({d["code"] for d in doc["diagnostics"]})


# --------------------------------------------------------------------------
# Encodings, line endings, empty and binary files
# --------------------------------------------------------------------------

class EncodingTests(TenetTest):

    def test_empty_file(self):
        self.write("empty.tenet", b"")
        self.assert_clean(self.check_json("empty.tenet", exit=0))
        self.assert_clean(self.check_json(".", exit=0))
        out = self.check_text("empty.tenet", exit=0)
        self.assertNotRegex(out, r": (error|warning):", "an empty file is not a problem")

    def test_whitespace_and_comments_only(self):
        self.write("blank.tenet", " \t\n\n   \n\f\n")
        self.write("comments.tenet", "// only a comment\n\n   // another one, indented\n// no newline at the end")
        self.write("mixed.tenet", "\r\n  // comment after CRLF\r\n\t\t\r\n")
        self.assert_clean(self.check_json(".", exit=0))

    def test_binary_junk_is_binary_file(self):
        data = bytearray(random.Random(20260115).randbytes(64 * 1024))
        if data[:3] == b"\xef\xbb\xbf":
            data[0] = 0x41
        data[1000] = 0  # a NUL for certain, whatever the generator does
        self.write("junk.tenet", bytes(data))
        doc = self.check_json("junk.tenet", exit=1)
        first = data.index(0)
        line, _ = line_of(data, first)
        self.expect_diag("binary-file", doc, file="junk.tenet", line=line, count=1)
        self.assertEqual(len(doc["diagnostics"]), 1, "a binary file gives one diagnostic, not one per byte")
        # The text renderer survives the junk line too.
        out = self.check_text("junk.tenet", exit=1)
        self.assertIn("[binary-file]", out)

    def test_binary_junk_without_nul_is_invalid_utf8(self):
        for seed in (1, 2, 3):
            with self.subTest(seed=seed):
                data = bytes(b for b in random.Random(seed).randbytes(8192) if b != 0)
                if data[:3] == b"\xef\xbb\xbf":
                    data = b"x" + data
                try:
                    data.decode("utf-8")
                    self.skipTest("the random bytes happen to be UTF-8")
                except UnicodeDecodeError as e:
                    bad = e.start
                line, col = line_col(data, bad)
                self.write(f"junk{seed}.tenet", data)
                doc = self.check_json(f"junk{seed}.tenet", exit=1)
                self.expect_diag("invalid-utf8", doc, file=f"junk{seed}.tenet", line=line, column=col, count=1,
                                 message=f"0x{data[bad]:02X}")

    def test_nul_byte_in_valid_text(self):
        self.write("nul.tenet", b'role r "R" {\n  holder = "x"\n  em\x00ail = "y"\n}\n')
        doc = self.check_json("nul.tenet", exit=1)
        self.expect_diag("binary-file", doc, file="nul.tenet", line=3, column=5, count=1)
        out = self.check_text("nul.tenet", exit=1)
        self.assertIn("nul.tenet:3:5: error:", out)
        self.assertNotIn("\x00", out, "a NUL byte must not be echoed to the terminal")

    def test_invalid_utf8_location(self):
        cases = [
            # name, bytes, line, column, byte reported
            ("lone-c3-in-comment", b'role r "R"\n// caf\xc3 au lait\n', 2, 7, "C3"),
            ("ff-after-non-ascii", "role r \"Zoë\"\n// naïve ".encode() + b"\xff\n", 2, 10, "FF"),
            ("overlong-2-byte", b'role r "R"\n\n  // \xc0\xaf\n', 3, 6, "C0"),
            ("overlong-3-byte", b"// slash \xe0\x80\xaf\n", 1, 10, "E0"),
            ("surrogate", b"role r\n// \xed\xa0\x80\n", 2, 4, "ED"),
            ("beyond-u10ffff", b"// \xf4\x90\x80\x80\n", 1, 4, "F4"),
            ("lone-continuation", b'role r "\x80"\n', 1, 9, "80"),
            ("truncated-at-eof", b"role r\n// end \xe2\x82", 2, 8, "E2"),
            ("in-a-string", 'role r "Größe" { holder = "'.encode() + b'\xfe" }\n', 1, 28, "FE"),
            ("after-crlf-lines", b"role a\r\nrole b\r\n  \xff\r\n", 3, 3, "FF"),
        ]
        for name, data, line, col, byte in cases:
            with self.subTest(name):
                fname = f"{name}.tenet"
                self.write(fname, data)
                doc = self.check_json(fname, exit=1)
                self.expect_diag("invalid-utf8", doc, file=fname, line=line, column=col, count=1,
                                 message=f"0x{byte}")
                self.assertEqual(len(doc["diagnostics"]), 1, self.summarize(doc))

    def test_bom_is_ignored(self):
        bom = b"\xef\xbb\xbf"
        self.write("ok/bom.tenet", bom + valid_project_src().encode())
        self.write("ok/only-bom.tenet", bom)
        self.assert_clean(self.check_json("ok", exit=0))
        # Columns after a BOM do not count it.
        self.write("bad/bom.tenet", bom + b'role r "R" { holder = @ }\n')
        doc = self.check_json("bad", exit=1)
        self.expect_diag("unexpected-character", doc, file="bad/bom.tenet", line=1, column=23)
        out = self.check_text("bad", exit=1)
        lines = out.splitlines()
        self.assertEqual(lines[0], "bad/bom.tenet:1:23: error: unexpected character '@' [unexpected-character]")
        self.assertEqual(lines[1], 'role r "R" { holder = @ }', "the source line is shown without the BOM")
        self.assertEqual(lines[2], " " * 22 + "^")

    def test_crlf_valid(self):
        self.write("crlf.tenet", valid_project_src().replace("\n", "\r\n"))
        self.assert_clean(self.check_json("crlf.tenet", exit=0))

    def test_crlf_error_location(self):
        src = ('role r "R" {\r\n'
               '  holder = "x"\r\n'
               '}\r\n'
               'policy p "P" {\r\n'
               '  section "Purpose" """\r\n'
               '  Two lines\r\n'
               '  of prose.\r\n'
               '  """\r\n'
               '  version = $\r\n'
               '}\r\n')
        self.write("crlf.tenet", src)
        doc = self.check_json("crlf.tenet", exit=1)
        self.expect_diag("unexpected-character", doc, file="crlf.tenet", line=9, column=13)
        out = self.check_text("crlf.tenet", exit=1)
        lines = out.splitlines()
        self.assertEqual(lines[0], "crlf.tenet:9:13: error: unexpected character '$' [unexpected-character]")
        self.assertEqual(lines[1], "  version = $", "no carriage return (or '?') in the shown source line")
        self.assertEqual(lines[2], " " * 12 + "^")
        self.assertNotIn("\r", out)

    def test_lone_cr_line_endings(self):
        self.write("ok.tenet", valid_project_src().replace("\n", "\r"))
        self.assert_clean(self.check_json("ok.tenet", exit=0))
        self.write("bad.tenet", 'role a "A"\rrole b "B"\r  @\r')
        doc = self.check_json("bad.tenet", exit=1)
        self.expect_diag("unexpected-character", doc, file="bad.tenet", line=3, column=3)
        # Mixed: LF, CRLF and CR each end one line.
        self.write("mixed.tenet", "role a\nrole b\r\nrole c\r  #\n")
        doc = self.check_json("mixed.tenet", exit=1)
        self.expect_diag("unexpected-character", doc, file="mixed.tenet", line=4, column=3)
        out = self.check_text("mixed.tenet", exit=1)
        self.assertIn("mixed.tenet:4:3: error: unexpected character '#'", out)
        self.assertNotIn("\r", out)


# --------------------------------------------------------------------------
# Lexical errors
# --------------------------------------------------------------------------

class LexicalTests(TenetTest):

    def test_unterminated_string(self):
        self.write("s.tenet", 'role r "R" {\n  holder = "Dana Reyes\n}\n')
        doc = self.check_json("s.tenet", exit=1)
        d = self.expect_diag("unterminated-string", doc, file="s.tenet", line=2, column=12, count=1)[0]
        self.assertEqual((d["location"]["end"]["line"], d["location"]["end"]["column"]), (2, 23),
                         "the range covers the string up to the end of its line")
        self.assertEqual(len(doc["diagnostics"]), 1, f"one missing quote, one error: {self.summarize(doc)}")
        # At the very end of a file without a newline.
        self.write("eof.tenet", 'role r "R" { holder = "x" }\nrole q "Q')
        doc = self.check_json("eof.tenet", exit=1)
        self.expect_diag("unterminated-string", doc, file="eof.tenet", line=2, column=8)

    def test_unterminated_prose(self):
        self.write("p.tenet", 'policy p "P" {\n  section "Purpose" """\n  Some text\n  and more "quoted" ""text\n')
        doc = self.check_json("p.tenet", exit=1)
        self.expect_diag("unterminated-prose", doc, file="p.tenet", line=2, column=21, count=1)
        self.assertEqual(len(doc["diagnostics"]), 1,
                         f"the missing \"\"\" explains everything after it: {self.summarize(doc)}")

    def test_unexpected_characters(self):
        for ch in ["@", "#", "$", "`", ";", "&", "!", "~", "\\", "%", "^", "§", "€", "😀"]:
            with self.subTest(ch=ch):
                name = f"c{ord(ch)}.tenet"
                self.write(name, f'role r "R" {{\n  holder = "x" {ch}\n}}\n')
                doc = self.check_json(name, exit=1)
                d = self.expect_diag("unexpected-character", doc, file=name, line=2, column=16, count=1,
                                     message=ch)[0]
                self.assertEqual((d["location"]["end"]["line"], d["location"]["end"]["column"]), (2, 17),
                                 "one character wide, counted in characters")

    def test_unexpected_character_after_non_ascii(self):
        src = 'role r "Größe 😀" { holder = "Zoë" email = @ }\n'
        self.write("u.tenet", src)
        doc = self.check_json("u.tenet", exit=1)
        self.expect_diag("unexpected-character", doc, file="u.tenet", line=1, column=src.index("@") + 1)

    def test_file_full_of_errors(self):
        # Near the size limit, every token wrong: diagnostics are capped and
        # the run ends (memory is capped too, so a blow-up fails the test
        # instead of the CI machine).
        cases = {
            "stray": (("@" * 99 + "\n") * 150000, "unexpected-character", 1, 1),   # 15 MB, 15 M errors
            "keywords": (("role " * 20 + "\n") * 40000, "syntax-error", 1, 6),    # 4 MB, 800 k errors
        }
        for name, (src, code, line, col) in cases.items():
            with self.subTest(name):
                fname = f"{name}.tenet"
                self.write(fname, src)
                doc = self.check_json(fname, exit=1, preexec_fn=limit_memory)
                if code == "unexpected-character":
                    self.expect_diag("unexpected-character", doc, file=fname, line=line, column=col)
                else:
                    self.expect_diag("syntax-error", doc, file=fname, line=line, column=col)
                self.assertGreater(doc["summary"].get("omitted", 0), 0, "the list is capped and says so")
                self.assertLessEqual(len(doc["diagnostics"]), 10000)
                os.remove(self.path(fname))

    def test_many_errors_are_capped_not_hung(self):
        self.write("many.tenet", ("@ $ ` " * 10 + "\n") * 2000)  # 60,000 stray characters
        doc = self.check_json("many.tenet", exit=1)
        self.expect_diag("unexpected-character", doc, file="many.tenet", line=1, column=1)
        self.assertLessEqual(len(doc["diagnostics"]), 10000, "diagnostics are capped")
        self.assertGreater(doc["summary"].get("omitted", 0), 0)
        out = self.check_text("many.tenet", exit=1)
        self.assertIn("were not shown", out, "the text output says that diagnostics were left out")
        self.assertIn("error", out.splitlines()[-1])


# --------------------------------------------------------------------------
# Deep nesting and long expressions
# --------------------------------------------------------------------------

def in_expect(expr):
    """A valid policy whose only control expects `expr` (on line 5)."""
    return ('role r "R"\n'
            'policy p "P" {\n'
            '  owner = r\n'
            '  control c "C" {\n'
            f'    expect {expr}\n'
            '  }\n'
            '}\n')


class NestingTests(TenetTest):
    DEPTH = 10000

    def assert_too_deep(self, src, line, first_col, unit=1, name="deep.tenet"):
        """`src` nests a `unit`-character piece DEPTH times from `first_col` of `line`."""
        self.write(name, src)
        doc = self.check_json(name, exit=1)
        d = self.expect_diag("nesting-too-deep", doc, file=name, line=line, count=1)[0]
        col = d["location"]["start"]["column"]
        self.assertGreaterEqual(col, first_col, "points into the nested part")
        self.assertLess(col, first_col + 300 * unit, "points where the limit is crossed, not at the far end")
        return doc

    def test_deep_parentheses(self):
        n = self.DEPTH
        self.assert_too_deep(in_expect("(" * n + "true" + ")" * n), 5, 12)

    def test_deep_parentheses_across_lines(self):
        n = self.DEPTH
        src = 'role r "R"\npolicy p "P" {\n  control c "C" {\n    expect\n' + "(\n" * n + "true" + ")" * n + "\n  }\n}\n"
        self.write("lines.tenet", src)
        doc = self.check_json("lines.tenet", exit=1)
        d = self.expect_diag("nesting-too-deep", doc, file="lines.tenet", count=1)[0]
        line = d["location"]["start"]["line"]
        self.assertGreater(line, 5)
        self.assertLess(line, 5 + 300)
        self.assertEqual(d["location"]["start"]["column"], 1)

    def test_deep_brackets(self):
        n = self.DEPTH
        self.assert_too_deep(in_expect("[" * n + "]" * n), 5, 12)

    def test_deep_braces(self):
        n = self.DEPTH
        src = ('facts f "F" {\n'
               '  source = "f.json"\n'
               '  schema {\n'
               '    x: ' + "{ y: " * n + "int" + " }" * n + "\n"
               '  }\n'
               '}\n')
        self.assert_too_deep(src, 4, 8, unit=5)

    def test_deep_bare_braces(self):
        n = self.DEPTH
        self.assert_too_deep('role r "R" ' + "{" * n + "}" * n + "\n", 1, 12)

    def test_deep_not(self):
        self.assert_too_deep(in_expect("not " * self.DEPTH + "true"), 5, 12, unit=4)

    def test_deep_unary_minus(self):
        self.assert_too_deep(in_expect("- " * self.DEPTH + "1 == 1"), 5, 12, unit=2)

    def test_deep_quantifiers(self):
        self.assert_too_deep(in_expect("all x in [true]: " * self.DEPTH + "true"), 5, 12, unit=17)

    def test_deep_mixed(self):
        n = self.DEPTH // 4
        self.assert_too_deep(in_expect("(not [" * n + "true" + "])" * n), 5, 12, unit=6)

    def test_reasonable_nesting_is_accepted(self):
        self.write("ok.tenet", in_expect("(" * 40 + "not " * 20 + "true" + ")" * 40))
        self.assert_clean(self.check_json("ok.tenet", exit=0))

    def test_long_flat_chains_are_bounded(self):
        # Not nested at all, but a tree of binary operators 200,000 long is
        # 200,000 levels deep for every later stage: such a chain is refused
        # with one clear error before it is built, never a crash.
        n = 200000
        cases = {
            "and": "true" + " and true" * n,
            "or": "false" + " or true" * n,
            "plus": "1" + " + 1" * n + " > 0",
            "member": "[true]" + ".x" * n + " == 1",
        }
        for name, expr in cases.items():
            with self.subTest(name):
                fname = f"{name}.tenet"
                self.write(fname, in_expect(expr))
                doc = self.check_json(fname, exit=1, preexec_fn=limit_memory)
                self.expect_diag("expression-too-long", doc, file=fname, line=5, count=1)
                self.assertEqual(len(doc["diagnostics"]), 1, self.summarize(doc))
        with self.subTest("unchecked"):
            # A chain in a property value is bounded the same way.
            self.write("holder.tenet", 'role r "R" { holder = true' + " and true" * 600000 + " }\n")
            doc = self.check_json("holder.tenet", exit=1, preexec_fn=limit_memory)
            self.expect_diag("expression-too-long", doc, file="holder.tenet", line=1, count=1)
        with self.subTest("within the limit"):
            # A long but reasonable chain is accepted and checked.
            self.write("ok.tenet", in_expect("true" + " and true" * 900))
            self.assert_clean(self.check_json("ok.tenet", exit=0))

    def test_deepest_accepted_input_needs_no_large_stack(self):
        # The deepest expressions the limits accept, run through every
        # command with the shell's stack limit set to 256 KiB: Tenet's own
        # threads carry the stack the limits call for, so no input and no
        # `ulimit -s` can make it run out.
        def small_stack():
            import resource
            resource.setrlimit(resource.RLIMIT_STACK, (256 << 10, resource.RLIM_INFINITY))
        cases = {
            "brackets": "(" * 126 + "true" + ")" * 126,  # with the policy and control braces: 128
            "prefix": "not (" * 63 + "true" + ")" * 63,
            "minus": "1 == " + "-" * 126 + "1",
            "chain": "true" + " and true" * 999,
            "both": "(" * 120 + "true" + " and true" * 990 + ")" * 120,
        }
        for name, expr in cases.items():
            with self.subTest(name):
                fname = f"{name}.tenet"
                self.write(fname, in_expect(expr))
                self.assert_clean(self.check_json(fname, exit=0, preexec_fn=small_stack))
                for args in (["fmt", "--check"], ["lint"], ["drift"], ["build", "-o", f"site-{name}"]):
                    p = self.run_tenet(args + [fname], preexec_fn=small_stack)
                    self.assert_no_crash_output(p)
                    self.assertIn(p.returncode, (0, 1), f"tenet {' '.join(args)}: {p.stderr[-1000:]!r}")


# --------------------------------------------------------------------------
# Sizes and numbers of files
# --------------------------------------------------------------------------

class SizeTests(TenetTest):
    MiB = 1 << 20

    def test_50mb_file_is_too_large(self):
        chunk = ("// " + "x" * 60 + "\n").encode()
        p = self.path("huge.tenet")
        with open(p, "wb") as f:
            for _ in range(50 * self.MiB // len(chunk)):
                f.write(chunk)
            f.write(b"/" * (50 * self.MiB - f.tell()))
        self.assertEqual(os.path.getsize(p), 50 * self.MiB)
        self.write("small.tenet", role_src("ciso"))
        doc = self.check_json(".", exit=1)
        d = self.expect_diag("file-too-large", doc, file="huge.tenet", line=1, column=1, count=1)[0]
        self.assertRegex(d["message"], r"\b(50|52,?428,?800)\b", "says how large the file is")
        self.assertRegex(d["message"], r"\b16\b", "says what the limit is")
        self.assertEqual(len(doc["diagnostics"]), 1, self.summarize(doc))

    def test_size_limit_boundary(self):
        line = ("// " + "y" * 100 + "\n").encode()
        limit = 16 * self.MiB
        body = line * (limit // len(line))
        self.write("at/at-limit.tenet", body + b"/" * (limit - len(body)))
        self.assert_clean(self.check_json("at", exit=0))
        self.write("over/over-limit.tenet", body + b"/" * (limit - len(body) + 1))
        doc = self.check_json("over", exit=1)
        self.expect_diag("file-too-large", doc, file="over/over-limit.tenet", line=1, column=1)

    def test_large_valid_file(self):
        parts = [role_src(f"r{i}") for i in range(100)]
        i = 0
        while sum(map(len, parts)) < 4 * self.MiB:
            parts.append(policy_src(f"p{i}", f"r{i % 100}", controls=5))
            i += 1
        self.write("big.tenet", "".join(parts))
        self.assert_clean(self.check_json("big.tenet", exit=0))

    def make_many(self, folder, n):
        for i in range(n):
            self.write(f"{folder}/d{i % 50:02}/f{i:05}.tenet",
                       role_src(f"role{i}") + policy_src(f"policy{i}", f"role{i}", controls=1))

    def test_5000_files(self):
        self.make_many("proj", 5000)
        self.assert_clean(self.check_json("proj", exit=0))

    def test_5000_files_one_bad(self):
        self.make_many("proj", 5000)
        self.write("proj/d17/f03217.tenet", role_src("role3217") + 'policy p3217 "P" {\n  owner = role3217 @\n}\n')
        doc = self.check_json("proj", exit=1)
        self.expect_diag("unexpected-character", doc, file="proj/d17/f03217.tenet", line=3, column=20)
        files = {d["location"]["file"] for d in doc["diagnostics"]}
        self.assertEqual(files, {"proj/d17/f03217.tenet"}, "only the bad file is reported")

    def test_too_many_files(self):
        # CompileOptions::maxFiles is 100,000; empty files keep this quick.
        limit = 100000
        for i in range(limit + 1):
            d = self.path(f"proj/d{i % 200:03}")
            if i < 200:
                os.makedirs(d)
            open(os.path.join(d, f"f{i:06}.tenet"), "wb").close()
        doc = self.check_json("proj", exit=2)
        # Folders are read in sorted order: the last file is the one too many.
        self.expect_diag("too-many-files", doc, file="proj/d199/f099999.tenet", line=1, column=1, count=1)
        self.assertEqual(len(doc["diagnostics"]), 1, self.summarize(doc))


# --------------------------------------------------------------------------
# Paths: missing, unreadable, symlinks, special files
# --------------------------------------------------------------------------

class PathTests(TenetTest):

    def test_path_not_found(self):
        doc = self.check_json("no/such/folder", exit=2)
        self.expect_diag("path-not-found", doc, file="no/such/folder", line=1, column=1, count=1,
                         message="no/such/folder")
        doc = self.check_json("missing.tenet", exit=2)
        self.expect_diag("path-not-found", doc, file="missing.tenet", line=1, column=1)
        # A good path next to a missing one: the good one is still checked.
        self.write("good/bad.tenet", "role r @\n")
        doc = self.check_json("good", "missing", exit=2)
        self.expect_diag("path-not-found", doc, file="missing")
        self.expect_diag("unexpected-character", doc, file="good/bad.tenet", line=1, column=8)

    def test_empty_path_argument(self):
        self.allow_empty_file = True  # the path given is "", so that is the file it names
        doc = self.check_json("", exit=2)
        self.expect_diag("path-not-found", doc, line=1, column=1)

    def test_folder_without_tenet_files(self):
        self.write("docs/README.md", "# not Tenet\n")
        self.write("docs/policy.tenet.bak", "role r @\n")
        self.write("docs/.hidden/x.tenet", "role r @\n")
        self.write("docs/node_modules/x.tenet", "role r @\n")
        os.makedirs(self.path("empty"))
        for folder in ("docs", "empty"):
            with self.subTest(folder):
                doc = self.check_json(folder, exit=0)
                self.expect_diag("no-source-files", doc, file=folder, line=1, column=1, count=1,
                                 severity="warning")
                self.assertEqual(doc["summary"]["warnings"], 1)
                self.assertEqual(doc["summary"]["errors"], 0)

    def test_default_path_is_current_folder(self):
        self.write("x.tenet", "role r @\n")
        doc = self.check_json(exit=1)
        self.expect_diag("unexpected-character", doc, file="x.tenet", line=1, column=8)

    def test_dangling_symlink_in_folder(self):
        self.write("proj/ok.tenet", role_src("ciso"))
        os.symlink("nowhere.tenet", self.path("proj/x.tenet"))
        doc = self.check_json("proj", exit=2)
        self.expect_diag("file-unreadable", doc, file="proj/x.tenet", line=1, column=1, count=1,
                         message="proj/x.tenet")

    def test_dangling_symlink_passed_directly(self):
        os.symlink("nowhere.tenet", self.path("x.tenet"))
        doc = self.check_json("x.tenet", exit=2)
        # The link's target does not exist, so the path as given leads nowhere.
        self.expect_diag("path-not-found", doc, file="x.tenet", line=1, column=1, count=1)

    def test_unreadable_file(self):
        as_nobody = self._as_other_user()
        self.write("proj/ok.tenet", role_src("ciso"))
        p = self.write("proj/secret.tenet", role_src("cto"))
        for d in (self.tmp, self.path("proj")):
            os.chmod(d, 0o755)
        os.chmod(p, 0)
        doc = self.check_json("proj", exit=2, as_nobody=as_nobody)
        self.expect_diag("file-unreadable", doc, file="proj/secret.tenet", line=1, column=1, count=1,
                         message="proj/secret.tenet")
        self.assertIn("ermission", doc["diagnostics"][0]["message"], "says why: permission denied")
        doc = self.check_json("proj/secret.tenet", exit=2, as_nobody=as_nobody)
        self.expect_diag("file-unreadable", doc, file="proj/secret.tenet", line=1, column=1)

    def test_unreadable_folder(self):
        as_nobody = self._as_other_user()
        self.write("proj/ok.tenet", role_src("ciso"))
        self.write("proj/locked/inside.tenet", role_src("cto"))
        for d in (self.tmp, self.path("proj")):
            os.chmod(d, 0o755)
        os.chmod(self.path("proj/locked"), 0)
        doc = self.check_json("proj", exit=2, as_nobody=as_nobody)
        self.expect_diag("file-unreadable", doc, file="proj/locked", line=1, column=1, count=1)

    def test_symlinked_folder_loop_is_not_followed(self):
        self.write("proj/a.tenet", role_src("ciso"))
        self.write("proj/sub/b.tenet", policy_src("b", "ciso"))
        os.symlink("..", self.path("proj/sub/up"))
        os.symlink(".", self.path("proj/self"))
        os.symlink(self.path("proj"), self.path("proj/sub/absolute"))
        # Each file is read once: following a link would define ciso twice.
        self.assert_clean(self.check_json("proj", exit=0))

    def test_self_referencing_symlink_argument(self):
        os.symlink("a", self.path("a"))
        doc = self.check_json("a", exit=2)
        d = self.expect_diag("file-unreadable", doc, file="a", line=1, column=1, count=1)[0]
        self.assertIn("symbolic link", d["message"].lower(), "says why the path cannot be read")
        os.symlink("c", self.path("b"))
        os.symlink("b", self.path("c"))
        doc = self.check_json("b", exit=2)
        self.expect_diag("file-unreadable", doc, file="b", line=1, column=1)

    def test_self_referencing_symlink_in_folder(self):
        self.write("proj/ok.tenet", role_src("ciso"))
        os.symlink("loop.tenet", self.path("proj/loop.tenet"))
        doc = self.check_json("proj", exit=2)
        self.expect_diag("file-unreadable", doc, file="proj/loop.tenet", line=1, column=1, count=1)

    def test_fifo_named_tenet_does_not_hang(self):
        # Opening a FIFO for reading blocks until someone writes: a folder
        # walk must not wait on one forever.
        self.write("proj/ok.tenet", role_src("ciso"))
        os.mkfifo(self.path("proj/pipe.tenet"))
        doc = self.check_json("proj", exit=2)
        d = self.expect_diag("not-a-file", doc, file="proj/pipe.tenet", line=1, column=1)[0]
        self.assertIn("pipe", d["message"])

    def test_endless_device_is_not_read_forever(self):
        if not os.path.exists("/dev/zero"):
            self.skipTest("no /dev/zero")
        # A device is not a source file: refused without reading it.
        doc = self.check_json("/dev/zero", exit=2, preexec_fn=limit_memory)
        d = self.expect_diag("not-a-file", doc, file="/dev/zero", line=1, column=1)[0]
        self.assertIn("device", d["message"])

    def test_deeply_nested_folders_are_not_skipped_silently(self):
        deep = "/".join(f"d{i}" for i in range(80))
        self.write(f"proj/{deep}/bad.tenet", "role r @\n")
        doc = self.check_json("proj", exit=1)
        self.expect_diag("unexpected-character", doc, file=f"proj/{deep}/bad.tenet", line=1, column=8)

    def test_folders_too_deep_are_reported(self):
        deep = "/".join(f"d{i}" for i in range(260))
        self.write(f"proj/{deep}/bad.tenet", "role r @\n")
        self.write("proj/ok.tenet", role_src("ciso"))
        doc = self.check_json("proj", exit=0)
        self.expect_diag("folder-too-deep", doc, count=1)

    def test_same_file_given_twice_is_read_once(self):
        self.write("proj/a.tenet", valid_project_src())
        for args in (("proj/a.tenet", "proj/a.tenet"), ("proj", "proj/a.tenet"), ("proj", "proj")):
            with self.subTest(args=args):
                self.assert_clean(self.check_json(*args, exit=0))

    def test_file_name_not_utf8(self):
        name = b"bad-\xff-name.tenet"
        try:
            with open(os.path.join(os.fsencode(self.tmp), name), "wb") as f:
                f.write(b"role r @\n")
        except OSError as e:
            self.skipTest(f"this file system refuses a non-UTF-8 file name: {e}")
        doc = self.check_json(".", exit=1)
        d = self.expect_diag("unexpected-character", doc, line=1, column=8, count=1)[0]
        self.assertTrue(d["location"]["file"].endswith("-name.tenet"), d["location"]["file"])
        out = self.check_text(".", exit=1)
        self.assertIn("-name.tenet:1:8: error:", out)

    def test_stdlib_folder_problems(self):
        doc = self.check_json(".", extra=("--stdlib", "no-such-stdlib"), exit=2)
        self.expect_diag("path-not-found", doc, file="no-such-stdlib", line=1, column=1)
        self.write("x.tenet", role_src("ciso"))
        self.write("lib/junk.tenet", b"framework f \x00\x01\x02")
        doc = self.check_json("x.tenet", extra=("--stdlib", "lib"), exit=1)
        self.expect_diag("binary-file", doc, file="lib/junk.tenet", line=1, column=13)


# --------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------

class CliTests(TenetTest):

    def test_version(self):
        p = self.run_tenet(["--version"])
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout.decode(), r"^tenet \d+\.\d+\.\d+\S*\n$")

    def test_help(self):
        p = self.run_tenet(["--help"])
        self.assertEqual(p.returncode, 0)
        out = p.stdout.decode()
        self.assertIn("check", out)
        self.assertIn("Exit codes", out)
        for code in ("0", "1", "2"):
            self.assertRegex(out, rf"\b{code}\b")
        p = self.run_tenet(["check", "--help"])
        self.assertEqual(p.returncode, 0)
        out = p.stdout.decode()
        self.assertRegex(out, r"(?i)\bcheck\b.*\b(policy|policies|files?)\b", "says what check does")
        self.assertIn("--format", out)
        self.assertIn("--color", out)
        self.assertIn("--stdlib", out)

    def test_usage_errors_exit_2(self):
        cases = [
            # arguments, the word the error message must name
            (["check", "--frobnicate"], "--frobnicate"),
            (["--frobnicate"], "--frobnicate"),
            (["frobnicate"], "frobnicate"),
            (["frobnicate", "."], "frobnicate"),
            (["chek", "."], "chek"),
            ([], "subcommand"),
            (["check", "--format", "xml", "."], "xml"),
            (["check", "--format"], "--format"),
            (["check", "--color", "sometimes", "."], "sometimes"),
        ]
        self.write("x.tenet", role_src("ciso"))
        for args, word in cases:
            with self.subTest(args=args):
                p = self.run_tenet(args)
                self.assert_no_crash_output(p)
                self.assertEqual(p.returncode, 2, f"stdout {p.stdout[:300]!r} stderr {p.stderr[:300]!r}")
                err = p.stderr.decode("utf-8", "replace")
                self.assertNotEqual(err.strip(), "", "a usage error says what is wrong")
                self.assertIn(word, err, "the message names what was wrong")

    def test_json_shape(self):
        self.write("roles.tenet", role_src("ciso") + role_src("ciso"))  # duplicate: a note
        self.write("policy.tenet", 'policy p "P" {\n  ownr = ciso\n}\n')  # unknown property: help
        doc = self.check_json(".", exit=1)
        self.assertLessEqual({"diagnostics", "summary"}, set(doc))
        dup = self.expect_diag("duplicate-definition", doc, file="roles.tenet", line=2, column=6)[0]
        self.assertTrue(dup["notes"], "a duplicate points at the first definition")
        self.assert_location(dup["notes"][0]["location"], "note")
        self.assertEqual(dup["notes"][0]["location"]["start"]["line"], 1)
        unk = self.expect_diag("unknown-property", doc, file="policy.tenet", line=2, column=3)[0]
        self.assertIsInstance(unk["help"], str)
        self.assertIn("owner", unk["help"])
        self.assertEqual(unk["location"]["end"], {"line": 2, "column": 7})
        self.assertEqual(doc["summary"]["errors"], 2)
        self.assertEqual(doc["summary"]["warnings"], 0)
        # Diagnostics are ordered by file, then position.
        keys = [(d["location"]["file"], d["location"]["start"]["line"], d["location"]["start"]["column"])
                for d in doc["diagnostics"]]
        self.assertEqual(keys, sorted(keys))

    def test_text_format(self):
        self.write("t.tenet", 'role r "R" {\n'
                              '  holder = "x"\n'
                              '\temail = "y" @\n'
                              '}\n'
                              'policy p "P" {\n'
                              '  owner = nobody_here\n'
                              '}\n')
        doc = self.check_json("t.tenet", exit=1)
        self.expect_diag("unknown-role", doc, file="t.tenet", line=6, column=11, count=1)
        out = self.check_text("t.tenet", exit=1)
        lines = out.splitlines()
        m = HEADER.match(lines[0])
        self.assertTrue(m, f"header line: {lines[0]!r}")
        self.assertEqual((m["file"], m["line"], m["col"], m["sev"], m["code"]),
                         ("t.tenet", "3", "14", "error", "unexpected-character"))
        self.assertEqual(lines[1], ' email = "y" @', "the source line (a tab shown as one space)")
        self.assertEqual(lines[2], " " * 13 + "^")
        # A multi-character range: caret then tildes, under the name.
        i = next(k for k, l in enumerate(lines) if l.startswith("t.tenet:6:"))
        m = HEADER.match(lines[i])
        self.assertTrue(m, lines[i])
        self.assertEqual((m["line"], m["col"], m["code"]), ("6", "11", "unknown-role"))
        self.assertEqual(lines[i + 1], "  owner = nobody_here")
        self.assertEqual(lines[i + 2], " " * 10 + "^" + "~" * 10)
        self.assertEqual(lines[-1], "2 errors found.")

    def test_text_columns_count_characters(self):
        src = 'role r "Größe 😀" { holder = "Zoë" email = @ }\n'
        col = src.index("@") + 1
        self.write("u.tenet", src)
        lines = self.check_text("u.tenet", exit=1).splitlines()
        self.assertEqual(lines[0], f"u.tenet:1:{col}: error: unexpected character '@' [unexpected-character]")
        self.assertEqual(lines[1], src.rstrip("\n"))
        self.assertEqual(lines[2], " " * (col - 1) + "^")
        # A range over non-ASCII text is as wide as its characters.
        src = 'role r "R" {\n  holder = "Zoë Größe 😀\n}\n'
        self.write("s.tenet", src)
        lines = self.check_text("s.tenet", exit=1).splitlines()
        self.assertEqual(lines[0], "s.tenet:2:12: error: this string has no closing quote before the end of the line"
                                   " [unterminated-string]")
        self.assertEqual(lines[2], " " * 11 + "^" + "~" * (len('"Zoë Größe 😀') - 1))

    def test_text_long_line_is_cut_around_the_error(self):
        src = 'role r "R" { holder = "' + "x" * 1_000_000 + '" email = @ }\n'
        self.write("long.tenet", src)
        doc = self.check_json("long.tenet", exit=1)
        self.expect_diag("unexpected-character", doc, file="long.tenet", line=1, column=src.index("@") + 1)
        lines = self.check_text("long.tenet", exit=1).splitlines()
        self.assertLess(len(lines[1]), 400, "a megabyte line is not printed whole")
        self.assertLess(len(lines[2]), 400)
        self.assertEqual(lines[1][lines[2].index("^")], "@", "the caret sits under the error")

    def test_no_color_when_not_a_terminal(self):
        self.write("x.tenet", "role r @\n")
        for extra in ((), ("--color", "auto"), ("--color", "never")):
            with self.subTest(extra=extra):
                env = dict(os.environ, TERM="xterm-256color")
                env.pop("NO_COLOR", None)
                p = self.run_tenet(["check", *extra, "x.tenet"], env=env)
                self.assertEqual(p.returncode, 1)
                self.assertNotRegex(p.stdout, ANSI)
                self.assertNotRegex(p.stderr, ANSI)
        p = self.run_tenet(["check", "--color", "always", "x.tenet"])
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stdout, ANSI)
        plain = re.sub(rb"\x1b\[[0-9;]*m", b"", p.stdout)
        self.assertIn(b"x.tenet:1:8: error: unexpected character '@'", plain)
        # JSON is never coloured.
        doc_out = self.run_tenet(["check", "--format", "json", "--color", "always", "x.tenet"]).stdout
        self.assertNotRegex(doc_out, ANSI)
        json.loads(doc_out)

    def run_on_terminal(self, args, env):
        """Runs tenet with stdout on a pseudo-terminal; returns (exit code, output)."""
        import pty
        import select
        master, slave = pty.openpty()
        try:
            p = subprocess.Popen([TENET] + args, cwd=self.tmp, stdin=subprocess.DEVNULL, stdout=slave,
                                 stderr=subprocess.PIPE, env=env)
            os.close(slave)
            slave = None
            out = b""
            while True:
                ready, _, _ = select.select([master], [], [], TIMEOUT)
                if not ready:
                    p.kill()
                    p.wait()
                    self.fail(f"`tenet {' '.join(args)}` on a terminal did not finish within {TIMEOUT} s")
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the terminal's other end was closed
                    break
                if not chunk:
                    break
                out += chunk
            p.wait(timeout=TIMEOUT)
        finally:
            os.close(master)
            if slave is not None:
                os.close(slave)
        self.assertGreaterEqual(p.returncode, 0, "killed by a signal")
        return p.returncode, out

    def test_color_on_a_terminal(self):
        self.write("x.tenet", "role r @\n")
        env = dict(os.environ, TERM="xterm-256color")
        env.pop("NO_COLOR", None)
        rc, out = self.run_on_terminal(["check", "x.tenet"], env)
        self.assertEqual(rc, 1)
        self.assertRegex(out, ANSI, "auto colours a terminal")
        rc, out = self.run_on_terminal(["check", "--color", "never", "x.tenet"], env)
        self.assertEqual(rc, 1)
        self.assertNotRegex(out, ANSI)
        self.assertIn(b"x.tenet:1:8: error:", out)
        rc, out = self.run_on_terminal(["check", "x.tenet"], dict(env, NO_COLOR="1"))
        self.assertNotRegex(out, ANSI, "NO_COLOR turns auto colour off")
        rc, out = self.run_on_terminal(["check", "x.tenet"], dict(env, TERM="dumb"))
        self.assertNotRegex(out, ANSI, "TERM=dumb turns auto colour off")

    def test_deterministic_output(self):
        files = {
            "roles.tenet": role_src("ciso") + role_src("cto"),
            "more/roles.tenet": role_src("ciso") + "role x @\n",
            "policies/a.tenet": policy_src("a", "nobody") + policy_src("b", "ciso"),
            "policies/b.tenet": policy_src("a", "cto") + 'policy c "C" {\n  ownr = ciso\n  version = 3\n}\n',
            "policies/z/zz.tenet": 'role z "Z" { holder = "unterminated }\n',
            "zz.tenet": "policy q { satisfies }\n",
        }
        names = sorted(files)
        outputs = {}
        for tag, order in (("forward", names), ("backward", list(reversed(names)))):
            root = self.path(tag)
            os.makedirs(root)
            for n in order:
                self.write(f"{tag}/{n}", files[n])
            for fmt in ("json", "text"):
                runs = [self.run_tenet(["check", "--format", fmt, "."], cwd=root) for _ in range(2)]
                for p in runs:
                    self.assertEqual(p.returncode, 1)
                self.assertEqual(runs[0].stdout, runs[1].stdout, f"two runs differ ({fmt})")
                outputs[(tag, fmt)] = runs[0].stdout
        for fmt in ("json", "text"):
            self.assertEqual(outputs[("forward", fmt)], outputs[("backward", fmt)],
                             f"output depends on the order files were created ({fmt})")
        doc = json.loads(outputs[("forward", "json")])
        # Folders are read in sorted order, so more/roles.tenet defines ciso first.
        self.expect_diag("duplicate-definition", doc, file="roles.tenet", line=1, column=6)


# --------------------------------------------------------------------------

class ReportCliTests(TenetTest):
    """The report commands (crosswalk, coverage, soa) on small projects."""

    def small_project(self):
        self.write("proj/p.tenet", 'project p "P" { frameworks = [soc2] }\n'
                   'policy pol "P" { control c "C" { satisfies soc2.CC6.1 } }\n')
        return "proj"

    def test_framework_related_to_itself_is_a_usage_error(self):
        p = self.run_tenet(["crosswalk", "soc2", "soc2"])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(b"'soc2' was named twice", p.stderr)
        self.assert_no_crash_output(p)

    def test_unknown_framework_names_the_closest(self):
        p = self.run_tenet(["crosswalk", "iso27001", "soc3"])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(b"did you mean 'soc2'", p.stderr)

    def test_framework_option_takes_one_name_and_leaves_the_paths(self):
        proj = self.small_project()
        p = self.run_tenet(["coverage", "--framework", "soc2", proj, "--format", "csv", "--summary"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"soc2,61,0,1 of 61,", p.stdout)

    def test_report_on_a_project_with_errors_prints_them_and_exits_1(self):
        self.write("bad/p.tenet", 'policy pol "P" { control c "C" { satisfies soc2.CC9.9 } }\n')
        p = self.run_tenet(["soa", "bad"])
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, b"", "no report from a project with errors")
        self.assertIn(b"[unknown-requirement]", p.stderr)


class LintFixTests(TenetTest):
    """`tenet lint --fix` applies only safe fixes, keeps the rest of the file
    byte for byte (a BOM and CRLF line endings included), and writes nothing
    when there is nothing safe to fix."""

    SRC = (
        "role ciso \"CISO\" { holder = \"Dana\" }\r\n"
        "role ceo \"CEO\" { holder = \"Priya\" }\r\n"
        "policy p \"P\" {\r\n"
        "  owner = ciso\r\n"
        "  approver = ceo\r\n"
        "  effective = 2026-01-01\r\n"
        "  review = every 12 months\r\n"
        "  section \"Purpose\" \"Why.\"\r\n"
        "  section \"Scope\" \"What.\"\r\n"
        "  // tenet-ignore weak-modal: nothing weak here\r\n"
        "  control c \"C\" {\r\n"
        "    statement \"Keys should be rotated every 90 days.\"\r\n"
        "    satisfies iso27001.A.8.24, soc2.CC6.1,  iso27001.A.8.24\r\n"
        "    evidence \"Rotation log\"\r\n"
        "  }\r\n"
        "}\r\n")

    def test_fix_applies_safe_fixes_only(self):
        path = self.write("p.tenet", b"\xef\xbb\xbf" + self.SRC.encode())
        p = self.run_tenet(["lint", "--fix", "--as-of", "2026-11-22", "p.tenet"])
        self.assert_no_crash_output(p)
        with open(path, "rb") as f:
            fixed = f.read()
        # The suppression was used (weak-modal fires on "should"), so only the
        # duplicate requirement is removed; "should" is never rewritten.
        expected = self.SRC.replace("soc2.CC6.1,  iso27001.A.8.24", "soc2.CC6.1")
        self.assertEqual(fixed, b"\xef\xbb\xbf" + expected.encode())
        self.assertIn("Fixed 1 problem in 1 file.", p.stderr.decode())
        self.assertNotIn("duplicate-requirement", p.stdout.decode())
        self.assertEqual(p.returncode, 0, p.stdout.decode())
        self.assertEqual(self.snapshot(), {"p.tenet"}, "a temporary file was left behind")

    def test_fix_removes_an_unused_suppression(self):
        src = self.SRC.replace("should", "must").replace(",  iso27001.A.8.24", "")
        path = self.write("p.tenet", src)
        p = self.run_tenet(["lint", "--fix", "--as-of", "2026-11-22", "p.tenet"])
        with open(path, "rb") as f:
            fixed = f.read().decode()
        self.assertNotIn("tenet-ignore", fixed)
        self.assertEqual(fixed, src.replace("  // tenet-ignore weak-modal: nothing weak here\r\n", ""))
        self.assertIn("No problems found.", p.stdout.decode())
        self.assertEqual(p.returncode, 0)

    def test_nothing_safe_to_fix_writes_nothing(self):
        src = self.SRC.replace(",  iso27001.A.8.24", "")
        path = self.write("p.tenet", src)
        before = os.stat(path)
        p = self.run_tenet(["lint", "--fix", "--rule", "weak-modal=error", "--as-of", "2026-11-22", "p.tenet"])
        self.assertEqual(os.stat(path).st_mtime_ns, before.st_mtime_ns, "the file was rewritten")
        self.assertEqual(p.returncode, 0)  # the suppression covers the weak modal
        self.assertEqual(p.stderr.decode(), "")

    def test_fix_of_a_read_only_folder_leaves_the_file(self):
        path = self.write("ro/p.tenet", self.SRC)
        os.chmod(self.path("ro"), 0o555)
        as_nobody = self._as_other_user()  # root writes anywhere
        p = self.run_tenet(["lint", "--fix", "--as-of", "2026-11-22", "ro/p.tenet"], as_nobody=as_nobody)
        self.assert_no_crash_output(p)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), self.SRC.encode())
        self.assertEqual(p.returncode, 2, p.stderr.decode())
        self.assertIn("cannot fix", p.stderr.decode())


class ProjectBoundaryTests(TenetTest):
    """A project is the tree below the folder given (for a file given, the
    folder that holds it). A symbolic link that leads out of it is neither
    read nor written through; one that stays inside is read, and `fmt` and
    `lint --fix` replace the file it points to, keeping the link."""

    SECRET = "role leaked @ SECRET-LINE\n"
    UNFORMATTED = 'role ciso   "CISO" {\nholder="Dana"\n}\n'

    def link(self, target, rel):
        os.makedirs(os.path.dirname(self.path(rel)), exist_ok=True)
        os.symlink(target, self.path(rel))

    def test_link_out_of_the_project_is_not_read(self):
        self.write("proj/ok.tenet", role_src("ciso"))
        secret = self.write("outside/secret.tenet", self.SECRET)
        self.link("../outside/secret.tenet", "proj/relative.tenet")
        self.link(secret, "proj/absolute.tenet")
        doc = self.check_json("proj", exit=2)
        for name in ("proj/relative.tenet", "proj/absolute.tenet"):
            d = self.expect_diag("link-outside-project", doc, file=name, line=1, column=1, severity="error")[0]
            self.assertIn(os.path.realpath(secret), d["message"], "the message says where the link points")
            self.assertIn("'proj'", d["message"], "the message names the folder Tenet was given")
        self.assertEqual(self.codes(doc), ["link-outside-project"], "the target was read: " + self.summarize(doc))
        self.assertNotIn("SECRET-LINE", json.dumps(doc))
        # The text output names the link too, with its place.
        out = self.check_text("proj", exit=2)
        self.assertIn("proj/relative.tenet:1:1: error:", out)
        self.assertNotIn("SECRET-LINE", out)

    def test_link_inside_the_project_is_read(self):
        self.write("proj/.store/roles.tenet", role_src("ciso"))
        self.link(".store/roles.tenet", "proj/roles.tenet")
        self.write("proj/p.tenet", 'policy p "P" { owner = ciso\n approver = ciso }\n')
        self.assert_clean(self.check_json("proj", exit=0))
        self.assert_clean(self.check_json(".", cwd=self.path("proj"), exit=0))

    def test_file_given_alone_is_its_own_folder(self):
        secret = self.write("outside/secret.tenet", self.SECRET)
        self.link(secret, "proj/link.tenet")
        self.write("proj/.store/r.tenet", role_src("ciso"))
        self.link(".store/r.tenet", "proj/inside.tenet")
        doc = self.check_json("proj/link.tenet", exit=2)
        self.expect_diag("link-outside-project", doc, file="proj/link.tenet", line=1, column=1, count=1)
        self.assertNotIn("SECRET-LINE", json.dumps(doc))
        self.assert_clean(self.check_json("proj/inside.tenet", exit=0))
        # The file it points to, named itself, is read.
        doc = self.check_json("outside/secret.tenet", exit=1)
        self.expect_diag("unexpected-character", doc, file="outside/secret.tenet", line=1, column=13)

    def test_fmt_does_not_write_through_a_link_out_of_the_project(self):
        target = self.write("outside/x.tenet", self.UNFORMATTED)
        self.link("../outside/x.tenet", "proj/x.tenet")
        self.write("proj/ok.tenet", self.UNFORMATTED)
        p = self.run_tenet(["fmt", "proj"])
        self.assert_no_crash_output(p)
        self.assertEqual(p.returncode, 2, p.stderr.decode())
        err = p.stderr.decode()
        self.assertIn("proj/x.tenet", err)
        self.assertIn("[link-outside-project]", err)
        with open(target) as f:
            self.assertEqual(f.read(), self.UNFORMATTED, "the file outside the project was rewritten")
        self.assertTrue(os.path.islink(self.path("proj/x.tenet")))
        with open(self.path("proj/ok.tenet")) as f:
            self.assertNotEqual(f.read(), self.UNFORMATTED, "the other files are still formatted")
        self.assertEqual(sorted(os.listdir(self.path("outside"))), ["x.tenet"], "a temporary file was left")

    def test_fmt_replaces_the_target_of_a_link_inside_the_project(self):
        target = self.write("proj/.store/x.tenet", self.UNFORMATTED)
        os.chmod(target, 0o640)
        self.link(".store/x.tenet", "proj/x.tenet")
        plain = self.write("plain/x.tenet", self.UNFORMATTED)  # formatted the ordinary way, to compare
        p = self.run_tenet(["fmt", "proj", "plain"])
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertTrue(os.path.islink(self.path("proj/x.tenet")), "the link was replaced by a file")
        self.assertEqual(os.readlink(self.path("proj/x.tenet")), ".store/x.tenet")
        with open(target, "rb") as f, open(plain, "rb") as g:
            formatted = g.read()
            self.assertNotEqual(formatted, self.UNFORMATTED.encode())
            self.assertEqual(f.read(), formatted, "the link's target was not formatted")
        self.assertEqual(stat.S_IMODE(os.stat(target).st_mode), 0o640)

    def test_lint_fix_does_not_write_through_a_link_out_of_the_project(self):
        target = self.write("outside/p.tenet", LintFixTests.SRC)
        self.link(target, "proj/p.tenet")
        p = self.run_tenet(["lint", "--fix", "--as-of", "2026-11-22", "proj"])
        self.assert_no_crash_output(p)
        self.assertEqual(p.returncode, 2, p.stdout.decode() + p.stderr.decode())
        self.assertIn("link-outside-project", p.stdout.decode() + p.stderr.decode())
        with open(target, "rb") as f:
            self.assertEqual(f.read(), LintFixTests.SRC.encode(), "the file outside the project was fixed")

    def test_facts_file_linked_out_of_the_project_is_not_read(self):
        self.write("proj/p.tenet", role_src("ciso") + """
policy p "P" {
  owner = ciso
  approver = ciso
  control c "C" {
    satisfies soc2.CC6.1
    expect all u in src.users: u.active
  }
}
facts src "Src" {
  source = "facts/src.json"
  schema { users: list<{ active: bool }> }
}
""")
        secret = self.write("outside/secret.json", '{"users": [{"active": "SECRET-VALUE"}]}')
        os.makedirs(self.path("proj/facts"))
        self.link(secret, "proj/facts/src.json")
        p = self.run_tenet(["drift", "--as-of", "2026-11-22", "proj"])
        self.assert_no_crash_output(p)
        out = p.stdout.decode() + p.stderr.decode()
        self.assertIn("[link-outside-project]", out)
        self.assertIn("proj/p.tenet:", out, "the facts block is named with its place")
        self.assertNotIn("SECRET-VALUE", out)
        self.assertNotEqual(p.returncode, 0)
        # Inside the project, the same link is read.
        os.unlink(self.path("proj/facts/src.json"))
        self.write("proj/.exports/src.json", '{"users": [{"active": true}]}')
        self.link("../.exports/src.json", "proj/facts/src.json")
        p = self.run_tenet(["drift", "--as-of", "2026-11-22", "proj"])
        self.assertNotIn("link-outside-project", p.stdout.decode() + p.stderr.decode())
        self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())


class RewritePermissionTests(TenetTest):
    """`tenet fmt` and `tenet lint --fix` keep a file's mode, and refuse to
    replace a read-only file (the rename would otherwise replace it)."""

    UNFORMATTED = 'role ciso   "CISO" {\nholder="Dana"\n}\n'

    def test_fmt_keeps_the_mode(self):
        for mode in (0o640, 0o755, 0o600, 0o664):
            with self.subTest(mode=oct(mode)):
                path = self.write("m%o.tenet" % mode, self.UNFORMATTED)
                os.chmod(path, mode)
                p = self.run_tenet(["fmt", os.path.basename(path)])
                self.assertEqual(p.returncode, 0, p.stderr.decode())
                with open(path) as f:
                    self.assertNotEqual(f.read(), self.UNFORMATTED, "not formatted")
                self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), mode)

    def test_lint_fix_keeps_the_mode(self):
        path = self.write("p.tenet", LintFixTests.SRC)
        os.chmod(path, 0o750)
        p = self.run_tenet(["lint", "--fix", "--as-of", "2026-11-22", "p.tenet"])
        self.assertIn("Fixed 1 problem", p.stderr.decode())
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o750)

    def test_read_only_file_is_refused(self):
        for command in (["fmt"], ["lint", "--fix", "--as-of", "2026-11-22"]):
            with self.subTest(command=command[0]):
                text = self.UNFORMATTED if command == ["fmt"] else LintFixTests.SRC
                path = self.write("ro.tenet", text)
                os.chmod(path, 0o444)
                before = os.stat(path)
                p = self.run_tenet(command + ["ro.tenet"])
                self.assert_no_crash_output(p)
                err = p.stderr.decode()
                self.assertEqual(p.returncode, 2, err)
                self.assertIn("ro.tenet", err)
                self.assertIn("read-only", err)
                with open(path, "rb") as f:
                    self.assertEqual(f.read(), text.encode(), "the read-only file changed")
                after = os.stat(path)
                self.assertEqual((after.st_ino, stat.S_IMODE(after.st_mode)), (before.st_ino, 0o444))
                self.assertEqual(sorted(os.listdir(self.tmp)), ["ro.tenet"], "a temporary file was left")
                os.chmod(path, 0o644)
                os.unlink(path)


def main(argv):
    global TENET
    args = argv[1:]
    if args and not args[0].startswith("-"):
        TENET = args.pop(0)
    if not TENET or not os.access(TENET, os.X_OK):
        print(f"usage: {argv[0]} PATH/TO/tenet [TEST-NAME-SUBSTRING...] (got {TENET!r})", file=sys.stderr)
        return 2
    TENET = os.path.abspath(TENET)
    loader = unittest.TestLoader()
    if args:
        loader.testNamePatterns = [f"*{a}*" for a in args]
    suite = loader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed_ids = set()
    for test, _ in result.failures + result.errors:
        failed_ids.add(getattr(test, "test_case", test).id())  # a failing subTest fails its test
    for test in result.unexpectedSuccesses:
        failed_ids.add(test.id())
    # A skipped subTest does not skip its whole test.
    skipped = len({t.id() for t, _ in result.skipped if not hasattr(t, "test_case")} - failed_ids)
    passed = result.testsRun - len(failed_ids) - skipped
    if skipped:
        print(f"{skipped} skipped")
    print(f"{passed} passed, {len(failed_ids)} failed", flush=True)
    return 0 if not failed_ids and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

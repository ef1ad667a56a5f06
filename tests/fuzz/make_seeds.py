#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into OUT/<target>/.

Usage: make_seeds.py SOURCE_DIR OUT

- check, format: every .tenet file of examples/, tests/ and stdlib/ (golden
  cases, formatter cases and goldens);
- facts: every JSON and YAML file of examples/ and tests/golden/, and files
  that match the schema of fuzz_facts' project, each behind the byte that
  chooses the format (0: JSON, 1: YAML);
- lsp: sessions framed as an editor writes them (first byte 0 or 2) and
  sessions of fuzz_lsp's own form (1 or 3) over small example files, half
  of them with fuzz_lsp's small stdlib (bit 2), plus the sessions
  written by hand in tests/fuzz/seeds/lsp/.
Seeds larger than 64 KB are left out. The folder is written anew each time.
"""
import json
import os
import shutil
import struct
import sys

MAX_SEED = 64 * 1024


def files_under(root, exts):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        for f in sorted(filenames):
            if f.endswith(exts):
                found.append(os.path.join(dirpath, f))
    return found


def seed_name(source_dir, path):
    return os.path.relpath(path, source_dir).replace(os.sep, "_")


def write(out, name, data):
    if len(data) > MAX_SEED:
        return
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(data)


def frame(message):
    body = json.dumps(message, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def editor_session(text, small_stdlib=False):
    uri = "file:///project/policy.tenet"
    msgs = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"rootUri": "file:///project",
                    "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen",
         "params": {"textDocument": {"uri": uri, "languageId": "tenet", "version": 1, "text": text}}},
    ]
    n = 2
    lines = text.split("\n")
    for line_no in range(0, len(lines), max(1, len(lines) // 4)):
        character = len(lines[line_no]) // 2
        for method in ("textDocument/hover", "textDocument/definition", "textDocument/completion"):
            msgs.append({"jsonrpc": "2.0", "id": n, "method": method,
                         "params": {"textDocument": {"uri": uri},
                                    "position": {"line": line_no, "character": character}}})
            n += 1
    msgs += [
        {"jsonrpc": "2.0", "id": n, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}},
        {"jsonrpc": "2.0", "id": n + 1, "method": "textDocument/formatting",
         "params": {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange",
         "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text[: len(text) // 2]}]}},
        {"jsonrpc": "2.0", "method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}},
        {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}},
        {"jsonrpc": "2.0", "id": n + 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    return (b"\x02" if small_stdlib else b"\x00") + b"".join(frame(m) for m in msgs)


def own_session(text, small_stdlib=False):
    """fuzz_lsp's session form: opcodes with their operands (see fuzz_lsp.cpp)."""
    data = text.encode()[:60000]
    out = bytearray(b"\x03\x01" if small_stdlib else b"\x01\x01")  # session form; the client watches files
    out += bytes([0, 0]) + struct.pack("<H", len(data)) + data  # open a.tenet
    for op in (2, 3, 4):  # hover, definition, completion on a.tenet, line 3, character 4
        out += bytes([op, 0, 3]) + struct.pack("<H", 4)
    out += bytes([5, 0, 6, 0, 2])  # symbols, formatting
    half = data[: len(data) // 2]
    out += bytes([1, 0]) + struct.pack("<H", len(half)) + half  # change
    out += bytes([2, 0, 1]) + struct.pack("<H", 2)
    out += bytes([8, 0, 9, 0, 1, 7, 0, 10, 11])  # save, watched, close, shutdown, exit
    return bytes(out)


# Facts that match fuzz_facts' schema, one passing and one failing most checks.
FACTS_JSON = {
    "exported_at": "2026-11-01", "enforced": True, "seats": 12, "score": 0.9, "ratio": 0.25, "tier": "high",
    "tags": ["internal"], "settings": {"timeout_minutes": 15, "allowed_factors": ["totp", "webauthn"]},
    "users": [
        {"email": "dana@acme.example", "active": True, "mfa_enrolled": True, "last_login": "2026-11-20",
         "role": "admin", "logins": 40},
        {"email": "robot@acme.example", "active": True, "mfa_enrolled": False, "last_login": None,
         "role": "member", "logins": 0},
    ],
    "reviews": [{"system": "aws", "completed": "2026-10-01", "reviewer": "Dana"},
                {"system": "okta", "completed": "2026-01-01", "reviewer": "Sam"}],
}
FACTS_YAML = """exported_at: 2026-11-01
enforced: false
seats: 0
score: 0.1
ratio: null
tier: low
tags: [prod]
settings:
  timeout_minutes: 90
  allowed_factors:
    - sms
users:
  - email: dana@acme.example
    active: true
    mfa_enrolled: true
    last_login: 2026-01-20
    role: admin
    logins: 3
  - email: sam@acme.example
    active: false
    mfa_enrolled: false
    role: member
    logins: 1
reviews:
  - system: github
    completed: 2026-02-03
    reviewer: Sam Ortiz
"""


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    src, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    targets = ("check", "format", "facts", "lsp")
    for t in targets:
        shutil.rmtree(os.path.join(out, t), ignore_errors=True)
        os.makedirs(os.path.join(out, t))

    sources = []
    for top in ("examples", "tests", "stdlib"):
        sources += files_under(os.path.join(src, top), (".tenet",))
    for path in sources:
        with open(path, "rb") as fh:
            data = fh.read()
        name = seed_name(src, path)
        write(os.path.join(out, "check"), name, data)
        write(os.path.join(out, "format"), name, data)

    facts = []
    for top in ("examples", os.path.join("tests", "golden")):
        facts += files_under(os.path.join(src, top), (".json", ".yaml", ".yml"))
    for path in facts:
        with open(path, "rb") as fh:
            data = fh.read()
        kind = b"\x00" if path.endswith(".json") else b"\x01"
        write(os.path.join(out, "facts"), seed_name(src, path), kind + data)
    write(os.path.join(out, "facts"), "schema-match.json", b"\x00" + json.dumps(FACTS_JSON, indent=1).encode())
    write(os.path.join(out, "facts"), "schema-match.yaml", b"\x01" + FACTS_YAML.encode())

    small = [p for p in sources
             if os.path.getsize(p) <= 8 * 1024 and ("/examples/" in p or "/format/cases/" in p)]
    for k, path in enumerate(small[:: max(1, len(small) // 12)][:12]):
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        name = seed_name(src, path)
        write(os.path.join(out, "lsp"), "editor-" + name, editor_session(text, k % 2 == 1))
        write(os.path.join(out, "lsp"), "session-" + name, own_session(text, k % 2 == 0))
    hand = os.path.join(src, "tests", "fuzz", "seeds", "lsp")
    if os.path.isdir(hand):
        for f in sorted(os.listdir(hand)):
            with open(os.path.join(hand, f), "rb") as fh:
                write(os.path.join(out, "lsp"), "hand-" + f, fh.read())

    for t in targets:
        print(f"{t}: {len(os.listdir(os.path.join(out, t)))} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())

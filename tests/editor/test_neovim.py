#!/usr/bin/env python3
"""A real editor as the language server's client: headless Neovim (Debian's
0.7) starts `tenet lsp`, opens a file of a copy of examples/acme, and must
see the diagnostics, hover a requirement, jump to its definition in the
built-in catalogue and format the file. Usage: test_neovim.py TENET SOURCE_DIR"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def main() -> int:
    tenet, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    nvim = shutil.which("nvim")
    if not nvim:
        print("FAIL: nvim is not installed; run ./install-deps.sh")
        return 1
    failures = []

    def check(cond, why):
        if not cond:
            failures.append(why)

    with tempfile.TemporaryDirectory(prefix="tenet-nvim-") as tmp:
        project = os.path.join(tmp, "acme")
        shutil.copytree(os.path.join(root, "examples", "acme"), project)
        path = os.path.join(project, "policies", "access-control.tenet")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # A misspelt requirement, and a line laid out badly, for the editor to show and fix.
        wrong = "satisfies iso27001.A.5.17, iso27001.A.8.5, soc2.CC6.1"
        assert wrong in text, "the example changed: update this test"
        text = text.replace(wrong, "satisfies iso27001.A.5.17, iso27001.A.8.55, soc2.CC6.1", 1)
        text = text.replace("  owner          = ciso", "  owner =     ciso", 1)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        lines = text.split("\n")
        bad_line = next(i for i, l in enumerate(lines) if "iso27001.A.8.55" in l)
        hover_line = next(i for i, l in enumerate(lines) if "satisfies iso27001.A.5.15, iso27001.A.5.16" in l)
        hover_col = lines[hover_line].index("A.5.15") + 2

        # What `tenet fmt` makes of the same file, for comparison.
        expected_copy = os.path.join(tmp, "expected.tenet")
        shutil.copy(path, expected_copy)
        subprocess.run([tenet, "fmt", expected_copy], check=True, capture_output=True, timeout=60)
        with open(expected_copy, encoding="utf-8") as f:
            expected = f.read()

        out = os.path.join(tmp, "result.json")
        env = dict(os.environ, TENET=tenet, ROOT=project, FILE=path, OUT=out, HOVER_LINE=str(hover_line),
                   HOVER_COL=str(hover_col), XDG_CACHE_HOME=os.path.join(tmp, "cache"),
                   XDG_CONFIG_HOME=os.path.join(tmp, "config"), XDG_DATA_HOME=os.path.join(tmp, "data"),
                   XDG_STATE_HOME=os.path.join(tmp, "state"))
        script = os.path.join(root, "tests", "editor", "neovim_client.lua")
        try:
            p = subprocess.run([nvim, "--headless", "--clean", "-n", "-c", "luafile " + script], env=env, cwd=project,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=180)
        except subprocess.TimeoutExpired:
            print("FAIL: Neovim did not finish within 180 s")
            return 1
        if not os.path.exists(out):
            print(f"FAIL: Neovim wrote no result (exit {p.returncode})\n{p.stderr.decode(errors='replace')[-2000:]}")
            return 1
        with open(out, encoding="utf-8") as f:
            r = json.load(f)

        check(not r.get("errors"), f"the client reported errors: {r.get('errors')}")
        diags = r.get("diagnostics") or []
        hit = [d for d in diags if d.get("code") == "unknown-requirement"]
        check(hit, f"no unknown-requirement diagnostic; got {diags}")
        if hit:
            check(hit[0]["lnum"] == bad_line, f"the diagnostic is on line {hit[0]['lnum']}, not {bad_line}")
            check(hit[0]["col"] == lines[bad_line].index("A.8.55"),
                  f"the diagnostic starts at column {hit[0]['col']}")
            check("A.8.55" in hit[0]["message"], f"the message does not name A.8.55: {hit[0]['message']}")
        hover = r.get("hover") or ""
        check("A.5.15" in hover and "Access control" in hover and "ISO/IEC 27001:2022" in hover,
              f"hover on A.5.15 said: {hover!r}")
        d = r.get("definition") or {}
        check(d.get("uri", "").startswith("file://" + os.path.join(tmp, "cache")),
              f"the definition is not in the catalogue copy: {d}")
        check("A.5.15" in (r.get("definition_line") or ""), f"jumped to: {r.get('definition_line')!r}")
        check(r.get("formatted") == expected, "formatting in the editor differs from tenet fmt")
        check("owner          = ciso" in (r.get("formatted") or ""), "formatting did not realign 'owner'")

    for f in failures:
        print("FAIL: " + f)
    print(f"{'ok' if not failures else 'FAIL'} neovim ({len(failures)} problems)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

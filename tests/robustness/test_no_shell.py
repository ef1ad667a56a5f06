#!/usr/bin/env python3
"""Tenet never runs a shell or another program, never loads code at run
time, and never opens a network connection: whatever a policy or a facts
file says, it is data.

Two checks:

1. The sources of the compiler (compiler/, except the generated parser)
   call none of system(), popen(), the exec family, fork(), posix_spawn()
   or dlopen(), and open no socket.
2. The tenet binary imports none of those functions from the C library:
   `nm -D --undefined-only` lists what it needs from shared libraries.
   A shared library it links (libgit2, for the revision history) may import
   socket functions of its own for remotes Tenet never uses; those appear in
   that library's imports, not in the binary's, so this check is about the
   code of Tenet itself.

Usage: test_no_shell.py SOURCE_DIR PATH/TO/tenet
"""

import os
import re
import shutil
import subprocess
import sys

# A call, not a word in a comment or a longer name (`filesystem(`, `execute(`).
FORBIDDEN_CALLS = re.compile(
    r"(?<![A-Za-z0-9_])(?:::)?(system|popen|execl|execlp|execle|execv|execvp|execvpe|execve|fexecve|fork|vfork|"
    r"posix_spawn|posix_spawnp|dlopen|dlmopen|socket|connect|getaddrinfo|gethostbyname)\s*\(")
FORBIDDEN_INCLUDES = re.compile(r"#\s*include\s*<(dlfcn\.h|spawn\.h|sys/socket\.h|netdb\.h|netinet/[a-z_]+\.h)>")
# libgit2 functions that reach a remote repository.
FORBIDDEN_GIT = re.compile(r"\bgit_(remote|clone|fetch|push|transport|credential|cred)_[a-z_]*\s*\(")

FORBIDDEN_SYMBOLS = {"system", "popen", "execl", "execlp", "execle", "execv", "execvp", "execvpe", "execve",
                     "fexecve", "fork", "vfork", "posix_spawn", "posix_spawnp", "dlopen", "dlmopen", "socket",
                     "connect", "getaddrinfo", "gethostbyname", "git_remote_fetch", "git_clone", "git_remote_create"}

SOURCE_SUFFIXES = (".cpp", ".cc", ".c", ".h", ".hpp")


def strip_comments_and_strings(text):
    """C++ text with comments and string literals blanked, lines kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = ")" + m.group(1) + '"'
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def scan_sources(root):
    problems = []
    compiler = os.path.join(root, "compiler")
    for d, dirs, files in os.walk(compiler):
        dirs[:] = sorted(x for x in dirs if x not in ("generated", "third_party"))
        for name in sorted(files):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.join(d, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                raw = f.read()
            code = strip_comments_and_strings(raw)
            rel = os.path.relpath(path, root)
            for lineno, line in enumerate(code.split("\n"), 1):
                for pattern in (FORBIDDEN_CALLS, FORBIDDEN_INCLUDES, FORBIDDEN_GIT):
                    m = pattern.search(line)
                    if m:
                        problems.append("%s:%d: %s" % (rel, lineno, m.group(0).strip()))
    return problems


def imported_symbols(binary):
    nm = shutil.which("nm")
    if not nm:
        return None
    p = subprocess.run([nm, "-D", "--undefined-only", binary], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("nm failed: " + p.stderr)
    names = set()
    for line in p.stdout.splitlines():
        parts = line.split()
        if parts:
            names.add(parts[-1].split("@")[0])
    return names


def main():
    if len(sys.argv) != 3 or not os.path.isdir(os.path.join(sys.argv[1], "compiler")):
        print("usage: test_no_shell.py SOURCE_DIR PATH/TO/tenet", file=sys.stderr)
        return 2
    root, binary = sys.argv[1], sys.argv[2]
    failed = 0

    # The scanner itself must see a call: a check that finds nothing proves nothing.
    assert FORBIDDEN_CALLS.search("  std::system(cmd);") and not FORBIDDEN_CALLS.search("filesystem(x)")
    assert not FORBIDDEN_CALLS.search(strip_comments_and_strings('f("popen(x)"); // system(x)\n'))

    problems = scan_sources(root)
    if problems:
        failed += 1
        print("FAIL sources: the compiler runs programs, loads code or uses the network:")
        for p in problems:
            print("  " + p)
    else:
        print("ok sources: no shell, exec, fork, spawn, dlopen or socket call in compiler/")

    names = imported_symbols(binary)
    if names is None:
        print("ok binary: skipped, nm is not installed (it comes with binutils)")
    else:
        if "fopen" not in names and "open" not in names and "open64" not in names:
            failed += 1
            print("FAIL binary: nm lists none of the file functions tenet must import; the check sees nothing")
        bad = sorted(names & FORBIDDEN_SYMBOLS)
        if bad:
            failed += 1
            print("FAIL binary: tenet imports %s" % ", ".join(bad))
        else:
            print("ok binary: tenet imports none of %d forbidden functions (%d imports checked)" %
                  (len(FORBIDDEN_SYMBOLS), len(names)))
    print("%d passed, %d failed" % (2 - failed if failed <= 2 else 0, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

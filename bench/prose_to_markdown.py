#!/usr/bin/env python3
"""Writes the prose of a Tenet project's policies as Markdown, one file per policy.

    bench/prose_to_markdown.py OUT_MD_DIR PATH... [--concat FILE]

For every policy in the .tenet files under PATH (files or folders), writes
OUT_MD_DIR/POLICY_ID.md: the policy's title as a level-1 heading, each
section as a level-2 heading followed by its text, then a "Controls" heading
and each control's title as a level-3 heading followed by its statement. It
is the document a Markdown-based policy repository would keep for the same
policy, and what bench/run.py gives markdownlint-cli2 and pandoc.

Prose blocks are dedented as Tenet dedents them (docs/language.md, "Prose
blocks"); `{cadence}`, `{review}`, `{owner}`, `{version}`, `{effective}` and
`{classification}` are replaced by the values the
file declares, when it declares them; other braces are left as written. The
text is found with regular expressions over the prose blocks and strings, not
with Tenet's parser: it is a benchmark input, not a converter.

--concat FILE also writes every document into FILE, one after the other (the
input of one pandoc process).
"""

import argparse
import os
import re
import sys

STRING = r'"(?:[^"\\\n]|\\.)*"'
TEXT = r'(?:"""(?P<{0}p>.*?)"""|(?P<{0}s>' + STRING + r'))'
TOKEN = re.compile(
    r'"""(?P<stray>.*?)"""'  # a prose block in another place (a project's scope)
    r'|(?P<comment>//[^\n]*)'
    r'|\bpolicy\s+(?P<pid>[A-Za-z_][\w-]*)\s*(?P<ptitle>' + STRING + r')?'
    r'|\bsection\s+(?P<heading>' + STRING + r')\s*' + TEXT.format("sec") +
    r'|\bcontrol\s+(?P<cid>[A-Za-z_][\w-]*)\s*(?P<ctitle>' + STRING + r')?'
    r'|\bstatement\s+' + TEXT.format("st") +
    r'|\b(?P<prop>cadence|review|owner|version|effective|classification)\s*=\s*'
    r'(?P<value>every\s+\d+\s+\w+|' + STRING + r'|\d{4}-\d\d-\d\d|[A-Za-z_][\w-]*)'
    r'|' + STRING,  # any other string (an else message), so that the words in it are not read
    re.S)


def unquote(s):
    s = s[1:-1]
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def dedent(text):
    lines = text.split("\n")
    if lines and not lines[0].strip():
        lines = lines[1:]
    if lines and not lines[-1].strip():
        lines = lines[:-1]
    indents = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(x[cut:] if x.strip() else "" for x in lines)


def text_of(m, name):
    if m.group(name + "p") is not None:
        return dedent(m.group(name + "p"))
    return unquote(m.group(name + "s"))


def policies_in(source):
    """Yields (id, title, [(heading, text)], [(title, statement)]) for each policy in a file's text."""
    current = None
    policy_props, control_props = {}, {}
    for m in TOKEN.finditer(source):
        if m.group("pid"):
            if current:
                yield current
            title = unquote(m.group("ptitle")) if m.group("ptitle") else m.group("pid")
            current = (m.group("pid"), title, [], [])
            policy_props, control_props = {}, {}
        elif current is None:
            continue
        elif m.group("heading"):
            current[2].append((unquote(m.group("heading")), (text_of(m, "sec"), policy_props)))
        elif m.group("cid"):
            control_props = dict(policy_props)
            title = unquote(m.group("ctitle")) if m.group("ctitle") else m.group("cid")
            current[3].append([title, None, control_props])
        elif m.group("stp") is not None or m.group("sts") is not None:
            if current[3]:
                current[3][-1][1] = text_of(m, "st")
        elif m.group("prop"):
            value = m.group("value")
            (control_props if current[3] else policy_props)[m.group("prop")] = \
                unquote(value) if value.startswith('"') else value
    if current:
        yield current


def interpolate(text, props):
    def sub(m):
        v = props.get(m.group(1))
        return v if v is not None else m.group(0)
    return re.sub(r'\{\s*(cadence|review|owner|version|effective|classification)\s*\}', sub, text)


def markdown_of(policy):
    pid, title, sections, controls = policy
    out = [f"# {title}", ""]
    for heading, (text, props) in sections:
        out += [f"## {heading}", "", interpolate(text, props).strip("\n"), ""]
    if controls:
        out += ["## Controls", ""]
        for ctitle, statement, props in controls:
            out += [f"### {ctitle}", ""]
            if statement:
                out += [interpolate(statement, props).strip("\n"), ""]
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def tenet_files(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
            for f in sorted(files):
                if f.endswith(".tenet"):
                    yield os.path.join(root, f)


def convert(paths, out_dir, concat=None):
    """Writes one .md file per policy; returns how many."""
    os.makedirs(out_dir, exist_ok=True)
    n = 0
    whole = open(concat, "w", encoding="utf-8", newline="\n") if concat else None
    try:
        for path in tenet_files(paths):
            with open(path, encoding="utf-8") as f:
                source = f.read()
            for policy in policies_in(source):
                md = markdown_of(policy)
                with open(os.path.join(out_dir, policy[0].replace("_", "-") + ".md"), "w", encoding="utf-8",
                          newline="\n") as f:
                    f.write(md)
                if whole:
                    whole.write(md + "\n")
                n += 1
    finally:
        if whole:
            whole.close()
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", help="folder to write the Markdown files into (created if missing)")
    ap.add_argument("paths", nargs="+", help=".tenet files or folders")
    ap.add_argument("--concat", metavar="FILE", help="also write all documents, one after the other, into FILE")
    args = ap.parse_args()
    n = convert(args.paths, args.out_dir, args.concat)
    print(f"{args.out_dir}: {n} Markdown files", file=sys.stderr)
    if n == 0:
        sys.exit("prose_to_markdown.py: no policy found")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generates DiagCodes.h from diagnostics.txt, the one table of diagnostics."""
import re
import sys


def main() -> int:
    src, out = sys.argv[1], sys.argv[2]
    rows = []
    seen = set()
    with open(src, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.match(r"^(error|warning|note)\s+([a-z][a-z0-9-]*)\s+(.+)$", line)
            if not m:
                print(f"{src}:{lineno}: malformed diagnostic line", file=sys.stderr)
                return 1
            sev, code, msg = m.groups()
            if code in seen:
                print(f"{src}:{lineno}: duplicate code '{code}'", file=sys.stderr)
                return 1
            seen.add(code)
            rows.append((sev, code, msg))

    def ident(code: str) -> str:
        return "".join(p.capitalize() for p in code.split("-"))

    def cstr(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        "// Generated from compiler/src/diag/diagnostics.txt by gen_diagnostics.py. Do not edit.",
        "#pragma once",
        "#include <array>",
        "#include <cstdint>",
        "#include <string_view>",
        "",
        "namespace tenet {",
        "",
        "enum class Severity : std::uint8_t { Note, Warning, Error };",
        "",
        "enum class DiagCode : std::uint16_t {",
    ]
    lines += [f"  {ident(c)}," for _, c, _ in rows]
    lines += [
        "};",
        "",
        "struct DiagInfo {",
        "  DiagCode code;",
        "  std::string_view name;",
        "  Severity severity;",
        "  std::string_view message;",
        "};",
        "",
        f"inline constexpr std::array<DiagInfo, {len(rows)}> kDiagTable = {{{{",
    ]
    sevname = {"error": "Error", "warning": "Warning", "note": "Note"}
    for sev, code, msg in rows:
        lines.append(f"  DiagInfo{{DiagCode::{ident(code)}, {cstr(code)}, Severity::{sevname[sev]}, {cstr(msg)}}},")
    lines += [
        "}};",
        "",
        "inline constexpr const DiagInfo& diagInfo(DiagCode c) { return kDiagTable[static_cast<std::size_t>(c)]; }",
        "",
        "}  // namespace tenet",
        "",
    ]
    text = "\n".join(lines)
    try:
        with open(out, encoding="utf-8") as f:
            if f.read() == text:
                return 0
    except OSError:
        pass
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Validates a SARIF file against the official SARIF 2.1.0 schema (draft-04),
plus what GitHub code scanning needs beyond the schema: every result has a
rule id that the driver declares and a location in a file.

Usage: validate_sarif.py [--min-results N] FILE.sarif [SCHEMA.json]

The schema defaults to sarif-schema-2.1.0.json next to this script. With
--min-results, a file with fewer results is rejected too (a test that expects
findings should not pass on an empty run). Prints each problem and exits 1
when the file is invalid, 0 when it is valid.
Needs the `jsonschema` module (Debian: python3-jsonschema).
"""

import json
import os
import re
import sys

try:
    import jsonschema
except ImportError:
    print("validate_sarif.py: the Python module 'jsonschema' is missing (apt install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))

# RFC 3986 characters of a URI reference; anything else must be percent-encoded.
URI_REFERENCE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def where(path):
    return "/".join(str(p) for p in path) or "(top)"


def extra_checks(log):
    """Checks GitHub relies on that the schema leaves optional."""
    problems = []
    for r, run in enumerate(log.get("runs", [])):
        rules = run.get("tool", {}).get("driver", {}).get("rules", [])
        ids = [rule.get("id") for rule in rules]
        if len(ids) != len(set(ids)):
            problems.append(f"runs/{r}/tool/driver/rules: rule ids are not unique")
        for k, result in enumerate(run.get("results", [])):
            at = f"runs/{r}/results/{k}"
            rule_id = result.get("ruleId")
            if not rule_id:
                problems.append(f"{at}: the result has no ruleId")
            elif rule_id not in ids:
                problems.append(f"{at}: ruleId '{rule_id}' is not among tool.driver.rules")
            index = result.get("ruleIndex")
            if index is not None and (index >= len(ids) or ids[index] != rule_id):
                problems.append(f"{at}: ruleIndex {index} does not point at rule '{rule_id}'")
            if not result.get("message", {}).get("text"):
                problems.append(f"{at}: the result has no message.text")
            locations = result.get("locations") or []
            if not locations:
                problems.append(f"{at}: the result has no locations")
            for n, loc in enumerate(locations):
                physical = loc.get("physicalLocation", {})
                uri = physical.get("artifactLocation", {}).get("uri")
                if not uri:
                    problems.append(f"{at}/locations/{n}: no physicalLocation.artifactLocation.uri")
                elif "\\" in uri or not URI_REFERENCE.match(uri):
                    problems.append(f"{at}/locations/{n}: '{uri}' is not a URI reference with forward slashes")
                if "startLine" not in physical.get("region", {}):
                    problems.append(f"{at}/locations/{n}: no region.startLine")
    return problems


def main(argv):
    min_results = 0
    if len(argv) > 2 and argv[1] == "--min-results":
        try:
            min_results = int(argv[2])
        except ValueError:
            print("validate_sarif.py: --min-results takes a number", file=sys.stderr)
            return 2
        argv = argv[:1] + argv[3:]
    if len(argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema_path = argv[2] if len(argv) == 3 else os.path.join(HERE, "sarif-schema-2.1.0.json")
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        with open(argv[1], encoding="utf-8") as f:
            log = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{argv[1]}: not a JSON file: {e}")
        return 1

    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    problems = [f"{where(e.absolute_path)}: {e.message}"
                for e in sorted(validator.iter_errors(log), key=lambda e: list(map(str, e.absolute_path)))]
    problems += extra_checks(log)
    if not problems:
        count = sum(len(run.get("results", [])) for run in log.get("runs", []))
        if count < min_results:
            problems.append(f"{count} results, but at least {min_results} were expected")
    for p in problems:
        print(f"{argv[1]}: {p}")
    if problems:
        print(f"{argv[1]}: invalid SARIF ({len(problems)} problem{'s' if len(problems) != 1 else ''})")
        return 1
    results = sum(len(run.get("results", [])) for run in log.get("runs", []))
    print(f"{argv[1]}: valid SARIF 2.1.0, {results} result{'s' if results != 1 else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env bash
# Benchmarks `tenet drift` on a generated project whose facts file holds N
# Okta users (see generate.py), and prints the result as a Markdown table row.
#
#   bench/facts/run.sh [N]          N defaults to 1000000 (a file of about 150 MB)
#
# Environment:
#   TENET      the tenet binary (default: build/tenet of this repository)
#   RUNS       timed runs of each command (default: 5, at least 3)
#   BENCH_DIR  where generated projects are kept (default: /tmp/tenet-bench-facts);
#              a project is reused while N and generate.py are unchanged
#
# Each command runs once untimed first (so the file is in the page cache),
# then RUNS times. Wall time is the median of the timed runs, with hyperfine
# when it is installed and otherwise with a loop; peak memory is the largest
# "Maximum resident set size" that `/usr/bin/time -v` reports. When jq is
# installed, `jq length FILE` is measured the same way, for comparison.
#
# Details go to stderr; the table header goes to stderr too, so stdout holds
# only the row and rows of several runs can be collected with `>>`.
# Exit status: 0 when the benchmark ran, whatever the drift outcome; 1 otherwise.
set -euo pipefail
export LC_ALL=C  # a decimal point, not a comma, in $EPOCHREALTIME, sort and awk

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
n="${1:-1000000}"
runs="${RUNS:-5}"
tenet="${TENET:-$repo/build/tenet}"
base="${BENCH_DIR:-/tmp/tenet-bench-facts}"
as_of="2026-11-22"

die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "$*" >&2; }

[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive whole number, not '$n'"
[[ "$runs" =~ ^[1-9][0-9]*$ && "$runs" -ge 3 ]] || die "RUNS must be a whole number of at least 3, not '$runs'"
[[ -x "$tenet" ]] || die "no tenet binary at $tenet; build it with: make -C $repo build"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing; install it with: sudo apt-get install time"
command -v python3 >/dev/null || die "python3 is missing; install it with: sudo apt-get install python3"

# ---- the project ------------------------------------------------------------

dir="$base/users-$n"
stamp="$(sha256sum <"$here/generate.py" | cut -c1-16) $n"
if [[ -f "$dir/.stamp" && "$(cat "$dir/.stamp")" == "$stamp" && -f "$dir/project.tenet" && -f "$dir/facts/okta.json" ]]; then
  say "Reusing $dir"
else
  say "Generating $n users into $dir ..."
  rm -rf "$dir"
  mkdir -p "$dir"
  python3 "$here/generate.py" "$dir" --users "$n"
  echo "$stamp" >"$dir/.stamp"
fi
facts="$dir/facts/okta.json"
file_bytes=$(stat -c %s "$facts")

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# ---- helpers ----------------------------------------------------------------

# median FILE: the median of the numbers in FILE, one a line.
median() {
  sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure NAME OK_CODES CMD...: runs CMD once untimed, then RUNS times; sets
# WALL (median seconds) and RSS_KB (largest peak resident set, in KiB).
# A run whose exit status is not in OK_CODES (such as "0 1") stops the script.
measure() {
  local name="$1" ok="$2"
  shift 2
  local times="$scratch/$name.times" rss="$scratch/$name.rss" status=0 i
  : >"$times"
  : >"$rss"
  "$@" >/dev/null 2>"$scratch/$name.stderr" || status=$?
  if [[ " $ok " != *" $status "* ]]; then
    cat "$scratch/$name.stderr" >&2
    die "'$*' exited with status $status"
  fi
  if command -v hyperfine >/dev/null; then
    local cmd
    cmd="$(printf '%q ' "$@")"
    hyperfine --style basic --runs "$runs" --ignore-failure --export-json "$scratch/$name.json" "$cmd" >&2
    python3 -c 'import json, sys
for t in json.load(open(sys.argv[1]))["results"][0]["times"]: print(t)' "$scratch/$name.json" >"$times"
    # hyperfine does not report memory: one more run under /usr/bin/time.
    /usr/bin/time -v -o "$scratch/$name.time" "$@" >/dev/null 2>&1 || true
    awk -F': ' '/Maximum resident set size/ { print $2 }' "$scratch/$name.time" >>"$rss"
  else
    for ((i = 1; i <= runs; i++)); do
      local start=$EPOCHREALTIME end
      /usr/bin/time -v -o "$scratch/$name.time" "$@" >/dev/null 2>&1 || true
      end=$EPOCHREALTIME
      awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f\n", b - a }' >>"$times"
      awk -F': ' '/Maximum resident set size/ { print $2 }' "$scratch/$name.time" >>"$rss"
      say "  $name run $i: $(tail -n1 "$times") s, peak RSS $(tail -n1 "$rss") KiB"
    done
  fi
  WALL="$(median "$times")"
  RSS_KB="$(sort -g "$rss" | tail -n1)"
}

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
secs() { awk -v s="$1" 'BEGIN { printf (s < 1 ? "%.3f s" : s < 10 ? "%.2f s" : "%.1f s"), s }'; }

# ---- tenet drift --------------------------------------------------------------

say "$("$tenet" --version 2>/dev/null || echo tenet) at $tenet"
say "Facts file: $facts, $file_bytes bytes; $runs timed runs of each command"

# The outcome, to be sure the benchmark measures a real evaluation. With the
# generated facts, access_control.mfa fails and the three other controls pass;
# a control that is unknown means the facts were not evaluated as intended.
status=0
"$tenet" drift "$dir" --as-of "$as_of" --format json >"$scratch/drift.json" 2>"$scratch/drift.stderr" || status=$?
if [[ $status -ne 0 && $status -ne 1 ]]; then
  cat "$scratch/drift.stderr" >&2
  die "tenet drift exited with status $status"
fi
python3 - "$scratch/drift.json" >&2 <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
s = report["summary"]
print(f"Drift: {s['controls']} controls: {s['pass']} pass, {s['fail']} fail, {s['unknown']} unknown")
for p in report["policies"]:
    for c in p["controls"]:
        failing = sum(e["failureCount"] for e in c["expectations"])
        print(f"  {c['outcome']:8} {c['id']}" + (f" ({failing} failing elements)" if failing else ""))
if s["unknown"]:
    sys.exit("run.sh: some controls are unknown: the facts were not evaluated as intended")
EOF

say "Timing: tenet drift $dir --as-of $as_of --format json"
measure tenet "0 1" "$tenet" drift "$dir" --as-of "$as_of" --format json
tenet_wall="$WALL"
tenet_rss=$((RSS_KB * 1024))

row_jq=" n/a | n/a | n/a |"
if command -v jq >/dev/null; then
  say "Timing: jq length $facts"
  measure jq "0" jq length "$facts"
  jq_wall="$WALL"
  jq_rss=$((RSS_KB * 1024))
  ratio="$(awk -v a="$tenet_wall" -v b="$jq_wall" 'BEGIN { printf "%.2f", a / b }')"
  row_jq=" $(secs "$jq_wall") | $(mb "$jq_rss") | $ratio |"
  say "jq length: median $(secs "$jq_wall"), peak RSS $(mb "$jq_rss")"
  say "tenet drift takes $ratio times the time of jq length"
else
  say "jq is not installed, so there is no comparison (sudo apt-get install jq)"
fi

multiple="$(awk -v r="$tenet_rss" -v f="$file_bytes" 'BEGIN { printf "%.1f", r / f }')"
say "tenet drift: median $(secs "$tenet_wall") of $runs runs, peak RSS $(mb "$tenet_rss") ($multiple x the facts file)"
say ""
say "| Users | Facts file | tenet drift, median | Peak RSS | Peak RSS / file | jq length, median | jq peak RSS | drift / jq time |"
say "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '| %s | %s | %s | %s | %s× |%s\n' \
  "$(echo "$n" | rev | sed 's/[0-9]\{3\}/&,/g; s/,$//' | rev)" "$(mb "$file_bytes")" "$(secs "$tenet_wall")" "$(mb "$tenet_rss")" \
  "$multiple" "$row_jq"

#!/bin/sh
# Tests the VS Code extension: the grammar, the language configuration, the
# TypeScript, and the .vsix package. Run by the Tenet test suite (CTest).
#
#   ./test.sh [BUILD_DIR]
#
# BUILD_DIR receives the .vsix (default: a temporary folder, removed at the
# end); nothing is written into the source tree but node_modules/ and out/,
# which are ignored by git. Needs Node.js 20 and npm; the registry is only
# contacted when node_modules/ is missing or older than package-lock.json.
# Exits non-zero at the first failure.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

if [ $# -ge 1 ] && [ -n "$1" ]; then
  out=$1
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

step() {
  printf '\n== %s\n' "$*"
}

# npm warns about user settings it does not know (such as "nodedir"); that
# noise is not the extension's.
export npm_config_update_notifier=false

step "dependencies"
if [ ! -f node_modules/.package-lock.json ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ] ||
   [ package.json -nt node_modules/.package-lock.json ]; then
  start=$(date +%s)
  npm ci --no-audit --no-fund --prefer-offline --ignore-scripts
  echo "npm ci took $(( $(date +%s) - start ))s"
else
  echo "node_modules is up to date with package-lock.json"
fi
bin=$here/node_modules/.bin

step "JSON files parse"
for file in package.json language-configuration.json syntaxes/tenet.tmLanguage.json; do
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$file"
  echo "$file: valid JSON"
done

step "grammar is generated from scripts/build-grammar.js"
node scripts/build-grammar.js --check

step "grammar tests (vscode-tmgrammar-test)"
"$bin/vscode-tmgrammar-test" -g syntaxes/tenet.tmLanguage.json 'tests/grammar/*.tenet'

step "grammar and folding markers on the Acme example and the stdlib"
node scripts/check-files.js

step "type-check and compile (tsc, strict)"
"$bin/tsc" -p .
test -f out/extension.js

step "package the .vsix into $out"
vsix=$out/tenet-0.1.0.vsix
rm -f "$vsix"
"$bin/vsce" package --skip-license --allow-missing-repository --no-rewrite-relative-links \
  --out "$vsix"

step "check the .vsix contents"
listing=$out/vsix-contents.txt
python3 -c '
import sys, zipfile
for name in zipfile.ZipFile(sys.argv[1]).namelist():
    print(name)
' "$vsix" > "$listing"
status=0
for expected in \
  extension.vsixmanifest \
  extension/package.json \
  extension/out/extension.js \
  extension/syntaxes/tenet.tmLanguage.json \
  extension/language-configuration.json \
  extension/readme.md \
  extension/changelog.md \
  extension/images/highlighting.png \
  extension/node_modules/vscode-languageclient/package.json \
  extension/node_modules/vscode-languageclient/node.js \
  extension/node_modules/vscode-languageclient/lib/node/main.js \
  extension/node_modules/vscode-jsonrpc/package.json \
  extension/node_modules/vscode-languageserver-protocol/package.json; do
  if grep -qx "$expected" "$listing"; then
    echo "has $expected"
  else
    echo "MISSING from the .vsix: $expected" >&2
    status=1
  fi
done
for unexpected in \
  'extension/src/' \
  'extension/tests/' \
  'extension/scripts/' \
  'extension/test.sh' \
  'extension/tsconfig.json' \
  'extension/node_modules/typescript/' \
  'extension/node_modules/@vscode/' \
  'extension/node_modules/vscode-tmgrammar-test/' \
  'extension/node_modules/@types/'; do
  if grep -q "^$unexpected" "$listing"; then
    echo "UNEXPECTED in the .vsix: $unexpected" >&2
    status=1
  fi
done
if [ $status -ne 0 ]; then
  exit $status
fi
echo "$(wc -l < "$listing") files in $vsix"
step "all extension tests passed"

#!/bin/sh
# Regenerates images/highlighting.png, the screenshot in the README: an
# excerpt of the Acme example's access control policy, highlighted with the
# grammar in syntaxes/ in the colours of VS Code's Dark+ theme (see
# scripts/highlight.js), rendered by headless Chromium.
#
#   npm run screenshot        (needs chromium, or CHROMIUM=/path/to/chrome)
set -eu
cd "$(dirname "$0")/.."
chromium=${CHROMIUM:-chromium}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node scripts/highlight.js ../examples/acme/policies/access-control.tenet "$tmp/highlighting.html" \
  --title access-control.tenet --lines 1-10,47-64,117-129
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=1100,800 --screenshot="$tmp/highlighting.png" "file://$tmp/highlighting.html" 2>/dev/null
mv "$tmp/highlighting.png" images/highlighting.png
echo "wrote images/highlighting.png"

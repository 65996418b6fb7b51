#!/usr/bin/env bash
# Refreshes the vendored front-end assets from the npm registry (pinned versions).
set -euo pipefail
HTMX=2.0.11; UTRECHT=9.0.4; AXE=4.14.1
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "htmx.org@$HTMX" "@utrecht/component-library-css@$UTRECHT" "axe-core@$AXE" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
cp htmx.org-$HTMX/package/dist/htmx.min.js "$root/portal/static/vendor/htmx/htmx.min.js"
cp utrecht-component-library-css-$UTRECHT/package/dist/index.css "$root/portal/static/vendor/utrecht/component-library.css"
cp axe-core-$AXE/package/axe.min.js "$root/a11y/vendor/axe.min.js"
echo "vendored htmx $HTMX, @utrecht/component-library-css $UTRECHT, axe-core $AXE"

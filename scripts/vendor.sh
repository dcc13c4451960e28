#!/usr/bin/env bash
# Refreshes the vendored front-end files from the npm registry (never a CDN at run time).
# Versions are pinned here; change them, run `make vendor`, review and commit the result.
set -euo pipefail
HTMX_VERSION=2.0.11
DS_CSS_VERSION=8.16.2
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/iwemployer/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "htmx.org@$HTMX_VERSION" "@navikt/ds-css@$DS_CSS_VERSION"
mkdir -p "$out"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx.min.js"
# The design system's @font-face rules load fonts from NAV's CDN, which our CSP forbids;
# drop them and fall back to the system sans-serif. The whole file is kept outside static/ so
# `make purge-css` can re-purge offline (CI has no network) when templates use another class.
python3 - node_modules/@navikt/ds-css/dist/index.min.css "$here/vendor/nav-ds.full.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r"@font-face\s*\{[^}]*\}", "", css)
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
python3 "$here/scripts/purge_css.py" "$here/vendor/nav-ds.full.min.css" "$out/nav-ds.min.css"
cp node_modules/@navikt/ds-css/LICENSE "$out/nav-ds.LICENSE" 2>/dev/null || \
  printf 'MIT licence: @navikt/ds-css %s\n' "$DS_CSS_VERSION" > "$out/nav-ds.LICENSE"
cp node_modules/htmx.org/LICENSE "$out/htmx.LICENSE"
printf 'htmx.org %s\n@navikt/ds-css %s\n' "$HTMX_VERSION" "$DS_CSS_VERSION" > "$out/VERSIONS"
echo "vendored into $out"

#!/usr/bin/env bash
# Records freqtrade/requirements-<version>.txt: the exact version and sha256 of every file pip downloads for FreqTrade
# and its dependencies on the image's Python (3.11, x86-64). Run it deliberately when moving to another FreqTrade version
# or dependency set, rebuild the image (scripts/freqtrade-image.sh) and run the tests before committing the file.
# Usage: bash scripts/freqtrade-lock.sh [version]   (default: DEFAULT_FREQTRADE_VERSION in domain/freqtrade-config.ts)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${1:-$(sed -n "s/^export const DEFAULT_FREQTRADE_VERSION = '\(.*\)';/\1/p" "$ROOT/domain/freqtrade-config.ts")}"
[[ -n "$VERSION" ]] || { echo "freqtrade-lock: no version given or found" >&2; exit 1; }
[[ "$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" == 3.11 ]] ||
  { echo "freqtrade-lock: needs the image's Python, 3.11 (Debian bookworm's python3)" >&2; exit 1; }
OUT="$ROOT/freqtrade/requirements-$VERSION.txt"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "[freqtrade-lock] pip download freqtrade==$VERSION and its dependencies (newest that resolve today)"
python3 -m pip download --disable-pip-version-check -q -d "$tmp" "freqtrade==$VERSION" >"$tmp/pip.log" 2>&1 ||
  { cat "$tmp/pip.log" >&2; exit 1; }
{
  echo "# FreqTrade $VERSION and every dependency, pinned with the sha256 of the file used (Python 3.11, x86-64)."
  echo "# Made by scripts/freqtrade-lock.sh on $(date -u +%F); scripts/freqtrade-image.sh downloads exactly these."
  for f in "$tmp"/*.whl "$tmp"/*.tar.gz; do
    [[ -e "$f" ]] || continue
    base="$(basename "$f")"
    if [[ "$base" == *.whl ]]; then name="${base%%-*}"; rest="${base#*-}"; version="${rest%%-*}";
    else stem="${base%.tar.gz}"; name="${stem%-*}"; version="${stem##*-}"; fi
    # PEP 503 normalised name, so pip matches it whatever the file's spelling.
    name="$(tr '[:upper:]_.' '[:lower:]--' <<<"$name")"
    echo "$name==$version --hash=sha256:$(sha256sum "$f" | cut -d' ' -f1)"
  done | sort
} >"$OUT"
echo "[freqtrade-lock] wrote ${OUT#"$ROOT"/} ($(grep -c -- '--hash' "$OUT") files)"

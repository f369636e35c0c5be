#!/usr/bin/env bash
# Builds FerretDB (the MongoDB-wire server the migration tests read from) into .tools/ferretdb from the Go module proxy.
# Idempotent: a binary of the pinned version returns at once. `go install` makes a binary that panics at start (its
# embedded version file is empty), so the module is copied out, the version written in, and the binary built from that.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
FERRETDB_VERSION=v1.24.2
BIN=.tools/ferretdb
STAMP=.tools/ferretdb.version

if [[ -x $BIN && -f $STAMP && "$(cat "$STAMP")" == "$FERRETDB_VERSION" ]]; then
  echo "ferretdb $FERRETDB_VERSION present ($BIN)"
  exit 0
fi

source scripts/go-toolchain.sh
use_go ferretdb
command -v jq >/dev/null 2>&1 || { [[ "$(id -u)" == 0 ]] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null 2>&1; } || true

echo "downloading FerretDB $FERRETDB_VERSION from the Go module proxy"
json=$("$GO" mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION")
if command -v jq >/dev/null 2>&1; then dir=$(jq -r .Dir <<<"$json")
else dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json"); fi
[[ -d $dir ]] || { echo "ferretdb: the module download gave no source folder" >&2; exit 1; }

src=$(mktemp -d .tools/ferretdb-src.XXXXXX)
trap 'rm -rf "$src"' EXIT
cp -r "$dir"/. "$src"/
chmod -R u+w "$src"
echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
echo "building ferretdb (go build ./cmd/ferretdb)"
(cd "$src" && CGO_ENABLED=0 "$GO" build -o "$PWD/../ferretdb.part" ./cmd/ferretdb)
mv .tools/ferretdb.part "$BIN"
echo "$FERRETDB_VERSION" >"$STAMP"
echo "ferretdb $FERRETDB_VERSION built ($BIN)"

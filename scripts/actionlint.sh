#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter `npm test` runs on .github/workflows) into .tools/actionlint from
# the Go module proxy. Idempotent: a binary of the pinned version returns at once (~10 ms).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ACTIONLINT_VERSION=v1.7.12
BIN=.tools/actionlint
STAMP=.tools/actionlint.version

if [[ -x $BIN && -f $STAMP && "$(cat "$STAMP")" == "$ACTIONLINT_VERSION" ]]; then
  echo "actionlint $ACTIONLINT_VERSION present ($BIN)"
  exit 0
fi

GO=""
if command -v go >/dev/null 2>&1; then GO=$(command -v go)
elif [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go
elif [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Go (apt-get install golang-go; log: .data/apt.log)"
  mkdir -p .data
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >>.data/apt.log 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq golang-go >>.data/apt.log 2>&1
  GO=$(command -v go)
fi
[[ -n $GO ]] || { echo "actionlint: no Go toolchain; install Go 1.22+ (apt-get install golang-go) and rerun" >&2; exit 1; }

# The same private module and build caches as FerretDB's build, so nothing lands in a home folder.
mkdir -p .tools
export GOMODCACHE="$PWD/.tools/go/mod" GOCACHE="$PWD/.tools/go/cache" GOFLAGS=-modcacherw GOTOOLCHAIN=auto
gobin=$(mktemp -d .tools/actionlint-bin.XXXXXX)
trap 'rm -rf "$gobin"' EXIT
echo "building actionlint $ACTIONLINT_VERSION (go install github.com/rhysd/actionlint/cmd/actionlint)"
GOBIN="$PWD/$gobin" CGO_ENABLED=0 "$GO" install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
mv "$gobin/actionlint" "$BIN"
echo "$ACTIONLINT_VERSION" >"$STAMP"
echo "actionlint $ACTIONLINT_VERSION built ($BIN)"

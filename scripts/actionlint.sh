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

source scripts/go-toolchain.sh
use_go actionlint

gobin=$(mktemp -d .tools/actionlint-bin.XXXXXX)
trap 'rm -rf "$gobin"' EXIT
echo "building actionlint $ACTIONLINT_VERSION (go install github.com/rhysd/actionlint/cmd/actionlint)"
GOBIN="$PWD/$gobin" CGO_ENABLED=0 "$GO" install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
mv "$gobin/actionlint" "$BIN"
echo "$ACTIONLINT_VERSION" >"$STAMP"
echo "actionlint $ACTIONLINT_VERSION built ($BIN)"

#!/usr/bin/env bash
# Runs on the compose host, in the folder holding docker-compose.yml (the deploy workflow copies both there):
#   bash deploy.sh <version>     pull that release's images, run migrations, restart, wait until healthy
#   bash deploy.sh --rollback    the same with the version deployed before the current one (no down-migrations:
#                                each release's schema works with the previous release's code, docs/releases.md)
# Reads TRADEFLEET_IMAGE_PREFIX (e.g. ghcr.io/acme/tradefleet-) and the stack's secrets from .env beside it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CURRENT_FILE=.tradefleet-version
PREVIOUS_FILE=.tradefleet-previous
t0=$(date +%s)
die() { echo "deploy: $*" >&2; exit 1; }

[[ $# == 1 ]] || die "usage: bash deploy.sh <version> | --rollback"
current=$(cat "$CURRENT_FILE" 2>/dev/null || true)
if [[ $1 == --rollback ]]; then
  version=$(cat "$PREVIOUS_FILE" 2>/dev/null || true)
  [[ -n $version ]] || die "no previous version recorded in $PREVIOUS_FILE: nothing to roll back to"
  echo "deploy: rolling back from ${current:-?} to $version"
else
  version=${1#v}
  [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-.][0-9A-Za-z.-]+)?$ ]] || die "version must look like 1.2.3 (got \"$1\")"
fi
[[ -n ${TRADEFLEET_IMAGE_PREFIX:-} ]] || grep -q '^TRADEFLEET_IMAGE_PREFIX=' .env 2>/dev/null ||
  die "set TRADEFLEET_IMAGE_PREFIX (e.g. ghcr.io/<owner>/tradefleet-) in the environment or .env"
export TRADEFLEET_VERSION=$version

# Pull first, so a missing tag fails before anything stops; the FreqTrade image is built from the public one if absent.
docker compose pull --quiet --ignore-buildable
# `up --wait` recreates what changed, runs the migrate and temporal-setup one-shots, and returns once every service
# with a healthcheck is healthy (or fails after the timeout, leaving the old containers' logs to read).
docker compose up -d --remove-orphans --wait --wait-timeout 300
curl -fsS --max-time 10 http://127.0.0.1:3001/api/health >/dev/null || die "the API does not answer /api/health after the deploy"

if [[ $1 != --rollback && $version != "$current" ]]; then
  [[ -n $current ]] && echo "$current" >"$PREVIOUS_FILE"
elif [[ $1 == --rollback ]]; then
  echo "${current:-}" >"$PREVIOUS_FILE"
fi
echo "$version" >"$CURRENT_FILE"
echo "deploy: tradefleet $version healthy in $(($(date +%s) - t0)) s"

#!/usr/bin/env bash
# Builds tradefleet's Docker images (Debian base, bot host, FreqTrade); idempotent, and a no-op rerun takes about a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_IMAGE="${TF_BASE_IMAGE:-tradefleet/base:bookworm}"
BOT_IMAGE="tradefleet/bot-host"
IMAGES_DIR="$ROOT/.data/images"
# The real Node 24 binary (node_modules/.bin/node is a symlink into the `node` package).
NODE_BIN="$(readlink -f "$ROOT/node_modules/node/bin/node" 2>/dev/null || true)"
START_NS=$(date +%s%N)

step() { printf '[images %6.1fs] %s\n' "$(( ($(date +%s%N) - START_NS) / 1000000 ))e-3" "$*"; }
die() { printf 'images: error: %s\n' "$*" >&2; exit 1; }

[[ -x "$NODE_BIN" ]] || die "Node 24 binary not found at node_modules/node/bin/node; run npm install first"

# The bundle comes first: the process runtime (no Docker) runs dist/bot-host/bot-host.mjs directly.
"$NODE_BIN" "$ROOT/bot/build.ts" >/dev/null || die "bundling the bot host failed (node bot/build.ts)"
bundle="$ROOT/dist/bot-host/bot-host.mjs"
step "bundled bot host ($(( $(stat -c %s "$bundle") / 1024 )) KiB)"

docker info >/dev/null 2>&1 || die "Docker is not reachable (docker info failed): start dockerd or point DOCKER_HOST at a running engine"
step "docker reachable"

# 1. Base image: a minimal Debian root filesystem, imported because no registry is reachable.
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  step "base image $BASE_IMAGE present"
else
  source "$ROOT/scripts/debian-base.sh"
  build_debian_base "$BASE_IMAGE" "$ROOT/docker/base-packages.txt" "$IMAGES_DIR" bookworm-minbase
fi

# 2. Bot host image: built only when the content hash is new.
base_id="$(docker image inspect --format '{{.Id}}' "$BASE_IMAGE")"
hash="$( { sha256sum "$bundle" "$ROOT/bot/Dockerfile" | cut -d' ' -f1; "$NODE_BIN" --version; stat -c %s "$NODE_BIN"; echo "$base_id"; } \
  | sha256sum | cut -c1-12)"
tag="$BOT_IMAGE:$hash"

if docker image inspect "$tag" >/dev/null 2>&1; then
  docker tag "$tag" "$BOT_IMAGE:latest"
  step "$tag up to date (tagged latest)"
else
  ctx="$(mktemp -d)"
  trap 'rm -rf "$ctx"' EXIT
  cp "$NODE_BIN" "$ctx/node"
  cp "$bundle" "$ctx/bot-host.mjs"
  cp "$ROOT/bot/Dockerfile" "$ctx/Dockerfile"
  step "building $tag"
  DOCKER_BUILDKIT=0 docker build --quiet --build-arg "BASE_IMAGE=$BASE_IMAGE" \
    --label "tradefleet.content-hash=$hash" -t "$tag" -t "$BOT_IMAGE:latest" "$ctx" >"$ctx/build.log" 2>&1 \
    || { cat "$ctx/build.log" >&2; die "docker build of $tag failed"; }
  step "built $tag ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%d MB", $1/1000000}'))"
fi

# This checkout's own tag: its tests and `npm start` run it (scripts/services/paths.ts pinnedBotImageEnv), whatever
# another checkout on the same engine tagged `latest` since.
mkdir -p "$ROOT/.data"
echo "$tag" > "$ROOT/.data/bot-host-image"
# Drop content-hash tags older than a day; docker refuses (and we skip) any that a container still uses. A younger one
# may be another checkout's pinned tag.
day_ago=$(( $(date +%s) - 86400 ))
for old in $(docker images --format '{{.Tag}}' "$BOT_IMAGE"); do
  [[ "$old" == "latest" || "$old" == "$hash" ]] && continue
  created="$(docker image inspect --format '{{.Created}}' "$BOT_IMAGE:$old" 2>/dev/null || true)"
  [[ -n "$created" && "$(date -d "$created" +%s 2>/dev/null || echo 0)" -gt "$day_ago" ]] && continue
  docker rmi "$BOT_IMAGE:$old" >/dev/null 2>&1 && step "removed old tag $BOT_IMAGE:$old" || true
done
# 3. FreqTrade image for the `freqtrade` engine (its own script: wheels on the host, no network in the build).
bash "$ROOT/scripts/freqtrade-image.sh" || die "building the FreqTrade image failed (output above)"
step "done"

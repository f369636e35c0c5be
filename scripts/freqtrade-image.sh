#!/usr/bin/env bash
# Builds tradefleet/freqtrade:<version> with no network inside the build: wheels downloaded on the host by pip, a
# Debian base with python3 + venv made by debootstrap. Idempotent: a rerun with the image present takes well under a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The one place the version is named: the platform's default FreqTrade version (domain/freqtrade-config.ts).
VERSION="${FREQTRADE_VERSION:-$(sed -n "s/^export const DEFAULT_FREQTRADE_VERSION = '\(.*\)';/\1/p" "$ROOT/domain/freqtrade-config.ts")}"
PY_BASE="${TF_PYTHON_BASE_IMAGE:-tradefleet/python-base:bookworm}"
IMAGE="tradefleet/freqtrade:$VERSION"
IMAGES_DIR="$ROOT/.data/images"
# Every wheel pinned by version and sha256 (scripts/freqtrade-lock.sh records it; a version move updates it deliberately).
LOCK="$ROOT/freqtrade/requirements-$VERSION.txt"
[[ -f "$LOCK" ]] || { printf 'freqtrade-image: error: %s\n' "no lock file freqtrade/requirements-$VERSION.txt: run bash scripts/freqtrade-lock.sh $VERSION, test, commit it" >&2; exit 1; }
lock_hash="$(sha256sum "$LOCK" | cut -c1-12)"
WHEELS="$IMAGES_DIR/freqtrade-wheels-$VERSION-$lock_hash"
START_NS=$(date +%s%N)

step() { printf '[freqtrade %6.1fs] %s\n' "$(( ($(date +%s%N) - START_NS) / 1000000 ))e-3" "$*"; }
die() { printf 'freqtrade-image: error: %s\n' "$*" >&2; exit 1; }

[[ -n "$VERSION" ]] || die "no FreqTrade version found in domain/freqtrade-config.ts"
docker info >/dev/null 2>&1 || die "Docker is not reachable (docker info failed)"
dockerfile_hash="$(cat "$ROOT/freqtrade/Dockerfile" "$LOCK" | sha256sum | cut -c1-12)"

# Rebuilt only when the version (the tag), the Dockerfile or the lock file changes.
if [[ "$(docker image inspect --format '{{ index .Config.Labels "tradefleet.dockerfile-hash" }}' "$IMAGE" 2>/dev/null)" == "$dockerfile_hash" ]]; then
  step "$IMAGE up to date"
  exit 0
fi

# 1. Base: Debian with Debian's python3 and venv, imported because no registry is reachable.
if docker image inspect "$PY_BASE" >/dev/null 2>&1; then
  step "base image $PY_BASE present"
else
  source "$ROOT/scripts/debian-base.sh"
  build_debian_base "$PY_BASE" "$ROOT/freqtrade/base-packages.txt" "$IMAGES_DIR" bookworm-python python3,python3-venv,ca-certificates
fi

# 2. Wheels, downloaded once per version on the host for the base image's Python.
if [[ -f "$WHEELS/.complete" ]]; then
  step "wheels for freqtrade==$VERSION cached ($(ls "$WHEELS" | wc -l) files)"
else
  image_py="$(docker run --rm --network none "$PY_BASE" python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  host_py="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)"
  [[ "$host_py" == "$image_py" ]] || die "the host's python3 is $host_py but the image's is $image_py: wheels must match; run with a python3 $image_py first on PATH"
  python3 -m pip --version >/dev/null 2>&1 || die "pip is missing (apt-get install -y python3-pip)"
  rm -rf "$WHEELS.part" && mkdir -p "$WHEELS.part"
  step "pip download the $(grep -c -- '--hash' "$LOCK") files pinned in freqtrade/requirements-$VERSION.txt (about 160 MB)"
  python3 -m pip download --disable-pip-version-check -q --no-deps --require-hashes -r "$LOCK" -d "$WHEELS.part" >"$IMAGES_DIR/pip-download.log" 2>&1 \
    || die "pip download of the pinned wheels failed; see .data/images/pip-download.log (a hash mismatch means a file changed upstream)"
  # Packages published only as source (sdnotify) become wheels here, so the build never needs build tools or the index.
  for sdist in "$WHEELS.part"/*.tar.gz; do
    [[ -e "$sdist" ]] || continue
    python3 -m pip wheel --disable-pip-version-check -q --no-deps -w "$WHEELS.part" "$sdist" >>"$IMAGES_DIR/pip-download.log" 2>&1 \
      || die "could not build a wheel of $(basename "$sdist"); see .data/images/pip-download.log"
    rm -f "$sdist"
  done
  touch "$WHEELS.part/.complete"
  rm -rf "$WHEELS" && mv "$WHEELS.part" "$WHEELS"
  step "downloaded $(ls "$WHEELS" | wc -l) wheels ($(du -sm "$WHEELS" | cut -f1) MB)"
fi

# 3. The image: the context holds hard links to the cached wheels, so nothing large is copied on disk.
ctx="$(mktemp -d "$IMAGES_DIR/freqtrade-ctx.XXXXXX")"
trap 'rm -rf "$ctx"' EXIT
cp -al "$WHEELS" "$ctx/wheels" 2>/dev/null || cp -a "$WHEELS" "$ctx/wheels"
cp "$ROOT/freqtrade/Dockerfile" "$ctx/Dockerfile"
step "building $IMAGE (pip install --no-index inside the build, about a minute)"
DOCKER_BUILDKIT=0 docker build --quiet --network none --build-arg "BASE_IMAGE=$PY_BASE" --build-arg "FREQTRADE_VERSION=$VERSION" \
  --label "tradefleet.dockerfile-hash=$dockerfile_hash" -t "$IMAGE" "$ctx" >"$IMAGES_DIR/freqtrade-build.log" 2>&1 \
  || { tail -30 "$IMAGES_DIR/freqtrade-build.log" >&2; die "docker build of $IMAGE failed (log: .data/images/freqtrade-build.log)"; }
step "built $IMAGE ($(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1/1000000}'))"

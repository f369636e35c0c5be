#!/usr/bin/env bash
# Sourced by the image scripts: builds a Debian base image with debootstrap and `docker import` (no registry is reachable),
# and compares its packages (name=version) with the manifest recorded in the repository, so a base that differs from the
# tested one is said out loud. Debian's mirror serves only the current point release (no old versions), so a difference
# is reported, not refused: security updates must still reach new images. After testing the new set, record it with
# TF_RECORD_BASE_MANIFEST=1 (with the image removed).

check_debian_manifest() { # rootfs manifest-file label
  local rootfs=$1 manifest=$2 label=$3 actual
  actual="$(chroot "$rootfs" dpkg-query -W -f '${Package}=${Version}\n' | sort)"
  if [[ ! -f "$manifest" || "${TF_RECORD_BASE_MANIFEST:-}" == 1 ]]; then
    { echo "# Debian packages of $label as tested (scripts/debian-base.sh); one name=version a line."; echo "$actual"; } >"$manifest"
    echo "[manifest] recorded ${manifest##*/} ($(wc -l <<<"$actual") packages)"
  elif ! diff -q <(grep -v '^#' "$manifest") <(echo "$actual") >/dev/null; then
    echo "[manifest] WARNING: $label differs from ${manifest##*/} (the tested set):"
    diff <(grep -v '^#' "$manifest") <(echo "$actual") | grep '^[<>]' | sed 's/^</  tested:/; s/^>/  now:   /' | head -20
    echo "[manifest] run the tests, then record it: TF_RECORD_BASE_MANIFEST=1 with the image removed"
  else
    echo "[manifest] $label matches ${manifest##*/} ($(wc -l <<<"$actual") packages)"
  fi
}

# build_debian_base IMAGE MANIFEST WORKDIR NAME [PACKAGES]: debootstrap bookworm (minbase, plus the comma-separated
# PACKAGES) into WORKDIR/NAME, check it against MANIFEST, import it as IMAGE. Uses the caller's `step` and `die`.
build_debian_base() {
  local image=$1 manifest=$2 workdir=$3 name=$4 packages=${5:-} rootfs log
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install -y debootstrap) and $image is missing"
  mkdir -p "$workdir"
  rootfs="$workdir/$name"
  log="$workdir/debootstrap-$name.log"
  rm -rf "$rootfs"
  step "debootstrap bookworm (minbase${packages:+ + $packages}) into ${workdir##*/}, about 45 s"
  debootstrap --variant=minbase ${packages:+--include=$packages} bookworm "$rootfs" >"$log" 2>&1 \
    || die "debootstrap failed; see $log"
  check_debian_manifest "$rootfs" "$manifest" "$image"
  tar -C "$rootfs" -c . | docker import - "$image" >/dev/null
  rm -rf "$rootfs"
  step "imported $image"
}

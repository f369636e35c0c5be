#!/usr/bin/env bash
# Sourced by the image scripts: compares a debootstrapped root filesystem's packages (name=version) with the manifest
# recorded in the repository, so a base image that differs from the tested one is said out loud. Debian's mirror serves
# only the current point release (no old versions), so a difference is reported, not refused: security updates must
# still reach new images. After testing the new set, record it with TF_RECORD_BASE_MANIFEST=1.
check_debian_manifest() { # rootfs manifest-file label
  local rootfs=$1 manifest=$2 label=$3 actual
  actual="$(chroot "$rootfs" dpkg-query -W -f '${Package}=${Version}\n' | sort)"
  if [[ ! -f "$manifest" || "${TF_RECORD_BASE_MANIFEST:-}" == 1 ]]; then
    { echo "# Debian packages of $label as tested (scripts/debian-manifest.sh); one name=version a line."; echo "$actual"; } >"$manifest"
    echo "[manifest] recorded ${manifest##*/} ($(wc -l <<<"$actual") packages)"
  elif ! diff -q <(grep -v '^#' "$manifest") <(echo "$actual") >/dev/null; then
    echo "[manifest] WARNING: $label differs from ${manifest##*/} (the tested set):"
    diff <(grep -v '^#' "$manifest") <(echo "$actual") | grep '^[<>]' | sed 's/^</  tested:/; s/^>/  now:   /' | head -20
    echo "[manifest] run the tests, then record it: TF_RECORD_BASE_MANIFEST=1 with the image removed"
  else
    echo "[manifest] $label matches ${manifest##*/} ($(wc -l <<<"$actual") packages)"
  fi
}

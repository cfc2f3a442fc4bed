#!/usr/bin/env bash
# Install (Debian, as root) or name (anywhere else) the system packages Qt and Korean
# text need. Idempotent: does nothing when everything is already there.
set -euo pipefail

# Qt widgets (offscreen and X11/xcb) and a font that covers Hangul (FIELD-NOTES).
PACKAGES=(
  libegl1 libgl1 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3 libglib2.0-0
  libx11-6 libxcb1 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
  libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0
  fonts-nanum
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: not a Debian-style system; make sure these (or your system's equivalents) are installed:"
  echo "  ${PACKAGES[*]}"
  exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "setup: missing system packages; install them with:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "setup: installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

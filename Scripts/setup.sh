#!/usr/bin/env bash
# Installs what ldm-console and its tests need from Debian's packages, and only what is missing:
# a second run changes nothing and asks for nothing. Root installs directly (containers and CI
# images have no sudo); anyone else through sudo.
#
#   Scripts/setup.sh && swift run -c release ldm-console      (the README's first command)
set -euo pipefail

packages=(
  libncurses-dev # the console's terminal library (ncursesw)
  liblz4-dev     # --compress lz4
  libzstd-dev    # --compress zstd
  tmux           # the end-to-end tests drive the real binary in tmux
  iproute2       # the network tests' namespaces and veth links (ip)
  iperf3         # the network tests measure their shaped links
  lz4            # `bench` compares its ratios with those of Debian's lz4 and zstd tools
  zstd
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Scripts/setup.sh: apt-get not found (this script installs Debian's packages): install ${missing[*]} with your system's package manager" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "Scripts/setup.sh: installing ${missing[*]} needs root, and there is no sudo: run this script as root" >&2
    exit 1
  fi
  echo "Scripts/setup.sh: installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "Scripts/setup.sh: swift not found: ldm-console needs Swift 6 (swift.org/install) on the PATH" >&2
  exit 1
fi

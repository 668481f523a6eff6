#!/usr/bin/env bash
# Installs the Debian packages clustersim needs; does nothing when all are present.
set -euo pipefail
packages=(build-essential cmake libboost-graph-dev nlohmann-json3-dev libeigen3-dev libfmt-dev
  libcli11-dev catch2 libbenchmark-dev python3-matplotlib)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then exit 0; fi
echo "setup: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

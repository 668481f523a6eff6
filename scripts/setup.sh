#!/usr/bin/env bash
# Installs the Debian packages clustersim needs; does nothing when all are present.
#   scripts/setup.sh          what the build, the tests and the figure scripts need
#   scripts/setup.sh --fuzz   also clang-14 and libclang-rt-14-dev (libFuzzer), for scripts/fuzz.sh
set -euo pipefail
packages=(build-essential cmake libboost-graph-dev nlohmann-json3-dev libeigen3-dev libfmt-dev
  libcli11-dev catch2 libbenchmark-dev python3-matplotlib)
while (($#)); do
  case "$1" in
    --fuzz) packages+=(clang-14 libclang-rt-14-dev); shift ;;
    *) echo "setup.sh: unknown argument '$1' (--fuzz)" >&2; exit 2 ;;
  esac
done
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

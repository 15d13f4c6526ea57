#!/usr/bin/env python3
"""Times numpy's float32 SGD step of the 784-H-10 swish MLP (softmax cross-entropy), the CPU baseline
of issue 15: the same step as this project's engines (MATH.md's formulas, the batch mean, one update).

    python3 scripts/numpy-step.py --batch 64,512 --hidden 128,1024 [--rounds 5] [--json]

Prints, per size, the median ms per step over the rounds (each round times enough steps to last
about 0.2 s). numpy's threads follow its BLAS (OPENBLAS_NUM_THREADS and the like).
"""
import argparse
import json
import time

import numpy as np


def step(W1, b1, W2, b2, X, onehot, lr):
    """One SGD step in place; returns the batch's mean loss before the update."""
    B = X.shape[0]
    V = X @ W1.T + b1                      # [B, H]
    s = 1.0 / (1.0 + np.exp(-V))
    Y = V * s                              # swish
    Z = Y @ W2.T + b2                      # [B, C]
    Z -= Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    P /= P.sum(axis=1, keepdims=True)
    loss = -np.log(np.maximum((P * onehot).sum(axis=1), 1e-30)).mean()
    GZ = (P - onehot) / B                  # softmax minus one-hot, the batch mean
    dW2 = GZ.T @ Y
    db2 = GZ.sum(axis=0)
    GV = (GZ @ W2) * (s * (1.0 + V * (1.0 - s)))   # swish'(v) = σ(v)(1 + v(1 − σ(v)))
    dW1 = GV.T @ X
    db1 = GV.sum(axis=0)
    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2
    return float(loss)


def time_size(B, H, rounds, D=784, C=10, seed=1):
    rng = np.random.default_rng(seed)
    f32 = np.float32
    W1 = (rng.standard_normal((H, D)) / np.sqrt(D)).astype(f32)
    b1 = np.zeros(H, f32)
    W2 = (rng.standard_normal((C, H)) / np.sqrt(H)).astype(f32)
    b2 = np.zeros(C, f32)
    X = rng.random((B, D), dtype=f32)
    onehot = np.eye(C, dtype=f32)[rng.integers(0, C, B)]
    lr = f32(0.01)
    for _ in range(3):
        step(W1, b1, W2, b2, X, onehot, lr)  # warm-up: allocations, BLAS threads
    per_round = []
    for _ in range(rounds):
        steps, start = 0, time.perf_counter()
        while True:
            step(W1, b1, W2, b2, X, onehot, lr)
            steps += 1
            elapsed = time.perf_counter() - start
            if elapsed > 0.2 and steps >= 3:
                break
        per_round.append(elapsed * 1000 / steps)
    return float(np.median(per_round))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--batch', default='64,512', help='batch sizes, comma-separated')
    parser.add_argument('--hidden', default='128,1024', help='hidden widths, comma-separated')
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--json', action='store_true', help='one JSON object instead of a table')
    args = parser.parse_args()
    sizes = [(int(b), int(h)) for b in args.batch.split(',') for h in args.hidden.split(',')]
    results = [{'batch': B, 'hidden': H, 'msPerStep': time_size(B, H, max(1, args.rounds))} for B, H in sizes]
    if args.json:
        print(json.dumps({'impl': 'numpy', 'numpy': np.__version__, 'results': results}))
        return
    print(f'numpy {np.__version__}, float32, 784-H-10 swish, one SGD step, median of {args.rounds} rounds')
    print('batch  hidden  ms/step')
    for r in results:
        print(f"{r['batch']:>5}  {r['hidden']:>6}  {r['msPerStep']:8.3f}")


if __name__ == '__main__':
    main()

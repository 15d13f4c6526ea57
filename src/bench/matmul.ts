// The matmul alone, per entry point: C = A·B with no transposes and no epilogue, ms per product
// (wall clock over as many products in one submit as last at least 5 ms, median of rounds)
// and TFLOP/s counting 2·M·N·K per product. `npm run cli -- bench --matmul 2048,512x1024x784`.
import { UserError } from '../base/errors';
import { storageBuffer } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { calibrate, timeRound } from '../gpu/tune';
import { Matmul, MATMUL_PATHS, type MatmulPath } from '../kernels/matmul';
import { Rng } from '../base/rng';
import { median } from './types';

export interface MatmulShape {
  M: number;
  N: number;
  K: number;
}

export interface MatmulResult extends MatmulShape {
  path: MatmulPath;
  /** Median over rounds of the time per product. */
  ms: number;
  tflops: number;
  /** Products per timed round. */
  repeats: number;
}

/** "2048" is 2048³; "512x1024x784" is M×N×K. */
export function parseMatmulShapes(text: string): MatmulShape[] {
  return text.split(',').map((part) => {
    const dims = part.trim().split('x').map(Number);
    const [M, N, K] = dims.length === 1 ? [dims[0]!, dims[0]!, dims[0]!] : dims;
    if (dims.length !== 1 && dims.length !== 3) throw new UserError(`--matmul '${part}': give S (S×S×S) or MxNxK`);
    for (const v of [M, N, K]) {
      if (!Number.isInteger(v) || v! < 1 || v! > 65536) throw new UserError(`--matmul '${part}': sizes must be whole numbers from 1 to 65536`);
    }
    return { M: M!, N: N!, K: K! };
  });
}

/** Times each entry point at each shape, one after the other on the same buffers. */
export async function benchMatmul(
  ctx: GpuContext,
  shapes: MatmulShape[],
  opts: { paths?: readonly MatmulPath[]; rounds?: number; onResult?: (r: MatmulResult) => void } = {},
): Promise<MatmulResult[]> {
  const { device } = ctx;
  const paths = opts.paths ?? MATMUL_PATHS;
  const kernel = await Matmul.create(device, {}, paths);
  const results: MatmulResult[] = [];
  for (const { M, N, K } of shapes) {
    const rng = new Rng(M + N + K);
    const random = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
    const A = storageBuffer(device, 'bench/matmul-A', random(M * K));
    const B = storageBuffer(device, 'bench/matmul-B', random(K * N));
    const C = storageBuffer(device, 'bench/matmul-C', M * N * 4);
    try {
      for (const path of paths) {
        const d = kernel.bind(`bench/matmul-${path}`, { A, B, C }, { M, N, K, path });
        try {
          const repeats = await calibrate(device, d);
          const rounds: number[] = [];
          for (let r = 0; r < (opts.rounds ?? 5); r++) rounds.push((await timeRound(device, d, repeats)) / repeats);
          const ms = median(rounds);
          const result = { M, N, K, path, ms, tflops: (2 * M * N * K) / (ms * 1e9), repeats };
          results.push(result);
          opts.onResult?.(result);
        } finally {
          d.uniform.destroy();
        }
      }
    } finally {
      for (const b of [A, B, C]) b.destroy();
    }
  }
  return results;
}

/** One row per shape and entry point. */
export function formatMatmulTable(results: MatmulResult[]): string {
  const rows = results.map((r) => [String(r.M), String(r.N), String(r.K), r.path, r.ms.toPrecision(3), r.tflops.toPrecision(3)]);
  const header = ['M', 'N', 'K', 'path', 'ms', 'TFLOP/s'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  return [header, ...rows].map((cells) => cells.map((x, c) => x.padStart(widths[c]!)).join('  ')).join('\n');
}

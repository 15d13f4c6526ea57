// The benchmark view in a real browser, on the browser's WebGPU adapter and the CPU engine's Web
// Worker: the current-model timing names the model it timed (every layer, the activation, D and C)
// and shows the speed-up, where each engine's step goes (the bars) and the submit, dispatch and readback overheads; a tiny sweep measures every cell and draws both charts; a cancelled sweep
// stops; the comparison with TensorFlow.js and jax-js, at a tiny size, has a row per implementation,
// timed or saying why not, and can be cancelled; nothing is logged as an error.
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { page } from 'vitest/browser';
import type { GpuContext } from '../src/gpu/device';
import { compareTables, notTimed } from '../src/ui/bench/bench-compare';
import { BenchView } from '../src/ui/bench/bench-view';
import { gpuContext } from './gpu-context';

const errors: string[] = [];
const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => errors.push(args.map(String).join(' ')));
afterAll(() => spy.mockRestore());

let ctx: GpuContext | null = null;
const host = document.createElement('div');
host.style.width = '700px';
document.body.append(host);

async function view(): Promise<BenchView> {
  ctx ??= await gpuContext();
  // The current model: two hidden layers of tanh on 6 inputs and 3 classes, not the sweep's 784-H-10 swish.
  const shape = { D: 6, hidden: [7, 5], C: 3, activation: 'tanh' as const };
  const v = new BenchView(host, {
    gpu: () => ctx,
    current: () => ({ size: { batch: 5, hidden: 7, shape } }),
    batches: [4, 9],
    hiddens: [3, 6],
    compareSizes: [{ batch: 8, hidden: 16 }],
  });
  onTestFinished(() => v.destroy()); // a test that fails leaves no card for the next one to read
  return v;
}

describe('benchmark view', () => {
  it('times the current model on GPU and CPU, with the speed-up, per-pass times and overheads', async () => {
    const v = await view();
    await v.runCurrent();
    expect(v.state).toBe('done');
    const text = host.querySelector('.view-bench')!.textContent!;
    expect(host.querySelector('.bench-model')!.textContent).toBe('Timed: 6-7-5-3 tanh, batch 5');
    expect(host.querySelectorAll('.view-bench button.view-button')).toHaveLength(4);
    // The answer in words, the faster engine named (SwiftShader here: a software GPU, and the sentence says so).
    const v0 = v.verdict!;
    expect(host.querySelector('.bench-speedup')!.textContent).toBe(v0.sentence);
    expect(v0.sentence).toMatch(
      /^Here the (GPU|CPU engine \(WebAssembly SIMD, \d+ threads?\)) trains this network [\d,.]+× faster than|^Here the GPU and the CPU engine/,
    );
    expect(v0.sentence).toMatch(/This GPU is SwiftShader, a software GPU/);
    expect(v0.sentence).not.toMatch(/0\.\d+×/);
    expect(text).toMatch(/CPU \(float32, \d+ threads?\)/);
    expect(text).toMatch(/per pass/);
    // Where each engine's step went: the GPU's passes and fixed cost, the CPU engine's passes, all timed.
    expect(v.bars!.map((b) => [b.engine, b.segments.map((s) => s.part).join(',')])).toEqual([
      ['gpu', 'forward,loss,backward,update,fixed'],
      ['cpu', 'forward,loss,backward,update'],
    ]);
    for (const b of v.bars!) expect(b.totalMs > 0 && Number.isFinite(b.totalMs), JSON.stringify(b)).toBe(true);
    expect(host.querySelectorAll('.view-bench .step-bars-row')).toHaveLength(2);
    expect(host.querySelectorAll('.view-bench .step-bars-legend li')).toHaveLength(5);
    expect(text).toMatch(/readback of 16 bytes/);
    // SwiftShader compiles one matmul entry point, so nothing is timed and every product says so.
    expect(text).toMatch(
      /Matmul entry points \(one rule: this adapter runs one\): layer1 block, layer2 block, layer3 block, dW3 block, db3 block, G2 block, dW2 block, db2 block, G1 block, dW1 block, db1 block/,
    );
    expect(text).toContain(ctx!.adapterName);
    v.destroy();
    expect(host.querySelector('.view-bench')).toBeNull();
  });

  it('runs a tiny sweep and draws time per step and speed-up', async () => {
    const v = await view();
    await v.runSweep();
    expect(v.state).toBe('done');
    expect(v.cells).toHaveLength(8);
    for (const c of v.cells) expect(c.msPerStep! > 0 && Number.isFinite(c.msPerStep), JSON.stringify(c)).toBe(true);
    expect(host.querySelectorAll('.bench-chart canvas').length).toBeGreaterThanOrEqual(2);
    // The crossover: against multiply-adds per step, the line at 1×, and a legend whose entries differ.
    const titles = [...host.querySelectorAll('.bench-chart .u-title')].map((t) => t.textContent);
    expect(titles).toEqual(['time per step (ms, log scale)', 'GPU speed-up by work per step: the crossover']);
    const [times, crossover] = [...host.querySelectorAll('.bench-chart')];
    const entries = (chart: Element) =>
      [...chart.querySelectorAll('.u-legend .u-series')].slice(1).map((row) => {
        const marker = row.querySelector<HTMLElement>('.u-marker')!;
        return `${marker.style.borderColor} ${marker.style.borderStyle}`;
      });
    for (const chart of [times!, crossover!]) {
      const seen = entries(chart);
      expect(new Set(seen).size, seen.join(' | ')).toBe(seen.length); // every entry told apart by colour and line style
    }
    expect([...crossover!.querySelectorAll('.u-legend .u-series .u-label')].map((l) => l.textContent)).toContain('1× (same speed)');
    await page.screenshot({ element: host, path: '../screenshots/bench-sweep.png' });
    v.destroy();
  });

  it('compares with TensorFlow.js and jax-js: a row per implementation, timed or saying why not, peers divided by ours of their kind', async () => {
    const v = await view();
    await v.runCompare();
    expect(v.state).toBe('done');
    expect(v.compared.map((r) => r.impl)).toEqual(['gpu', 'tfjs-webgpu', 'jax-webgpu', 'cpu', 'tfjs-wasm', 'jax-wasm']);
    for (const r of v.compared) {
      const timed = r.result !== null && r.result.msPerStep > 0 && Number.isFinite(r.result.msPerStep);
      expect(timed || /^not timed: .+/.test(r.note ?? ''), JSON.stringify(r)).toBe(true);
    }
    const rows = [...host.querySelectorAll<HTMLTableRowElement>('table.bench-compare tr[data-impl]')];
    expect(rows.map((tr) => tr.dataset.impl)).toEqual(v.compared.map((r) => r.impl));
    expect(host.querySelector('.bench-model')!.textContent).toBe('Compared: 784-16-10 swish, batch 8');
    const ratio = (impl: string) => rows.find((tr) => tr.dataset.impl === impl)!.cells[3]?.textContent ?? '';
    if (v.compared.find((r) => r.impl === 'tfjs-wasm')!.result) expect(ratio('tfjs-wasm')).toMatch(/^\d+\.\d\d× cpu$/);
    if (v.compared.find((r) => r.impl === 'jax-webgpu')!.result) expect(ratio('jax-webgpu')).toMatch(/^\d+\.\d\d× gpu$/);
    expect(ratio('gpu')).toBe('');
    v.destroy();
  });

  it('shows a peer that was not timed with the reason, across the row', () => {
    const size = { batch: 8, hidden: 16 };
    const refused = notTimed('jax-wasm', size, new Error('jax-wasm at 8x16: loss 2.3 at step 2, ours 2.2 (not timed)'));
    expect(refused.note).toBe('not timed: jax-wasm at 8x16: loss 2.3 at step 2, ours 2.2');
    const [, t] = compareTables([refused], [size]);
    const cell = t!.querySelector<HTMLTableCellElement>('tr[data-impl="jax-wasm"] td.bench-not-timed')!;
    expect(cell.textContent).toBe(refused.note);
    expect(cell.colSpan).toBe(3);
  });

  it('a cancelled comparison stops', async () => {
    const v = await view();
    const run = v.runCompare();
    v.cancel();
    await run;
    expect(v.state).toBe('cancelled');
    expect(v.compared.length).toBeLessThan(6);
    v.destroy();
  });

  it('a cancelled sweep stops', async () => {
    const v = await view();
    const run = v.runSweep();
    v.cancel();
    await run;
    expect(v.state).toBe('cancelled');
    expect(v.cells.length).toBeLessThan(8);
    v.destroy();
    expect(errors).toEqual([]);
  });

  // Last in the file: the peers it gives up on still run in the background for a while.
  it('gives up on a peer that takes longer than its time limit, says so in its row, and goes on', async () => {
    ctx ??= await gpuContext();
    const v = new BenchView(host, {
      gpu: () => ctx,
      current: () => ({ size: { batch: 4, hidden: 3 } }),
      compareSizes: [{ batch: 8, hidden: 16 }],
      peerTimeLimitMs: 1,
    });
    await v.runCompare();
    expect(v.state).toBe('done');
    expect(v.compared.map((r) => r.impl)).toEqual(['gpu', 'tfjs-webgpu', 'jax-webgpu', 'cpu', 'tfjs-wasm', 'jax-wasm']);
    const givenUp = 'not timed: no result within 0.001 s (it may still be running)';
    for (const r of v.compared) {
      if (r.impl === 'gpu' || r.impl === 'cpu')
        expect(r.result?.msPerStep).toBeGreaterThan(0); // ours have no limit
      else if (r.impl.endsWith('webgpu'))
        expect(r.note, r.impl).toBe(givenUp); // they wait for the GPU: the timer fires first
      // A CPU peer whose library is already loaded may finish without ever yielding to the timer.
      else expect(r.note === givenUp || (r.result?.msPerStep ?? 0) > 0, r.impl).toBe(true);
    }
    v.destroy();
  });
});

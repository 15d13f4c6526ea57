// A promise client for the float32 CPU engine's Web Worker (cpu-worker.ts): one request at a time per call,
// matched by id; terminate() stops a running measurement at once (the sweep's cancel button).
import type { CpuBenchRequest, CpuBenchResponse } from './cpu-worker';
import type { BenchProtocol, BenchResult, BenchSize, PhaseTimes } from './types';

export class CpuWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: BenchResult | PhaseTimes) => void; reject: (e: Error) => void }>();

  /** Times the CPU engine's step at one size, in the worker. */
  bench(size: BenchSize, protocol: BenchProtocol): Promise<BenchResult> {
    return this.ask({ size, protocol }) as Promise<BenchResult>;
  }

  /** Times each pass of the CPU engine's step alone at one size (cpuPhaseTimes), in the worker. */
  passes(size: BenchSize, protocol: BenchProtocol): Promise<PhaseTimes> {
    return this.ask({ size, protocol, passes: true }) as Promise<PhaseTimes>;
  }

  private ask(request: Omit<CpuBenchRequest, 'id'>): Promise<BenchResult | PhaseTimes> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...request } satisfies CpuBenchRequest);
    });
  }

  /** Stops the worker; pending measurements fail. A later bench() starts a fresh one. */
  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const w of this.waiting.values()) w.reject(new DOMException('CPU benchmark cancelled', 'AbortError'));
    this.waiting.clear();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module', name: 'cpu-engine' });
    worker.onmessage = (e: MessageEvent<CpuBenchResponse>) => {
      const w = this.waiting.get(e.data.id);
      if (!w) return;
      this.waiting.delete(e.data.id);
      if ('error' in e.data) w.reject(new Error(e.data.error));
      else w.resolve(e.data.result);
    };
    worker.onerror = (e) => {
      for (const w of this.waiting.values()) w.reject(new Error(`CPU worker failed: ${e.message}`));
      this.waiting.clear();
    };
    return (this.worker = worker);
  }
}

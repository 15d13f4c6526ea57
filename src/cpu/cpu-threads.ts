// The CPU engine's threads: Web Workers in a page, worker threads in Node, all on one shared
// WebAssembly memory; or, where memory cannot be shared (a page that is not cross-origin isolated),
// a single thread on the caller's own. A job is started by a word in shared memory and finishes
// when every thread has counted itself done; nothing is posted per job.
import { cpuThreadMain, type CpuJobRunner, type CpuThreadLayout } from './cpu-thread';
import type { CpuThreadStart } from './cpu-thread-worker';
import { CONTROL, JOB } from './wasm-memory';

/** The threads this machine offers (navigator.hardwareConcurrency, or Node's availableParallelism). */
export async function hardwareThreads(): Promise<number> {
  const fromNavigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (fromNavigator) return fromNavigator;
  if (isNode()) {
    const os = await import(/* @vite-ignore */ 'node:os');
    return os.availableParallelism();
  }
  return 1;
}

/** Whether this runs in Node (not a page, nor a worker of one). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

/** Atomics.waitAsync (ES2024; in Chromium and Node 20), which this project's TypeScript lib predates. */
interface AtomicsWithWaitAsync {
  waitAsync(view: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

interface ThreadHandle {
  terminate(): void;
  /** Node: whether the thread keeps the process alive (a pending Atomics.waitAsync does not). */
  hold?(alive: boolean): void;
}

export class CpuThreads {
  private constructor(
    readonly count: number,
    private readonly memory: WebAssembly.Memory,
    private readonly control: Int32Array,
    private readonly handles: ThreadHandle[],
    private readonly inline: CpuJobRunner | null,
  ) {}

  /** `count` threads on `memory` (shared when count > 1). */
  static async start(memory: WebAssembly.Memory, module: WebAssembly.Module, layout: CpuThreadLayout, count: number): Promise<CpuThreads> {
    const control = new Int32Array(memory.buffer, layout.control, 16);
    if (count === 1) return new CpuThreads(1, memory, control, [], cpuThreadMain(memory, module, layout, 0, 1, true)!);
    const handles: ThreadHandle[] = [];
    try {
      for (let tid = 0; tid < count; tid++) handles.push(await spawn({ memory, module, layout, tid, threads: count }));
    } catch (error) {
      for (const h of handles) h.terminate();
      throw error;
    }
    return new CpuThreads(count, memory, control, handles, null);
  }

  /** Set by stop(): a job waiting then ends with an error instead of waiting for ever. */
  private stopped = false;

  /** Runs a job (JOB.TRAIN steps, JOB.FORWARD rows, JOB.PASS repeats of pass `pass`) on every thread; resolves when all are done. */
  async run(kind: number, count: number, t0: number, pass = 0): Promise<void> {
    if (this.stopped) throw new Error('the CPU engine was stopped');
    const ctl = this.control;
    if (this.inline) {
      this.inline(kind, count, t0, pass);
    } else {
      Atomics.store(ctl, CONTROL.DONE, 0);
      Atomics.store(ctl, CONTROL.FAILED, 0);
      Atomics.store(ctl, CONTROL.KIND, kind);
      Atomics.store(ctl, CONTROL.COUNT, count);
      Atomics.store(ctl, CONTROL.T0, t0);
      Atomics.store(ctl, CONTROL.PASS, pass);
      Atomics.add(ctl, CONTROL.SEQ, 1);
      Atomics.notify(ctl, CONTROL.SEQ);
      // Idle threads leave Node free to exit; one holds it while a job runs, or it would exit mid-job.
      this.handles[0]!.hold?.(true);
      try {
        for (;;) {
          const done = Atomics.load(ctl, CONTROL.DONE);
          if (done >= this.count) break; // more only after stop(), from a thread not yet gone
          const wait = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(ctl, CONTROL.DONE, done);
          if (wait.async) await wait.value;
        }
      } finally {
        this.handles[0]!.hold?.(false);
      }
      if (this.stopped) throw new Error('the CPU engine was stopped');
    }
    if (Atomics.load(ctl, CONTROL.FAILED)) {
      Atomics.store(ctl, CONTROL.FAILED, 0);
      throw new Error('the CPU engine failed in its WebAssembly (a thread trapped)');
    }
  }

  /** Ends the threads. */
  stop(): void {
    this.stopped = true;
    if (this.inline) return;
    Atomics.store(this.control, CONTROL.KIND, JOB.QUIT);
    Atomics.add(this.control, CONTROL.SEQ, 1);
    Atomics.notify(this.control, CONTROL.SEQ);
    for (const h of this.handles) h.terminate();
    // A job in flight would wait for ever for threads that are gone (and keep the memory alive): wake it.
    Atomics.store(this.control, CONTROL.DONE, this.count);
    Atomics.notify(this.control, CONTROL.DONE);
  }

  /** The memory the threads share. */
  get buffer(): ArrayBufferLike {
    return this.memory.buffer;
  }
}

async function spawn(start: CpuThreadStart): Promise<ThreadHandle> {
  if (isNode()) {
    const { Worker } = await import(/* @vite-ignore */ 'node:worker_threads');
    // The thread's code is cpuThreadMain's own text (it is self-contained), so that no file needs locating.
    const code = `const { workerData, parentPort } = require('node:worker_threads');
parentPort.postMessage('ready');
(${cpuThreadMain.toString()})(workerData.memory, workerData.module, workerData.layout, workerData.tid, workerData.threads, false);`;
    const worker = new Worker(code, { eval: true, workerData: start });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    worker.unref();
    return { terminate: () => void worker.terminate(), hold: (alive) => void (alive ? worker.ref() : worker.unref()) };
  }
  const worker = new Worker(new URL('./cpu-thread-worker.ts', import.meta.url), { type: 'module', name: `cpu-thread-${start.tid}` });
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => reject(new Error(`a CPU engine thread failed to start: ${e.message}`));
    worker.postMessage(start);
  });
  return { terminate: () => worker.terminate() };
}
